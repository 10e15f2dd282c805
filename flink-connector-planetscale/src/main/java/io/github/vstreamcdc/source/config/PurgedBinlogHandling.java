package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Locale;

/**
 * What a shard's reader does when the binlog no longer holds the shard's position (purged by the
 * binlog retention while the job was stopped or behind; option {@code
 * scan.purged-binlog.handling}).
 */
@PublicEvolving
public enum PurgedBinlogHandling {
    /** The job fails, naming the shard, the position and the lost transactions: the default. */
    FAIL,

    /**
     * The shard's tables are copied again from the shard's current state (VStream's copy phase) and
     * then streamed; the other shards read on. At-least-once for that shard: its rows come again as
     * snapshot rows, and a row deleted while the changes were lost is never deleted downstream.
     */
    RE_SNAPSHOT;

    /** The option value: the name in lower case, with '-' for '_'. */
    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The option value, so that Flink's enum options parse and print it. */
    @Override
    public String toString() {
        return value();
    }
}
