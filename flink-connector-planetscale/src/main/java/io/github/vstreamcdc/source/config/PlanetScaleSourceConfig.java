package io.github.vstreamcdc.source.config;

import io.github.vstreamcdc.source.filter.RowFilter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_INCREMENTAL_SNAPSHOT_CHUNK_SIZE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_INCREMENTAL_SNAPSHOT_ENABLED;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_NEWLY_ADDED_TABLE_ENABLED;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_PURGED_BINLOG_HANDLING;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_READ_CHANGELOG_AS_APPEND_ONLY_ENABLED;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_SCHEMA_CHECK_ENABLED;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_SHARD_DISCOVERY_INTERVAL;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_STARTUP_MODE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_TABLE_DISCOVERY_INTERVAL;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_WATERMARK_HEARTBEAT_DELAY;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCHEMA_CHANGE_DROPPED_COLUMN;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SERVER_TIME_ZONE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SHARDS;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TABLET_TYPE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TLS_CA_CERT;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TLS_CLIENT_CERT;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TLS_CLIENT_KEY;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TLS_ENABLED;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.USERNAME;

/**
 * The validated options of one source: what the enumerator, the readers and the SQL table need,
 * with the defaults resolved (PlanetScale's for a {@code psdb.cloud} host). Both the DataStream
 * builder and the SQL factory make it through {@link #from}, which checks every option and reports
 * all problems in one message. The password never appears in {@link #toString()}.
 */
@Internal
public final class PlanetScaleSourceConfig implements Serializable {

    private static final long serialVersionUID = 2L;

    /** The options as given (text values), for equality and to rebuild a source from them. */
    private final Configuration options;

    private final VitessConnectionOptions connection;
    private final String keyspace;
    private final TableSelection tables;
    private final boolean newlyAddedTables;
    private final Duration tableDiscoveryInterval;
    private final List<String> shards;
    private final ReadRange readRange;
    private final Duration heartbeatInterval;
    private final Duration watermarkHeartbeatDelay;
    private final Duration shardDiscoveryInterval;
    private final Duration stallTimeout;
    private final ZoneId serverTimeZone;
    private final boolean schemaCheck;
    private final boolean appendOnly;
    private final DroppedColumnHandling droppedColumns;
    private final PurgedBinlogHandling purgedBinlog;
    private final int incrementalSnapshotChunkSize;
    private final List<String> columns;
    private final RowFilter rowFilter;

    private PlanetScaleSourceConfig(
            Configuration options, OptionReader reader, VitessConnectionOptions connection) {
        this.options = options;
        this.connection = connection;
        this.keyspace = reader.text(KEYSPACE);
        this.tables = TableSelection.read(reader, keyspace);
        this.shards = shardsFrom(reader);
        this.readRange = ReadRange.read(reader, keyspace, shards, System.currentTimeMillis());
        this.newlyAddedTables = newlyAddedTables(reader, readRange);
        this.tableDiscoveryInterval = tableDiscoveryInterval(reader);
        this.watermarkHeartbeatDelay = watermarkDelay(reader);
        Duration heartbeat = heartbeat(reader);
        if (heartbeat != null && heartbeat.isZero() && watermarkHeartbeatDelay != null) {
            // Without heartbeats an idle shard's watermark would never move.
            reader.problem(
                    "Option '%s' is 0 (no heartbeats), but option '%s' is set: idle shards move"
                            + " their watermark on heartbeats; leave '%s' unset (1 s) or give it"
                            + " at least 1 s",
                    HEARTBEAT_INTERVAL.key(),
                    SCAN_WATERMARK_HEARTBEAT_DELAY.key(),
                    HEARTBEAT_INTERVAL.key());
        }
        this.heartbeatInterval =
                heartbeat == null && watermarkHeartbeatDelay != null
                        ? Duration.ofSeconds(1)
                        : heartbeat;
        this.shardDiscoveryInterval = discoveryInterval(reader);
        this.stallTimeout = stallTimeout(reader);
        this.serverTimeZone = zone(reader);
        // A wrong value is told by the reader (null here): the default until then.
        this.schemaCheck = !Boolean.FALSE.equals(reader.bool(SCAN_SCHEMA_CHECK_ENABLED));
        this.appendOnly =
                Boolean.TRUE.equals(reader.bool(SCAN_READ_CHANGELOG_AS_APPEND_ONLY_ENABLED));
        this.droppedColumns =
                reader.enumValue(SCHEMA_CHANGE_DROPPED_COLUMN, DroppedColumnHandling.class);
        this.purgedBinlog =
                reader.enumValue(SCAN_PURGED_BINLOG_HANDLING, PurgedBinlogHandling.class);
        this.incrementalSnapshotChunkSize = incrementalSnapshot(reader, readRange);
        this.columns = null;
        this.rowFilter = null;
    }

