package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.CapturedLogs;
import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incremental snapshot from Flink SQL, through the shaded jar: a two-shard table read in
 * primary-key chunks by two readers while rows are inserted, updated and deleted, then the binlog;
 * the changelog applied to an empty table must equal the table, and no insert may come twice.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlIncrementalSnapshotITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final String TABLE = "sql_incremental";
    private static final int ROWS = 3000;

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    @Test
    void shardsReadInChunksThenTheirBinlogs(VitessCluster cluster) throws Exception {
        SqlTestSupport.createVitessTable(
                cluster, TABLE, "id BIGINT NOT NULL, v VARCHAR(32), PRIMARY KEY (id)");
        insertRows(cluster, TABLE, "id, v", ROWS, id -> id + ", 'v" + id + "'");
        StreamTableEnvironment tEnv =
                chunked(cluster, TABLE, "id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED");
        try (CapturedLogs logs = new CapturedLogs();
                CollectedRows out = CollectedRows.of(tEnv.executeSql("SELECT * FROM chunked"))) {
            for (int round = 0; round < 30; round++) {
                SqlTestSupport.execute(
                        cluster,
                        "UPDATE " + TABLE + " SET v = 'u" + round + "' WHERE id % 97 = " + round,
                        "DELETE FROM " + TABLE + " WHERE id = " + (round * 91 + 7),
                        "INSERT INTO "
                                + TABLE
                                + " (id, v) VALUES ("
                                + (ROWS + round + 1)
                                + ", 'n"
                                + round
                                + "')");
                Thread.sleep(50);
            }
            Map<Long, String> expected = new TreeMap<>();
            try (Connection c = cluster.connect(SqlTestSupport.KEYSPACE);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, v FROM " + TABLE)) {
                while (rs.next()) {
                    expected.put(rs.getLong(1), rs.getString(2));
                }
            }
            List<Row> rows =
                    out.await(
                            r -> applied(r).equals(expected),
                            Duration.ofMinutes(3),
                            "the changelog to equal the table");
            Thread.sleep(2000);
            rows = out.rows();
            assertThat(applied(rows)).isEqualTo(expected);
            Map<String, Integer> inserts = new HashMap<>();
            for (Row row : rows) {
                if (row.getKind() == RowKind.INSERT) {
                    inserts.merge(row.getField("id") + "=" + row.getField("v"), 1, Integer::sum);
                }
            }
            assertThat(inserts.entrySet()).noneMatch(e -> e.getValue() > 1);
            assertThat(logs.text())
                    .contains("Snapshot of customer/-80 table " + TABLE + ": ")
                    .contains("Snapshot of customer/80- table " + TABLE + ": ");
        }
    }

    @Test
    void aPushedDownFilterHoldsForTheChunksAsForTheStreams(VitessCluster cluster) throws Exception {
        String table = TABLE + "_filtered";
        SqlTestSupport.createVitessTable(
                cluster,
                table,
                "id BIGINT NOT NULL, n BIGINT NOT NULL, v VARCHAR(32), PRIMARY KEY (id)");
        insertRows(cluster, table, "id, n, v", 1000, id -> id + ", " + id + ", 'v" + id + "'");
        StreamTableEnvironment tEnv =
                chunked(
                        cluster,
                        table,
                        "id BIGINT, n BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED");
        String query = "SELECT id, v FROM chunked WHERE n > 600";
        assertThat(tEnv.explainSql(query)).as("filter pushed into the scan").contains("filter=[");
        try (CollectedRows out = CollectedRows.of(tEnv.executeSql(query))) {
            // Rows move into and out of the filter while the chunks are read.
            for (int round = 0; round < 10; round++) {
                SqlTestSupport.execute(
                        cluster,
                        "UPDATE " + table + " SET n = 2000 WHERE id = " + (500 + round),
                        "UPDATE " + table + " SET n = 0 WHERE id = " + (950 + round),
                        "UPDATE " + table + " SET v = 'u' WHERE id = " + (800 + round),
                        "DELETE FROM " + table + " WHERE id = " + (700 + round));
                Thread.sleep(50);
            }
            Map<Long, String> expected = new TreeMap<>();
            try (Connection c = cluster.connect(SqlTestSupport.KEYSPACE);
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT id, v FROM " + table + " WHERE n > 600")) {
                while (rs.next()) {
                    expected.put(rs.getLong(1), rs.getString(2));
                }
            }
            try {
                out.await(
                        r -> applied(r).equals(expected),
                        Duration.ofMinutes(2),
                        "the changelog to equal the table's rows with n > 600");
            } catch (AssertionError e) {
                throw new AssertionError(difference(expected, applied(out.rows())), e);
            }
            Thread.sleep(2000);
            assertThat(applied(out.rows())).isEqualTo(expected);
        }
    }

    /** Fills the table with rows 1 to {@code count}, each given by the SQL of its values. */
    private static void insertRows(
            VitessCluster cluster, String table, String columns, int count, IntFunction<String> row)
            throws Exception {
        StringBuilder insert =
                new StringBuilder("INSERT INTO " + table + " (" + columns + ") VALUES ");
        for (int id = 1; id <= count; id++) {
            insert.append(id == 1 ? "" : ", ").append('(').append(row.apply(id)).append(')');
        }
        SqlTestSupport.execute(cluster, insert.toString());
    }

    /** Declares the table in Flink as {@code chunked}, snapshotted in chunks of 100 rows. */
    private static StreamTableEnvironment chunked(
            VitessCluster cluster, String table, String columns) throws Exception {
        // Checkpoints, as an incremental snapshot needs for the order per key across the hand-over
        // from a shard's chunks to its stream (see the docs' limits).
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        Map<String, String> options = SqlTestSupport.options(cluster, table);
        options.put("scan.incremental-snapshot.enabled", "true");
        options.put("scan.incremental-snapshot.chunk.size", "100");
        tEnv.executeSql(SqlTestSupport.createTable("chunked", columns, options));
        return tEnv;
    }

    /** The keys whose values differ, for a failure's message. */
    private static String difference(Map<Long, String> expected, Map<Long, String> actual) {
        Map<Long, String> wrong = new TreeMap<>();
        for (Map.Entry<Long, String> e : actual.entrySet()) {
            if (!e.getValue().equals(expected.get(e.getKey()))) {
                wrong.put(
                        e.getKey(), e.getValue() + " (expected " + expected.get(e.getKey()) + ")");
            }
        }
        for (Long id : expected.keySet()) {
            if (!actual.containsKey(id)) {
                wrong.put(id, "missing (expected " + expected.get(id) + ")");
            }
        }
        return "The changelog applied differs from the table at "
                + wrong.size()
                + " keys: "
                + wrong;
    }

    /** The changelog applied to an empty table, strictly: a retraction must find its row. */
    private static Map<Long, String> applied(List<Row> rows) {
        Map<Long, String> table = new TreeMap<>();
        for (Row row : rows) {
            long id = (Long) row.getField("id");
            String v = (String) row.getField("v");
            if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                table.put(id, v);
            } else if (v != null && v.equals(table.get(id))) {
                table.remove(id);
            } else {
                table.put(id, "MISSING " + row);
            }
        }
        return table;
    }
}
