package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Locale;

/**
 * Where each shard's reading stops (option {@code scan.bounded.mode}). With a stop the source is
 * bounded: the job finishes once every shard, including the shards a reshard creates, reached its
 * stop.
 */
@PublicEvolving
public enum BoundedMode {
    /** No stop: the source runs until cancelled. */
    UNBOUNDED,
    /** Each shard stops at its position at job start, resolved once and kept in state. */
    LATEST_OFFSET,
    /** Each shard stops at a given GTID position. */
    SPECIFIC_OFFSET,
    /**
     * Each shard stops before its first change committed at or after a time (whole seconds), or,
     * when idle, once a heartbeat shows that time has passed and it read all it had then.
     */
    TIMESTAMP;

    /** The option value, as in {@code scan.bounded.mode}: the name in lower case with dashes. */
    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The option value, so that Flink's enum options parse and print it. */
    @Override
    public String toString() {
        return value();
    }
}