    private PlanetScaleSourceConfig(
            PlanetScaleSourceConfig base, List<String> columns, RowFilter rowFilter) {
        this.rowFilter = rowFilter;
        this.options = base.options;
        this.connection = base.connection;
        this.keyspace = base.keyspace;
        this.tables = base.tables;
        this.newlyAddedTables = base.newlyAddedTables;
        this.tableDiscoveryInterval = base.tableDiscoveryInterval;
        this.shards = base.shards;
        this.readRange = base.readRange;
        this.heartbeatInterval = base.heartbeatInterval;
        this.watermarkHeartbeatDelay = base.watermarkHeartbeatDelay;
        this.shardDiscoveryInterval = base.shardDiscoveryInterval;
        this.stallTimeout = base.stallTimeout;
        this.serverTimeZone = base.serverTimeZone;
        this.schemaCheck = base.schemaCheck;
        this.appendOnly = base.appendOnly;
        this.droppedColumns = base.droppedColumns;
        this.purgedBinlog = base.purgedBinlog;
        this.incrementalSnapshotChunkSize = base.incrementalSnapshotChunkSize;
        this.columns =
                columns == null ? null : Collections.unmodifiableList(new ArrayList<>(columns));
    }

    /**
     * Reads and checks the options of {@link PlanetScaleSourceOptions}.
     *
     * @throws IllegalArgumentException listing every problem, each naming its option
     */
    public static PlanetScaleSourceConfig from(ReadableConfig options) {
        List<String> problems = new ArrayList<>();
        PlanetScaleSourceConfig config = from(options, problems);
        if (config == null) {
            throw new IllegalArgumentException(message(problems));
        }
        return config;
    }

    /** Like {@link #from(ReadableConfig)}, but adds the problems to a list; null if any. */
    public static PlanetScaleSourceConfig from(ReadableConfig options, List<String> problems) {
        List<ConfigOption<?>> all = new ArrayList<>(PlanetScaleSourceOptions.REQUIRED);
        all.addAll(PlanetScaleSourceOptions.OPTIONAL);
        Configuration copy = copyOf(options, all);
        OptionReader reader = new OptionReader(copy);
        reader.required(HOSTNAME);
        reader.required(KEYSPACE);
        VitessConnectionOptions connection = connection(reader);
        PlanetScaleSourceConfig config = new PlanetScaleSourceConfig(copy, reader, connection);
        problems.addAll(reader.problems());
        return problems.isEmpty() ? config : null;
    }

    /**
     * Reads and checks only the options of {@link PlanetScaleSourceOptions#CONNECTION}, with the
     * same rules and messages as {@link #from(ReadableConfig)}; other options are ignored.
     *
     * @throws IllegalArgumentException listing every problem, each naming its option
     */
    public static VitessConnectionOptions connectionFrom(ReadableConfig options) {
        OptionReader reader =
                new OptionReader(copyOf(options, PlanetScaleSourceOptions.CONNECTION));
        VitessConnectionOptions connection = connectionFrom(reader);
        if (!reader.problems().isEmpty()) {
            throw new IllegalArgumentException(message(reader.problems()));
        }
        return connection;
    }

    /**
     * The connection options read with another source's reader, which collects their problems with
     * its own; the options are unusable if it has any.
     */
    public static VitessConnectionOptions connectionFrom(OptionReader reader) {
        reader.required(HOSTNAME);
        return connection(reader);
    }

    /** The one message for a list of problems. */
    public static String message(List<String> problems) {
        return "Invalid PlanetScale source configuration: " + String.join("; ", problems);
    }

