package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.TcpProxy;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Filter push-down against a real Vitess: a query whose WHERE goes into the VStream rule gives the
 * same rows as the whole table's changelog filtered afterwards (what is read without push-down) and
 * as the database, in the snapshot and through inserts, updates (rows moving into, out of and
 * within the filter) and deletes; rows that enter the filter by an update arrive as inserts, rows
 * that leave it as deletes. The VStream bytes of the snapshot, counted by a TCP proxy, shrink with
 * the filter.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlFilterPushDownITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final Logger LOG = LoggerFactory.getLogger(SqlFilterPushDownITCase.class);

    private static final String TABLE = "sql_filtered";
    private static final String WHERE = "amount >= 20 AND amount < 30 AND note IS NOT NULL";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int ROWS = 3000;

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    @Test
    void pushedFilterGivesTheRowsOfFlinksFilterWithFewerBytes(VitessCluster cluster)
            throws Exception {
        SqlTestSupport.createVitessTable(
                cluster,
                TABLE,
                "id BIGINT NOT NULL, amount BIGINT, note VARCHAR(300), PRIMARY KEY (id)");
        String pad = new String(new char[200]).replace('\0', 'x');
        StringBuilder insert = new StringBuilder();
        for (int id = 1; id <= ROWS; id++) {
            insert.append(insert.length() == 0 ? "INSERT INTO " + TABLE + " VALUES " : ",")
                    .append(String.format("(%d, %d, '%s%d')", id, id % 100, pad, id));
            if (id % 500 == 0) {
                SqlTestSupport.execute(cluster, insert.toString());
                insert.setLength(0);
            }
        }

        // Snapshot only, through a proxy that counts VStream's bytes.
        long[] bytes = new long[2];
        List<Map<Long, String>> snapshots = new ArrayList<>();
        for (int pushed = 0; pushed < 2; pushed++) {
            try (TcpProxy proxy =
                    new TcpProxy(cluster.host(), cluster.grpcPort(), Duration.ofMinutes(5))) {
                StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
                Map<String, String> options = SqlTestSupport.options(cluster, TABLE);
                options.put("port", Integer.toString(proxy.port()));
                options.put("scan.startup.mode", "snapshot");
                createTable(tEnv, options);
                String query =
                        "SELECT id, amount, note FROM t" + (pushed == 1 ? " WHERE " + WHERE : "");
                assertThat(
                                Pattern.compile("filter=\\[[a-z]")
                                        .matcher(tEnv.explainSql(query))
                                        .find())
                        .as("filter pushed into the scan")
                        .isEqualTo(pushed == 1);
                try (CollectedRows out = CollectedRows.of(tEnv.executeSql(query))) {
                    snapshots.add(filtered(materialize(out.awaitEnd(TIMEOUT))));
                }
                bytes[pushed] = proxy.bytesToClients();
            }
        }
        Map<Long, String> expected = fromDatabase(cluster);
        assertThat(expected).hasSize(ROWS / 10);
        assertThat(snapshots.get(0)).isEqualTo(expected);
        assertThat(snapshots.get(1)).isEqualTo(expected);
        LOG.info(
                "VStream bytes of the snapshot of {} rows, 10% selected: {} filtered in Flink, {}"
                        + " pushed down",
                ROWS, bytes[0], bytes[1]);
        assertThat(bytes[1]).isLessThan(bytes[0] / 3);

        // Streaming: snapshot, then changes across the filter's bounds.
        StreamTableEnvironment flink = SqlTestSupport.tableEnvironment();
        createTable(flink, SqlTestSupport.options(cluster, TABLE));
        StreamTableEnvironment pushed = SqlTestSupport.tableEnvironment();
        createTable(pushed, SqlTestSupport.options(cluster, TABLE));
        String query = "SELECT id, amount, note FROM t WHERE " + WHERE;
        try (CollectedRows inFlink =
                        CollectedRows.of(flink.executeSql("SELECT id, amount, note FROM t"));
                CollectedRows inVStream = CollectedRows.of(pushed.executeSql(query))) {
            inFlink.await(r -> r.size() >= ROWS, TIMEOUT, "the whole snapshot");
            inVStream.await(r -> r.size() >= ROWS / 10, TIMEOUT, "the snapshot pushed down");
            SqlTestSupport.execute(
                    cluster,
                    "UPDATE " + TABLE + " SET amount = 25 WHERE id = 5", // moves in
                    "UPDATE " + TABLE + " SET amount = 40 WHERE id = 21", // moves out
                    "UPDATE " + TABLE + " SET amount = 23 WHERE id = 22", // stays in
                    "UPDATE " + TABLE + " SET amount = 2 WHERE id = 1", // stays out
                    "UPDATE " + TABLE + " SET note = NULL WHERE id = 24", // out by IS NOT NULL
                    "DELETE FROM " + TABLE + " WHERE id IN (26, 50)",
                    "INSERT INTO " + TABLE + " VALUES (5001, 27, 'new'), (5002, 70, 'no')");
            Map<Long, String> now = fromDatabase(cluster);
            List<Row> viaFlink =
                    inFlink.await(
                            r -> filtered(materialize(r)).equals(now), TIMEOUT, "Flink's " + now);
            List<Row> viaVStream =
                    inVStream.await(r -> materialize(r).equals(now), TIMEOUT, "VStream's " + now);
            assertThat(filtered(materialize(viaFlink))).isEqualTo(materialize(viaVStream));

            List<String> changes = new ArrayList<>();
            for (Row row : viaVStream.subList(ROWS / 10, viaVStream.size())) {
                changes.add(row.getKind().shortString() + " " + row.getField("id"));
            }
            assertThat(changes)
                    .containsExactlyInAnyOrder(
                            "+I 5", "-D 21", "-U 22", "+U 22", "-D 24", "-D 26", "+I 5001");
        }
    }

    /** The rows of {@link #WHERE}, evaluated here: amount in [20, 30), note not null. */
    private static Map<Long, String> filtered(Map<Long, String> rows) {
        Map<Long, String> result = new TreeMap<>();
        rows.forEach(
                (id, value) -> {
                    String[] parts = value.split("/", 2);
                    if (!"null".equals(parts[0]) && !"null".equals(parts[1])) {
                        long amount = Long.parseLong(parts[0]);
                        if (amount >= 20 && amount < 30) {
                            result.put(id, value);
                        }
                    }
                });
        return result;
    }

    private static void createTable(StreamTableEnvironment tEnv, Map<String, String> options) {
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "t",
                        "id BIGINT, amount BIGINT, note STRING, PRIMARY KEY (id) NOT ENFORCED",
                        options));
    }

    /** Applies a changelog by key: id to "amount/note". */
    private static Map<Long, String> materialize(List<Row> rows) {
        Map<Long, String> state = new TreeMap<>();
        for (Row row : rows) {
            Long id = (Long) row.getField("id");
            if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                state.put(id, row.getField("amount") + "/" + row.getField("note"));
            } else {
                state.remove(id);
            }
        }
        return state;
    }

    private static Map<Long, String> fromDatabase(VitessCluster cluster) throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = cluster.connect(SqlTestSupport.KEYSPACE);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT id, amount, note FROM " + TABLE + " WHERE " + WHERE)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getLong(2) + "/" + rs.getString(3));
            }
        }
        return rows;
    }
}
