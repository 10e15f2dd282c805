package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every option of the source, for the SQL connector ({@code 'connector' = 'planetscale-cdc'}) and
 * the DataStream builder ({@code PlanetScaleSourceBuilder#option}) alike. {@link
 * PlanetScaleSourceConfig} reads and checks them; adding an option means declaring it here (and
 * listing it in {@link #OPTIONAL}) and reading it there.
 *
 * <p>Options whose default depends on the host (a {@code psdb.cloud} host implies PlanetScale's
 * ports, TLS, auth and cell) show the self-hosted default here; {@link PlanetScaleSourceConfig}
 * applies the host's.
 */
@PublicEvolving
public final class PlanetScaleSourceOptions {

    private PlanetScaleSourceOptions() {}

    public static final ConfigOption<String> HOSTNAME =
            ConfigOptions.key("hostname")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Host of VTGate, or of the PlanetScale database"
                                    + " (<region>.connect.psdb.cloud). A psdb.cloud host changes"
                                    + " the defaults of 'port' (443), 'mysql.port' (3306),"
                                    + " 'tls.enabled' (true), 'auth.method' (basic) and 'cells'"
                                    + " (planetscale_operator_default).");

    public static final ConfigOption<Integer> PORT =
            ConfigOptions.key("port")
                    .intType()
                    .defaultValue(15991)
                    .withDescription(
                            "VTGate's gRPC port, which serves VStream (443 for a psdb.cloud"
                                    + " host).");

    public static final ConfigOption<Integer> MYSQL_PORT =
            ConfigOptions.key("mysql.port")
                    .intType()
                    .defaultValue(15306)
                    .withDescription(
                            "VTGate's MySQL-protocol port, used to discover shards and tables and"
                                    + " to check the declared schema (3306 for a psdb.cloud"
                                    + " host).");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "User name for VTGate (gRPC, as 'auth.method' says, and MySQL); for"
                                    + " PlanetScale the branch password's user name.");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password for VTGate; never logged or shown. For PlanetScale a"
                                    + " branch password (pscale_pw_...).");

    public static final ConfigOption<AuthMethod> AUTH_METHOD =
            ConfigOptions.key("auth.method")
                    .enumType(AuthMethod.class)
                    .noDefaultValue()
                    .withDescription(
                            "How the gRPC calls carry 'username' and 'password': 'none', 'basic'"
                                    + " (an HTTP Basic Authorization header: the PlanetScale edge,"
                                    + " HTTP proxies) or 'vitess-static' (Vitess' --grpc-auth-mode"
                                    + " static). Default: 'none' without a username, else 'basic'"
                                    + " for a psdb.cloud host and 'vitess-static' otherwise.");

    public static final ConfigOption<Boolean> TLS_ENABLED =
            ConfigOptions.key("tls.enabled")
                    .booleanType()
                    .noDefaultValue()
                    .withDescription(
                            "TLS on both VTGate endpoints (gRPC and MySQL). Default: true for a"
                                    + " psdb.cloud host or when a 'tls.*' file is set, else"
                                    + " false. The server is verified against 'tls.ca-cert', or"
                                    + " the JVM's trust store.");

    public static final ConfigOption<String> TLS_CA_CERT =
            ConfigOptions.key("tls.ca-cert")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of a PEM file with the CA certificate(s) to trust instead of"
                                    + " the JVM's trust store. Must exist on every machine that"
                                    + " runs the job.");

    public static final ConfigOption<String> TLS_CLIENT_CERT =
            ConfigOptions.key("tls.client-cert")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of a PEM client certificate (chain) for mutual TLS; needs"
                                    + " 'tls.client-key'.");

    public static final ConfigOption<String> TLS_CLIENT_KEY =
            ConfigOptions.key("tls.client-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of the PKCS#8 PEM private key of 'tls.client-cert'"
                                    + " (-----BEGIN PRIVATE KEY-----).");

    public static final ConfigOption<Duration> GRPC_KEEPALIVE_INTERVAL =
            ConfigOptions.key("grpc.keepalive-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How often gRPC pings VTGate on an idle connection, so that NATs and"
                                    + " proxies keep idle streams open (at least 10 s; 0 for"
                                    + " none).");

    public static final ConfigOption<String> KEYSPACE =
            ConfigOptions.key("keyspace")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The keyspace (database) to read.");

    public static final ConfigOption<String> TABLE_NAME =
            ConfigOptions.key("table-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The table to read, or a Java regular expression that matches the"
                                    + " whole names of several tables with the same schema.");

    public static final ConfigOption<String> TABLES =
            ConfigOptions.key("tables")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Instead of 'table-name': the tables to read, as comma-separated Java"
                                    + " regular expressions that match whole 'keyspace.table' names,"
                                    + " e.g. 'customer\\.orders,customer\\.item_.*'. The tables may"
                                    + " have different schemas; one VStream per shard reads them"
                                    + " all.");

    public static final ConfigOption<String> TABLES_EXCLUDE =
            ConfigOptions.key("tables.exclude")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "With 'tables': comma-separated regular expressions over"
                                    + " 'keyspace.table' of tables not to read, although 'tables'"
                                    + " matches them.");

    public static final ConfigOption<Boolean> SCAN_INCREMENTAL_SNAPSHOT_ENABLED =
            ConfigOptions.key("scan.incremental-snapshot.enabled")
                    .booleanType()
                    .defaultValue(false)
                    // Flink CDC's name, so that its users' tables keep working.
                    .withFallbackKeys("scan.incremental.snapshot.enabled")
                    .withDescription(
                            "Read the snapshot in primary-key chunks, in parallel over all readers"
                                    + " (also of one shard), each chunk by a SELECT joined to the"
                                    + " binlog by low and high watermarks, without locks; then"
                                    + " one binlog stream per shard continues. Tables without a"
                                    + " primary key, or with a key column that is floating point,"
                                    + " TIME, ENUM or case-insensitive text, are copied by VStream."
                                    + " Startup modes 'initial' and 'snapshot' only.");

    public static final ConfigOption<Integer> SCAN_INCREMENTAL_SNAPSHOT_CHUNK_SIZE =
            ConfigOptions.key("scan.incremental-snapshot.chunk.size")
                    .intType()
                    .defaultValue(8096)
                    // Flink CDC's name, so that its users' tables keep working.
                    .withFallbackKeys("scan.incremental.snapshot.chunk.size")
                    .withDescription(
                            "Rows per chunk of the incremental snapshot. A reader reads whole"
                                    + " chunks, about 16,000 rows at a time (at least one chunk),"
                                    + " and holds them until they are emitted.");

    public static final ConfigOption<Boolean> SCAN_NEWLY_ADDED_TABLE_ENABLED =
            ConfigOptions.key("scan.newly-added-table.enabled")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Also read tables that match later: tables created while the job runs,"
                                    + " and tables a wider 'table-name' or 'tables' matches when"
                                    + " the job is restored from a savepoint. Each is copied"
                                    + " (snapshot) and then streamed while the other tables keep"
                                    + " streaming. Unbounded reads only.");

    public static final ConfigOption<Duration> SCAN_TABLE_DISCOVERY_INTERVAL =
            ConfigOptions.key("scan.table-discovery.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "With 'scan.newly-added-table.enabled': how often to look for new"
                                    + " tables.");

    public static final ConfigOption<String> SHARDS =
            ConfigOptions.key("shards")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Comma-separated shards to read, e.g. '-80,80-'; default all shards.");

    public static final ConfigOption<TabletType> TABLET_TYPE =
            ConfigOptions.key("tablet-type")
                    .enumType(TabletType.class)
                    .defaultValue(TabletType.PRIMARY)
                    .withDescription("Type of tablet to stream from: PRIMARY, REPLICA or RDONLY.");

    public static final ConfigOption<String> CELLS =
            ConfigOptions.key("cells")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Comma-separated cells to stream from; default VTGate's own"
                                    + " (planetscale_operator_default for a psdb.cloud host).");

    public static final ConfigOption<StartupMode> SCAN_STARTUP_MODE =
            ConfigOptions.key("scan.startup.mode")
                    .enumType(StartupMode.class)
                    .defaultValue(StartupMode.INITIAL)
                    .withDescription(
                            "Where a new job starts: 'initial' (snapshot, then changes),"
                                    + " 'snapshot' (snapshot only, bounded), 'earliest-offset'"
                                    + " (changes from the oldest retained binlog position),"
                                    + " 'latest-offset' (changes from now on), 'specific-offset'"
                                    + " or 'timestamp' (changes committed from"
                                    + " 'scan.startup.timestamp-millis' on).");

    public static final ConfigOption<String> SCAN_STARTUP_SPECIFIC_OFFSET =
            ConfigOptions.key("scan.startup.specific-offset")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "For 'specific-offset': the GTID position of each shard as JSON,"
                                    + " {\"<keyspace>\": {\"<shard>\": \"MySQL56/<uuid>:1-42\"}}.");

    public static final ConfigOption<Long> SCAN_STARTUP_TIMESTAMP_MILLIS =
            ConfigOptions.key("scan.startup.timestamp-millis")
                    .longType()
                    .noDefaultValue()
                    .withDescription(
                            "For 'timestamp': the time to start from, in milliseconds since"
                                    + " 1970-01-01 UTC. Each shard starts with its first change"
                                    + " committed in that second or later (binlog times have"
                                    + " whole seconds).");

    public static final ConfigOption<BoundedMode> SCAN_BOUNDED_MODE =
            ConfigOptions.key("scan.bounded.mode")
                    .enumType(BoundedMode.class)
                    .defaultValue(BoundedMode.UNBOUNDED)
                    .withDescription(
                            "Where each shard stops, making the source bounded: 'unbounded' (no"
                                    + " stop), 'latest-offset' (its position at job start),"
                                    + " 'specific-offset' (positions of"
                                    + " 'scan.bounded.specific-offset') or 'timestamp' (before"
                                    + " the changes committed from 'scan.bounded.timestamp-millis'"
                                    + " on).");

    public static final ConfigOption<String> SCAN_BOUNDED_SPECIFIC_OFFSET =
            ConfigOptions.key("scan.bounded.specific-offset")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "For bounded 'specific-offset': the GTID position of each shard to"
                                    + " stop at (inclusive) as JSON,"
                                    + " {\"<shard>\": \"MySQL56/<uuid>:1-42\"}.");

    public static final ConfigOption<Long> SCAN_BOUNDED_TIMESTAMP_MILLIS =
            ConfigOptions.key("scan.bounded.timestamp-millis")
                    .longType()
                    .noDefaultValue()
                    .withDescription(
                            "For bounded 'timestamp': the time to stop at, in milliseconds since"
                                    + " 1970-01-01 UTC; changes committed in that second or"
                                    + " later are not read.");

    public static final ConfigOption<Duration> HEARTBEAT_INTERVAL =
            ConfigOptions.key("heartbeat.interval")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Ask VTGate for a heartbeat after this much idleness (at least 1 s,"
                                    + " whole seconds; 0 is off); default off.");

    public static final ConfigOption<Duration> SCAN_WATERMARK_HEARTBEAT_DELAY =
            ConfigOptions.key("scan.watermark.heartbeat-delay")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Let VTGate heartbeats advance the watermark of idle shards: on a"
                                    + " heartbeat of a shard with no open transaction, its"
                                    + " watermark moves to the heartbeat's time (whole seconds,"
                                    + " as commit times) minus this delay, as far as the stream"
                                    + " is known to have delivered every commit (checked against"
                                    + " the shard's executed GTID set on its PRIMARY). Set it to the"
                                    + " out-of-orderness of your watermark. Turns heartbeats on"
                                    + " ('heartbeat.interval' 1 s unless set). Default: off.");

    public static final ConfigOption<Duration> SCAN_SHARD_DISCOVERY_INTERVAL =
            ConfigOptions.key("scan.shard-discovery.interval")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Look for new shards (after a reshard) this often; default: only at"
                                    + " start.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("connect.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Timeout of connecting to VTGate, by gRPC and by the MySQL protocol.");

    public static final ConfigOption<Integer> RECONNECT_MAX_ATTEMPTS =
            ConfigOptions.key("reconnect.max-attempts")
                    .intType()
                    .defaultValue(10)
                    // Flink CDC's name, so that its users' tables keep working.
                    .withFallbackKeys("connect.max-retries")
                    .withDescription(
                            "How many times in a row a shard's stream may fail with a transient"
                                    + " error (VTGate unreachable, connection lost) before the job"
                                    + " fails; 0 fails on the first error. The count restarts once"
                                    + " the stream makes progress. The periodic looks for new"
                                    + " shards and tables may fail as often in a row.");

    public static final ConfigOption<Duration> RECONNECT_STALL_TIMEOUT =
            ConfigOptions.key("reconnect.stall-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Open a PRIMARY stream again when, past its snapshot, it has"
                                    + " delivered nothing for this long while the shard committed"
                                    + " transactions it lacks (checked with a query of the"
                                    + " shard's executed GTID set). After a failover VTGate waits"
                                    + " 30 s before it looks for a new tablet for a stream it"
                                    + " keeps open; a new stream finds it at once. Doubles after"
                                    + " a reopen; after two reopens without progress the stream"
                                    + " is left alone until it delivers again. 0 is off.");

    public static final ConfigOption<PurgedBinlogHandling> SCAN_PURGED_BINLOG_HANDLING =
            ConfigOptions.key("scan.purged-binlog.handling")
                    .enumType(PurgedBinlogHandling.class)
                    .defaultValue(PurgedBinlogHandling.FAIL)
                    .withDescription(
                            "What a shard's reader does when the binlog no longer holds its"
                                    + " position (purged while the job was stopped or behind):"
                                    + " 'fail' (the job fails, naming the shard, the position and"
                                    + " the lost transactions) or 're-snapshot' (the shard's"
                                    + " tables are copied again from the shard's current state,"
                                    + " then streamed; the other shards read on. At-least-once"
                                    + " for that shard: its rows come again as snapshot rows, and"
                                    + " a row deleted while the changes were lost is not deleted"
                                    + " downstream). Not for bounded reads, which fail.");

    public static final ConfigOption<MemorySize> GRPC_MAX_INBOUND_MESSAGE_SIZE =
            ConfigOptions.key("grpc.max-inbound-message-size")
                    .memoryType()
                    .defaultValue(MemorySize.ofMebiBytes(64))
                    .withDescription(
                            "The largest VStream message accepted (at least 4 mb); snapshot"
                                    + " batches of wide rows need more than gRPC's 4 MiB.");

    public static final ConfigOption<String> SERVER_TIME_ZONE =
            ConfigOptions.key("server-time-zone")
                    .stringType()
                    .defaultValue("UTC")
                    .withDescription(
                            "Time zone of the MySQL servers, e.g. 'UTC' or 'Europe/Berlin'. Used"
                                    + " only to read a MySQL TIMESTAMP into a column declared as"
                                    + " Flink TIMESTAMP (without time zone).");

    public static final ConfigOption<Boolean> SCAN_SCHEMA_CHECK_ENABLED =
            ConfigOptions.key("scan.schema-check.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Check when the query is planned, over VTGate's MySQL port, that the"
                                    + " table(s) and shards exist and that every declared column"
                                    + " exists and can be converted.");

    public static final ConfigOption<Boolean> SCAN_READ_CHANGELOG_AS_APPEND_ONLY_ENABLED =
            ConfigOptions.key("scan.read-changelog-as-append-only.enabled")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "SQL: emit every change as an INSERT (an update as two inserts, the"
                                    + " old and the new row; a delete as an insert of the deleted"
                                    + " row), so the table is insert-only, for sinks that accept"
                                    + " only inserts. The 'row_kind' metadata column keeps the"
                                    + " original kind.");

    public static final ConfigOption<DroppedColumnHandling> SCHEMA_CHANGE_DROPPED_COLUMN =
            ConfigOptions.key("schema-change.dropped-column")
                    .enumType(DroppedColumnHandling.class)
                    .defaultValue(DroppedColumnHandling.FAIL)
                    .withDescription(
                            "SQL: what a declared column becomes when a schema change drops it or"
                                    + " renames it away while the job runs: 'fail' (the job"
                                    + " fails, naming the table, shard, position and column) or"
                                    + " 'null' (NULL in the rows that follow; the column must be"
                                    + " declared nullable).");

    /**
     * The options that say where VTGate is and how to reach it (what {@link
     * PlanetScaleSourceConfig#connectionFrom} reads): a subset of {@link #REQUIRED} and {@link
     * #OPTIONAL}, in the order of the docs. The catalog takes these and passes them to its tables.
     */
    public static final List<ConfigOption<?>> CONNECTION =
            Collections.unmodifiableList(
                    Arrays.asList(
                            HOSTNAME,
                            PORT,
                            MYSQL_PORT,
                            USERNAME,
                            PASSWORD,
                            TABLET_TYPE,
                            CELLS,
                            AUTH_METHOD,
                            TLS_ENABLED,
                            TLS_CA_CERT,
                            TLS_CLIENT_CERT,
                            TLS_CLIENT_KEY,
                            GRPC_KEEPALIVE_INTERVAL,
                            CONNECT_TIMEOUT,
                            GRPC_MAX_INBOUND_MESSAGE_SIZE,
                            RECONNECT_MAX_ATTEMPTS));

    /** The options without which there is no source. */
    public static final List<ConfigOption<?>> REQUIRED =
            Collections.unmodifiableList(Arrays.asList(HOSTNAME, KEYSPACE));

    /** All other options, in the order of the docs. */
    public static final List<ConfigOption<?>> OPTIONAL =
            Collections.unmodifiableList(
                    Arrays.asList(
                            TABLE_NAME,
                            TABLES,
                            TABLES_EXCLUDE,
                            PORT,
                            MYSQL_PORT,
                            USERNAME,
                            PASSWORD,
                            SHARDS,
                            TABLET_TYPE,
                            CELLS,
                            AUTH_METHOD,
                            TLS_ENABLED,
                            TLS_CA_CERT,
                            TLS_CLIENT_CERT,
                            TLS_CLIENT_KEY,
                            GRPC_KEEPALIVE_INTERVAL,
                            SCAN_STARTUP_MODE,
                            SCAN_STARTUP_SPECIFIC_OFFSET,
                            SCAN_STARTUP_TIMESTAMP_MILLIS,
                            SCAN_BOUNDED_MODE,
                            SCAN_BOUNDED_SPECIFIC_OFFSET,
                            SCAN_BOUNDED_TIMESTAMP_MILLIS,
                            HEARTBEAT_INTERVAL,
                            SCAN_WATERMARK_HEARTBEAT_DELAY,
                            SCAN_SHARD_DISCOVERY_INTERVAL,
                            SCAN_INCREMENTAL_SNAPSHOT_ENABLED,
                            SCAN_INCREMENTAL_SNAPSHOT_CHUNK_SIZE,
                            SCAN_NEWLY_ADDED_TABLE_ENABLED,
                            SCAN_TABLE_DISCOVERY_INTERVAL,
                            CONNECT_TIMEOUT,
                            GRPC_MAX_INBOUND_MESSAGE_SIZE,
                            RECONNECT_MAX_ATTEMPTS,
                            RECONNECT_STALL_TIMEOUT,
                            SCAN_PURGED_BINLOG_HANDLING,
                            SERVER_TIME_ZONE,
                            SCAN_SCHEMA_CHECK_ENABLED,
                            SCAN_READ_CHANGELOG_AS_APPEND_ONLY_ENABLED,
                            SCHEMA_CHANGE_DROPPED_COLUMN));

    /** Options whose values are enum constants (listed so that factories can declare them). */
    private static final List<ConfigOption<?>> ENUMS =
            Collections.unmodifiableList(
                    Arrays.asList(
                            AUTH_METHOD,
                            TABLET_TYPE,
                            SCAN_STARTUP_MODE,
                            SCAN_BOUNDED_MODE,
                            SCAN_PURGED_BINLOG_HANDLING,
                            SCHEMA_CHANGE_DROPPED_COLUMN));

    /**
     * The options as a factory declares them to Flink: the enum options as text, because Flink's
     * own check would parse them strictly (no blanks, no {@code _} for {@code -}) and with a
     * message that does not name the allowed values; {@link PlanetScaleSourceConfig} checks them
     * instead.
     */
    public static Set<ConfigOption<?>> declaredToFlink(Collection<ConfigOption<?>> options) {
        Set<ConfigOption<?>> declared = new LinkedHashSet<>();
        for (ConfigOption<?> option : options) {
            declared.add(
                    ENUMS.contains(option)
                            ? ConfigOptions.key(option.key())
                                    .stringType()
                                    .noDefaultValue()
                                    .withDescription(option.description())
                            : option);
        }
        return declared;
    }
}
