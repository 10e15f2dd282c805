package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A declared column renamed away while the query runs: by default the job fails naming the table,
 * shard, position and column; with {@code 'schema-change.dropped-column' = 'null'} the rows that
 * follow have NULL there.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlSchemaChangeITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String COLUMNS =
            "id BIGINT NOT NULL, v VARCHAR(32), label VARCHAR(32), PRIMARY KEY (id)";
    private static final int ROWS = 6;

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    @Test
    void renamedDeclaredColumnFailsTheJobByDefault(VitessCluster cluster) throws Exception {
        String table = "sql_rename_fail";
        try (CollectedRows out = startAfterSnapshot(cluster, table, Map.of())) {
            renameLabelAndInsert(cluster, table);
            AssertionError failed =
                    (AssertionError)
                            assertThatThrownBy(() -> out.await(rows -> false, TIMEOUT, "a failure"))
                                    .isInstanceOf(AssertionError.class)
                                    .actual();
            List<String> messages = new ArrayList<>();
            for (Throwable t = failed.getCause();
                    t != null && t != t.getCause();
                    t = t.getCause()) {
                messages.add(String.valueOf(t.getMessage()));
            }
            assertThat(messages)
                    .as("the failure's messages (timed out if empty)")
                    .anySatisfy(
                            m ->
                                    assertThat(m)
                                            .contains(table)
                                            .containsPattern("-80|80-")
                                            .containsIgnoringCase("position")
                                            .contains("label")
                                            // the connector's advice, not a tablet's error
                                            .contains("schema-change.dropped-column"));
            assertThat(out.rows()).as("no row in the new shape").hasSize(ROWS);
        }
    }

    @Test
    void renamedDeclaredColumnBecomesNullWhenAsked(VitessCluster cluster) throws Exception {
        String table = "sql_rename_null";
        try (CollectedRows out =
                startAfterSnapshot(
                        cluster, table, Map.of("schema-change.dropped-column", "null"))) {
            renameLabelAndInsert(cluster, table);
            SqlTestSupport.execute(cluster, "UPDATE " + table + " SET v = 'w1' WHERE id = 1");
            List<Row> rows = out.await(r -> r.size() >= 2 * ROWS + 2, TIMEOUT, "the new rows");
            Thread.sleep(2000);
            rows = out.rows();
            assertThat(rows).hasSize(2 * ROWS + 2);
            Map<Long, List<Object>> applied = new TreeMap<>();
            for (Row row : rows) {
                long id = (Long) row.getField("id");
                if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                    applied.put(id, Arrays.asList(row.getField("v"), row.getField("label")));
                } else {
                    applied.remove(id);
                }
            }
            Map<Long, List<Object>> expected = new TreeMap<>();
            try (Connection c = cluster.connect(SqlTestSupport.KEYSPACE);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, v, title FROM " + table)) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    // a row written after the rename has no 'label' any more
                    boolean rewritten = id == 1 || id > ROWS;
                    expected.put(
                            id, Arrays.asList(rs.getString(2), rewritten ? null : rs.getString(3)));
                }
            }
            assertThat(applied).isEqualTo(expected);
        }
    }

    /** Creates the table with ROWS rows and starts the query; returns once the snapshot is out. */
    private static CollectedRows startAfterSnapshot(
            VitessCluster cluster, String table, Map<String, String> extraOptions)
            throws Exception {
        SqlTestSupport.createVitessTable(cluster, table, COLUMNS);
        StringBuilder insert =
                new StringBuilder("INSERT INTO " + table + " (id, v, label) VALUES ");
        for (int id = 1; id <= ROWS; id++) {
            insert.append(id == 1 ? "" : ", ");
            insert.append("(").append(id).append(", 'v").append(id).append("', 'l").append(id);
            insert.append("')");
        }
        SqlTestSupport.execute(cluster, insert.toString());
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        Map<String, String> options = SqlTestSupport.options(cluster, table);
        options.putAll(extraOptions);
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "renamed", "id BIGINT, v STRING, label STRING", options));
        CollectedRows out = CollectedRows.of(tEnv.executeSql("SELECT id, v, label FROM renamed"));
        List<Row> snapshot = out.await(r -> r.size() >= ROWS, TIMEOUT, "the snapshot");
        assertThat(snapshot).allSatisfy(r -> assertThat(r.getField("label")).isNotNull());
        return out;
    }

    /** Renames 'label' to 'title' and inserts ROWS rows (ids on both shards) naming 'title'. */
    private static void renameLabelAndInsert(VitessCluster cluster, String table) throws Exception {
        SqlTestSupport.execute(cluster, "ALTER TABLE " + table + " RENAME COLUMN label TO title");
        cluster.awaitTrackedColumns(SqlTestSupport.KEYSPACE, table);
        StringBuilder insert =
                new StringBuilder("INSERT INTO " + table + " (id, v, title) VALUES ");
        for (int id = ROWS + 1; id <= 2 * ROWS; id++) {
            insert.append(id == ROWS + 1 ? "" : ", ");
            insert.append("(").append(id).append(", 'v").append(id).append("', 't").append(id);
            insert.append("')");
        }
        SqlTestSupport.execute(cluster, insert.toString());
    }
}
