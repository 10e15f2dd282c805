package io.github.vstreamcdc.source.config;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One configuration, filled in by the DataStream builder and by SQL-style text options alike. */
class PlanetScaleSourceConfigTest {

    private static PlanetScaleSourceBuilder<String> builder() {
        return PlanetScaleSource.<String>builder()
                .hostname("vtgate.example")
                .keyspace("customer")
                .tableName("orders")
                .deserializer(new JsonDeserializationSchema());
    }

    private static PlanetScaleSourceConfig fromText(Map<String, String> text) {
        Map<String, String> all = new HashMap<>();
        all.put("hostname", "vtgate.example");
        all.put("keyspace", "customer");
        all.put("table-name", "orders");
        all.putAll(text);
        return PlanetScaleSourceConfig.from(Configuration.fromMap(all));
    }

    @Test
    void droppedColumnHandlingReadsNullWhichIsAYamlKeyword() {
        assertThat(
                        fromText(Collections.singletonMap("schema-change.dropped-column", "null"))
                                .droppedColumnHandling())
                .isEqualTo(DroppedColumnHandling.NULL);
        assertThat(fromText(Collections.emptyMap()).droppedColumnHandling())
                .isEqualTo(DroppedColumnHandling.FAIL);
        // As the builder sets it: the typed value.
        Configuration typed = Configuration.fromMap(Collections.emptyMap());
        typed.set(PlanetScaleSourceOptions.HOSTNAME, "vtgate.example");
        typed.set(PlanetScaleSourceOptions.KEYSPACE, "customer");
        typed.set(PlanetScaleSourceOptions.TABLE_NAME, "orders");
        typed.set(
                PlanetScaleSourceOptions.SCHEMA_CHANGE_DROPPED_COLUMN, DroppedColumnHandling.NULL);
        assertThat(PlanetScaleSourceConfig.from(typed).droppedColumnHandling())
                .isEqualTo(DroppedColumnHandling.NULL);
        assertThatThrownBy(
                        () ->
                                fromText(
                                        Collections.singletonMap(
                                                "schema-change.dropped-column", "skip")))
                .hasMessageContaining(
                        "Invalid value for option 'schema-change.dropped-column': 'skip'."
                                + " Allowed values: fail, null");
    }

    @Test
    void incrementalSnapshotOptionsAreCheckedByName() {
        Map<String, String> text = new HashMap<>();
        text.put("scan.incremental-snapshot.enabled", "true");
        PlanetScaleSourceConfig on = fromText(text);
        assertThat(on.incrementalSnapshot()).isTrue();
        assertThat(on.incrementalSnapshotChunkSize()).isEqualTo(8096);
        assertThat(fromText(new HashMap<>()).incrementalSnapshot()).isFalse();
        assertThat(builder().incrementalSnapshot(500).buildConfig().incrementalSnapshotChunkSize())
                .isEqualTo(500);
        text.put("scan.incremental-snapshot.chunk.size", "0");
        assertThatThrownBy(() -> fromText(text))
                .hasMessageContaining(
                        "Option 'scan.incremental-snapshot.chunk.size' is 0; expected a positive"
                                + " number of rows");
        text.put("scan.incremental-snapshot.chunk.size", "100");
        text.put("scan.startup.mode", "latest-offset");
        assertThatThrownBy(() -> fromText(text))
                .hasMessageContaining(
                        "Option 'scan.incremental-snapshot.enabled' needs a snapshot:"
                                + " 'scan.startup.mode' must be 'initial' or 'snapshot', not"
                                + " 'latest-offset'");
    }

    @Test
    void purgedBinlogHandlingReadsTextAndTypedValues() {
        assertThat(fromText(Collections.emptyMap()).purgedBinlogHandling())
                .isEqualTo(PurgedBinlogHandling.FAIL);
        assertThat(
                        fromText(
                                        Collections.singletonMap(
                                                "scan.purged-binlog.handling", "re-snapshot"))
                                .purgedBinlogHandling())
                .isEqualTo(PurgedBinlogHandling.RE_SNAPSHOT);
        Configuration typed = Configuration.fromMap(Collections.emptyMap());
        typed.set(PlanetScaleSourceOptions.HOSTNAME, "vtgate.example");
        typed.set(PlanetScaleSourceOptions.KEYSPACE, "customer");
        typed.set(PlanetScaleSourceOptions.TABLE_NAME, "orders");
        typed.set(
                PlanetScaleSourceOptions.SCAN_PURGED_BINLOG_HANDLING,
                PurgedBinlogHandling.RE_SNAPSHOT);
        assertThat(PlanetScaleSourceConfig.from(typed).purgedBinlogHandling())
                .isEqualTo(PurgedBinlogHandling.RE_SNAPSHOT);
        assertThatThrownBy(
                        () ->
                                fromText(
                                        Collections.singletonMap(
                                                "scan.purged-binlog.handling", "retry")))
                .hasMessageContaining(
                        "Invalid value for option 'scan.purged-binlog.handling': 'retry'."
                                + " Allowed values: fail, re-snapshot");
    }

