package io.github.vstreamcdc.source;

import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.config.BoundedMode;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.PurgedBinlogHandling;
import io.github.vstreamcdc.source.config.SpecificOffsets;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.source.filter.RowFilter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.AUTH_METHOD;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.CELLS;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.CONNECT_TIMEOUT;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.GRPC_KEEPALIVE_INTERVAL;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.GRPC_MAX_INBOUND_MESSAGE_SIZE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.HEARTBEAT_INTERVAL;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.HOSTNAME;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.KEYSPACE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.MYSQL_PORT;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.PASSWORD;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.PORT;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.RECONNECT_MAX_ATTEMPTS;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.RECONNECT_STALL_TIMEOUT;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_BOUNDED_MODE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_BOUNDED_SPECIFIC_OFFSET;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_BOUNDED_TIMESTAMP_MILLIS;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_INCREMENTAL_SNAPSHOT_CHUNK_SIZE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_INCREMENTAL_SNAPSHOT_ENABLED;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_NEWLY_ADDED_TABLE_ENABLED;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_PURGED_BINLOG_HANDLING;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_SHARD_DISCOVERY_INTERVAL;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_STARTUP_MODE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_STARTUP_SPECIFIC_OFFSET;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_STARTUP_TIMESTAMP_MILLIS;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SHARDS;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TABLES;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TABLES_EXCLUDE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TABLET_TYPE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TABLE_NAME;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TLS_CA_CERT;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TLS_CLIENT_CERT;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TLS_CLIENT_KEY;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TLS_ENABLED;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.USERNAME;

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

    /** {@code tablet-type} is an enum option, but the builder has always taken its name. */
    private static final ConfigOption<String> TABLET_TYPE_TEXT = text(TABLET_TYPE);

    private final Configuration options = new Configuration();
    private Map<String, String> specificOffsets;
    private List<String> columns;
    private RowFilter rowFilter;
    private VStreamDeserializationSchema<T> deserializer;

    PlanetScaleSourceBuilder() {}

    /**
     * Sets any option of {@link PlanetScaleSourceOptions} (the same keys and meaning as the SQL
     * connector's); {@code null} unsets it. The named setters below are shortcuts for it.
     */
    public <V> PlanetScaleSourceBuilder<T> option(ConfigOption<V> option, V value) {
        if (value == null) {
            options.removeConfig(option);
        } else {
            options.set(option, value);
        }
        return this;
    }

    /** Sets every option given, e.g. the options of a SQL table or a job's configuration. */
    public PlanetScaleSourceBuilder<T> options(Configuration given) {
        options.addAll(given);
        return this;
    }

    /**
     * VTGate host, or the PlanetScale edge host ({@code <region>.connect.psdb.cloud}). A {@code
     * psdb.cloud} host changes the defaults: ports 443 and 3306, TLS with the JVM's trust store,
     * {@link AuthMethod#BASIC} and cells {@code planetscale_operator_default}; each can still be
     * set.
     */
    public PlanetScaleSourceBuilder<T> hostname(String hostname) {
        return option(HOSTNAME, hostname);
    }

    /**
     * VTGate gRPC port; default 15991 ({@link PlanetScaleSourceOptions#PORT}) (443 for a
     * PlanetScale host).
     */
    public PlanetScaleSourceBuilder<T> port(int port) {
        return option(PORT, port);
    }

    /**
     * VTGate MySQL-protocol port, used for discovery; default 15306 (3306 for a PlanetScale host).
     */
    public PlanetScaleSourceBuilder<T> mysqlPort(int mysqlPort) {
        return option(MYSQL_PORT, mysqlPort);
    }

    /**
     * TLS on both endpoints (gRPC and MySQL); default off, on for a PlanetScale host. Without
     * {@link #tlsCaCertificate} the server is verified against the JVM's trust store.
     */
    public PlanetScaleSourceBuilder<T> tls(boolean enabled) {
        return option(TLS_ENABLED, enabled);
    }

    /** A PEM file of the CA(s) to trust instead of the JVM's trust store; implies TLS. */
    public PlanetScaleSourceBuilder<T> tlsCaCertificate(String pemPath) {
        return option(TLS_CA_CERT, pemPath);
    }

    /**
     * A client certificate (PEM) and its private key (PKCS#8 PEM) for mutual TLS; implies TLS. The
     * files must exist on every machine that runs the job.
     */
    public PlanetScaleSourceBuilder<T> tlsClientCertificate(String certPemPath, String keyPemPath) {
        option(TLS_CLIENT_CERT, certPemPath);
        return option(TLS_CLIENT_KEY, keyPemPath);
    }

    /**
     * How the gRPC calls carry {@link #username}/{@link #password}. Default: {@link
     * AuthMethod#NONE} without a username; with one, {@link AuthMethod#BASIC} for a PlanetScale
     * host and {@link AuthMethod#VITESS_STATIC} otherwise (a VTGate without gRPC auth ignores it).
     * The MySQL side always logs in with them.
     */
    public PlanetScaleSourceBuilder<T> authMethod(AuthMethod authMethod) {
        return option(AUTH_METHOD, authMethod);
    }

    /**
     * gRPC keepalive ping interval (at least 10 s); {@link Duration#ZERO} for none; default 30 s.
     */
    public PlanetScaleSourceBuilder<T> keepAliveInterval(Duration interval) {
        return option(GRPC_KEEPALIVE_INTERVAL, interval);
    }

    public PlanetScaleSourceBuilder<T> username(String username) {
        return option(USERNAME, username);
    }

    public PlanetScaleSourceBuilder<T> password(String password) {
        return option(PASSWORD, password);
    }

    /** The keyspace (database) to read. */
    public PlanetScaleSourceBuilder<T> keyspace(String keyspace) {
        return option(KEYSPACE, keyspace);
    }

    /** A table name, or a regular expression matching the names of several tables. */
    public PlanetScaleSourceBuilder<T> tableName(String tableName) {
        return option(TABLE_NAME, tableName);
    }

    /**
     * Instead of {@link #tableName}: the tables to read, as Java regular expressions over whole
     * {@code keyspace.table} names (e.g. {@code "customer\\.orders", "customer\\.item_.*"}); the
     * tables may have different schemas. Option {@code tables}.
     */
    public PlanetScaleSourceBuilder<T> tableList(String... regexes) {
        return option(TABLES, regexes.length == 0 ? null : String.join(",", regexes));
    }

    /**
     * With {@link #tableList}: tables not to read, as regular expressions over {@code
     * keyspace.table}. Option {@code tables.exclude}.
     */
    public PlanetScaleSourceBuilder<T> excludedTableList(String... regexes) {
        return option(TABLES_EXCLUDE, regexes.length == 0 ? null : String.join(",", regexes));
    }

    /**
     * Also read tables that match later: created while the job runs, or matched by a wider
     * selection when restored from a savepoint; each is copied, then streamed. Option {@code
     * scan.newly-added-table.enabled}.
     */
    public PlanetScaleSourceBuilder<T> scanNewlyAddedTableEnabled(boolean enabled) {
        return option(SCAN_NEWLY_ADDED_TABLE_ENABLED, enabled);
    }

    /**
     * Reads the snapshot in primary-key chunks of {@code chunkSize} rows, spread over all readers
     * (see {@code scan.incremental-snapshot.enabled}).
     */
    public PlanetScaleSourceBuilder<T> incrementalSnapshot(int chunkSize) {
        option(SCAN_INCREMENTAL_SNAPSHOT_ENABLED, true);
        return option(SCAN_INCREMENTAL_SNAPSHOT_CHUNK_SIZE, chunkSize);
    }

    /** Read only these shards (e.g. {@code -80}); default all shards of the keyspace. */
    public PlanetScaleSourceBuilder<T> shards(String... shards) {
        return option(SHARDS, shards.length == 0 ? null : String.join(",", shards));
    }

    /** {@code PRIMARY} (default), {@code REPLICA} or {@code RDONLY}. */
    public PlanetScaleSourceBuilder<T> tabletType(String tabletType) {
        return option(TABLET_TYPE_TEXT, tabletType);
    }

    /**
     * Cells to stream from (comma-separated); default VTGate's own cell ({@code
     * planetscale_operator_default} for a PlanetScale host).
     */
    public PlanetScaleSourceBuilder<T> cells(String cells) {
        return option(CELLS, cells);
    }

    public PlanetScaleSourceBuilder<T> startupMode(StartupMode startupMode) {
        return option(SCAN_STARTUP_MODE, startupMode);
    }

    /**
     * Start at these positions (implies {@link StartupMode#SPECIFIC_OFFSET}): shard name to GTID
     * set, e.g. {@code "-80" -> "MySQL56/0e2b...:1-42"}.
     */
    public PlanetScaleSourceBuilder<T> specificOffsets(Map<String, String> offsets) {
        this.specificOffsets = new LinkedHashMap<>(offsets);
        return option(SCAN_STARTUP_MODE, StartupMode.SPECIFIC_OFFSET);
    }

    /**
     * Start from each shard's first change committed at or after this time, in milliseconds since
     * 1970-01-01 UTC (implies {@link StartupMode#TIMESTAMP}). Binlog commit times have whole
     * seconds: the time counts from the start of its second.
     */
    public PlanetScaleSourceBuilder<T> startupTimestampMillis(long epochMillis) {
        option(SCAN_STARTUP_MODE, StartupMode.TIMESTAMP);
        return option(SCAN_STARTUP_TIMESTAMP_MILLIS, epochMillis);
    }

    /**
     * Where each shard stops; any mode but {@link BoundedMode#UNBOUNDED} makes the source bounded.
     * {@link #boundedSpecificOffsets} and {@link #boundedTimestampMillis} set the mode themselves.
     */
    public PlanetScaleSourceBuilder<T> boundedMode(BoundedMode boundedMode) {
        return option(SCAN_BOUNDED_MODE, boundedMode);
    }

    /**
     * Stop each shard at this GTID position, inclusive (implies {@link
     * BoundedMode#SPECIFIC_OFFSET}): shard name to GTID set, e.g. {@code "-80" ->
     * "MySQL56/0e2b...:1-42"}.
     */
    public PlanetScaleSourceBuilder<T> boundedSpecificOffsets(Map<String, String> offsets) {
        option(SCAN_BOUNDED_MODE, BoundedMode.SPECIFIC_OFFSET);
        return option(SCAN_BOUNDED_SPECIFIC_OFFSET, SpecificOffsets.toFlatJson(offsets));
    }

    /**
     * Stop each shard before its first change committed at or after this time, in milliseconds
     * since 1970-01-01 UTC (implies {@link BoundedMode#TIMESTAMP}); whole seconds, as for {@link
     * #startupTimestampMillis}.
     */
    public PlanetScaleSourceBuilder<T> boundedTimestampMillis(long epochMillis) {
        option(SCAN_BOUNDED_MODE, BoundedMode.TIMESTAMP);
        return option(SCAN_BOUNDED_TIMESTAMP_MILLIS, epochMillis);
    }

    /** Ask VTGate for a heartbeat after this much idleness, keeping idle shards' lag fresh. */
    public PlanetScaleSourceBuilder<T> heartbeatInterval(Duration interval) {
        return option(HEARTBEAT_INTERVAL, interval);
    }

    /** Look for new shards this often; off by default. */
    public PlanetScaleSourceBuilder<T> shardDiscoveryInterval(Duration interval) {
        return option(SCAN_SHARD_DISCOVERY_INTERVAL, interval);
    }

    /** The largest gRPC message accepted; copy batches exceed gRPC's 4 MiB default. */
    public PlanetScaleSourceBuilder<T> maxInboundMessageBytes(int bytes) {
        return option(GRPC_MAX_INBOUND_MESSAGE_SIZE, new MemorySize(bytes));
    }

    public PlanetScaleSourceBuilder<T> connectTimeout(Duration timeout) {
        return option(CONNECT_TIMEOUT, timeout);
    }

    /**
     * How many times in a row a shard's VStream may fail with a transient error (VTGate
     * unreachable, connection lost) before the job fails; default 10, 0 fails on the first error.
     * Reconnects back off from 0.5 s to 5 s; the count restarts once the stream makes progress.
     */
    public PlanetScaleSourceBuilder<T> reconnectMaxAttempts(int attempts) {
        return option(RECONNECT_MAX_ATTEMPTS, attempts);
    }

    /**
     * Open a PRIMARY stream again when, past its snapshot, it has delivered nothing for this long
     * while the shard committed transactions it lacks (after a failover VTGate waits 30 s before it
     * looks for a new tablet); default 10 s, zero is off.
     */
    public PlanetScaleSourceBuilder<T> reconnectStallTimeout(Duration timeout) {
        return option(RECONNECT_STALL_TIMEOUT, timeout);
    }

    /**
     * What a shard's reader does when the binlog no longer holds the shard's position (purged while
     * the job was stopped or behind): fail (the default), or copy the shard's tables again from its
     * current state and stream on, at-least-once for that shard (a row deleted while the changes
     * were lost is not deleted downstream). Not for bounded reads.
     */
    public PlanetScaleSourceBuilder<T> purgedBinlogHandling(PurgedBinlogHandling handling) {
        return option(SCAN_PURGED_BINLOG_HANDLING, handling);
    }

    /** Ask VStream only for these columns (a plain table name only). */
    public PlanetScaleSourceBuilder<T> columns(List<String> columns) {
        this.columns = columns == null ? null : new ArrayList<>(columns);
        return this;
    }

    /**
     * Let VStream filter rows by these conditions (a plain table name only); the SQL connector's
     * filter push-down sets it.
     */
    @Internal
    public PlanetScaleSourceBuilder<T> rowFilter(RowFilter rowFilter) {
        this.rowFilter = rowFilter;
        return this;
    }

    public PlanetScaleSourceBuilder<T> deserializer(VStreamDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Checks the settings and builds the source. */
    public PlanetScaleSource<T> build() {
        List<String> problems = new ArrayList<>();
        PlanetScaleSourceConfig config = PlanetScaleSourceConfig.from(resolvedOptions(), problems);
        if (deserializer == null) {
            problems.add("a deserializer is required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(PlanetScaleSourceConfig.message(problems));
        }
        return new PlanetScaleSource<>(
                config.withColumns(columns).withRowFilter(rowFilter), deserializer);
    }

    /**
     * The checked configuration without a deserializer, for checks that connect before a source is
     * built.
     *
     * @throws IllegalArgumentException saying which settings are wrong
     */
    @Internal
    public PlanetScaleSourceConfig buildConfig() {
        return PlanetScaleSourceConfig.from(resolvedOptions())
                .withColumns(columns)
                .withRowFilter(rowFilter);
    }

    /** The connection settings with the defaults resolved; see {@link #buildConfig()}. */
    @Internal
    public VitessConnectionOptions buildConnectionOptions() {
        return buildConfig().connection();
    }

    /**
     * The options with {@link #specificOffsets} (written here, once the keyspace is known; a
     * startup mode set after them is then refused as for the SQL options, not ignored).
     */
    private Configuration resolvedOptions() {
        Configuration resolved = new Configuration(options);
        if (specificOffsets != null) {
            String keyspace = resolved.get(KEYSPACE);
            resolved.set(
                    SCAN_STARTUP_SPECIFIC_OFFSET,
                    SpecificOffsets.toJson(
                            keyspace == null ? null : keyspace.trim(), specificOffsets));
        }
        return resolved;
    }

    private static ConfigOption<String> text(ConfigOption<?> option) {
        return ConfigOptions.key(option.key()).stringType().noDefaultValue();
    }
}
