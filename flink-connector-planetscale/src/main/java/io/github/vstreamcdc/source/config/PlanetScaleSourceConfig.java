package io.github.vstreamcdc.source.config;

import io.github.vstreamcdc.source.client.VitessConnectionOptions;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Everything the enumerator and the readers need to know, validated by the builder. */
@Internal
public final class PlanetScaleSourceConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final VitessConnectionOptions connection;
    private final String keyspace;
    private final String tablePattern;
    private final List<String> shards;
    private final StartupMode startupMode;
    private final Map<String, String> specificOffsets;
    private final Duration heartbeatInterval;
    private final Duration shardDiscoveryInterval;
    private final List<String> columns;

    public PlanetScaleSourceConfig(
            VitessConnectionOptions connection,
            String keyspace,
            String tablePattern,
            List<String> shards,
            StartupMode startupMode,
            Map<String, String> specificOffsets,
            Duration heartbeatInterval,
            Duration shardDiscoveryInterval,
            List<String> columns) {
        this.connection = connection;
        this.keyspace = keyspace;
        this.tablePattern = tablePattern;
        this.shards = Collections.unmodifiableList(new ArrayList<>(shards));
        this.startupMode = startupMode;
        this.specificOffsets = Collections.unmodifiableMap(new LinkedHashMap<>(specificOffsets));
        this.heartbeatInterval = heartbeatInterval;
        this.shardDiscoveryInterval = shardDiscoveryInterval;
        this.columns = columns == null ? null : Collections.unmodifiableList(columns);
    }

    public VitessConnectionOptions connection() {
        return connection;
    }

    public String keyspace() {
        return keyspace;
    }

    /** A Java regular expression that table names must match as a whole. */
    public String tablePattern() {
        return tablePattern;
    }

    public Pattern compiledTablePattern() {
        return Pattern.compile(tablePattern);
    }

    /** The shards to read; empty means all shards of the keyspace. */
    public List<String> shards() {
        return shards;
    }

    public StartupMode startupMode() {
        return startupMode;
    }

    /** Shard name to GTID position, for {@link StartupMode#SPECIFIC_OFFSET}. */
    public Map<String, String> specificOffsets() {
        return specificOffsets;
    }

    /** Null when heartbeats are off. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** Null or zero when shards are discovered only at start. */
    public Duration shardDiscoveryInterval() {
        return shardDiscoveryInterval;
    }

    /** The columns to ask VStream for (projection); null for all. */
    public List<String> columns() {
        return columns;
    }

    @Override
    public String toString() {
        return "PlanetScaleSourceConfig{"
                + connection
                + ", keyspace="
                + keyspace
                + ", tables="
                + tablePattern
                + ", shards="
                + (shards.isEmpty() ? "all" : shards)
                + ", startup="
                + startupMode.value()
                + '}';
    }
}
