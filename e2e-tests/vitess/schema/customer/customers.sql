CREATE TABLE customers (
  id BIGINT NOT NULL,
  email VARCHAR(255),
  balance BIGINT,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