    /** This configuration, reading only these columns (projection); null for all. */
    public PlanetScaleSourceConfig withColumns(List<String> columns) {
        return new PlanetScaleSourceConfig(this, columns, rowFilter);
    }

    /** This configuration, with conditions VStream filters rows by (push-down); null for none. */
    public PlanetScaleSourceConfig withRowFilter(RowFilter rowFilter) {
        return new PlanetScaleSourceConfig(this, columns, rowFilter);
    }

    /**
     * Those of the given options that are set: typed where Flink can read them (a value set through
     * the builder stays what it was, e.g. a negative duration), as text where not, so that {@link
     * OptionReader} says what is wrong with it.
     */
    private static Configuration copyOf(ReadableConfig options, List<ConfigOption<?>> all) {
        Configuration copy = new Configuration();
        for (ConfigOption<?> option : all) {
            copyOne(options, option, copy);
        }
        return copy;
    }

    private static <V> void copyOne(ReadableConfig from, ConfigOption<V> option, Configuration to) {
        try {
            from.getOptional(option).ifPresent(value -> to.set(option, value));
        } catch (IllegalArgumentException e) {
            // kept under the option's own key, so that the reader names it
            ConfigOption<String> text =
                    ConfigOptions.key(option.key()).stringType().noDefaultValue();
            from.getOptional(OptionReader.asText(option)).ifPresent(value -> to.set(text, value));
        }
    }

    /**
     * Why a hostname is a URL or an address with a port rather than a host (gRPC would say only
     * that it found no resolver for it); null if it is not. An IPv6 address has several colons.
     */
    @Nullable
    static String notAHostName(@Nullable String hostname) {
        if (hostname == null) {
            return null;
        }
        if (hostname.contains("://")) {
            return "without a scheme";
        }
        if (hostname.contains("/")) {
            return "without a path";
        }
        int colon = hostname.indexOf(':');
        if (colon >= 0 && colon == hostname.lastIndexOf(':')) {
            return "without a port";
        }
        return null;
    }

    private static VitessConnectionOptions connection(OptionReader reader) {
        String hostname = reader.text(HOSTNAME);
        String notAHost = notAHostName(hostname);
        if (notAHost != null) {
            reader.problem(
                    "Option '%s' = '%s': expected a host name or an IP address, %s (the ports are"
                            + " '%s' and '%s')",
                    HOSTNAME.key(), hostname, notAHost, PORT.key(), MYSQL_PORT.key());
        }
        boolean planetScale = PlanetScaleEdge.isPlanetScaleHost(hostname);
        Integer port = reader.port(PORT);
        Integer mysqlPort = reader.port(MYSQL_PORT);
        TabletType tabletType = reader.enumValue(TABLET_TYPE, TabletType.class);
        String username = reader.raw(USERNAME);
        ConnectionSecurity security = security(reader, planetScale, username);
        Duration keepAlive = reader.duration(GRPC_KEEPALIVE_INTERVAL);
        if (keepAlive != null
                && (keepAlive.isNegative()
                        || (!keepAlive.isZero() && keepAlive.getSeconds() < 10))) {
            reader.problem(
                    "Option '%s' is %d ms; expected at least 10 s (gRPC's minimum), or 0 for none",
                    GRPC_KEEPALIVE_INTERVAL.key(), keepAlive.toMillis());
        }
        Duration connectTimeout = reader.duration(CONNECT_TIMEOUT);
        if (connectTimeout != null && (connectTimeout.isZero() || connectTimeout.isNegative())) {
            reader.problem("Option '%s' must be positive", CONNECT_TIMEOUT.key());
        }
        MemorySize maxMessage = reader.memory(GRPC_MAX_INBOUND_MESSAGE_SIZE);
        if (maxMessage != null
                && (maxMessage.getBytes() < 4L * 1024 * 1024
                        || maxMessage.getBytes() > Integer.MAX_VALUE)) {
            reader.problem(
                    "Option '%s' is %d bytes; it must be between 4 mb and 2 gb",
                    GRPC_MAX_INBOUND_MESSAGE_SIZE.key(), maxMessage.getBytes());
        }
        Integer reconnects = reader.integer(RECONNECT_MAX_ATTEMPTS);
        if (reconnects != null && reconnects < 0) {
            reader.problem(
                    "Option '%s' is %d; expected 0 or more",
                    RECONNECT_MAX_ATTEMPTS.key(), reconnects);
        }
        if (!reader.problems().isEmpty()) {
            return null;
        }
        String cells = reader.text(CELLS);
        return VitessConnectionOptions.builder()
                .hostname(hostname)
                .grpcPort(port != null ? port : PlanetScaleEdge.grpcPort(planetScale))
                .mysqlPort(mysqlPort != null ? mysqlPort : PlanetScaleEdge.mysqlPort(planetScale))
                .username(username)
                .password(reader.raw(PASSWORD))
                .tabletType(tabletType.toProto())
                .cells(cells != null ? cells : PlanetScaleEdge.cells(planetScale))
                .maxInboundMessageBytes((int) maxMessage.getBytes())
                .connectTimeout(connectTimeout)
                .reconnectMaxAttempts(reconnects)
                .security(security)
                .keepAliveInterval(keepAlive)
                .build();
    }

