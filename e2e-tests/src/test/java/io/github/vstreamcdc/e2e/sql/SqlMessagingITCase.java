package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code planetscale-messaging} SQL connector from the shaded jar: a message table with
 * metadata columns, every message once and acknowledged after checkpoints; {@code ack.mode =
 * on-emit} without checkpointing; refusal of the default mode without checkpointing, of columns the
 * table lacks and of a table that is not a message table.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlMessagingITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    /** Ids of this test; the DataStream test uses others. */
    private static final long FIRST_ID = 2_000_001;

    private static final String OWN_IDS = "id BETWEEN " + FIRST_ID + " AND " + (FIRST_ID + 999_999);

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static final String COLUMNS =
            "id BIGINT,\n"
                    + "  payload STRING,\n"
                    + "  shard STRING METADATA VIRTUAL,\n"
                    + "  epoch BIGINT METADATA VIRTUAL,\n"
                    + "  redelivered BOOLEAN METADATA VIRTUAL,\n"
                    + "  created TIMESTAMP_LTZ(9) METADATA FROM 'time_created' VIRTUAL";

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    private static Map<String, String> options(
            VitessCluster cluster, String keyspace, String table) {
        Map<String, String> options = SqlTestSupport.options(cluster, table);
        options.put("connector", "planetscale-messaging");
        options.put("keyspace", keyspace);
        return options;
    }

    @Test
    void acknowledgesAfterCheckpointsWithMetadata(VitessCluster cluster) throws Exception {
        int count = 200;
        clear(cluster, "customer", "msg_sharded");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "messages", COLUMNS, options(cluster, "customer", "msg_sharded")));
        long createdNanos = System.currentTimeMillis() * 1_000_000L + 123;
        try (CollectedRows rows =
                CollectedRows.of(
                        tEnv.executeSql(
                                "SELECT id, payload, shard, epoch, redelivered, created FROM"
                                        + " messages WHERE "
                                        + OWN_IDS))) {
            insert(cluster, "customer", "msg_sharded", count, createdNanos);
            List<Row> received =
                    rows.await(r -> ids(r).size() >= count, TIMEOUT, count + " messages");
            Map<Long, String> shards = shardsOf(cluster, count);
            for (Row row : received) {
                long id = (Long) row.getField(0);
                assertThat(row.getField(1)).isEqualTo("m" + id);
                assertThat(row.getField(2)).as("shard of %s", id).isEqualTo(shards.get(id));
                long epoch = (Long) row.getField(3);
                assertThat(row.getField(4)).isEqualTo(epoch > 0);
                assertThat(row.getField(5)).isEqualTo(Instant.ofEpochSecond(0, createdNanos));
            }
            assertThat(ids(received)).hasSize(count);
            awaitAcknowledged(cluster, "customer", "msg_sharded", count);
        }
    }

    @Test
    void onEmitAcknowledgesWithoutCheckpointing(VitessCluster cluster) throws Exception {
        int count = 20;
        clear(cluster, "commerce", "msg_unsharded");
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        Map<String, String> options = options(cluster, "commerce", "msg_unsharded");
        options.put("ack.mode", "on-emit");
        tEnv.executeSql(SqlTestSupport.createTable("messages", COLUMNS, options));
        try (CollectedRows rows =
                CollectedRows.of(
                        tEnv.executeSql("SELECT id, shard FROM messages WHERE " + OWN_IDS))) {
            insert(cluster, "commerce", "msg_unsharded", count, 0);
            List<Row> received =
                    rows.await(r -> ids(r).size() >= count, TIMEOUT, count + " messages");
            assertThat(received).allSatisfy(r -> assertThat(r.getField(1)).isEqualTo("0"));
            awaitAcknowledged(cluster, "commerce", "msg_unsharded", count);
        }
    }

    @Test
    void refusesCheckpointAcksWithoutCheckpointing(VitessCluster cluster) {
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "messages", COLUMNS, options(cluster, "commerce", "msg_unsharded")));
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM messages"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("checkpointing is off")
                .hasStackTraceContaining("'ack.mode' = 'on-emit'")
                .hasStackTraceContaining("execution.checkpointing.interval");
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "wrong",
                        "id BIGINT, nope STRING",
                        options(cluster, "commerce", "msg_unsharded")));
        tEnv.getConfig().set("execution.checkpointing.interval", "1 s");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM wrong"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("columns [nope] are not columns of");
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "ordinary",
                        "id BIGINT, name STRING",
                        options(cluster, "commerce", "products")));
        // "no table comment" is read with SHOW TABLE STATUS: VTGate answers it
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM ordinary"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining(
                        "Table 'commerce.products' is not a Vitess message table: it has no table"
                                + " comment, and it lacks the columns priority, time_next, epoch,"
                                + " time_acked");
    }

    private static Set<Long> ids(List<Row> rows) {
        Set<Long> ids = new HashSet<>();
        for (Row row : rows) {
            ids.add((Long) row.getField(0));
        }
        return ids;
    }

    private static void insert(
            VitessCluster cluster, String keyspace, String table, int count, long createdNanos)
            throws SQLException {
        StringBuilder sql =
                new StringBuilder("INSERT INTO " + table + " (id, payload, time_created) VALUES ");
        for (long id = FIRST_ID; id < FIRST_ID + count; id++) {
            sql.append(id == FIRST_ID ? "" : ",")
                    .append('(')
                    .append(id)
                    .append(", 'm")
                    .append(id)
                    .append("', ")
                    .append(createdNanos == 0 ? "NULL" : Long.toString(createdNanos))
                    .append(')');
        }
        try (Connection c = cluster.connect(keyspace);
                Statement s = c.createStatement()) {
            s.execute(sql.toString());
        }
    }

    /** Where each message is stored, asked of each shard directly. */
    private static Map<Long, String> shardsOf(VitessCluster cluster, int count)
            throws SQLException {
        Map<Long, String> shards = new HashMap<>();
        for (String shard : new String[] {"-80", "80-"}) {
            try (Connection c = cluster.connect("customer");
                    Statement s = c.createStatement()) {
                s.execute("USE `customer/" + shard + "`");
                try (ResultSet rs =
                        s.executeQuery(
                                "SELECT id FROM msg_sharded WHERE id BETWEEN "
                                        + FIRST_ID
                                        + " AND "
                                        + (FIRST_ID + count - 1))) {
                    while (rs.next()) {
                        shards.put(rs.getLong(1), shard);
                    }
                }
            }
        }
        assertThat(shards).hasSize(count);
        return shards;
    }

    private static void awaitAcknowledged(
            VitessCluster cluster, String keyspace, String table, int count) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
        int acked = -1;
        while (System.currentTimeMillis() < deadline) {
            try (Connection c = cluster.connect(keyspace);
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery(
                                    "SELECT COUNT(*) FROM "
                                            + table
                                            + " WHERE "
                                            + OWN_IDS
                                            + " AND time_acked IS NOT NULL")) {
                rs.next();
                acked = rs.getInt(1);
            }
            if (acked == count) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(acked + " of " + count + " messages acknowledged in " + table);
    }

    private static void clear(VitessCluster cluster, String keyspace, String table)
            throws SQLException {
        try (Connection c = cluster.connect(keyspace);
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + table + " WHERE " + OWN_IDS);
        }
    }
}
