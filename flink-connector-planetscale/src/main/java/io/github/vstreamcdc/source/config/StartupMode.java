package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Locale;

/** Where a new job starts reading (a restored job always resumes from its checkpoint). */
@PublicEvolving
public enum StartupMode {
    /** Copy phase (a consistent snapshot of the tables), then the binlog, with no gap. */
    INITIAL,
    /** Copy phase only; the source is bounded and the job finishes. */
    SNAPSHOT,
    /**
     * From each shard's oldest retained binlog position (its purged GTID set), without a snapshot.
     */
    EARLIEST_OFFSET,
    /** From each shard's position at job start, resolved once and kept in state. */
    LATEST_OFFSET,
    /** From given per-shard GTID positions. */
    SPECIFIC_OFFSET,
    /**
     * From each shard's first change committed at or after a time: streams from the oldest retained
     * position and skips the earlier changes (commit times have whole-second resolution).
     */
    TIMESTAMP;

    /** The option value, as in {@code scan.startup.mode}: the name in lower case with dashes. */
    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The option value, so that Flink's enum options parse and print it. */
    @Override
    public String toString() {
        return value();
    }
}