    private static ConnectionSecurity security(
            OptionReader reader, boolean planetScale, String username) {
        String caCert = reader.text(TLS_CA_CERT);
        String clientCert = reader.text(TLS_CLIENT_CERT);
        String clientKey = reader.text(TLS_CLIENT_KEY);
        boolean anyClientFile = clientCert != null || clientKey != null;
        if (anyClientFile && (clientCert == null || clientKey == null)) {
            reader.problem(
                    "'%s' and '%s' must be set together",
                    TLS_CLIENT_CERT.key(), TLS_CLIENT_KEY.key());
        }
        Boolean tlsOption = reader.bool(TLS_ENABLED);
        boolean tls =
                tlsOption != null ? tlsOption : planetScale || caCert != null || anyClientFile;
        if (!tls && (caCert != null || anyClientFile)) {
            reader.problem(
                    "'%s' is false, but '%s', '%s' or '%s' is set",
                    TLS_ENABLED.key(),
                    TLS_CA_CERT.key(),
                    TLS_CLIENT_CERT.key(),
                    TLS_CLIENT_KEY.key());
        }
        AuthMethod auth = reader.enumValue(AUTH_METHOD, AuthMethod.class);
        if (auth == null && reader.text(AUTH_METHOD) == null) {
            auth = PlanetScaleEdge.authMethod(planetScale, tls, !isBlank(username));
        }
        if (auth != null && auth != AuthMethod.NONE && isBlank(username)) {
            reader.problem(
                    "'%s' is '%s' but '%s' is not set",
                    AUTH_METHOD.key(), auth.value(), USERNAME.key());
        }
        return auth == null
                ? null
                : new ConnectionSecurity(tls, caCert, clientCert, clientKey, auth);
    }

