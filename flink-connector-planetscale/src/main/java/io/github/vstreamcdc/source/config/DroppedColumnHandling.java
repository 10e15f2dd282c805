package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Locale;

/**
 * What a declared column becomes when a schema change drops it (or renames it away) while the job
 * runs (option {@code schema-change.dropped-column}).
 */
@PublicEvolving
public enum DroppedColumnHandling {
    /** The job fails, naming the table, shard, position and column: the default. */
    FAIL,
    /** The column is NULL in the rows that follow (it must be declared nullable). */
    NULL;

    /** The option value: the name in lower case. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The option value, so that Flink's enum options parse and print it. */
    @Override
    public String toString() {
        return value();
    }
}
