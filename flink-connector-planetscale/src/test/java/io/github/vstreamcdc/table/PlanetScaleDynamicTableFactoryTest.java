package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.StartupMode;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.utils.FactoryMocks;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Options of the {@code planetscale-cdc} factory: parsing, defaults and every bad input. */
class PlanetScaleDynamicTableFactoryTest {

    static final ResolvedSchema SCHEMA =
            new ResolvedSchema(
                    Arrays.asList(
                            Column.physical("id", DataTypes.BIGINT().notNull()),
                            Column.physical("amount", DataTypes.DECIMAL(12, 2)),
                            Column.physical("note", DataTypes.STRING()),
                            Column.metadata("shard", DataTypes.STRING(), "shard", true)),
                    Collections.emptyList(),
                    UniqueConstraint.primaryKey("pk", Collections.singletonList("id")));

    static Map<String, String> required() {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "planetscale-cdc");
        options.put("hostname", "vtgate.example");
        options.put("keyspace", "customer");
        options.put("table-name", "orders");
        return options;
    }

    static PlanetScaleDynamicTableSource create(Map<String, String> options) {
        DynamicTableSource source = FactoryMocks.createTableSource(SCHEMA, options);
        assertThat(source).isInstanceOf(PlanetScaleDynamicTableSource.class);
        return (PlanetScaleDynamicTableSource) source;
    }

    /** The messages of an exception and all its causes, joined. */
    static String messages(Throwable t) {
        List<String> messages = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            messages.add(String.valueOf(c.getMessage()));
        }
        return String.join("\n caused by: ", messages);
    }

    static void assertFails(Map<String, String> options, String... expected) {
        assertThatThrownBy(() -> create(options))
                .satisfies(e -> assertThat(messages(e)).contains(expected));
    }

    @Test
    void defaults() {
        PlanetScaleDynamicTableSource source = create(required());
        PlanetScaleSourceConfig options = source.config();
        assertThat(options.connection().hostname()).isEqualTo("vtgate.example");
        assertThat(options.connection().grpcPort()).isEqualTo(15991);
        assertThat(options.connection().mysqlPort()).isEqualTo(15306);
        assertThat(options.connection().username()).isNull();
        assertThat(options.keyspace()).isEqualTo("customer");
        assertThat(options.tables().tableNamePattern()).isEqualTo("orders");
        assertThat(options.shards()).isEmpty();
        assertThat(options.connection().tabletType().name()).isEqualTo("PRIMARY");
        assertThat(options.connection().cells()).isNull();
        assertThat(options.startupMode()).isEqualTo(StartupMode.INITIAL);
        assertThat(options.specificOffsets()).isEmpty();
        assertThat(options.heartbeatInterval()).isNull();
        assertThat(options.shardDiscoveryInterval()).isNull();
        assertThat(options.connection().connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.connection().maxInboundMessageBytes()).isEqualTo(64 * 1024 * 1024);
        assertThat(options.connection().reconnectMaxAttempts()).isEqualTo(10);
        assertThat(options.serverTimeZone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(options.schemaCheck()).isTrue();

        PlanetScaleDynamicTableSource expected =
                new PlanetScaleDynamicTableSource(
                        FactoryMocks.IDENTIFIER.asSummaryString(),
                        SCHEMA.toPhysicalRowDataType(),
                        options,
                        new VtgateTableSchemaCheck());
        assertThat(source).isEqualTo(expected).hasSameHashCodeAs(expected);
    }

    /** A table declared for Flink CDC keeps its option names. */
    @Test
    void flinkCdcsNamesOfTheIncrementalSnapshotAndRetryOptionsAreAccepted() {
        Map<String, String> map = required();
        map.put("scan.incremental.snapshot.enabled", "true");
        map.put("scan.incremental.snapshot.chunk.size", "500");
        map.put("connect.max-retries", "3");
        PlanetScaleSourceConfig options = create(map).config();
        assertThat(options.incrementalSnapshot()).isTrue();
        assertThat(options.incrementalSnapshotChunkSize()).isEqualTo(500);
        assertThat(options.connection().reconnectMaxAttempts()).isEqualTo(3);
    }

    @Test
    void allOptions() {
        Map<String, String> map = required();
        map.put("port", "16991");
        map.put("mysql.port", "16306");
        map.put("username", "reader");
        map.put("password", "pw");
        map.put("table-name", "orders_.*");
        map.put("shards", " -80 , 80- ");
        map.put("tablet-type", "replica");
        map.put("cells", "zone1");
        map.put("scan.startup.mode", "SPECIFIC-OFFSET");
        map.put(
                "scan.startup.specific-offset",
                "{\"customer\": {\"-80\": \"MySQL56/a:1-5\", \"80-\": \"MySQL56/a:1-7\"}}");
        map.put("heartbeat.interval", "5 s");
        map.put("scan.shard-discovery.interval", "1 min");
        map.put("connect.timeout", "10s");
        map.put("grpc.max-inbound-message-size", "128mb");
        map.put("reconnect.max-attempts", "0");
        map.put("server-time-zone", "Europe/Berlin");
        map.put("scan.schema-check.enabled", "false");
        PlanetScaleSourceConfig options = create(map).config();
        assertThat(options.connection().grpcPort()).isEqualTo(16991);
        assertThat(options.connection().mysqlPort()).isEqualTo(16306);
        assertThat(options.connection().username()).isEqualTo("reader");
        assertThat(options.tables().tableNamePattern()).isEqualTo("orders_.*");
        assertThat(options.shards()).containsExactly("-80", "80-");
        assertThat(options.connection().tabletType().name()).isEqualTo("REPLICA");
        assertThat(options.connection().cells()).isEqualTo("zone1");
        assertThat(options.startupMode()).isEqualTo(StartupMode.SPECIFIC_OFFSET);
        Map<String, String> offsets = new LinkedHashMap<>();
        offsets.put("-80", "MySQL56/a:1-5");
        offsets.put("80-", "MySQL56/a:1-7");
        assertThat(options.specificOffsets()).isEqualTo(offsets);
        assertThat(options.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.shardDiscoveryInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(options.connection().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.connection().maxInboundMessageBytes()).isEqualTo(128 * 1024 * 1024);
        assertThat(options.connection().reconnectMaxAttempts()).isZero();
        assertThat(options.serverTimeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(options.schemaCheck()).isFalse();
    }

    @Test
    void unknownOption() {
        Map<String, String> options = required();
        options.put("hostnme", "typo");
        assertFails(options, "Unsupported options", "hostnme");
    }

    @Test
    void missingRequiredOption() {
        Map<String, String> options = required();
        options.remove("keyspace");
        assertFails(options, "Missing required options", "keyspace");
    }

    @Test
    void blankRequiredOption() {
        Map<String, String> options = required();
        options.put("table-name", " ");
        assertFails(options, "Option 'table-name' must not be empty");
    }

    @Test
    void badStartupMode() {
        Map<String, String> options = required();
        options.put("scan.startup.mode", "group-offsets");
        assertFails(
                options,
                "Invalid value for option 'scan.startup.mode': 'group-offsets'. Allowed values:"
                        + " initial, snapshot, earliest-offset, latest-offset, specific-offset,"
                        + " timestamp");
    }

    @Test
    void enumOptionsMayBePaddedOrUseUnderscores() {
        Map<String, String> options = required();
        options.put("tablet-type", " replica ");
        options.put("scan.startup.mode", "latest_offset ");
        options.put("auth.method", "vitess_static");
        options.put("username", "u");
        PlanetScaleSourceConfig config = create(options).config();
        assertThat(config.connection().tabletType().name()).isEqualTo("REPLICA");
        assertThat(config.startupMode()).isEqualTo(StartupMode.LATEST_OFFSET);
    }

    @Test
    void badTabletType() {
        Map<String, String> options = required();
        options.put("tablet-type", "leader");
        assertFails(
                options,
                "Invalid value for option 'tablet-type': 'leader'. Allowed values: PRIMARY,"
                        + " REPLICA, RDONLY");
    }

    @Test
    void badPortValues() {
        Map<String, String> options = required();
        options.put("port", "grpc");
        assertFails(options, "port", "grpc");
        options.put("port", "70000");
        assertFails(options, "Option 'port' is 70000; expected a port in 1-65535");
        options.put("port", "15991");
        options.put("mysql.port", "0");
        assertFails(options, "Option 'mysql.port' is 0");
    }

    @Test
    void badRegularExpression() {
        Map<String, String> options = required();
        options.put("table-name", "orders(");
        assertFails(options, "Option 'table-name' = 'orders(' is not a valid regular expression");
    }

    @Test
    void badShardList() {
        Map<String, String> options = required();
        options.put("shards", "-80,,80-");
        assertFails(options, "Option 'shards' = '-80,,80-' has an empty shard name");
    }

    @Test
    void specificOffsetModeWithoutOffsets() {
        Map<String, String> options = required();
        options.put("scan.startup.mode", "specific-offset");
        assertFails(
                options,
                "Option 'scan.startup.mode' is 'specific-offset', but option"
                        + " 'scan.startup.specific-offset' is not set");
    }

    @Test
    void offsetsWithoutSpecificOffsetMode() {
        Map<String, String> options = required();
        options.put("scan.startup.specific-offset", "{\"customer\": {\"-80\": \"MySQL56/a:1\"}}");
        assertFails(
                options,
                "Option 'scan.startup.specific-offset' is set, but option 'scan.startup.mode' is"
                        + " 'initial'");
    }

    private static Map<String, String> withOffsets(String json) {
        Map<String, String> options = required();
        options.put("scan.startup.mode", "specific-offset");
        options.put("scan.startup.specific-offset", json);
        return options;
    }

    @Test
    void malformedOffsetJson() {
        assertFails(
                withOffsets("{\"customer\": {\"-80\": \"MySQL56/a:1\"}"),
                "Option 'scan.startup.specific-offset' is not valid JSON (line 1, column",
                "Expected {\"<keyspace>\": {\"<shard>\": \"MySQL56/<uuid>:1-42\"}}");
        assertFails(
                withOffsets("{customer: 1}"),
                "Option 'scan.startup.specific-offset' is not valid JSON (line 1, column",
                "was expecting double-quote to start field name");
    }

    @Test
    void offsetJsonOfWrongShape() {
        assertFails(
                withOffsets("[\"MySQL56/a:1\"]"),
                "Option 'scan.startup.specific-offset' must be a JSON object");
        assertFails(withOffsets("{}"), "Option 'scan.startup.specific-offset' gives no positions");
        assertFails(
                withOffsets("{\"commerce\": {\"0\": \"MySQL56/a:1\"}}"),
                "Option 'scan.startup.specific-offset' names keyspace 'commerce', but option"
                        + " 'keyspace' is 'customer'");
        assertFails(
                withOffsets("{\"customer\": \"MySQL56/a:1\"}"),
                "the value of keyspace 'customer' must be an object of shard to GTID position");
        assertFails(
                withOffsets("{\"customer\": {}}"),
                "Option 'scan.startup.specific-offset' gives no shard positions for keyspace"
                        + " 'customer'");
        assertFails(
                withOffsets("{\"customer\": {\"-80\": 42}}"),
                "the position of shard '-80' of keyspace 'customer' is 42; expected a GTID"
                        + " position string like 'MySQL56/<uuid>:1-42'");
        assertFails(
                withOffsets("{\"customer\": {\"-80\": \"a:1-5\"}}"),
                "the position of shard '-80' of keyspace 'customer' is \"a:1-5\"");
    }

    @Test
    void offsetForAShardThatIsNotRead() {
        Map<String, String> options =
                withOffsets("{\"customer\": {\"-80\": \"MySQL56/a:1\", \"80-\": \"MySQL56/a:2\"}}");
        options.put("shards", "-80");
        assertFails(
                options,
                "Option 'scan.startup.specific-offset' gives a position for shard '80-', which"
                        + " option 'shards' = '-80' does not read");
    }

    @Test
    void badDurationsAndSizes() {
        Map<String, String> options = required();
        options.put("heartbeat.interval", "500 ms");
        assertFails(options, "Option 'heartbeat.interval' is 500 ms; it must be at least 1 s");
        options.put("heartbeat.interval", "often");
        assertFails(options, "heartbeat.interval", "often");
        options.remove("heartbeat.interval");
        options.put("grpc.max-inbound-message-size", "1mb");
        assertFails(options, "Option 'grpc.max-inbound-message-size' is 1048576 bytes");
        options.remove("grpc.max-inbound-message-size");
        options.put("reconnect.max-attempts", "-1");
        assertFails(options, "Option 'reconnect.max-attempts' is -1; expected 0 or more");
        options.remove("reconnect.max-attempts");
        options.put("server-time-zone", "Mars/Olympus");
        assertFails(options, "Option 'server-time-zone' = 'Mars/Olympus' is not a time zone");
    }

    @Test
    void passwordNeverInMessagesOrToString() {
        Map<String, String> options = required();
        options.put("password", "S3cret-pw");
        assertThat(create(options).toString()).doesNotContain("S3cret-pw").contains("******");
        options.put("scan.startup.mode", "bogus");
        assertThatThrownBy(() -> create(options))
                .satisfies(
                        e -> {
                            assertThat(messages(e)).doesNotContain("S3cret-pw");
                            assertThat(messages(e)).contains("scan.startup.mode");
                        });
    }
}
