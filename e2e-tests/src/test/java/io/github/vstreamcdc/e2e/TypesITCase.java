package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.e2e.types.ChangeMetadata;
import io.github.vstreamcdc.e2e.types.RowComparison;
import io.github.vstreamcdc.e2e.types.TypesTable;
import io.github.vstreamcdc.e2e.types.TypesTable.Phase;
import io.github.vstreamcdc.e2e.types.TypesTable.Row;
import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.RowValues;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.VStreamColumns;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every MySQL type through the real Vitess, in the copy phase and in binlog events (their text
 * encodings differ), converted to the Flink types of the default mapping: each value must be
 * exactly the expected one. Also the JSON change events of tricky values, UPDATE and DELETE images,
 * and the failure of a MySQL TIME outside Flink's TIME range.
 */
@ExtendWith(VitessClusterExtension.class)
class TypesITCase {

    private static final String KEYSPACE = "customer";
    private static final String TABLE = TypesTable.NAME;

    /** Ids of the rows that tell the streaming job is positioned; the test rows are below. */
    private static final long PROBE_IDS = 1_000_000L;

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    /** No restarts: a conversion failure must end the job with its message. */
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniCluster();

    private static MiniClusterExtension miniCluster() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .setConfiguration(config)
                        .build());
    }

    @Test
    void copyPhaseDeliversEveryTypeExactly(VitessCluster cluster) throws Exception {
        TestTables.createSharded(cluster, TABLE, TypesTable.ddl());
        write(cluster, TypesTable.ROWS.stream().map(Row::insertSql).collect(Collectors.toList()));

        RowType declared = TypesTable.declaredRowType();
        List<RowData> rows;
        try (CollectedOutput output =
                CollectedOutput.run(
                        source(cluster, declared, StartupMode.SNAPSHOT), 2, 0, s -> s)) {
            rows = output.awaitEnd(Duration.ofMinutes(3));
        }

        assertThat(rows).hasSize(TypesTable.ROWS.size());
        Map<Long, RowData> byId = byId(rows);
        assertThat(byId.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L);
        List<String> differences = new ArrayList<>();
        Set<String> shards = new HashSet<>();
        for (Row row : TypesTable.ROWS) {
            RowData actual = byId.get(row.id);
            assertThat(actual.getRowKind()).isEqualTo(RowKind.INSERT);
            assertThat(metadata(actual, declared, "m_op")).isEqualTo("r");
            assertDefaultRowType(actual, declared);
            differences.addAll(RowComparison.differences(actual, declared, row, Phase.COPY));
            shards.add(metadata(actual, declared, "m_shard"));
        }
        assertThat(differences).as("values that differ from the expected ones").isEmpty();
        assertThat(shards).containsExactlyInAnyOrder("-80", "80-");

        for (Row row : Arrays.asList(TypesTable.MIN, TypesTable.MAX, TypesTable.ZEROS)) {
            JsonNode event = jsonEvent(byId.get(row.id), declared);
            assertThat(event.get("op").asText()).isEqualTo("r");
            assertThat(event.get("source").get("snapshot").asBoolean()).isTrue();
            assertThat(event.get("before").isNull()).isTrue();
            assertJsonValues(row, event.get("after"), Phase.COPY);
        }
    }

    @Test
    void binlogDeliversEveryTypeExactlyWithUpdateAndDeleteImages(VitessCluster cluster)
            throws Exception {
        TestTables.createSharded(cluster, TABLE, TypesTable.ddl());
        RowType declared = TypesTable.declaredRowType();
        try (CollectedOutput output =
                CollectedOutput.run(
                        source(cluster, declared, StartupMode.LATEST_OFFSET), 2, 0, s -> s)) {
            awaitStreamingOnBothShards(cluster, output, declared);

            write(
                    cluster,
                    TypesTable.ROWS.stream().map(Row::insertSql).collect(Collectors.toList()));
            output.await(
                    r -> testRows(r).size() >= TypesTable.ROWS.size(),
                    Duration.ofMinutes(2),
                    "the inserted rows");
            write(
                    cluster,
                    Arrays.asList(
                            TypesTable.MAX.updateSql(TypesTable.MAX_UPDATED),
                            "DELETE FROM " + TABLE + " WHERE id = " + TypesTable.MIN.id));
            List<RowData> rows =
                    testRows(
                            output.await(
                                    r -> testRows(r).size() >= TypesTable.ROWS.size() + 3,
                                    Duration.ofMinutes(2),
                                    "the update and the delete"));

            // The shards' rows interleave in any order; each shard's keep theirs.
            assertThat(rows).hasSize(TypesTable.ROWS.size() + 3);
            Map<Long, RowData> inserts = byId(rows.subList(0, TypesTable.ROWS.size()));
            assertThat(inserts.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L);
            List<String> changes =
                    rows.subList(TypesTable.ROWS.size(), rows.size()).stream()
                            .map(r -> r.getRowKind().shortString() + r.getLong(0))
                            .collect(Collectors.toList());
            assertThat(changes).containsExactlyInAnyOrder("-U2", "+U2", "-D1");
            assertThat(changes.indexOf("+U2")).isEqualTo(changes.indexOf("-U2") + 1);
            List<String> differences = new ArrayList<>();
            Set<String> shards = new HashSet<>();
            for (Row row : TypesTable.ROWS) {
                RowData actual = inserts.get(row.id);
                assertThat(actual.getRowKind()).isEqualTo(RowKind.INSERT);
                assertThat(metadata(actual, declared, "m_op")).isEqualTo("c");
                differences.addAll(RowComparison.differences(actual, declared, row, Phase.BINLOG));
                shards.add(metadata(actual, declared, "m_shard"));
            }
            int base = TypesTable.ROWS.size();
            RowData before = rows.get(base + changes.indexOf("-U2"));
            RowData after = rows.get(base + changes.indexOf("+U2"));
            RowData deleted = rows.get(base + changes.indexOf("-D1"));
            differences.addAll(
                    RowComparison.differences(before, declared, TypesTable.MAX, Phase.BINLOG));
            differences.addAll(
                    RowComparison.differences(
                            after, declared, TypesTable.MAX_UPDATED, Phase.BINLOG));
            differences.addAll(
                    RowComparison.differences(deleted, declared, TypesTable.MIN, Phase.BINLOG));
            assertThat(differences).as("values that differ from the expected ones").isEmpty();
            assertThat(shards).containsExactlyInAnyOrder("-80", "80-");
            for (RowData row : rows) {
                assertDefaultRowType(row, declared);
            }
            assertThat(metadata(before, declared, "m_op")).isEqualTo("u");
            assertThat(metadata(deleted, declared, "m_op")).isEqualTo("d");

            for (Row row : Arrays.asList(TypesTable.MIN, TypesTable.MAX, TypesTable.ZEROS)) {
                JsonNode event = jsonEvent(inserts.get(row.id), declared);
                assertThat(event.get("op").asText()).isEqualTo("c");
                assertThat(event.get("source").get("snapshot").asBoolean()).isFalse();
                assertThat(event.get("before").isNull()).isTrue();
                assertJsonValues(row, event.get("after"), Phase.BINLOG);
            }
            JsonNode update = jsonEvent(before, declared);
            JsonNode updateAgain = jsonEvent(after, declared);
            for (String part : new String[] {"op", "before", "after", "source"}) {
                assertThat(updateAgain.get(part).equals(update.get(part)))
                        .as("-U and +U carry the same JSON event: %s", part)
                        .isTrue();
            }
            assertThat(update.get("op").asText()).isEqualTo("u");
            assertJsonValues(TypesTable.MAX, update.get("before"), Phase.BINLOG);
            assertThat(update.get("after").get("c_int").asLong()).isEqualTo(42);
            assertThat(update.get("after").get("c_ts6").asText())
                    .isEqualTo("2000-01-01T00:00:00.500000Z");
            assertThat(update.get("after").get("c_json").get("b").asInt()).isEqualTo(33);
            assertThat(update.get("after").get("c_varchar").isNull()).isTrue();
            assertThat(update.get("after").get("c_bigint_u").bigIntegerValue())
                    .isEqualTo(new BigInteger("18446744073709551615"));
            JsonNode delete = jsonEvent(deleted, declared);
            assertThat(delete.get("op").asText()).isEqualTo("d");
            assertThat(delete.get("after").isNull()).isTrue();
            assertJsonValues(TypesTable.MIN, delete.get("before"), Phase.BINLOG);
        }
    }

    @Test
    void timeOutsideFlinkTimeRangeFailsNamingTableColumnAndShard(VitessCluster cluster)
            throws Exception {
        TestTables.createSharded(cluster, TABLE, TypesTable.ddl());
        write(cluster, Arrays.asList(TypesTable.MIN.insertSql()));
        String shard = shardOf(cluster, TypesTable.MIN.id);

        // The default mapping: TIME columns as Flink TIME, which holds no -838:59:59.
        RowType declared = TypesTable.defaultRowType();
        try (CollectedOutput output =
                CollectedOutput.run(
                        source(cluster, declared, StartupMode.SNAPSHOT), 2, 0, s -> s)) {
            assertThatThrownBy(() -> output.awaitEnd(Duration.ofMinutes(3)))
                    .hasMessage("The job failed")
                    .satisfies(
                            failure ->
                                    assertThat(rootMessages(failure))
                                            .anySatisfy(
                                                    message ->
                                                            assertThat(message)
                                                                    .contains(
                                                                            "Column 'c_time' of"
                                                                                    + " table"
                                                                                    + " 'customer.it_types'"
                                                                                    + " (shard "
                                                                                    + shard
                                                                                    + ")",
                                                                            "MySQL type time",
                                                                            "value"
                                                                                    + " '-838:59:59'",
                                                                            "Flink type TIME(0)",
                                                                            "declare the column as"
                                                                                    + " STRING or"
                                                                                    + " BIGINT")));
        }
    }

    @Test
    void jsonEventsKeepTheScaleOfDecimalsInJsonColumns(VitessCluster cluster) throws Exception {
        TestTables.createSharded(cluster, TABLE, TypesTable.ddl());
        write(cluster, Arrays.asList(TypesTable.MIN.insertSql()));
        RowChangeEvent change = null;
        try (VStreamClient stream =
                new VStreamClient(
                        cluster,
                        VStreamClient.keyspace(KEYSPACE, ""),
                        VStreamClient.table(TABLE))) {
            Map<String, List<ColumnDescription>> fields = new TreeMap<>();
            while (change == null) {
                Binlogdata.VEvent event = stream.next(120);
                if (event.getType() == Binlogdata.VEventType.FIELD) {
                    fields.put(
                            event.getFieldEvent().getShard(),
                            VStreamColumns.of(event.getFieldEvent().getFieldsList()));
                } else if (event.getType() == Binlogdata.VEventType.ROW) {
                    Binlogdata.RowEvent rows = event.getRowEvent();
                    change =
                            new RowChangeEvent(
                                    KEYSPACE,
                                    rows.getShard(),
                                    TABLE,
                                    RowChangeEvent.Op.READ,
                                    fields.get(rows.getShard()),
                                    null,
                                    RowValues.decode(rows.getRowChanges(0).getAfter()),
                                    0,
                                    "");
                }
            }
        }
        List<String> events = new ArrayList<>();
        new JsonDeserializationSchema()
                .deserialize(
                        change,
                        new Collector<String>() {
                            @Override
                            public void collect(String record) {
                                events.add(record);
                            }

                            @Override
                            public void close() {}
                        });
        assertThat(events).hasSize(1);
        JsonNode doc = JSON.readTree(events.get(0)).get("after").get("c_json");
        // MySQL keeps a JSON decimal's scale: 12.50 is not 12.5 (as in a DECIMAL(10,2) column).
        assertThat(doc.get("price").decimalValue()).isEqualTo(new BigDecimal("12.50"));
        assertThat(doc.get("nested").get(0).get(1).decimalValue()).isEqualTo(new BigDecimal("2.0"));
        assertThat(doc.get("big").decimalValue())
                .isEqualTo(new BigDecimal("12345678901234567890.123456789"));
    }

    // ------------------------------------------------------------------------------------------

    private static PlanetScaleSource<RowData> source(
            VitessCluster cluster, RowType physical, StartupMode mode) {
        RowType produced = ChangeMetadata.withMetadata(physical);
        return SourceTestSupport.source(cluster, KEYSPACE)
                .tableName(TABLE)
                .startupMode(mode)
                .deserializer(
                        new RowDataDeserializationSchema(
                                physical,
                                ChangeMetadata.readers(),
                                InternalTypeInfo.of(produced),
                                ZoneOffset.UTC))
                .build();
    }

    /** Runs statements in one session with the table's session settings (+05:30, zero dates). */
    private static void write(VitessCluster cluster, List<String> statements) throws Exception {
        try (Connection c = cluster.connect(KEYSPACE);
                Statement s = c.createStatement()) {
            for (String setting : TypesTable.SESSION) {
                s.execute(setting);
            }
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** The shard that holds a row, asked of each shard directly. */
    private static String shardOf(VitessCluster cluster, long id) throws Exception {
        List<String> found = new ArrayList<>();
        for (String shard : new String[] {"-80", "80-"}) {
            try (Connection c = cluster.connect(KEYSPACE + ":" + shard);
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT id FROM " + TABLE + " WHERE id = " + id)) {
                if (rs.next()) {
                    found.add(shard);
                }
            }
        }
        assertThat(found).as("shards holding row %s", id).hasSize(1);
        return found.get(0);
    }

    /**
     * Inserts probe rows until the job has delivered probes from both shards: from then on, every
     * change is read from the binlog.
     */
    private static void awaitStreamingOnBothShards(
            VitessCluster cluster, CollectedOutput output, RowType declared) throws Exception {
        long next = PROBE_IDS;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Set<String> shards = new HashSet<>();
            for (RowData row : output.snapshot()) {
                shards.add(metadata(row, declared, "m_shard"));
            }
            if (shards.size() == 2) {
                return;
            }
            assertThat(System.nanoTime()).as("probe rows from both shards").isLessThan(deadline);
            List<String> probes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                probes.add("INSERT INTO " + TABLE + " (id) VALUES (" + next++ + ")");
            }
            write(cluster, probes);
            Thread.sleep(500);
        }
    }

    private static List<RowData> testRows(List<RowData> rows) {
        return rows.stream().filter(r -> r.getLong(0) < PROBE_IDS).collect(Collectors.toList());
    }

    private static Map<Long, RowData> byId(List<RowData> rows) {
        Map<Long, RowData> out = new TreeMap<>();
        for (RowData row : rows) {
            assertThat(out.put(row.getLong(0), row)).as("row %s twice", row.getLong(0)).isNull();
        }
        return out;
    }

    private static String metadata(RowData row, RowType physical, String name) {
        int index = physical.getFieldCount() + ChangeMetadata.NAMES.indexOf(name);
        return row.getString(index).toString();
    }

    private static void assertDefaultRowType(RowData row, RowType declared) {
        assertThat(metadata(row, declared, "m_type"))
                .as("the default Flink row type of the FIELD event")
                .isEqualTo(TypesTable.defaultRowType().asSerializableString());
    }

    private static JsonNode jsonEvent(RowData row, RowType declared) throws Exception {
        return JSON.readTree(metadata(row, declared, "m_json"));
    }

    /** Tricky values of the JSON change events. */
    private static void assertJsonValues(Row row, JsonNode image, Phase phase) {
        assertThat(image.get("id").asLong()).isEqualTo(row.id);
        if (row == TypesTable.MIN) {
            assertThat(image.get("c_time").asText()).isEqualTo("-838:59:59");
            assertThat(image.get("c_time6").asText()).isEqualTo("-838:59:59.000000");
            assertThat(image.get("c_int").asLong()).isEqualTo(Integer.MIN_VALUE);
            assertThat(image.get("c_bigint").asLong()).isEqualTo(Long.MIN_VALUE);
            assertThat(image.get("c_dec").asText()).isEqualTo("-99999999.99");
            assertThat(image.get("c_ts6").asText()).isEqualTo("1970-01-01T00:00:01.000000Z");
            assertThat(image.get("c_datetime6").asText()).isEqualTo("1000-01-01T00:00:00.000000");
            assertThat(image.get("c_binary").asText()).isEqualTo("AQIAAA==");
            assertThat(image.get("c_bit1").asBoolean(true)).isFalse();
            assertThat(image.get("c_bit64").asText()).isEqualTo("gAAAAAAAAAA=");
            assertThat(image.get("c_set").asText()).isEqualTo("a,d");
            assertThat(image.get("c_geometry").toString())
                    .isEqualTo("{\"srid\":0,\"wkb\":\"AQEAAAAAAAAAAADwPwAAAAAAAABA\"}");
            assertThat(image.get("c_mediumtext").asText()).hasSize(40_000).startsWith("😀😀");
            JsonNode doc = image.get("c_json");
            assertThat(doc.isObject()).as("a JSON column is embedded, not a string").isTrue();
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertThat(keys)
                    .as("keys in MySQL's order")
                    .containsExactly(
                            "big", "dbl", "i64", "u64", "earr", "name", "empty", "price", "small",
                            "nested");
            // The scale (12.50, 2.0) is checked by jsonEventsKeepTheScaleOfDecimalsInJsonColumns.
            assertThat(doc.get("price").decimalValue()).isEqualByComparingTo("12.50");
            assertThat(doc.get("big").decimalValue())
                    .isEqualTo(new BigDecimal("12345678901234567890.123456789"));
            assertThat(doc.get("dbl").decimalValue()).isEqualByComparingTo("1.5e300");
            assertThat(doc.get("small").decimalValue()).isEqualByComparingTo("0.0000001");
            assertThat(doc.get("u64").bigIntegerValue())
                    .isEqualTo(new BigInteger("18446744073709551615"));
            assertThat(doc.get("i64").longValue()).isEqualTo(Long.MIN_VALUE);
            assertThat(doc.get("name").asText()).isEqualTo("Zoë 😀");
            JsonNode nested = doc.get("nested");
            assertThat(nested.get(0).get(1).decimalValue()).isEqualByComparingTo("2.0");
            assertThat(nested.get(0).get(2).get(0).decimalValue())
                    .isEqualTo(new BigDecimal("3.25"));
            assertThat(nested.get(1).get("k").isNull()).isTrue();
            assertThat(nested.get(1).get("t").asBoolean()).isTrue();
        } else if (row == TypesTable.MAX) {
            assertThat(image.get("c_bigint_u").isIntegralNumber()).isTrue();
            assertThat(image.get("c_bigint_u").bigIntegerValue())
                    .isEqualTo(new BigInteger("18446744073709551615"));
            assertThat(image.get("c_int_u").asLong()).isEqualTo(4294967295L);
            assertThat(image.get("c_dec65").asText())
                    .isEqualTo(
                            "99999999999999999999999999999999999.999999999999999999999999999999");
            float expectedFloat = phase == Phase.COPY ? 3.40282e38f : Float.MAX_VALUE;
            assertThat(image.get("c_float").decimalValue())
                    .isEqualTo(new BigDecimal(Float.toString(expectedFloat)));
            assertThat(image.get("c_double").decimalValue())
                    .isEqualTo(new BigDecimal(Double.toString(Double.MAX_VALUE)));
            assertThat(image.get("c_ts6").asText()).isEqualTo("2038-01-19T03:14:07.999999Z");
            assertThat(image.get("c_ts").asText()).isEqualTo("2038-01-19T03:14:07Z");
            assertThat(image.get("c_time").asText()).isEqualTo("838:59:59");
            assertThat(image.get("c_year").asInt()).isEqualTo(2155);
            assertThat(image.get("c_bit1").asBoolean(false)).isTrue();
            assertThat(image.get("c_bit5").asText()).isEqualTo("Hw==");
            assertThat(image.get("c_bit64").asText()).isEqualTo("//////////8=");
            assertThat(image.get("c_enum").asText()).isEqualTo("large");
            assertThat(image.get("c_char").asText()).isEqualTo("😀é");
            assertThat(image.get("c_point").get("srid").asInt()).isEqualTo(4326);
            JsonNode doc = image.get("c_json");
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertThat(keys).containsExactly("", "b", "aa", "ä", "esc", "key with \"quote\"");
            assertThat(doc.get("esc").asText()).isEqualTo("<a href=\"x\">&\n\t\\/\u0001é€😀");
        } else if (row == TypesTable.ZEROS) {
            assertThat(image.get("c_bool").asInt()).as("TINYINT(1) as its number").isEqualTo(5);
            assertThat(image.get("c_date").isNull()).isTrue();
            assertThat(image.get("c_datetime").isNull()).isTrue();
            assertThat(image.get("c_datetime6").isNull()).isTrue();
            assertThat(image.get("c_ts6").isNull()).isTrue();
            assertThat(image.get("c_year").asInt()).isZero();
            assertThat(image.get("c_dec").asText()).isEqualTo("0.00");
            assertThat(image.get("c_dec65").asText()).isEqualTo("1.500000000000000000000000000000");
            assertThat(image.get("c_binary").asText()).isEqualTo("AAAAAA==");
            assertThat(image.get("c_blob").asText()).isEmpty();
            assertThat(image.get("c_enum").asText()).isEmpty();
            assertThat(image.get("c_time6").asText()).isEqualTo("-00:00:00.000001");
            assertThat(image.get("c_float").decimalValue()).isEqualTo(new BigDecimal("0.1"));
            JsonNode doc = image.get("c_json");
            assertThat(doc.isArray()).isTrue();
            assertThat(doc.get(0).decimalValue()).isEqualTo(new BigDecimal("0.1"));
            assertThat(doc.get(3).decimalValue()).isEqualByComparingTo("1e20");
            assertThat(doc.get(5).longValue()).isEqualTo(123456789012345678L);
        } else {
            throw new IllegalArgumentException("No JSON expectations for " + row);
        }
    }

    /** The messages of a failure's causes, innermost last. */
    private static List<String> rootMessages(Throwable failure) {
        List<String> out = new ArrayList<>();
        for (Throwable t = failure; t != null && out.size() < 50; t = t.getCause()) {
            out.add(String.valueOf(t.getMessage()));
        }
        return out;
    }
}
