package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.MultiTableRowDataDeserializationSchema;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole-keyspace capture with one source: three tables with different schemas chosen by include and
 * exclude lists, read at parallelism 2 through one VStream per shard, and a table that appears
 * while the job runs (copied, then streamed) with a task failure injected during its copy. Every
 * table's changelog, applied strictly (an insert of a present key or an update or delete of an
 * absent or different row fails), must equal the table.
 */
@ExtendWith(VitessClusterExtension.class)
class MultiTableITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    private static final int ROWS = 300;
    private static final int NEW_ROWS = 4_000;
    private static final String PAD = "p".repeat(200);

    /** The tables, in the order of the record's fields; mt_skip is excluded by the source. */
    private static final Map<String, RowType> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put(
                "mt_orders",
                row(
                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                        DataTypes.FIELD("total", DataTypes.DECIMAL(10, 2)),
                        DataTypes.FIELD("note", DataTypes.STRING())));
        TYPES.put(
                "mt_items",
                row(
                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                        DataTypes.FIELD("qty", DataTypes.INT()),
                        DataTypes.FIELD("sku", DataTypes.STRING()),
                        DataTypes.FIELD("stock", DataTypes.BIGINT())));
        TYPES.put("mt_events", row(DataTypes.FIELD("id", DataTypes.BIGINT())));
        TYPES.put(
                "mt_skip",
                row(
                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                        DataTypes.FIELD("v", DataTypes.STRING())));
        TYPES.put(
                "mt_new",
                row(
                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                        DataTypes.FIELD("v", DataTypes.STRING()),
                        DataTypes.FIELD("pad", DataTypes.STRING())));
    }

    private static final List<String> NAMES = new ArrayList<>(TYPES.keySet());
    private static final int NEW_TABLE = NAMES.indexOf("mt_new");

    private static RowType row(DataTypes.Field... fields) {
        return (RowType) DataTypes.ROW(fields).getLogicalType();
    }

    static final AtomicInteger FAILURES = new AtomicInteger();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();
    static volatile int checkpointsAtCopyStart = -1;

    /** Throws once during mt_new's copy, after two checkpoints completed inside it. */
    static final class FailDuringNewTableCopy
            implements MapFunction<RowData, RowData>, CheckpointListener {
        private long seen;

        @Override
        public RowData map(RowData record) throws InterruptedException {
            if (record.isNullAt(NEW_TABLE) || FAILURES.get() > 0) {
                return record;
            }
            if (++seen % 2 == 0) {
                Thread.sleep(1); // slow enough for checkpoints to fall inside the copy
            }
            if (checkpointsAtCopyStart < 0) {
                checkpointsAtCopyStart = CHECKPOINTS.get();
            } else if (CHECKPOINTS.get() >= checkpointsAtCopyStart + 2
                    // both subtasks may get here at once: only one throws
                    && FAILURES.compareAndSet(0, 1)) {
                throw new RuntimeException("Injected failure during the copy of mt_new");
            }
            return record;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    void tablesOfDifferentSchemasAndATableAddedWhileRunningExactlyOnce(VitessCluster cluster)
            throws Exception {
        TestTables.createSharded(
                cluster,
                "mt_orders",
                "id BIGINT PRIMARY KEY, total DECIMAL(10,2), note VARCHAR(32)");
        TestTables.createSharded(
                cluster,
                "mt_items",
                "id BIGINT PRIMARY KEY, qty INT NOT NULL, sku VARCHAR(16), stock BIGINT");
        TestTables.createSharded(cluster, "mt_events", "id BIGINT PRIMARY KEY");
        TestTables.createSharded(cluster, "mt_skip", "id BIGINT PRIMARY KEY, v VARCHAR(64)");
        execute(cluster, "DROP TABLE IF EXISTS mt_new", "DROP TABLE IF EXISTS stage_mt_new");
        for (int id = 1; id <= ROWS; id++) {
            execute(
                    cluster,
                    "INSERT INTO mt_orders VALUES (" + id + ", " + id + ".25, 'o" + id + "')",
                    "INSERT INTO mt_items VALUES (" + id + ", " + id % 7 + ", 's" + id + "', NULL)",
                    "INSERT INTO mt_events VALUES (" + id + ")",
                    "INSERT INTO mt_skip VALUES (" + id + ", 'x')");
        }
        FAILURES.set(0);
        CHECKPOINTS.set(0);
        checkpointsAtCopyStart = -1;

        PlanetScaleSource<RowData> source =
                source(cluster, "customer\\.mt_.*").excludedTableList("customer\\.mt_skip").build();
        try (CollectedOutput output =
                CollectedOutput.run(source, 2, 300, s -> s.map(new FailDuringNewTableCopy()))) {
            output.await(r -> r.size() >= 3 * ROWS, Duration.ofMinutes(3), "the three copies");

            // Changes of every kind in the three tables, and in the excluded one.
            for (int id = 1; id <= 20; id++) {
                execute(
                        cluster,
                        "UPDATE mt_orders SET total = total + 1, note = NULL WHERE id = " + id,
                        "UPDATE mt_items SET stock = " + id * 1000 + " WHERE id = " + id,
                        "DELETE FROM mt_events WHERE id = " + id,
                        "UPDATE mt_skip SET v = 'y' WHERE id = " + id);
            }

            // A table that appears with rows: filled under another name, then renamed into the
            // selection, so that the source finds it full and must copy it.
            try (Connection c = cluster.connect("customer");
                    Statement s = c.createStatement()) {
                s.execute(
                        "CREATE TABLE stage_mt_new (id BIGINT PRIMARY KEY, v VARCHAR(64),"
                                + " pad VARCHAR(255))");
            }
            cluster.reloadSchema("customer");
            cluster.awaitTrackedColumns("customer", "stage_mt_new");
            insertNew(cluster, "stage_mt_new", 1, NEW_ROWS);
            execute(cluster, "RENAME TABLE stage_mt_new TO mt_new");
            cluster.reloadSchema("customer");
            cluster.awaitTrackedColumns("customer", "mt_new");

            // The other tables keep streaming while mt_new is copied; mt_new streams after.
            output.await(
                    r -> countOf(r, NEW_TABLE) >= NEW_ROWS / 2,
                    Duration.ofMinutes(3),
                    "half of mt_new's copy");
            for (int id = ROWS + 1; id <= ROWS + 20; id++) {
                execute(
                        cluster,
                        "INSERT INTO mt_orders VALUES (" + id + ", 1.00, 'late')",
                        "INSERT INTO mt_events VALUES (" + id + ")");
            }
            output.await(
                    r -> countOf(r, NEW_TABLE) >= NEW_ROWS, Duration.ofMinutes(3), "mt_new's copy");
            insertNew(cluster, "mt_new", NEW_ROWS + 1, NEW_ROWS + 50);
            execute(cluster, "UPDATE mt_new SET v = 'changed' WHERE id <= 10");
            execute(cluster, "DELETE FROM mt_new WHERE id > " + (NEW_ROWS + 40));

            Map<String, Map<Long, String>> expected = new TreeMap<>();
            for (String table : NAMES) {
                expected.put(
                        table, table.equals("mt_skip") ? new TreeMap<>() : select(cluster, table));
            }
            long deadline = System.currentTimeMillis() + 120_000;
            Map<String, Map<Long, String>> applied = applyStrictly(output.snapshot());
            // A table without changes (the excluded one) is absent from the changelog: compare
            // per table, as the assertions below do, or this waits out the whole deadline.
            while (!sameTables(applied, expected) && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                applied = applyStrictly(output.snapshot());
            }
            assertThat(FAILURES.get()).as("the failure during mt_new's copy").isEqualTo(1);
            for (String table : NAMES) {
                assertThat(applied.getOrDefault(table, new TreeMap<>()))
                        .as("table %s applied from the changelog", table)
                        .isEqualTo(expected.get(table));
            }
        }
    }

    private static boolean sameTables(
            Map<String, Map<Long, String>> applied, Map<String, Map<Long, String>> expected) {
        for (String table : NAMES) {
            if (!applied.getOrDefault(table, new TreeMap<>())
                    .equals(expected.getOrDefault(table, new TreeMap<>()))) {
                return false;
            }
        }
        return true;
    }

    /** All tables the keyspace's selection matches, copied first, new ones found every second. */
    private static PlanetScaleSourceBuilder<RowData> source(
            VitessCluster cluster, String... tables) {
        return SourceTestSupport.<RowData>connectedTo(cluster, "customer")
                .tableList(tables)
                .scanNewlyAddedTableEnabled(true)
                .option(
                        PlanetScaleSourceOptions.SCAN_TABLE_DISCOVERY_INTERVAL,
                        Duration.ofSeconds(1))
                .startupMode(StartupMode.INITIAL)
                .deserializer(new MultiTableRowDataDeserializationSchema(TYPES));
    }

    /** What the savepoint test's jobs emitted, in order (one job runs at a time). */
    static final List<RowData> EMITTED = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Keeps every record in {@link #EMITTED}: exact as long as no task fails. */
    static final class Keep implements MapFunction<RowData, RowData> {
        @Override
        public RowData map(RowData record) {
            EMITTED.add(record);
            return record;
        }
    }

    private static JobClient runKeeping(PlanetScaleSource<RowData> source, String savepoint)
            throws Exception {
        Configuration config = new Configuration();
        if (savepoint != null) {
            config.setString("execution.state-recovery.path", savepoint);
            config.setString("execution.savepoint.path", savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "planetscale")
                .uid("planetscale")
                .map(new Keep())
                .uid("keep")
                .sinkTo(new DiscardingSink<>())
                .uid("discard");
        return env.executeAsync("multi-table savepoint");
    }

    private static void awaitEmitted(
            VitessCluster cluster, List<String> tables, Duration timeout, String what)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Map<Long, String>> applied = applyStrictly(new ArrayList<>(EMITTED));
            boolean equal = true;
            for (String table : tables) {
                equal &=
                        applied.getOrDefault(table, new TreeMap<>()).equals(select(cluster, table));
            }
            if (equal) {
                return;
            }
            if (System.nanoTime() > deadline) {
                for (String table : tables) {
                    assertThat(applied.getOrDefault(table, new TreeMap<>()))
                            .as("%s: table %s applied from the changelog", what, table)
                            .isEqualTo(select(cluster, table));
                }
            }
            Thread.sleep(500);
        }
    }

    /**
     * A job restored from a savepoint with a wider selection copies the tables it matches now and
     * streams them on, while the tables it read before continue from their positions.
     */
    @Test
    void aWiderSelectionOnRestoreCopiesTheNewlyMatchedTables(
            VitessCluster cluster, @TempDir Path savepoints) throws Exception {
        TestTables.createSharded(
                cluster,
                "mt_orders",
                "id BIGINT PRIMARY KEY, total DECIMAL(10,2), note VARCHAR(32)");
        TestTables.createSharded(
                cluster,
                "mt_items",
                "id BIGINT PRIMARY KEY, qty INT NOT NULL, sku VARCHAR(16), stock BIGINT");
        for (int id = 1; id <= ROWS; id++) {
            execute(
                    cluster,
                    "INSERT INTO mt_orders VALUES (" + id + ", 1.00, 'o" + id + "')",
                    "INSERT INTO mt_items VALUES (" + id + ", 1, 's" + id + "', " + id + ")");
        }
        EMITTED.clear();
        List<String> orders = java.util.Collections.singletonList("mt_orders");
        JobClient first = runKeeping(source(cluster, "customer\\.mt_orders").build(), null);
        awaitEmitted(cluster, orders, Duration.ofMinutes(2), "the first job");
        execute(cluster, "UPDATE mt_orders SET note = 'before' WHERE id <= 10");
        awaitEmitted(cluster, orders, Duration.ofMinutes(1), "the first job's updates");
        String savepoint =
                first.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(applyStrictly(new ArrayList<>(EMITTED))).doesNotContainKey("mt_items");

        // Changes while no job runs, to both tables.
        execute(
                cluster,
                "UPDATE mt_orders SET note = 'between' WHERE id > " + (ROWS - 10),
                "UPDATE mt_items SET stock = 0 WHERE id <= 10");
        JobClient second =
                runKeeping(
                        source(cluster, "customer\\.mt_orders", "customer\\.mt_items").build(),
                        savepoint);
        try {
            execute(cluster, "INSERT INTO mt_items VALUES (" + (ROWS + 1) + ", 2, 'late', 0)");
            awaitEmitted(
                    cluster,
                    java.util.Arrays.asList("mt_orders", "mt_items"),
                    Duration.ofMinutes(3),
                    "the restored job");
        } finally {
            second.cancel().get();
        }
    }

    private static void insertNew(VitessCluster cluster, String table, int from, int to)
            throws SQLException {
        try (Connection c = cluster.connect("customer");
                Statement s = c.createStatement()) {
            StringBuilder sql = new StringBuilder();
            for (int id = from; id <= to; id++) {
                sql.append(sql.length() == 0 ? "INSERT INTO " + table + " VALUES " : ",")
                        .append("(")
                        .append(id)
                        .append(",'n")
                        .append(id)
                        .append("','")
                        .append(PAD)
                        .append("')");
                if ((id - from + 1) % 500 == 0 || id == to) {
                    s.execute(sql.toString());
                    sql.setLength(0);
                }
            }
        }
    }

    private static void execute(VitessCluster cluster, String... statements) throws SQLException {
        try (Connection c = cluster.connect("customer");
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static long countOf(List<RowData> records, int table) {
        return records.stream().filter(r -> !r.isNullAt(table)).count();
    }

    /** The table's rows as "v1,v2,..." by id. */
    private static Map<Long, String> select(VitessCluster cluster, String table)
            throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = cluster.connect("customer");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder text = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    text.append(i == 1 ? "" : ",").append(rs.getString(i));
                }
                rows.put(rs.getLong(1), text.toString());
            }
        }
        return rows;
    }

    /**
     * Applies each record to its table; fails on an insert of a present key, or an update or delete
     * whose before image is not the current row (a repeated or lost change).
     */
    private static Map<String, Map<Long, String>> applyStrictly(List<RowData> records) {
        Map<String, Map<Long, String>> tables = new TreeMap<>();
        for (RowData record : records) {
            for (int i = 0; i < NAMES.size(); i++) {
                if (record.isNullAt(i)) {
                    continue;
                }
                RowType type = TYPES.get(NAMES.get(i));
                RowData row = record.getRow(i, type.getFieldCount());
                StringBuilder text = new StringBuilder();
                for (int f = 0; f < type.getFieldCount(); f++) {
                    Object value =
                            RowData.createFieldGetter(type.getTypeAt(f), f).getFieldOrNull(row);
                    text.append(f == 0 ? "" : ",").append(value);
                }
                long id = row.getLong(0);
                Map<Long, String> table =
                        tables.computeIfAbsent(NAMES.get(i), k -> new TreeMap<>());
                RowKind kind = record.getRowKind();
                String current = table.get(id);
                String what = NAMES.get(i) + " " + kind.shortString() + text;
                if (kind == RowKind.INSERT) {
                    assertThat(current).as("repeated insert %s", what).isNull();
                    table.put(id, text.toString());
                } else if (kind == RowKind.UPDATE_AFTER) {
                    table.put(id, text.toString());
                } else {
                    assertThat(current).as("before image of %s", what).isEqualTo(text.toString());
                    table.remove(id);
                }
            }
        }
        return tables;
    }
}
