package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;
import io.github.vstreamcdc.source.client.GtidSet;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code CREATE TABLE} + {@code SELECT} with metadata columns over the two-shard keyspace {@code
 * customer}: snapshot rows, then inserts, updates and deletes, each row with its keyspace, table,
 * shard, commit time, row kind, position (checked against the shard's {@code gtid_executed} before
 * and after each statement), order in the transaction and snapshot flag; projection push-down; the
 * bounded {@code snapshot} mode.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlMetadataITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final String TABLE = "sql_orders";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private static final String COLUMNS =
            "id BIGINT,\n"
                    + "  customer_id BIGINT,\n"
                    + "  amount DECIMAL(12, 2),\n"
                    + "  note STRING,\n"
                    + "  db STRING METADATA FROM 'database_name' VIRTUAL,\n"
                    + "  tbl STRING METADATA FROM 'table_name' VIRTUAL,\n"
                    + "  shard STRING METADATA FROM 'shard' VIRTUAL,\n"
                    + "  op_ts TIMESTAMP_LTZ(3) METADATA FROM 'op_ts' VIRTUAL,\n"
                    + "  row_kind STRING METADATA FROM 'row_kind' VIRTUAL,\n"
                    + "  ks STRING METADATA FROM 'keyspace' VIRTUAL,\n"
                    + "  pos STRING METADATA FROM 'position' VIRTUAL,\n"
                    + "  seq BIGINT METADATA FROM 'transaction_seq' VIRTUAL,\n"
                    + "  snap BOOLEAN METADATA FROM 'is_snapshot' VIRTUAL,\n"
                    + "  PRIMARY KEY (id) NOT ENFORCED";

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    private static void createOrders(VitessCluster cluster) throws Exception {
        SqlTestSupport.createVitessTable(
                cluster,
                TABLE,
                "id BIGINT NOT NULL, customer_id BIGINT, amount DECIMAL(12,2), note VARCHAR(64),"
                        + " PRIMARY KEY (id)");
    }

    private static void insertOrders(VitessCluster cluster, long from, long to)
            throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (long id = from; id <= to; id++) {
            sql.append(
                            sql.length() == 0
                                    ? "INSERT INTO "
                                            + TABLE
                                            + " (id, customer_id, amount, note) VALUES "
                                    : ",")
                    .append(
                            String.format(
                                    "(%d, %d, %d.%02d, 'n%d')", id, id % 7, id, id % 100, id));
            if ((id - from + 1) % 2000 == 0 || id == to) {
                SqlTestSupport.execute(cluster, sql.toString());
                sql.setLength(0);
            }
        }
    }

    /** Which shard holds each row, asked of each shard directly. */
    private static Map<Long, String> shardsOfRows(VitessCluster cluster) throws SQLException {
        Map<Long, String> shards = new HashMap<>();
        for (String shard : new String[] {"-80", "80-"}) {
            try (Connection c = cluster.connect("customer:" + shard);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM " + TABLE)) {
                while (rs.next()) {
                    shards.put(rs.getLong(1), shard);
                }
            }
        }
        return shards;
    }

    @Test
    void snapshotThenChangesCarryTheirMetadata(VitessCluster cluster) throws Exception {
        createOrders(cluster);
        insertOrders(cluster, 1, 20);
        Map<Long, String> shardOf = shardsOfRows(cluster);
        assertThat(shardOf).hasSize(20);
        assertThat(shardOf.values()).as("rows on both shards").contains("-80", "80-");

        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "orders", COLUMNS, SqlTestSupport.options(cluster, TABLE)));
        try (CollectedRows out = CollectedRows.of(tEnv.executeSql("SELECT * FROM orders"))) {
            List<Row> snapshot = out.await(rows -> rows.size() >= 20, TIMEOUT, "20 snapshot rows");
            assertThat(snapshot).hasSize(20);
            for (Row row : snapshot) {
                long id = (Long) row.getField("id");
                assertThat(row.getKind()).isEqualTo(RowKind.INSERT);
                assertThat(row.getField("amount"))
                        .isEqualTo(new BigDecimal(String.format("%d.%02d", id, id % 100)));
                assertThat(row.getField("note")).isEqualTo("n" + id);
                assertMetadata(row, shardOf.get(id));
                assertThat(row.getField("op_ts"))
                        .as("op_ts of a snapshot row")
                        .isEqualTo(Instant.EPOCH);
                assertThat(row.getField("snap")).isEqualTo(true);
                assertThat((Long) row.getField("seq")).isPositive();
                assertThat(GtidSet.parseMysql56((String) row.getField("pos"))).isNotNull();
            }

            Instant before = Instant.now().minusSeconds(5);
            // Each statement between two reads of its shard's gtid_executed: a change's position
            // is the set after its transaction.
            Map<Long, String[]> gtidsAround = new HashMap<>();
            executeBetweenGtids(
                    cluster,
                    gtidsAround,
                    101,
                    "INSERT INTO "
                            + TABLE
                            + " (id, customer_id, amount, note) VALUES (101, 1, 9.99, 'new')");
            shardOf.putAll(shardsOfRows(cluster)); // id 2 keeps its shard from before
            executeBetweenGtids(
                    cluster,
                    gtidsAround,
                    1,
                    "UPDATE " + TABLE + " SET amount = 100.50, note = 'changed' WHERE id = 1");
            executeBetweenGtids(cluster, gtidsAround, 2, "DELETE FROM " + TABLE + " WHERE id = 2");
            List<Row> all = out.await(rows -> rows.size() >= 24, TIMEOUT, "4 change rows");
            Instant after = Instant.now().plusSeconds(5);
            List<Row> changes = all.subList(20, all.size());
            assertThat(changes)
                    .extracting(r -> r.getKind().shortString() + " " + r.getField("id"))
                    .containsExactlyInAnyOrder("+I 101", "-U 1", "+U 1", "-D 2");
            for (Row row : changes) {
                long id = (Long) row.getField("id");
                assertMetadata(row, shardOf.get(id));
                Instant opTs = (Instant) row.getField("op_ts");
                assertThat(opTs).as("commit time of %s", row).isBetween(before, after);
                assertThat(row.getField("snap")).isEqualTo(false);
                assertThat(row.getField("seq")).isEqualTo(1L);
                String[] around = gtidsAround.get(id);
                String pos = (String) row.getField("pos");
                assertThat(GtidSet.isBefore(around[0], pos))
                        .as("%s after %s", pos, around[0])
                        .isTrue();
                assertThat(GtidSet.contains(around[1], pos))
                        .as("%s within %s", pos, around[1])
                        .isTrue();
            }
            Map<String, Row> byKind =
                    changes.stream()
                            .collect(Collectors.toMap(r -> r.getKind().shortString(), r -> r));
            assertThat(byKind.get("-U").getField("amount")).isEqualTo(new BigDecimal("1.01"));
            assertThat(byKind.get("-U").getField("note")).isEqualTo("n1");
            assertThat(byKind.get("+U").getField("amount")).isEqualTo(new BigDecimal("100.50"));
            assertThat(byKind.get("+U").getField("note")).isEqualTo("changed");
            assertThat(byKind.get("-D").getField("note")).isEqualTo("n2");
            assertThat(byKind.get("+I").getField("amount")).isEqualTo(new BigDecimal("9.99"));

            // One statement, one transaction per shard: the rows of each are numbered 1..n
            // (an update's -U and +U share the number) and share the position.
            SqlTestSupport.execute(
                    cluster, "UPDATE " + TABLE + " SET note = 'multi' WHERE id BETWEEN 3 AND 12");
            List<Row> multi =
                    out.await(rows -> rows.size() >= 44, TIMEOUT, "20 rows of the update")
                            .subList(24, 44);
            Map<String, List<Long>> seqs = new HashMap<>();
            Map<String, Set<Object>> positions = new HashMap<>();
            for (Row row : multi) {
                String shard = (String) row.getField("shard");
                if (row.getKind() == RowKind.UPDATE_AFTER) {
                    seqs.computeIfAbsent(shard, k -> new ArrayList<>())
                            .add((Long) row.getField("seq"));
                }
                positions.computeIfAbsent(shard, k -> new HashSet<>()).add(row.getField("pos"));
            }
            for (String shard : seqs.keySet()) {
                long count =
                        shardOf.entrySet().stream()
                                .filter(e -> e.getKey() >= 3 && e.getKey() <= 12)
                                .filter(e -> e.getValue().equals(shard))
                                .count();
                List<Long> expected = new ArrayList<>();
                for (long i = 1; i <= count; i++) {
                    expected.add(i);
                }
                assertThat(seqs.get(shard)).as("order on %s", shard).isEqualTo(expected);
                assertThat(positions.get(shard)).as("positions on %s", shard).hasSize(1);
            }
            assertThat(seqs.values().stream().mapToInt(List::size).sum()).isEqualTo(10);
        }
    }

    /** Runs a statement on a row's shard between two reads of that shard's gtid_executed. */
    private static void executeBetweenGtids(
            VitessCluster cluster, Map<Long, String[]> around, long id, String statement)
            throws SQLException {
        String shard = shardsOfRows(cluster).get(id);
        String[] gtids = new String[2];
        if (shard != null) {
            gtids[0] = gtidExecuted(cluster, shard);
        }
        SqlTestSupport.execute(cluster, statement);
        if (shard == null) {
            shard = shardsOfRows(cluster).get(id);
            gtids[0] = "MySQL56/"; // the insert: its shard was not known before
        }
        gtids[1] = gtidExecuted(cluster, shard);
        around.put(id, gtids);
    }

    private static String gtidExecuted(VitessCluster cluster, String shard) throws SQLException {
        try (Connection c = cluster.connect("customer:" + shard);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@global.gtid_executed")) {
            rs.next();
            return "MySQL56/" + rs.getString(1).replace("\n", "");
        }
    }

    private static void assertMetadata(Row row, String expectedShard) {
        assertThat(row.getField("db")).isEqualTo("customer");
        assertThat(row.getField("tbl")).isEqualTo(TABLE);
        assertThat(row.getField("shard")).as("shard of %s", row).isEqualTo(expectedShard);
        assertThat(row.getField("row_kind")).isEqualTo(row.getKind().shortString());
        assertThat(row.getField("ks")).isEqualTo("customer");
    }

    @Test
    void projectionReadsOnlyTheSelectedColumnsAndSnapshotModeEnds(VitessCluster cluster)
            throws Exception {
        createOrders(cluster);
        int rows = 12_000;
        insertOrders(cluster, 1, rows);
        Map<Long, String> shardOf = shardsOfRows(cluster);

        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        Map<String, String> options = SqlTestSupport.options(cluster, TABLE);
        options.put("scan.startup.mode", "snapshot");
        tEnv.executeSql(SqlTestSupport.createTable("orders", COLUMNS, options));

        String query = "SELECT note, shard FROM orders";
        String plan = tEnv.explainSql(query);
        assertThat(plan).contains("project=[note]").contains("metadata=[shard]");

        // Without the primary key among the columns, in a copy phase of several batches.
        try (CollectedRows out = CollectedRows.of(tEnv.executeSql(query))) {
            List<Row> result = out.awaitEnd(TIMEOUT);
            Map<String, String> expected = new HashMap<>();
            shardOf.forEach((id, shard) -> expected.put("n" + id, shard));
            Map<String, String> actual = new HashMap<>();
            List<String> duplicates = new ArrayList<>();
            for (Row row : result) {
                assertThat(row.getKind()).isEqualTo(RowKind.INSERT);
                assertThat(row.getArity()).isEqualTo(2);
                if (actual.put((String) row.getField(0), (String) row.getField(1)) != null) {
                    duplicates.add((String) row.getField(0));
                }
            }
            assertThat(duplicates).isEmpty();
            assertThat(actual).hasSize(rows).isEqualTo(expected);
        }
    }
}
