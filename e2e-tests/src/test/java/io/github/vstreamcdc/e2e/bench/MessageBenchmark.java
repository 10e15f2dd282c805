package io.github.vstreamcdc.e2e.bench;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.messaging.MessageDeserializationSchema;
import io.github.vstreamcdc.messaging.PlanetScaleMessageSource;
import io.github.vstreamcdc.messaging.VitessMessage;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark (not a test) of the messaging source against the local Vitess: messages/s through a job
 * reading the two-shard message table {@code customer.msg_sharded}, and the acknowledgement latency
 * (from the moment the job received a message to its {@code time_acked}) with 1 s checkpoints. Run
 * it with {@code e2e-tests/bench/messaging.sh}; see {@code docs/benchmarks.md}.
 *
 * <p>System property {@code bench.messages} (default 20000).
 */
public final class MessageBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(MessageBenchmark.class);

    /** Fresh ids per run (earlier runs' rows stay until purged): 10^8 above the tests' ids. */
    private static final long FIRST_ID =
            100_000_000L + (System.currentTimeMillis() / 1000 % 100_000) * 100_000;

    private static final long CHECKPOINT_MS = 1000;

    /** Id to the time the job received it (first delivery). */
    static final Map<Long, Long> RECEIVED = new ConcurrentHashMap<>();

    /** Records the first arrival of each id. */
    static final class Receive implements MapFunction<Long, Long> {
        @Override
        public Long map(Long id) {
            RECEIVED.putIfAbsent(id, System.currentTimeMillis());
            return id;
        }
    }

    /** The message's id. */
    static final class Ids implements MessageDeserializationSchema<Long> {
        @Override
        public Long deserialize(VitessMessage message) {
            return Long.parseLong(message.id());
        }

        @Override
        public TypeInformation<Long> getProducedType() {
            return Types.LONG;
        }
    }

    public static void main(String[] args) throws Exception {
        LOG.info(results());
        System.exit(0);
    }

    /**
     * Runs the benchmark with {@code bench.messages} messages against the local Vitess; returns its
     * result line. Fails if not every message was received and acknowledged in 10 minutes.
     */
    static String results() throws Exception {
        int messages = Integer.getInteger("bench.messages", 20_000);
        VitessCluster cluster = VitessCluster.get();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(CHECKPOINT_MS);
        env.fromSource(
                        PlanetScaleMessageSource.<Long>builder()
                                .hostname(cluster.host())
                                .port(cluster.grpcPort())
                                .mysqlPort(cluster.mysqlPort())
                                .username("root")
                                .keyspace("customer")
                                .tableName("msg_sharded")
                                .deserializer(new Ids())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "messages")
                .map(new Receive())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("message benchmark");
        try {
            Thread.sleep(5_000); // subscribed
            long start = System.currentTimeMillis();
            try (Connection c = cluster.connect("customer");
                    Statement s = c.createStatement()) {
                for (long from = FIRST_ID; from < FIRST_ID + messages; from += 500) {
                    StringBuilder sql =
                            new StringBuilder("INSERT INTO msg_sharded (id, payload) VALUES ");
                    long to = Math.min(FIRST_ID + messages, from + 500);
                    for (long id = from; id < to; id++) {
                        sql.append(id == from ? "" : ",").append('(').append(id).append(",'m')");
                    }
                    s.execute(sql.toString());
                }
            }
            long inserted = System.currentTimeMillis();
            while (RECEIVED.size() < messages) {
                if (System.currentTimeMillis() - start > 600_000) {
                    throw new IllegalStateException(RECEIVED.size() + " of " + messages);
                }
                Thread.sleep(20);
            }
            long received = System.currentTimeMillis();
            List<Long> latencies = awaitAcks(cluster, messages);
            long acked = System.currentTimeMillis();
            Collections.sort(latencies);
            return String.format(
                    "messages %d: inserted in %d ms, all received after %d ms (%.0f messages/s),"
                            + " all acknowledged after %d ms; ack latency (received -> time_acked,"
                            + " checkpoints every %d ms) p50 %d ms, p95 %d ms, max %d ms",
                    messages,
                    inserted - start,
                    received - start,
                    messages * 1000.0 / (received - start),
                    acked - start,
                    CHECKPOINT_MS,
                    latencies.get(latencies.size() / 2),
                    latencies.get(latencies.size() * 95 / 100),
                    latencies.get(latencies.size() - 1));
        } finally {
            job.cancel().get();
        }
    }

    /** Deletes the messages a run of this JVM inserted. */
    static void deleteMessages(VitessCluster cluster) throws Exception {
        try (Connection c = cluster.connect("customer");
                Statement s = c.createStatement()) {
            s.execute(
                    "DELETE FROM msg_sharded WHERE id >= "
                            + FIRST_ID
                            + " AND id < "
                            + (FIRST_ID + 100_000));
        }
    }

    private static List<Long> awaitAcks(VitessCluster cluster, int messages) throws Exception {
        while (true) {
            List<Long> latencies = new ArrayList<>();
            // in slices: VTGate refuses results of more than 10000 rows
            for (long from = FIRST_ID; from < FIRST_ID + messages; from += 5000) {
                try (Connection c = cluster.connect("customer");
                        Statement s = c.createStatement();
                        ResultSet rs =
                                s.executeQuery(
                                        "SELECT id, time_acked FROM msg_sharded WHERE id >= "
                                                + from
                                                + " AND id < "
                                                + (from + 5000)
                                                + " AND time_acked IS NOT NULL")) {
                    while (rs.next()) {
                        Long receivedAt = RECEIVED.get(rs.getLong(1));
                        if (receivedAt != null) {
                            latencies.add(rs.getLong(2) / 1_000_000L - receivedAt);
                        }
                    }
                }
            }
            if (latencies.size() >= messages) {
                return latencies;
            }
            Thread.sleep(200);
        }
    }
}
