package io.github.vstreamcdc.source;

import io.github.vstreamcdc.source.client.VitessConnectionOptions;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.VStreamDeserializationSchema;
import io.github.vstreamcdc.vitess.proto.Topodata;

import org.apache.flink.annotation.PublicEvolving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Builds a {@link PlanetScaleSource}. Required: {@link #hostname}, {@link #keyspace}, {@link
 * #tableName} and {@link #deserializer}; {@link #build()} checks everything and says what is wrong.
 *
 * <pre>{@code
 * PlanetScaleSource<RowData> source = PlanetScaleSource.<RowData>builder()
 *     .hostname("localhost").port(15991).mysqlPort(15306)
 *     .keyspace("commerce").tableName("products")
 *     .startupMode(StartupMode.INITIAL)
 *     .deserializer(new JsonDeserializationSchema())
 *     .build();
 * }</pre>
 */
@PublicEvolving
public final class PlanetScaleSourceBuilder<T> {

    public static final int DEFAULT_GRPC_PORT = 15991;
    public static final int DEFAULT_MYSQL_PORT = 15306;
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

    private String hostname;
    private int port = DEFAULT_GRPC_PORT;
    private int mysqlPort = DEFAULT_MYSQL_PORT;
    private String username;
    private String password;
    private String keyspace;
    private String tableName;
    private List<String> shards = Collections.emptyList();
    private String tabletType = "PRIMARY";
    private String cells;
    private StartupMode startupMode = StartupMode.INITIAL;
    private Map<String, String> specificOffsets = Collections.emptyMap();
    private Duration heartbeatInterval;
    private Duration shardDiscoveryInterval;
    private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private int reconnectMaxAttempts = VitessConnectionOptions.DEFAULT_RECONNECT_MAX_ATTEMPTS;
    private List<String> columns;
    private VStreamDeserializationSchema<T> deserializer;

    PlanetScaleSourceBuilder() {}

    /** VTGate host (or the PlanetScale edge host). */
    public PlanetScaleSourceBuilder<T> hostname(String hostname) {
        this.hostname = hostname;
        return this;
    }

    /** VTGate gRPC port; default 15991. */
    public PlanetScaleSourceBuilder<T> port(int port) {
        this.port = port;
        return this;
    }

    /** VTGate MySQL-protocol port, used for discovery; default 15306. */
    public PlanetScaleSourceBuilder<T> mysqlPort(int mysqlPort) {
        this.mysqlPort = mysqlPort;
        return this;
    }

    public PlanetScaleSourceBuilder<T> username(String username) {
        this.username = username;
        return this;
    }

    public PlanetScaleSourceBuilder<T> password(String password) {
        this.password = password;
        return this;
    }

    /** The keyspace (database) to read. */
    public PlanetScaleSourceBuilder<T> keyspace(String keyspace) {
        this.keyspace = keyspace;
        return this;
    }

    /** A table name, or a regular expression matching the names of several tables. */
    public PlanetScaleSourceBuilder<T> tableName(String tableName) {
        this.tableName = tableName;
        return this;
    }

    /** Read only these shards (e.g. {@code -80}); default all shards of the keyspace. */
    public PlanetScaleSourceBuilder<T> shards(String... shards) {
        this.shards = Arrays.asList(shards);
        return this;
    }

    /** {@code PRIMARY} (default), {@code REPLICA} or {@code RDONLY}. */
    public PlanetScaleSourceBuilder<T> tabletType(String tabletType) {
        this.tabletType = tabletType;
        return this;
    }

    /** Cells to stream from (comma-separated). */
    public PlanetScaleSourceBuilder<T> cells(String cells) {
        this.cells = cells;
        return this;
    }

    public PlanetScaleSourceBuilder<T> startupMode(StartupMode startupMode) {
        this.startupMode = startupMode;
        return this;
    }

    /**
     * Start at these positions (implies {@link StartupMode#SPECIFIC_OFFSET}): shard name to GTID
     * set, e.g. {@code "-80" -> "MySQL56/0e2b...:1-42"}.
     */
    public PlanetScaleSourceBuilder<T> specificOffsets(Map<String, String> offsets) {
        this.startupMode = StartupMode.SPECIFIC_OFFSET;
        this.specificOffsets = new LinkedHashMap<>(offsets);
        return this;
    }

    /** Ask VTGate for a heartbeat after this much idleness, keeping idle shards' lag fresh. */
    public PlanetScaleSourceBuilder<T> heartbeatInterval(Duration interval) {
        this.heartbeatInterval = interval;
        return this;
    }

    /** Look for new shards this often; off by default. */
    public PlanetScaleSourceBuilder<T> shardDiscoveryInterval(Duration interval) {
        this.shardDiscoveryInterval = interval;
        return this;
    }

    /** The largest gRPC message accepted; copy batches exceed gRPC's 4 MiB default. */
    public PlanetScaleSourceBuilder<T> maxInboundMessageBytes(int bytes) {
        this.maxInboundMessageBytes = bytes;
        return this;
    }

    public PlanetScaleSourceBuilder<T> connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /**
     * How many times in a row a shard's VStream may fail with a transient error (VTGate
     * unreachable, connection lost) before the job fails; default {@value
     * VitessConnectionOptions#DEFAULT_RECONNECT_MAX_ATTEMPTS}, 0 fails on the first error.
     * Reconnects back off from 0.5 s to 5 s; the count restarts once the stream makes progress.
     */
    public PlanetScaleSourceBuilder<T> reconnectMaxAttempts(int attempts) {
        this.reconnectMaxAttempts = attempts;
        return this;
    }

    /** Ask VStream only for these columns (a plain table name only). */
    public PlanetScaleSourceBuilder<T> columns(List<String> columns) {
        this.columns = columns == null ? null : new ArrayList<>(columns);
        return this;
    }

    public PlanetScaleSourceBuilder<T> deserializer(VStreamDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Checks the settings and builds the source. */
    public PlanetScaleSource<T> build() {
        List<String> problems = new ArrayList<>();
        if (isBlank(hostname)) {
            problems.add("'hostname' is required");
        }
        if (isBlank(keyspace)) {
            problems.add("'keyspace' is required");
        }
        if (isBlank(tableName)) {
            problems.add("'table-name' is required");
        } else {
            try {
                Pattern.compile(tableName);
            } catch (PatternSyntaxException e) {
                problems.add(
                        "'table-name' is not a valid regular expression: " + e.getDescription());
            }
        }
        checkPort("port", port, problems);
        checkPort("mysql.port", mysqlPort, problems);
        Topodata.TabletType type = null;
        String upperType = tabletType == null ? "" : tabletType.toUpperCase(Locale.ROOT);
        if (upperType.equals("PRIMARY")
                || upperType.equals("REPLICA")
                || upperType.equals("RDONLY")) {
            type = Topodata.TabletType.valueOf(upperType);
        } else {
            problems.add(
                    "'tablet-type' is '"
                            + tabletType
                            + "'; allowed values: PRIMARY, REPLICA, RDONLY");
        }
        if (startupMode == null) {
            problems.add("'scan.startup.mode' is required");
        } else if (startupMode == StartupMode.SPECIFIC_OFFSET && specificOffsets.isEmpty()) {
            problems.add(
                    "'scan.startup.mode' is 'specific-offset' but"
                            + " 'scan.startup.specific-offset' gives no positions");
        }
        for (Map.Entry<String, String> offset : specificOffsets.entrySet()) {
            String gtid = offset.getValue();
            if (gtid == null || !gtid.contains("/") || gtid.equals("current")) {
                problems.add(
                        "'scan.startup.specific-offset' for shard '"
                                + offset.getKey()
                                + "' is '"
                                + gtid
                                + "'; expected a GTID position like 'MySQL56/<uuid>:1-42'");
            }
        }
        if (heartbeatInterval != null
                && (heartbeatInterval.isNegative() || heartbeatInterval.getSeconds() < 1)
                && !heartbeatInterval.isZero()) {
            problems.add("'heartbeat.interval' must be at least 1 s (VStream counts seconds)");
        }
        if (maxInboundMessageBytes < 4 * 1024 * 1024) {
            problems.add("the max inbound message size must be at least 4 MiB");
        }
        if (reconnectMaxAttempts < 0) {
            problems.add("'reconnect.max-attempts' is " + reconnectMaxAttempts + "; expected >= 0");
        }
        if (deserializer == null) {
            problems.add("a deserializer is required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid PlanetScale source configuration: " + String.join("; ", problems));
        }
        VitessConnectionOptions connection =
                new VitessConnectionOptions(
                        hostname,
                        port,
                        mysqlPort,
                        username,
                        password,
                        type,
                        cells,
                        maxInboundMessageBytes,
                        connectTimeout,
                        reconnectMaxAttempts);
        PlanetScaleSourceConfig config =
                new PlanetScaleSourceConfig(
                        connection,
                        keyspace,
                        tableName,
                        shards,
                        startupMode,
                        specificOffsets,
                        heartbeatInterval,
                        shardDiscoveryInterval,
                        columns);
        return new PlanetScaleSource<>(config, deserializer);
    }

    private static void checkPort(String option, int value, List<String> problems) {
        if (value < 1 || value > 65535) {
            problems.add("'" + option + "' is " + value + "; expected 1-65535");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.trim().isEmpty();
    }
}
