package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.messaging.MessageDeserializationSchema;
import io.github.vstreamcdc.messaging.PlanetScaleMessageSource;
import io.github.vstreamcdc.messaging.VitessMessage;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a sharded and an unsharded Vitess message table while messages are produced, with two
 * injected task failures, and checks against the tables: every message arrived at least once and is
 * acknowledged ({@code time_acked} set), nothing arrived after its acknowledgement, the messages in
 * flight at a failure were redelivered (with a higher epoch), and a message scheduled for later
 * ({@code time_next}) arrived no earlier.
 */
@ExtendWith(VitessClusterExtension.class)
class MessageSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    private static final String SHARDED = "msg_sharded";
    private static final String UNSHARDED = "msg_unsharded";

    /** Ids of this test; others (the SQL test) use other ranges. */
    private static final long FIRST_ID = 1_000_001;

    private static final int PER_TABLE = 1000;
    private static final int BATCH = 50;
    private static final long DELAYED_ID = FIRST_ID + PER_TABLE;
    private static final long DELAY_MS = 8_000;

    /** What the job saw: "table id epoch receivedAtMillis". */
    static final Queue<String> RECEIPTS = new ConcurrentLinkedQueue<>();

    static final AtomicInteger FAILURES = new AtomicInteger();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();
    static final Queue<String> FAILED_AT = new ConcurrentLinkedQueue<>();

    /**
     * Throws once after a third and once after two thirds of the messages went by, each time only
     * after a checkpoint completed since the previous failure: the checkpointed messages must not
     * come back, the others must.
     */
    static final class FailingMap implements MapFunction<String, String>, CheckpointListener {
        private static volatile int checkpointsAtLastFailure;

        @Override
        public String map(String message) {
            int failures = FAILURES.get();
            long threshold = (failures + 1) * (2L * PER_TABLE) / 3;
            if (failures < 2
                    && RECEIPTS.size() >= threshold
                    && CHECKPOINTS.get() > checkpointsAtLastFailure) {
                if (!FAILURES.compareAndSet(failures, failures + 1)) {
                    return message; // the other subtask failed just now
                }
                checkpointsAtLastFailure = CHECKPOINTS.get();
                FAILED_AT.add(message);
                throw new RuntimeException("Injected failure at " + message);
            }
            return message;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    /** Records what passed the failing map, with the time. */
    static final class Recorder implements MapFunction<String, String> {
        @Override
        public String map(String message) {
            RECEIPTS.add(message + " " + System.currentTimeMillis());
            return message;
        }
    }

    /** "table id epoch" of a message. */
    static final class Describe implements MessageDeserializationSchema<String> {
        @Override
        public String deserialize(VitessMessage message) {
            return message.table() + " " + message.id() + " " + message.epoch();
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    @Test
    void everyMessageAtLeastOnceAndAcknowledgedAfterCheckpoints(VitessCluster cluster)
            throws Exception {
        clear(cluster, "customer", SHARDED);
        clear(cluster, "commerce", UNSHARDED);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(1000);
        DataStream<String> sharded = messages(env, cluster, "customer", SHARDED);
        DataStream<String> unsharded = messages(env, cluster, "commerce", UNSHARDED);
        sharded.union(unsharded)
                .map(new FailingMap())
                .map(new Recorder())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("messages");
        try {
            long delayedUntil = produce(cluster);
            await(
                    () -> missing(cluster).isEmpty() && FAILURES.get() == 2,
                    Duration.ofSeconds(90),
                    () -> "not all received and acknowledged: " + missing(cluster));
            int receiptsWhenAcked = RECEIPTS.size();
            // a redelivery would come after vt_ack_wait (5 s) plus backoff (1-4 s)
            Thread.sleep(7_000);

            List<String[]> receipts = new ArrayList<>();
            for (String receipt : RECEIPTS) {
                receipts.add(receipt.split(" "));
            }
            assertThat(RECEIPTS.size())
                    .as("messages delivered after all were acknowledged")
                    .isEqualTo(receiptsWhenAcked);
            Map<String, Long> acked = new HashMap<>();
            acked.putAll(ackTimes(cluster, "customer", SHARDED));
            acked.putAll(ackTimes(cluster, "commerce", UNSHARDED));
            assertThat(acked).hasSize(2 * PER_TABLE + 1);
            Map<String, Integer> deliveries = new HashMap<>();
            for (String[] r : receipts) {
                String key = r[0] + " " + r[1];
                Long ackedAt = acked.get(key);
                if (ackedAt == null) {
                    continue; // not this test's
                }
                deliveries.merge(key, 1, Integer::sum);
                // the tablet may have sent it just before the ack: allow the ack's round trip
                assertThat(Long.parseLong(r[3]))
                        .as("delivery of %s after its acknowledgement", key)
                        .isLessThanOrEqualTo(ackedAt + 1000);
            }
            assertThat(deliveries.keySet()).containsExactlyInAnyOrderElementsOf(acked.keySet());

            // the messages the failing map threw at had not been checkpointed: redelivered
            assertThat(FAILED_AT).hasSize(2);
            for (String failed : FAILED_AT) {
                String[] f = failed.split(" ");
                assertThat(receipts)
                        .as("redelivery of %s, in flight at a failure", failed)
                        .anyMatch(
                                r ->
                                        r[0].equals(f[0])
                                                && r[1].equals(f[1])
                                                && Long.parseLong(r[2]) > Long.parseLong(f[2]));
            }
            String delayed = UNSHARDED + " " + DELAYED_ID;
            assertThat(receipts)
                    .filteredOn(r -> (r[0] + " " + r[1]).equals(delayed))
                    .isNotEmpty()
                    .allSatisfy(
                            r ->
                                    assertThat(Long.parseLong(r[3]))
                                            .as("arrival of the message due at %d", delayedUntil)
                                            .isGreaterThanOrEqualTo(delayedUntil));
        } finally {
            job.cancel().get();
        }
    }

    private static DataStream<String> messages(
            StreamExecutionEnvironment env, VitessCluster cluster, String keyspace, String table) {
        PlanetScaleMessageSource<String> source =
                PlanetScaleMessageSource.<String>builder()
                        .hostname(cluster.host())
                        .port(cluster.grpcPort())
                        .mysqlPort(cluster.mysqlPort())
                        .username("root")
                        .keyspace(keyspace)
                        .tableName(table)
                        .deserializer(new Describe())
                        .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), table);
    }

    /** Inserts the messages in batches while the job runs; returns when the delayed one is due. */
    private static long produce(VitessCluster cluster) throws Exception {
        long due = System.currentTimeMillis() + DELAY_MS;
        try (Connection customer = cluster.connect("customer");
                Connection commerce = cluster.connect("commerce");
                Statement c = customer.createStatement();
                Statement u = commerce.createStatement()) {
            u.execute(
                    "INSERT INTO "
                            + UNSHARDED
                            + " (id, payload, time_next) VALUES ("
                            + DELAYED_ID
                            + ", 'later', "
                            + due * 1_000_000L
                            + ")");
            for (long from = FIRST_ID; from < FIRST_ID + PER_TABLE; from += BATCH) {
                c.execute(insert(SHARDED, from));
                u.execute(insert(UNSHARDED, from));
                Thread.sleep(150);
            }
        }
        return due;
    }

    private static String insert(String table, long from) {
        StringBuilder sql =
                new StringBuilder("INSERT INTO " + table + " (id, payload, time_created) VALUES ");
        long now = System.currentTimeMillis() * 1_000_000L;
        for (long id = from; id < from + BATCH; id++) {
            sql.append(id == from ? "" : ",")
                    .append('(')
                    .append(id)
                    .append(", 'm")
                    .append(id)
                    .append("', ")
                    .append(now)
                    .append(')');
        }
        return sql.toString();
    }

    /** This test's messages that were not received or not acknowledged yet. */
    private static List<String> missing(VitessCluster cluster) {
        Map<String, Long> acked = new HashMap<>();
        try {
            acked.putAll(ackTimes(cluster, "customer", SHARDED));
            acked.putAll(ackTimes(cluster, "commerce", UNSHARDED));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Set<String> received = new HashSet<>();
        for (String receipt : RECEIPTS) {
            String[] r = receipt.split(" ");
            received.add(r[0] + " " + r[1]);
        }
        List<String> missing = new ArrayList<>();
        for (String table : new String[] {SHARDED, UNSHARDED}) {
            long last = FIRST_ID + PER_TABLE - 1 + (table.equals(UNSHARDED) ? 1 : 0);
            for (long id = FIRST_ID; id <= last; id++) {
                String key = table + " " + id;
                if (!received.contains(key) || !acked.containsKey(key)) {
                    missing.add(key);
                }
            }
        }
        return missing.size() > 10 ? missing.subList(0, 10) : missing;
    }

    /** "table id" to time_acked in millis, for this test's acknowledged messages. */
    private static Map<String, Long> ackTimes(VitessCluster cluster, String keyspace, String table)
            throws SQLException {
        Map<String, Long> acked = new HashMap<>();
        try (Connection c = cluster.connect(keyspace);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT id, time_acked FROM "
                                        + table
                                        + " WHERE id >= "
                                        + FIRST_ID
                                        + " AND id < "
                                        + (FIRST_ID + 1_000_000)
                                        + " AND time_acked IS NOT NULL")) {
            while (rs.next()) {
                acked.put(table + " " + rs.getLong(1), rs.getLong(2) / 1_000_000L);
            }
        }
        return acked;
    }

    private static void clear(VitessCluster cluster, String keyspace, String table)
            throws SQLException {
        try (Connection c = cluster.connect(keyspace);
                Statement s = c.createStatement()) {
            s.execute(
                    "DELETE FROM "
                            + table
                            + " WHERE id >= "
                            + FIRST_ID
                            + " AND id < "
                            + (FIRST_ID + 1_000_000));
        }
        RECEIPTS.clear();
        FAILED_AT.clear();
        FAILURES.set(0);
        CHECKPOINTS.set(0);
    }

    private static void await(Supplier<Boolean> condition, Duration limit, Supplier<String> what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Within " + limit + ": " + what.get());
            }
            Thread.sleep(500);
        }
    }
}
