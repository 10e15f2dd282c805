CREATE TABLE products (
  id BIGINT NOT NULL,
  name VARCHAR(255),
  price DECIMAL(10,2),
  updated_at TIMESTAMP(3) NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
