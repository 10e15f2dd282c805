-- A Vitess message table (sharded by id), read by the messaging source's tests (MessageSourceITCase).
-- vt_message_cols streams epoch too, so that redeliveries are flagged.
CREATE TABLE msg_sharded (
  id BIGINT NOT NULL,
  priority TINYINT NOT NULL DEFAULT 50,
  epoch BIGINT NOT NULL DEFAULT 0,
  time_next BIGINT DEFAULT 0,
  time_acked BIGINT DEFAULT NULL,
  time_created BIGINT DEFAULT NULL,
  payload VARCHAR(128),
  PRIMARY KEY (id),
  INDEX next_idx (time_next),
  INDEX poller_idx (time_acked, priority, time_next DESC)
) ENGINE=InnoDB COMMENT 'vitess_message,vt_message_cols=id|epoch|time_created|payload,vt_ack_wait=5,vt_min_backoff=1,vt_max_backoff=4,vt_purge_after=86400,vt_batch_size=100,vt_cache_size=10000,vt_poller_interval=1';
