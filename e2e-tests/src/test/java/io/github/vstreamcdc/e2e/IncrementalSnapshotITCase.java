package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;
import io.github.vstreamcdc.source.snapshot.ChunkPlanner;
import io.github.vstreamcdc.source.snapshot.KeyKind;
import io.github.vstreamcdc.source.snapshot.TableChunk;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.vstreamcdc.e2e.SourceTestSupport.COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incremental snapshot ({@code scan.incremental-snapshot.enabled}) against the real Vitess: an
 * unsharded table read in primary-key chunks by two readers while a load writes to it and a task is
 * killed in the middle of the chunks; then tables with composite, binary and text keys, latin1 text
 * (VStream sends it as stored, the chunks select its bytes), and tables left to the VStream copy
 * (no primary key, a case-insensitive text key), with changes that move keys between chunks. Each
 * time, what came out is compared with what the database holds: every committed change exactly
 * once, in order per key.
 */
@ExtendWith(VitessClusterExtension.class)
class IncrementalSnapshotITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    private static final int ROWS = 20_000;

    static final AtomicInteger FAILURES = new AtomicInteger();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();
    static final AtomicInteger SNAPSHOT_ROWS = new AtomicInteger();

    /**
     * Throws once, on a snapshot row, after two checkpoints completed during the chunks: the job
     * restores with some chunks read and reported, others assigned and not yet read.
     */
    static final class FailInChunks implements MapFunction<RowData, RowData>, CheckpointListener {
        @Override
        public RowData map(RowData row) throws InterruptedException {
            if (row.getRowKind() != RowKind.INSERT || FAILURES.get() > 0) {
                return row;
            }
            // Slows the snapshot down, so that checkpoints fall between its chunks.
            int seen = SNAPSHOT_ROWS.incrementAndGet();
            if (seen % 5 == 0) {
                Thread.sleep(1);
            }
            if (seen > ROWS / 3 && CHECKPOINTS.get() >= 2 && FAILURES.compareAndSet(0, 1)) {
                throw new RuntimeException(
                        "Injected failure inside the chunks at " + SourceTestSupport.describe(row));
            }
            return row;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    void chunksUnderLoadWithAFailureExactlyOnce(VitessCluster cluster) throws Exception {
        String table = "it_incremental";
        TestTables.createUnsharded(cluster, table, COLUMNS);
        SourceTestSupport.insertRange(cluster, "commerce", table, 1, ROWS, "v");
        FAILURES.set(0);
        CHECKPOINTS.set(0);
        SNAPSHOT_ROWS.set(0);
        PlanetScaleSource<RowData> source =
                SourceTestSupport.source(cluster, "commerce")
                        .tableName(table)
                        .startupMode(StartupMode.INITIAL)
                        .incrementalSnapshot(500)
                        .build();
        Map<Long, String> existing = SourceTestSupport.select(cluster, "commerce", table);
        ChangeLoad load =
                new ChangeLoad(() -> cluster.connect("commerce"), table, ROWS + 2000, existing);
        try (CollectedOutput output =
                CollectedOutput.run(source, 2, 300, s -> s.map(new FailInChunks()))) {
            output.await(rows -> FAILURES.get() == 1, Duration.ofMinutes(3), "the failure");
            output.await(rows -> rows.size() >= ROWS, Duration.ofMinutes(3), "the snapshot");
            Thread.sleep(2000); // the binlog after the snapshot, under load
            load.close();
            Map<String, Long> committed = new LinkedHashMap<>();
            List<String> changes = load.confirmed();
            List<Long> seqs = load.confirmedSeqs();
            for (int i = 0; i < changes.size(); i++) {
                committed.put(changes.get(i), seqs.get(i));
            }
            ChangelogCheck check =
                    ChangelogCheck.await(
                            output::snapshot,
                            committed,
                            true,
                            () -> SourceTestSupport.select(cluster, "commerce", table),
                            Duration.ofMinutes(3));
            assertThat(check.problems).as(check.toString()).isEmpty();
            assertThat(check.matchesTable).isTrue();
            assertThat(changes.size()).as("changes the load committed").isGreaterThan(100);
        } finally {
            load.close();
        }
    }

    @Test
    void aColumnAddedBetweenChunksIsInTheLaterChunks(VitessCluster cluster) throws Exception {
        String table = "it_ddl_chunks";
        int rows = 120_000; // more than the four fetches of about 16,000 rows read ahead
        HoldFirstRecord.arm();
        TestTables.createUnsharded(cluster, table, COLUMNS);
        SourceTestSupport.insertRange(cluster, "commerce", table, 1, rows, "v");
        PlanetScaleSource<String> source =
                SourceTestSupport.<String>connectedTo(cluster, "commerce")
                        .tableName(table)
                        .startupMode(StartupMode.INITIAL)
                        .incrementalSnapshot(1000)
                        .deserializer(new JsonDeserializationSchema())
                        .build();
        try (CollectedRecords<String> records =
                CollectedRecords.collect(source, 1, 300, s -> s.map(new HoldFirstRecord<>()))) {
            assertThat(HoldFirstRecord.awaitHeld()).as("the first chunk's first row").isTrue();
            // The reader reads a few chunks ahead, then waits for room in Flink's queue.
            Thread.sleep(3000);
            try (Connection c = cluster.connect("commerce");
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + table + " ADD COLUMN c INT NOT NULL DEFAULT 7");
            }
            HoldFirstRecord.release();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            List<JsonNode> snapshot = new java.util.ArrayList<>();
            while (snapshot.size() < rows) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("snapshot rows: " + snapshot.size() + " of " + rows);
                }
                Thread.sleep(200);
                snapshot.clear();
                for (String json : records.snapshot()) {
                    JsonNode record = SchemaChangeRecords.parse(json);
                    if ("r".equals(record.path("op").asText())) {
                        snapshot.add(record);
                    }
                }
            }
            // In reading order: rows of the chunks read before the ALTER lack the column; every
            // row of a chunk read after it has it (before the fix they were read with the old
            // columns, without it).
            int withColumn = 0;
            for (int i = 0; i < snapshot.size(); i++) {
                JsonNode after = snapshot.get(i).path("after");
                if (after.has("c")) {
                    assertThat(after.path("c").asInt()).as("c of %s", after).isEqualTo(7);
                    withColumn++;
                } else {
                    assertThat(withColumn)
                            .as("a row without c after rows with it: %s", after)
                            .isZero();
                }
            }
            assertThat(snapshot).hasSize(rows);
            assertThat(withColumn).as("rows of chunks read after the ALTER").isGreaterThan(0);
        }
        TestTables.dropUnsharded(cluster, table);
    }

    /**
     * Startup mode 'snapshot' read in chunks: the chunks are read at different high watermarks, and
     * only the binlog up to the last of them makes them one snapshot. Changes between the chunks'
     * reads (a key moved from a chunk not yet read into one read before, a row deleted from and a
     * row updated in one read before) must come out, so that the output of the job, which ends on
     * its own, equals the table (no write after them). Before, the job ended with the last chunk.
     */
    @Test
    void aSnapshotReadInChunksEndsConsistent(VitessCluster cluster) throws Exception {
        String table = "it_bounded_chunks";
        int rows = 120_000; // more than the four fetches of about 16,000 rows read ahead
        HoldFirstRecord.arm();
        TestTables.createUnsharded(cluster, table, COLUMNS);
        SourceTestSupport.insertRange(cluster, "commerce", table, 1, rows, "v");
        PlanetScaleSource<RowData> source =
                SourceTestSupport.source(cluster, "commerce")
                        .tableName(table)
                        .startupMode(StartupMode.SNAPSHOT)
                        .incrementalSnapshot(1000)
                        .build();
        try (CollectedRecords<RowData> records =
                CollectedRecords.collect(source, 1, 300, s -> s.map(new HoldFirstRecord<>()))) {
            assertThat(HoldFirstRecord.awaitHeld()).as("the first chunk's first row").isTrue();
            Thread.sleep(3000);
            try (Connection c = cluster.connect("commerce");
                    Statement s = c.createStatement()) {
                // from the chunk of 118,001-119,000 (read later) into that of ids up to 1,000
                s.execute("UPDATE " + table + " SET id = 0 WHERE id = " + (rows - 1000));
                s.execute("DELETE FROM " + table + " WHERE id = 10");
                s.execute("UPDATE " + table + " SET v = 'changed' WHERE id = 20");
            }
            HoldFirstRecord.release();
            Map<Long, String> applied = new TreeMap<>();
            for (RowData row : records.awaitEnd(Duration.ofMinutes(3))) {
                if (row.getRowKind() == RowKind.INSERT
                        || row.getRowKind() == RowKind.UPDATE_AFTER) {
                    applied.put(row.getLong(0), row.getString(1).toString());
                } else {
                    applied.remove(row.getLong(0));
                }
            }
            Map<Long, String> expected = SourceTestSupport.select(cluster, "commerce", table);
            assertThat(applied).containsEntry(0L, "v" + (rows - 1000)).doesNotContainKey(10L);
            assertThat(applied).containsEntry(20L, "changed");
            assertThat(applied).isEqualTo(expected);
        }
        TestTables.dropUnsharded(cluster, table);
    }

    /**
     * A chunk's bounds select what the reader places in the chunk, also where MySQL would compare a
     * composite key's integers as doubles (bound as text, 1400000000000000000 and ...001 are
     * equal).
     */
    @Test
    void aCompositeKeysBoundBetweenLargeIntegersIsExact(VitessCluster cluster) throws Exception {
        try (Connection c = cluster.connect("commerce");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS it_bigkey_bounds");
            s.execute(
                    "CREATE TABLE it_bigkey_bounds (tenant INT, id BIGINT UNSIGNED, v DECIMAL(30,0),"
                            + " PRIMARY KEY (tenant, id, v))");
            s.execute(
                    "INSERT INTO it_bigkey_bounds VALUES (7, 1400000000000000000, 1),"
                            + " (7, 1400000000000000001, 1), (7, 18446744073709551614, 1),"
                            + " (7, 18446744073709551615, 100000000000000000000000000000),"
                            + " (7, 18446744073709551615, 100000000000000000000000000001)");
            List<String> columns = Arrays.asList("tenant", "id", "v");
            List<KeyKind> kinds =
                    Arrays.asList(
                            KeyKind.of("int", null),
                            KeyKind.of("bigint unsigned", null),
                            KeyKind.of("decimal(30,0)", null));
            TableChunk chunk =
                    new TableChunk(
                            "it_bigkey_bounds",
                            1,
                            columns,
                            kinds,
                            key("7", "1400000000000000001", "1"),
                            key("7", "18446744073709551615", "100000000000000000000000000001"));
            List<String> read = new ArrayList<>();
            try (PreparedStatement select =
                    c.prepareStatement(
                            "SELECT id, v FROM it_bigkey_bounds WHERE "
                                    + ChunkPlanner.condition(chunk)
                                    + " ORDER BY tenant, id, v")) {
                ChunkPlanner.bindCondition(select, chunk);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        read.add(rs.getString(1) + "/" + rs.getString(2));
                    }
                }
            }
            assertThat(read)
                    .containsExactly(
                            "1400000000000000001/1",
                            "18446744073709551614/1",
                            "18446744073709551615/100000000000000000000000000000");
        }
    }

    private static byte[][] key(String... values) {
        byte[][] key = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            key[i] = values[i].getBytes(StandardCharsets.US_ASCII);
        }
        return key;
    }

    @Test
    void compositeBinaryAndTextKeysAndTablesLeftToVStream(VitessCluster cluster) throws Exception {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("it_inc_composite", "a INT, b VARBINARY(16), v VARCHAR(64), PRIMARY KEY (a, b)");
        tables.put(
                "it_inc_text",
                "k VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY,"
                        + " v VARCHAR(64)");
        tables.put("it_inc_ci", "k VARCHAR(40) PRIMARY KEY, v VARCHAR(64)");
        tables.put("it_inc_nopk", "k INT, v VARCHAR(64), l VARCHAR(64) CHARACTER SET latin1");
        // Text of another character set than UTF-8, which VStream sends as it is stored.
        tables.put(
                "it_inc_latin1",
                "k INT PRIMARY KEY, l VARCHAR(64) CHARACTER SET latin1,"
                        + " e ENUM('é','ü','x') CHARACTER SET latin1,"
                        + " s SET('é','ü') CHARACTER SET latin1");
        try (Connection c = cluster.connect("commerce");
                Statement s = c.createStatement()) {
            for (Map.Entry<String, String> t : tables.entrySet()) {
                s.execute("DROP TABLE IF EXISTS " + t.getKey());
                s.execute("CREATE TABLE " + t.getKey() + " (" + t.getValue() + ")");
            }
            for (int i = 0; i < 600; i++) {
                s.execute(
                        "INSERT INTO it_inc_composite VALUES ("
                                + (i % 7)
                                + ", UNHEX('"
                                + String.format("%04X", i * 37 % 65536)
                                + "'), 'c"
                                + i
                                + "')");
                s.execute("INSERT INTO it_inc_text VALUES ('Key-" + i + "', 't" + i + "')");
                s.execute("INSERT INTO it_inc_ci VALUES ('key-" + i + "', 'i" + i + "')");
                s.execute(
                        "INSERT INTO it_inc_nopk VALUES (" + i + ", 'n" + i + "', 'nö€" + i + "')");
                s.execute(
                        "INSERT INTO it_inc_latin1 VALUES ("
                                + i
                                + ", 'café € "
                                + i
                                + "', '"
                                + (i % 2 == 0 ? "é" : "ü")
                                + "', '"
                                + (i % 3 == 0 ? "é,ü" : "ü")
                                + "')");
            }
        }
        cluster.reloadSchema("commerce");
        PlanetScaleSource<String> source =
                SourceTestSupport.<String>connectedTo(cluster, "commerce")
                        .tableList("commerce\\.it_inc_.*")
                        .startupMode(StartupMode.INITIAL)
                        .incrementalSnapshot(20)
                        .deserializer(new JsonDeserializationSchema())
                        .build();
        try (CapturedLogs logs = new CapturedLogs();
                CollectedRecords<String> records =
                        CollectedRecords.collect(source, 2, 300, s -> s)) {
            // Changes while the chunks are read: keys move between chunks, rows come and go.
            int changes = 0;
            try (Connection c = cluster.connect("commerce");
                    Statement s = c.createStatement()) {
                java.util.Random random = new java.util.Random(11);
                long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                while (System.nanoTime() < until || records.snapshot().size() < 3000) {
                    int i = random.nextInt(600);
                    switch (changes % 7) {
                        case 0:
                            s.execute(
                                    "UPDATE it_inc_composite SET a = 6 - a, v = 'm"
                                            + changes
                                            + "' WHERE b = UNHEX('"
                                            + String.format("%04X", i * 37 % 65536)
                                            + "')");
                            break;
                        case 1:
                            s.execute(
                                    "UPDATE it_inc_text SET k = CONCAT(CHAR(65 + "
                                            + random.nextInt(50)
                                            + "), k), v = 'm"
                                            + changes
                                            + "' WHERE k LIKE '%Key-"
                                            + i
                                            + "'");
                            break;
                        case 2:
                            s.execute("DELETE FROM it_inc_text WHERE k LIKE '%Key-" + i + "'");
                            break;
                        case 3:
                            s.execute(
                                    "INSERT INTO it_inc_composite VALUES ("
                                            + random.nextInt(7)
                                            + ", UNHEX('FF"
                                            + String.format("%04X", changes)
                                            + "'), 'n"
                                            + changes
                                            + "')");
                            break;
                        case 4:
                            s.execute(
                                    "UPDATE it_inc_ci SET v = 'm"
                                            + changes
                                            + "' WHERE k = 'key-"
                                            + i
                                            + "'");
                            break;
                        case 5:
                            s.execute(
                                    "UPDATE it_inc_latin1 SET l = 'ñ-"
                                            + changes
                                            + "', e = IF(e = 'é', 'ü', 'é'), s = IF(s = 'ü',"
                                            + " 'é', 'é,ü') WHERE k = "
                                            + i);
                            break;
                        default:
                            s.execute(
                                    "UPDATE it_inc_nopk SET v = 'm"
                                            + changes
                                            + "', l = 'Ø"
                                            + changes
                                            + "' WHERE k = "
                                            + i);
                    }
                    changes++;
                    if (System.nanoTime() > until + Duration.ofMinutes(2).toNanos()) {
                        throw new AssertionError("no snapshot after 2 minutes");
                    }
                }
            }
            for (String table : tables.keySet()) {
                Map<String, String> expected = contents(cluster, table);
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                Map<String, String> applied = applied(records.snapshot(), table);
                while (!applied.equals(expected) && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    applied = applied(records.snapshot(), table);
                }
                assertThat(applied)
                        .as("table %s rebuilt from its changelog", table)
                        .isEqualTo(expected);
            }
            Map<String, Integer> counts = new HashMap<>();
            for (String record : records.snapshot()) {
                counts.merge(record, 1, Integer::sum);
            }
            assertThat(counts.entrySet())
                    .as("records delivered twice")
                    .noneMatch(e -> e.getValue() > 1);
            // The keyed tables were read in chunks, the others by the VStream copy.
            assertThat(logs.text())
                    .contains("table it_inc_composite: ")
                    .contains("table it_inc_text: ")
                    .contains("table it_inc_latin1: ")
                    .doesNotContain("table it_inc_ci: ")
                    .doesNotContain("table it_inc_nopk: ")
                    .contains("after VStream copies [it_inc_ci, it_inc_nopk]");
        }
    }

    /** The table's rows as {@code col=value,...} strings, keyed by the same string. */
    private static Map<String, String> contents(VitessCluster cluster, String table)
            throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = cluster.connect("commerce");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            int count = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= count; i++) {
                    Object value =
                            rs.getMetaData().getColumnType(i) == java.sql.Types.VARBINARY
                                    ? java.util.Base64.getEncoder().encodeToString(rs.getBytes(i))
                                    : rs.getString(i);
                    row.append(i == 1 ? "" : ",")
                            .append(rs.getMetaData().getColumnLabel(i))
                            .append('=')
                            .append(value);
                }
                rows.merge(row.toString(), "1", (a, b) -> String.valueOf(Integer.parseInt(a) + 1));
            }
        }
        return rows;
    }

    /** The changelog of one table applied strictly: a delete or before-image must be present. */
    private static Map<String, String> applied(List<String> records, String table) {
        Map<String, String> rows = new TreeMap<>();
        for (String json : records) {
            JsonNode record = SchemaChangeRecords.parse(json);
            if (!table.equals(SchemaChangeRecords.tableOf(record))) {
                continue;
            }
            JsonNode before = record.get("before");
            JsonNode after = record.get("after");
            if (before != null && before.isObject()) {
                String row = render(before);
                String count = rows.get(row);
                if (count == null) {
                    rows.put("MISSING " + row, "1");
                } else if (count.equals("1")) {
                    rows.remove(row);
                } else {
                    rows.put(row, String.valueOf(Integer.parseInt(count) - 1));
                }
            }
            if (after != null && after.isObject()) {
                rows.merge(render(after), "1", (a, b) -> String.valueOf(Integer.parseInt(a) + 1));
            }
        }
        return rows;
    }

    private static String render(JsonNode image) {
        StringBuilder row = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = image.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            row.append(row.length() == 0 ? "" : ",")
                    .append(field.getKey())
                    .append('=')
                    .append(field.getValue().isNull() ? null : field.getValue().asText());
        }
        return row.toString();
    }
}
