package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.PublicEvolving;

/** Where a new job starts reading (a restored job always resumes from its checkpoint). */
@PublicEvolving
public enum StartupMode {
    /** Copy phase (a consistent snapshot of the tables), then the binlog, with no gap. */
    INITIAL("initial"),
    /** Copy phase only; the source is bounded and the job finishes. */
    SNAPSHOT("snapshot"),
    /** From each shard's position at job start, resolved once and kept in state. */
    LATEST_OFFSET("latest-offset"),
    /** From given per-shard GTID positions. */
    SPECIFIC_OFFSET("specific-offset");

    private final String value;

    StartupMode(String value) {
        this.value = value;
    }

    /** The option value, as in {@code scan.startup.mode}. */
    public String value() {
        return value;
    }

    /** The option value, so that Flink's enum options parse and print it. */
    @Override
    public String toString() {
        return value;
    }
}
