CREATE TABLE orders (
  id BIGINT NOT NULL,
  customer_id BIGINT,
  amount DECIMAL(12,2),
  note TEXT,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
