package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code GROUP BY} with {@code COUNT} and {@code SUM} over the changelog stays equal to the same
 * aggregation run on the database, while rows are inserted, updated (values, the grouping key, the
 * primary key) and deleted, and rows move between the two shards - during the snapshot and after
 * it.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlAggregationITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final String TABLE = "sql_agg";
    private static final int PREFILLED = 3_000;
    private static final int OPERATIONS = 600;
    private static final Duration TIMEOUT = Duration.ofMinutes(4);

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    /** Vitess' {@code hash} vindex: 3DES with an all-zero key (= DES) of the big-endian id. */
    static String shardOf(long id) throws Exception {
        Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
        des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[8], "DES"));
        byte[] keyspaceId = des.doFinal(ByteBuffer.allocate(8).putLong(id).array());
        return (keyspaceId[0] & 0x80) == 0 ? "-80" : "80-";
    }

    /** A row of the model of the table: (id, seq) -> grp, amount. */
    private static final class Key implements Comparable<Key> {
        final long id;
        final int seq;

        Key(long id, int seq) {
            this.id = id;
            this.seq = seq;
        }

        @Override
        public int compareTo(Key o) {
            return id != o.id ? Long.compare(id, o.id) : Integer.compare(seq, o.seq);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && compareTo((Key) o) == 0;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id) * 31 + seq;
        }
    }

    @Test
    void groupByStaysEqualToTheDatabaseThroughAllKindsOfChanges(VitessCluster cluster)
            throws Exception {
        SqlTestSupport.createVitessTable(
                cluster,
                TABLE,
                "id BIGINT NOT NULL, seq INT NOT NULL, grp VARCHAR(8), amount BIGINT,"
                        + " PRIMARY KEY (id, seq)");
        Map<Key, Object[]> model = new TreeMap<>();
        StringBuilder insert = new StringBuilder();
        for (long id = 1; id <= PREFILLED; id++) {
            String grp = "g" + (id % 5);
            model.put(new Key(id, 0), new Object[] {grp, id});
            insert.append(insert.length() == 0 ? "" : ",")
                    .append(String.format("(%d, 0, '%s', %d)", id, grp, id));
        }
        SqlTestSupport.execute(
                cluster, "INSERT INTO " + TABLE + " (id, seq, grp, amount) VALUES " + insert);
        checkShardFunction(cluster);

        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "agg_source",
                        "id BIGINT, seq INT, grp STRING, amount BIGINT,"
                                + " PRIMARY KEY (id, seq) NOT ENFORCED",
                        SqlTestSupport.options(cluster, TABLE)));
        String query =
                "SELECT grp, COUNT(*) AS cnt, SUM(amount) AS total FROM agg_source GROUP BY grp";

        try (CollectedRows out = CollectedRows.of(tEnv.executeSql(query))) {
            // Writes start while the snapshot is running and go on after it.
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            int[] counts = new int[6];
            Thread writer =
                    new Thread(
                            () -> {
                                try {
                                    write(cluster, model, counts);
                                } catch (Throwable t) {
                                    writerFailure.set(t);
                                }
                            },
                            "sql-agg-writer");
            writer.start();
            writer.join(TIMEOUT.toMillis());
            assertThat(writer.isAlive()).as("writer still running").isFalse();
            assertThat(writerFailure.get()).as("writer failure").isNull();
            assertThat(Arrays.stream(counts).min().getAsInt())
                    .as(
                            "fewest of inserts, updates, group changes, key changes, shard moves"
                                    + " and deletes: %s",
                            Arrays.toString(counts))
                    .isGreaterThan(50);

            Map<String, List<Long>> expected = databaseAggregate(cluster);
            assertThat(expected).isEqualTo(modelAggregate(model));
            out.await(
                    rows -> applied(rows).equals(expected),
                    TIMEOUT,
                    "the streamed aggregate to equal the database's " + expected);
        }
    }

    /** The random writes; counts[i] counts the operations of kind i. */
    private static void write(VitessCluster cluster, Map<Key, Object[]> model, int[] counts)
            throws Exception {
        Random random = new Random(7);
        long nextId = PREFILLED + 1;
        try (Connection c = cluster.connect(SqlTestSupport.KEYSPACE);
                Statement s = c.createStatement()) {
            for (int i = 0; i < OPERATIONS; i++) {
                List<Key> keys = new ArrayList<>(model.keySet());
                Key key = keys.get(random.nextInt(keys.size()));
                Object[] row = model.get(key);
                String where = " WHERE id = " + key.id + " AND seq = " + key.seq;
                int kind = random.nextInt(6);
                counts[kind]++;
                switch (kind) {
                    case 0:
                        {
                            long id = nextId++;
                            String grp = "g" + random.nextInt(7);
                            long amount = random.nextInt(1000);
                            s.execute(
                                    String.format(
                                            "INSERT INTO %s (id, seq, grp, amount) VALUES (%d, 0,"
                                                    + " '%s', %d)",
                                            TABLE, id, grp, amount));
                            model.put(new Key(id, 0), new Object[] {grp, amount});
                            break;
                        }
                    case 1:
                        {
                            long amount = random.nextInt(1000) - 200;
                            s.execute("UPDATE " + TABLE + " SET amount = " + amount + where);
                            row[1] = amount;
                            break;
                        }
                    case 2:
                        {
                            String grp = "g" + random.nextInt(7);
                            s.execute("UPDATE " + TABLE + " SET grp = '" + grp + "'" + where);
                            row[0] = grp;
                            break;
                        }
                    case 3:
                        {
                            // A primary-key change in place (seq is part of the key).
                            int seq = key.seq + 1000;
                            s.execute("UPDATE " + TABLE + " SET seq = " + seq + where);
                            model.remove(key);
                            model.put(new Key(key.id, seq), row);
                            break;
                        }
                    case 4:
                        {
                            // A new id on the other shard: delete and insert in one transaction
                            // (Vitess cannot UPDATE a primary vindex column).
                            long id = nextId++;
                            while (shardOf(id).equals(shardOf(key.id))) {
                                id = nextId++;
                            }
                            c.setAutoCommit(false);
                            s.execute("DELETE FROM " + TABLE + where);
                            s.execute(
                                    String.format(
                                            "INSERT INTO %s (id, seq, grp, amount) VALUES (%d, %d,"
                                                    + " '%s', %d)",
                                            TABLE, id, key.seq, row[0], row[1]));
                            c.commit();
                            c.setAutoCommit(true);
                            model.remove(key);
                            model.put(new Key(id, key.seq), row);
                            break;
                        }
                    default:
                        s.execute("DELETE FROM " + TABLE + where);
                        model.remove(key);
                }
            }
        }
    }

    /** Makes sure {@link #shardOf} agrees with where Vitess put the rows. */
    private static void checkShardFunction(VitessCluster cluster) throws Exception {
        int checked = 0;
        for (String shard : Arrays.asList("-80", "80-")) {
            try (Connection c = cluster.connect("customer:" + shard);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM " + TABLE + " LIMIT 200")) {
                while (rs.next()) {
                    assertThat(shardOf(rs.getLong(1)))
                            .as("shard of id %d", rs.getLong(1))
                            .isEqualTo(shard);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(400);
    }

    /** grp -> [count, sum] as the database computes it. */
    private static Map<String, List<Long>> databaseAggregate(VitessCluster cluster)
            throws SQLException {
        Map<String, List<Long>> result = new TreeMap<>();
        try (Connection c = cluster.connect(SqlTestSupport.KEYSPACE);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT grp, COUNT(*), SUM(amount) FROM "
                                        + TABLE
                                        + " GROUP BY grp")) {
            while (rs.next()) {
                result.put(rs.getString(1), Arrays.asList(rs.getLong(2), rs.getLong(3)));
            }
        }
        return result;
    }

    private static Map<String, List<Long>> modelAggregate(Map<Key, Object[]> model) {
        Map<String, List<Long>> result = new TreeMap<>();
        for (Object[] row : model.values()) {
            List<Long> agg = result.computeIfAbsent((String) row[0], g -> Arrays.asList(0L, 0L));
            agg.set(0, agg.get(0) + 1);
            agg.set(1, agg.get(1) + ((Number) row[1]).longValue());
        }
        return result;
    }

    /** The aggregate the changelog of the query describes: grp -> [count, sum]. */
    private static Map<String, List<Long>> applied(List<Row> rows) {
        Map<String, List<Long>> result = new TreeMap<>();
        for (Row row : rows) {
            String grp = (String) row.getField("grp");
            switch (row.getKind()) {
                case INSERT:
                case UPDATE_AFTER:
                    result.put(
                            grp,
                            Arrays.asList(
                                    (Long) row.getField("cnt"), (Long) row.getField("total")));
                    break;
                case UPDATE_BEFORE:
                case DELETE:
                    result.remove(grp);
                    break;
                default:
                    throw new IllegalStateException(row.toString());
            }
        }
        return result;
    }
}