    @Test
    void aWrongModeIsToldAsSuchNextToOptionsThatDependOnIt() {
        Map<String, String> text = new HashMap<>();
        text.put("scan.incremental-snapshot.enabled", "true");
        text.put("scan.startup.mode", "inital");
        assertThatThrownBy(() -> fromText(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Invalid value for option 'scan.startup.mode': 'inital'. Allowed values:")
                .hasMessageNotContaining("needs a snapshot");
        Map<String, String> bounded = new HashMap<>();
        bounded.put("scan.newly-added-table.enabled", "true");
        bounded.put("scan.bounded.mode", "latest");
        assertThatThrownBy(() -> fromText(bounded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Invalid value for option 'scan.bounded.mode': 'latest'. Allowed values:")
                .hasMessageNotContaining("needs an unbounded read");
    }

    @Test
    void aWrongBooleanIsToldForEveryBooleanOption() {
        for (String option :
                new String[] {
                    "scan.schema-check.enabled",
                    "scan.read-changelog-as-append-only.enabled",
                    "scan.newly-added-table.enabled",
                    "scan.incremental-snapshot.enabled",
                    "tls.enabled"
                }) {
            Map<String, String> text = new HashMap<>();
            text.put(option, "yes");
            assertThatThrownBy(() -> fromText(text))
                    .as(option)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Option '" + option + "' = 'yes' is not");
        }
    }

    @Test
    void heartbeatsOffWithAWatermarkDelayAreRefusedNamingBoth() {
        Map<String, String> text = new HashMap<>();
        text.put("heartbeat.interval", "0 s");
        text.put("scan.watermark.heartbeat-delay", "5 s");
        assertThatThrownBy(() -> fromText(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Option 'heartbeat.interval' is 0 (no heartbeats), but option"
                                + " 'scan.watermark.heartbeat-delay' is set");
        text.remove("heartbeat.interval");
        assertThat(fromText(text).heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void builderAndTextOptionsMakeTheSameConfiguration() {
        PlanetScaleSourceConfig built =
                builder()
                        .port(16991)
                        .shards("-80", "80-")
                        .tabletType("replica")
                        .startupMode(StartupMode.LATEST_OFFSET)
                        .heartbeatInterval(Duration.ofSeconds(5))
                        .reconnectMaxAttempts(3)
                        .buildConfig();
        Map<String, String> text = new HashMap<>();
        text.put("port", "16991");
        text.put("shards", "-80,80-");
        text.put("tablet-type", "replica");
        text.put("scan.startup.mode", "latest-offset");
        text.put("heartbeat.interval", "5 s");
        text.put("reconnect.max-attempts", "3");
        PlanetScaleSourceConfig parsed = fromText(text);

        for (PlanetScaleSourceConfig c : new PlanetScaleSourceConfig[] {built, parsed}) {
            assertThat(c.connection().grpcPort()).isEqualTo(16991);
            assertThat(c.connection().mysqlPort()).isEqualTo(15306);
            assertThat(c.connection().tabletType().name()).isEqualTo("REPLICA");
            assertThat(c.connection().reconnectMaxAttempts()).isEqualTo(3);
            assertThat(c.shards()).containsExactly("-80", "80-");
            assertThat(c.startupMode()).isEqualTo(StartupMode.LATEST_OFFSET);
            assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        }
        assertThat(built.connection().toString()).isEqualTo(parsed.connection().toString());
    }

    @Test
    void heartbeatWatermarksTurnHeartbeatsOnAndAppendOnlyIsRead() {
        Map<String, String> text = new HashMap<>();
        text.put("scan.watermark.heartbeat-delay", "2 s");
        text.put("scan.read-changelog-as-append-only.enabled", "true");
        PlanetScaleSourceConfig c = fromText(text);
        assertThat(c.watermarkHeartbeatDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.readChangelogAsAppendOnly()).isTrue();
        text.put("heartbeat.interval", "3 s");
        assertThat(fromText(text).heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
        PlanetScaleSourceConfig plain = fromText(new HashMap<>());
        assertThat(plain.watermarkHeartbeatDelay()).isNull();
        assertThat(plain.heartbeatInterval()).isNull();
        assertThat(plain.readChangelogAsAppendOnly()).isFalse();
    }

    @Test
    void anyOptionCanBeSetThroughTheGenericSetter() {
        ConfigOption<Duration> option = PlanetScaleSourceOptions.SCAN_SHARD_DISCOVERY_INTERVAL;
        PlanetScaleSourceConfig c = builder().option(option, Duration.ofMinutes(2)).buildConfig();
        assertThat(c.shardDiscoveryInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(builder().option(option, null).buildConfig().shardDiscoveryInterval()).isNull();
    }

    @Test
    void aRebuiltConfigurationEqualsTheOriginal() {
        PlanetScaleSourceConfig original =
                fromText(Collections.singletonMap("grpc.keepalive-interval", "1 min"));
        PlanetScaleSourceConfig rebuilt = builder().options(original.options()).buildConfig();
        assertThat(rebuilt).isEqualTo(original).hasSameHashCodeAs(original);
        assertThat(rebuilt.connection().keepAliveInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void specificOffsetsOfTheBuilderUseTheKeyspaceSetLater() {
        PlanetScaleSourceConfig c =
                PlanetScaleSource.<String>builder()
                        .specificOffsets(Collections.singletonMap("-80", "MySQL56/a:1-5"))
                        .hostname("h")
                        .keyspace("customer")
                        .tableName("t")
                        .buildConfig();
        assertThat(c.startupMode()).isEqualTo(StartupMode.SPECIFIC_OFFSET);
        assertThat(c.specificOffsets()).containsEntry("-80", "MySQL56/a:1-5");
    }

    @Test
    void everyProblemIsReportedInOneMessage() {
        assertThatThrownBy(
                        () ->
                                PlanetScaleSource.<String>builder()
                                        .port(70000)
                                        .tabletType("leader")
                                        .heartbeatInterval(Duration.ofMillis(10))
                                        .reconnectMaxAttempts(-1)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid PlanetScale source configuration: ")
                .hasMessageContaining(
                        "Missing required options: 'hostname', 'keyspace', 'table-name'")
                .hasMessageContaining("Option 'port' is 70000; expected a port in 1-65535")
                .hasMessageContaining(
                        "Invalid value for option 'tablet-type': 'leader'. Allowed values:"
                                + " PRIMARY, REPLICA, RDONLY")
                .hasMessageContaining("Option 'heartbeat.interval' is 10 ms")
                .hasMessageContaining("Option 'reconnect.max-attempts' is -1")
                .hasMessageContaining("a deserializer is required");
    }

    @Test
    void unreadableValuesNameTheOptionAndTheValue() {
        assertThatThrownBy(() -> fromText(Collections.singletonMap("connect.timeout", "soon")))
                .hasMessageContaining(
                        "Option 'connect.timeout' = 'soon' is not a duration like '30 s'");
        assertThatThrownBy(() -> fromText(Collections.singletonMap("tls.enabled", "maybe")))
                .hasMessageContaining("Option 'tls.enabled' = 'maybe' is not true or false");
    }

    @Test
    void enumOptionsParseAsFlinkParsesThem() {
        Map<String, String> auth = new HashMap<>();
        auth.put("auth.method", "Vitess-Static");
        auth.put("username", "u");
        assertThat(fromText(auth))
                .satisfies(
                        c ->
                                assertThat(c.connection().security().authMethod())
                                        .isEqualTo(AuthMethod.VITESS_STATIC));
        Configuration typed = new Configuration();
        typed.set(PlanetScaleSourceOptions.SCAN_STARTUP_MODE, StartupMode.SNAPSHOT);
        assertThat(typed.toMap()).containsEntry("scan.startup.mode", "snapshot");
        assertThat(builder().options(typed).buildConfig().startupMode())
                .isEqualTo(StartupMode.SNAPSHOT);
    }

    @Test
    void planetScaleHostDefaultsComeFromOnePlace() {
        PlanetScaleSourceConfig c =
                fromText(Collections.singletonMap("hostname", "aws.connect.psdb.cloud"));
        assertThat(c.connection().grpcPort()).isEqualTo(PlanetScaleEdge.GRPC_PORT);
        assertThat(c.connection().mysqlPort()).isEqualTo(PlanetScaleEdge.MYSQL_PORT);
        assertThat(c.connection().cells()).isEqualTo(PlanetScaleEdge.CELLS);
        assertThat(c.connection().security().tls()).isTrue();
        // no username: nothing to authenticate with
        assertThat(c.connection().security().authMethod()).isEqualTo(AuthMethod.NONE);
    }

    @Test
    void passwordIsNeverShown() {
        PlanetScaleSourceConfig c = builder().username("u").password("S3cret-pw").buildConfig();
        assertThat(c.toString()).doesNotContain("S3cret-pw");
        assertThatThrownBy(() -> builder().password("S3cret-pw").port(0).build())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("S3cret-pw"));
    }

    @Test
    void connectionOptionsAloneAreReadByTheSameRules() {
        Map<String, String> text = new HashMap<>();
        text.put("hostname", "aws.connect.psdb.cloud");
        text.put("username", "u");
        text.put("password", "p");
        text.put("connect.timeout", "5 s");
        // not connection options: ignored, even when they would be wrong
        text.put("scan.startup.mode", "nonsense");
        VitessConnectionOptions connection =
                PlanetScaleSourceConfig.connectionFrom(Configuration.fromMap(text));
        assertThat(connection.grpcPort()).isEqualTo(443);
        assertThat(connection.mysqlPort()).isEqualTo(3306);
        assertThat(connection.security().tls()).isTrue();
        assertThat(connection.security().authMethod()).isEqualTo(AuthMethod.BASIC);
        assertThat(connection.connectTimeout()).isEqualTo(Duration.ofSeconds(5));

        Map<String, String> self = new HashMap<>();
        self.put("username", "u");
        self.put("password", "p");
        PlanetScaleSourceConfig source = fromText(self);
        self.put("hostname", "vtgate.example");
        assertThat(PlanetScaleSourceConfig.connectionFrom(Configuration.fromMap(self)).toString())
                .isEqualTo(source.connection().toString());
    }

    @Test
    void connectionOptionsReportEveryProblemWithTheSameMessages() {
        Map<String, String> text = new HashMap<>();
        text.put("port", "0");
        text.put("auth.method", "kerberos");
        text.put("connect.timeout", "soon");
        assertThatThrownBy(
                        () -> PlanetScaleSourceConfig.connectionFrom(Configuration.fromMap(text)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid PlanetScale source configuration: ")
                .hasMessageContaining("Missing required options: 'hostname'")
                .hasMessageContaining("Option 'port' is 0; expected a port in 1-65535")
                .hasMessageContaining("Invalid value for option 'auth.method': 'kerberos'")
                .hasMessageContaining("Option 'connect.timeout' = 'soon' is not a duration")
                .hasMessageNotContaining("keyspace");
    }

    @Test
    void connectionOptionsAreOptionsOfTheSource() {
        assertThat(PlanetScaleSourceOptions.CONNECTION)
                .doesNotHaveDuplicates()
                .allMatch(
                        o ->
                                PlanetScaleSourceOptions.REQUIRED.contains(o)
                                        || PlanetScaleSourceOptions.OPTIONAL.contains(o))
                .contains(
                        PlanetScaleSourceOptions.HOSTNAME,
                        PlanetScaleSourceOptions.PASSWORD,
                        PlanetScaleSourceOptions.TLS_CA_CERT)
                .doesNotContain(
                        PlanetScaleSourceOptions.KEYSPACE,
                        PlanetScaleSourceOptions.TABLE_NAME,
                        PlanetScaleSourceOptions.SCAN_STARTUP_MODE);
    }

    @Test
    void credentialsAreTakenAsGiven() {
        PlanetScaleSourceConfig built = builder().username(" u ").password(" p w ").buildConfig();
        assertThat(built.connection().username()).isEqualTo(" u ");
        assertThat(built.connection().password()).isEqualTo(" p w ");
        Map<String, String> text = new HashMap<>();
        text.put("username", "u");
        text.put("password", " secret ");
        assertThat(fromText(text).connection().password()).isEqualTo(" secret ");
    }

    @Test
    void enumValuesMayBePaddedOrUseUnderscores() {
        Map<String, String> text = new HashMap<>();
        text.put("tablet-type", " replica ");
        text.put("scan.startup.mode", "latest_offset ");
        text.put("auth.method", "vitess_static");
        text.put("username", "u");
        PlanetScaleSourceConfig c = fromText(text);
        assertThat(c.connection().tabletType().name()).isEqualTo("REPLICA");
        assertThat(c.startupMode()).isEqualTo(StartupMode.LATEST_OFFSET);
        assertThat(c.connection().security().authMethod()).isEqualTo(AuthMethod.VITESS_STATIC);
        // blank: the host's default
        text.put("auth.method", " ");
        text.put("hostname", "aws.connect.psdb.cloud");
        assertThat(fromText(text).connection().security().authMethod()).isEqualTo(AuthMethod.BASIC);
    }

    @Test
    void negativeDurationsOfTheBuilderGetTheRangeMessage() {
        assertThatThrownBy(() -> builder().heartbeatInterval(Duration.ofSeconds(-1)).build())
                .hasMessageContaining(
                        "Option 'heartbeat.interval' is -1000 ms; it must be at least 1 s");
        assertThatThrownBy(() -> builder().connectTimeout(Duration.ofMillis(-5)).build())
                .hasMessageContaining("Option 'connect.timeout' must be positive");
    }

    @Test
    void theStallTimeoutIsTenSecondsByDefaultAtLeastOneSecondOrOff() {
        Map<String, String> text = new HashMap<>();
        assertThat(fromText(text).stallTimeout()).isEqualTo(Duration.ofSeconds(10));
        text.put("reconnect.stall-timeout", "0");
        assertThat(fromText(text).stallTimeout()).isZero();
        text.put("reconnect.stall-timeout", "1 min");
        assertThat(fromText(text).stallTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> builder().reconnectStallTimeout(Duration.ofMillis(500)).build())
                .hasMessageContaining(
                        "Option 'reconnect.stall-timeout' is 500 ms; expected at least 1 s, or 0"
                                + " for off");
    }

    @Test
    void aLaterStartupModeConflictsWithSpecificOffsetsAsInSql() {
        // Not silently dropped: the same error as the SQL options, and as a start timestamp.
        assertThatThrownBy(
                        () ->
                                builder()
                                        .specificOffsets(
                                                Collections.singletonMap("-80", "MySQL56/a:1-5"))
                                        .startupMode(StartupMode.INITIAL)
                                        .buildConfig())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'scan.startup.specific-offset'")
                .hasMessageContaining("'scan.startup.mode'");
        assertThatThrownBy(
                        () ->
                                builder()
                                        .startupTimestampMillis(1_000L)
                                        .startupMode(StartupMode.INITIAL)
                                        .buildConfig())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'scan.startup.timestamp-millis'");
        PlanetScaleSourceConfig padded =
                builder()
                        .keyspace(" customer ")
                        .specificOffsets(Collections.singletonMap("-80", "MySQL56/a:1-5"))
                        .buildConfig();
        assertThat(padded.specificOffsets()).containsEntry("-80", "MySQL56/a:1-5");
    }

    @Test
    void aHostnameWithASchemePathOrPortIsRefusedNamingTheOption() {
        for (String[] wrong :
                new String[][] {
                    {"https://aws.connect.psdb.cloud", "without a scheme"},
                    {"vtgate.example/", "without a path"},
                    {"vtgate.example:15991", "without a port"}
                }) {
            assertThatThrownBy(() -> fromText(Collections.singletonMap("hostname", wrong[0])))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(
                            "Option 'hostname' = '"
                                    + wrong[0]
                                    + "': expected a host name or an IP address, "
                                    + wrong[1]
                                    + " (the ports are 'port' and 'mysql.port')");
        }
        for (String right : new String[] {"vtgate.example", "127.0.0.1", "::1", "[::1]"}) {
            assertThat(PlanetScaleSourceConfig.notAHostName(right)).as(right).isNull();
        }
        assertThat(fromText(Collections.singletonMap("hostname", "::1")).connection().grpcTarget())
                .isEqualTo("[::1]:15991");
    }

    @Test
    void aShardDiscoveryIntervalUnderASecondIsRefusedWithTheUnitHint() {
        assertThatThrownBy(
                        () ->
                                fromText(
                                        Collections.singletonMap(
                                                "scan.shard-discovery.interval", "60")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Option 'scan.shard-discovery.interval' is 60 ms; expected at least 1 s,"
                                + " or 0 to look only at the start (a number without a unit is"
                                + " milliseconds: write '60 s')");
        assertThat(
                        fromText(Collections.singletonMap("scan.shard-discovery.interval", "0"))
                                .shardDiscoveryInterval())
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void aWrongValueUnderFlinkCdcsNameIsToldUnderOurs() {
        assertThatThrownBy(
                        () ->
                                fromText(
                                        Collections.singletonMap(
                                                "scan.incremental.snapshot.enabled", "yes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Option 'scan.incremental-snapshot.enabled' = 'yes' is not");
        assertThat(
                        fromText(Collections.singletonMap("connect.max-retries", "4"))
                                .connection()
                                .reconnectMaxAttempts())
                .isEqualTo(4);
    }
}