    /**
     * The {@code shards} option, for this source and the messaging source alike: an empty entry
     * (e.g. {@code '-80,,80-'}) is a problem, not dropped, as it most likely stands for a shard
     * forgotten; empty when unset, meaning all shards.
     */
    public static List<String> shardsFrom(OptionReader reader) {
        String value = reader.text(SHARDS);
        if (value == null) {
            return Collections.emptyList();
        }
        List<String> shards = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String shard = part.trim();
            if (shard.isEmpty()) {
                reader.problem(
                        "Option '%s' = '%s' has an empty shard name; expected shards separated by"
                                + " commas, like '-80,80-'",
                        SHARDS.key(), value);
                return Collections.emptyList();
            }
            if (!shards.contains(shard)) {
                shards.add(shard);
            }
        }
        return Collections.unmodifiableList(shards);
    }

    private static Duration stallTimeout(OptionReader reader) {
        Duration timeout = reader.duration(RECONNECT_STALL_TIMEOUT);
        if (timeout == null) {
            return RECONNECT_STALL_TIMEOUT.defaultValue();
        }
        if (!timeout.isZero() && (timeout.isNegative() || timeout.getSeconds() < 1)) {
            reader.problem(
                    "Option '%s' is %d ms; expected at least 1 s, or 0 for off",
                    RECONNECT_STALL_TIMEOUT.key(), timeout.toMillis());
        }
        return timeout;
    }

    private static Duration heartbeat(OptionReader reader) {
        Duration heartbeat = reader.duration(HEARTBEAT_INTERVAL);
        if (heartbeat != null
                && !heartbeat.isZero()
                && (heartbeat.isNegative() || heartbeat.getSeconds() < 1)) {
            reader.problem(
                    "Option '%s' is %d ms; it must be at least 1 s (VStream counts seconds), or 0"
                            + " for off",
                    HEARTBEAT_INTERVAL.key(), heartbeat.toMillis());
        }
        return heartbeat;
    }

    private static Duration watermarkDelay(OptionReader reader) {
        Duration delay = reader.duration(SCAN_WATERMARK_HEARTBEAT_DELAY);
        if (delay != null && delay.isNegative()) {
            reader.problem(
                    "Option '%s' must not be negative", SCAN_WATERMARK_HEARTBEAT_DELAY.key());
        }
        return delay;
    }

    /** Flink reads a duration without a unit as milliseconds: "60" is 60 ms. */
    private static final String UNITS_HINT =
            " (a number without a unit is milliseconds: write '60 s')";

    private static Duration discoveryInterval(OptionReader reader) {
        Duration interval = reader.duration(SCAN_SHARD_DISCOVERY_INTERVAL);
        if (interval != null
                && !interval.isZero()
                && (interval.isNegative() || interval.getSeconds() < 1)) {
            reader.problem(
                    "Option '%s' is %d ms; expected at least 1 s, or 0 to look only at the start"
                            + UNITS_HINT,
                    SCAN_SHARD_DISCOVERY_INTERVAL.key(),
                    interval.toMillis());
        }
        return interval;
    }

    private static ZoneId zone(OptionReader reader) {
        String zone = reader.text(SERVER_TIME_ZONE);
        if (zone == null) {
            return ZoneId.of(SERVER_TIME_ZONE.defaultValue());
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            reader.problem(
                    "Option '%s' = '%s' is not a time zone: %s",
                    SERVER_TIME_ZONE.key(), zone, e.getMessage());
            return null;
        }
    }

    private static boolean newlyAddedTables(OptionReader reader, ReadRange range) {
        Boolean enabled = reader.bool(SCAN_NEWLY_ADDED_TABLE_ENABLED);
        if (enabled == null || !enabled || range == null) {
            return false;
        }
        if (range.isBounded()) {
            reader.problem(
                    "Option '%s' needs an unbounded read: not startup mode 'snapshot' nor a"
                            + " '%s'; a bounded read reads the tables that match when it starts",
                    SCAN_NEWLY_ADDED_TABLE_ENABLED.key(), SCAN_BOUNDED_MODE.key());
        }
        return true;
    }

    /** The chunk size of the incremental snapshot; 0 when it is off. */
    private static int incrementalSnapshot(OptionReader reader, ReadRange range) {
        Integer chunkSize = reader.integer(SCAN_INCREMENTAL_SNAPSHOT_CHUNK_SIZE);
        if (chunkSize != null && chunkSize < 1) {
            reader.problem(
                    "Option '%s' is %d; expected a positive number of rows",
                    SCAN_INCREMENTAL_SNAPSHOT_CHUNK_SIZE.key(), chunkSize);
        }
        Boolean enabled = reader.bool(SCAN_INCREMENTAL_SNAPSHOT_ENABLED);
        if (enabled == null || !enabled || chunkSize == null || chunkSize < 1) {
            return 0;
        }
        if (range != null
                && range.startupMode() != null // a wrong value: told already
                && range.startupMode() != StartupMode.INITIAL
                && range.startupMode() != StartupMode.SNAPSHOT) {
            reader.problem(
                    "Option '%s' needs a snapshot: '%s' must be 'initial' or 'snapshot', not '%s'",
                    SCAN_INCREMENTAL_SNAPSHOT_ENABLED.key(),
                    SCAN_STARTUP_MODE.key(),
                    range.startupMode()
                            .toString()
                            .toLowerCase(java.util.Locale.ROOT)
                            .replace('_', '-'));
        }
        return chunkSize;
    }

    private static Duration tableDiscoveryInterval(OptionReader reader) {
        Duration interval = reader.duration(SCAN_TABLE_DISCOVERY_INTERVAL);
        if (interval != null && (interval.isNegative() || interval.getSeconds() < 1)) {
            reader.problem(
                    "Option '%s' is %d ms; expected at least 1 s" + UNITS_HINT,
                    SCAN_TABLE_DISCOVERY_INTERVAL.key(),
                    interval.toMillis());
        }
        return interval;
    }

    /** The options as given, as text: a builder fed with them makes an equal configuration. */
    public Configuration options() {
        return new Configuration(options);
    }

    public VitessConnectionOptions connection() {
        return connection;
    }

    public String keyspace() {
        return keyspace;
    }

    /** The tables to read. */
    public TableSelection tables() {
        return tables;
    }

    /**
     * Whether tables that match later (created while running, or matched by a wider selection after
     * a restore) are copied and then read too.
     */
    public boolean newlyAddedTables() {
        return newlyAddedTables;
    }

    /** How often to look for new tables when {@link #newlyAddedTables()}. */
    public Duration tableDiscoveryInterval() {
        return tableDiscoveryInterval;
    }

    /** The shards to read; empty means all shards of the keyspace. */
    public List<String> shards() {
        return shards;
    }

    public StartupMode startupMode() {
        return readRange.startupMode();
    }

    /** Shard name to GTID position, for {@link StartupMode#SPECIFIC_OFFSET}; empty otherwise. */
    public Map<String, String> specificOffsets() {
        return readRange.startOffsets();
    }

    /** Where a new job starts and where the shards stop. */
    public ReadRange readRange() {
        return readRange;
    }

    /**
     * How long a shard's stream past its snapshot may deliver nothing while the shard commits
     * before it is opened again; zero when off.
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /** Null when heartbeats are off. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * How far below a heartbeat's time an idle shard's watermark moves; null when heartbeats do not
     * move watermarks.
     */
    public Duration watermarkHeartbeatDelay() {
        return watermarkHeartbeatDelay;
    }

    /** Null or zero when shards are discovered only at start. */
    public Duration shardDiscoveryInterval() {
        return shardDiscoveryInterval;
    }

    /** The time zone of the MySQL servers, for TIMESTAMP columns read as Flink TIMESTAMP. */
    public ZoneId serverTimeZone() {
        return serverTimeZone;
    }

    /** Whether the SQL table checks its declared columns against the database when planned. */
    public boolean schemaCheck() {
        return schemaCheck;
    }

    /** Whether the SQL table emits every change as an INSERT (an insert-only table). */
    public boolean readChangelogAsAppendOnly() {
        return appendOnly;
    }

    /** Whether the snapshot is read in primary-key chunks ({@code scan.incremental-snapshot.*}). */
    public boolean incrementalSnapshot() {
        return incrementalSnapshotChunkSize > 0;
    }

    /** Rows per chunk of the incremental snapshot; 0 when it is off. */
    public int incrementalSnapshotChunkSize() {
        return incrementalSnapshotChunkSize;
    }

    /** What a declared column becomes when a schema change drops it (SQL). */
    public DroppedColumnHandling droppedColumnHandling() {
        return droppedColumns;
    }

    /** What a shard's reader does when the binlog no longer holds the shard's position. */
    public PurgedBinlogHandling purgedBinlogHandling() {
        return purgedBinlog;
    }

    /** The columns to ask VStream for (projection); null for all. */
    public List<String> columns() {
        return columns;
    }

    /** The conditions VStream filters rows by (filter push-down); null for none. */
    public RowFilter rowFilter() {
        return rowFilter;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PlanetScaleSourceConfig)) {
            return false;
        }
        PlanetScaleSourceConfig that = (PlanetScaleSourceConfig) o;
        return options.toMap().equals(that.options.toMap())
                && Objects.equals(columns, that.columns)
                && Objects.equals(rowFilter, that.rowFilter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(options.toMap(), columns, rowFilter);
    }

    @Override
    public String toString() {
        return "PlanetScaleSourceConfig{"
                + connection
                + ", keyspace="
                + keyspace
                + ", "
                + tables
                + ", shards="
                + (shards.isEmpty() ? "all" : shards)
                + ", "
                + readRange
                + (columns == null ? "" : ", columns=" + columns)
                + (rowFilter == null ? "" : ", where=" + rowFilter)
                + '}';
    }

    private static boolean isBlank(String s) {
        return s == null || s.trim().isEmpty();
    }
}
