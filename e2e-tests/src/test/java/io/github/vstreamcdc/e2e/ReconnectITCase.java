package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.github.vstreamcdc.e2e.SourceTestSupport.COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job reads VTGate through a TCP proxy that drops every connection and refuses new ones for
 * five seconds, twice: once in the middle of a large transaction and once while small transactions
 * stream. The job must carry on by itself (restarts are off) and deliver every change exactly once.
 *
 * <p>A real VTGate restart needs the multi-process cluster; from the client's side it looks like
 * this outage: connections reset, then refused, then accepted again.
 */
@ExtendWith(VitessClusterExtension.class)
class ReconnectITCase {

    private static final InMemoryReporter REPORTER = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .setConfiguration(REPORTER.addToConfiguration(noRestarts()))
                            .build());

    private static final String KEYSPACE = "commerce";
    private static final String TABLE = "it_reconnect";
    private static final int ROWS = 3000;
    private static final Duration OUTAGE = Duration.ofSeconds(5);

    private static Configuration noRestarts() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return config;
    }

    @Test
    void streamSurvivesConnectionOutagesWithEveryChangeOnce(VitessCluster cluster)
            throws Exception {
        // Wide rows: the big transaction spans many VStream responses.
        TestTables.createUnsharded(
                cluster,
                TABLE,
                COLUMNS + ", pad VARCHAR(255) NOT NULL DEFAULT '" + "x".repeat(200) + "'");
        SourceTestSupport.insertRange(cluster, KEYSPACE, TABLE, 1, ROWS, "v");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer =
                new Thread(
                        () -> {
                            try (Connection c = cluster.connect(KEYSPACE);
                                    Statement s = c.createStatement()) {
                                while (!stop.get()) {
                                    long id = 100_000 + written.get() + 1;
                                    s.execute(
                                            "INSERT INTO "
                                                    + TABLE
                                                    + " (id, v) VALUES ("
                                                    + id
                                                    + ", 'w"
                                                    + id
                                                    + "')");
                                    written.incrementAndGet();
                                    Thread.sleep(20);
                                }
                            } catch (Throwable t) {
                                writerFailure.set(t);
                            }
                        },
                        "reconnect-writer");

        try (LogCapture log = new LogCapture("io.github.vstreamcdc.source.reader");
                TcpProxy proxy =
                        new TcpProxy(cluster.host(), cluster.grpcPort(), Duration.ofMinutes(10))) {
            PlanetScaleSource<RowData> source =
                    SourceTestSupport.source(cluster, KEYSPACE)
                            .port(proxy.port())
                            .tableName(TABLE)
                            .startupMode(StartupMode.INITIAL)
                            .build();
            try (CollectedOutput output = CollectedOutput.run(source, 1, 500, s -> s)) {
                output.await(r -> r.size() >= ROWS, Duration.ofMinutes(2), "the copied rows");
                writer.start();

                // Outage 1: cut in the middle of a transaction of 2 x 3000 row images (~1.5 MB).
                proxy.outageAfterBytes(300_000, OUTAGE);
                try (Connection c = cluster.connect(KEYSPACE);
                        Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    s.execute("UPDATE " + TABLE + " SET v = CONCAT('u', id) WHERE id <= " + ROWS);
                    c.commit();
                }
                awaitOutages(proxy, 1);
                output.await(
                        r -> r.size() >= 3 * ROWS,
                        Duration.ofMinutes(2),
                        "the big transaction after the first outage");

                // Outage 2: while small transactions stream over the reader's new connection.
                awaitConnections(proxy, 2);
                long before = written.get();
                while (written.get() < before + 20) {
                    Thread.sleep(50);
                }
                proxy.outage(OUTAGE);
                long after = written.get();
                while (written.get() < after + 20) {
                    Thread.sleep(50);
                }
                stop.set(true);
                writer.join(30_000);
                assertThat(writerFailure.get()).as("the writer's failure").isNull();
                long inserted = written.get();

                List<RowData> rows =
                        output.await(
                                r -> r.size() >= 3 * ROWS + inserted,
                                Duration.ofMinutes(2),
                                "every change after both outages");
                long reconnects = reconnectCounter();
                // Let late duplicates, if any, arrive before counting.
                Thread.sleep(2000);
                rows = output.snapshot();

                Map<String, Integer> counts = new HashMap<>();
                for (RowData row : rows) {
                    counts.merge(SourceTestSupport.describe(row), 1, Integer::sum);
                }
                assertThat(counts.entrySet())
                        .as("changes emitted more than once")
                        .noneMatch(e -> e.getValue() > 1);
                assertThat(rows).hasSize(3 * ROWS + (int) inserted);
                for (long id = 1; id <= ROWS; id++) {
                    assertThat(counts).containsKey("+I[" + id + ", v" + id + "]");
                    assertThat(counts).containsKey("-U[" + id + ", v" + id + "]");
                    assertThat(counts).containsKey("+U[" + id + ", u" + id + "]");
                }
                for (long id = 100_001; id <= 100_000 + inserted; id++) {
                    assertThat(counts).containsKey("+I[" + id + ", w" + id + "]");
                }
                Map<Long, String> applied = new TreeMap<>();
                rows.forEach(r -> SourceTestSupport.apply(applied, r));
                assertThat(applied).isEqualTo(SourceTestSupport.select(cluster, KEYSPACE, TABLE));

                // The reader reconnected by itself, through new connections of the proxy.
                assertThat(output.finished()).as("the job ended").isFalse();
                assertThat(proxy.outagesDone()).isEqualTo(2);
                assertThat(proxy.connectionsAccepted()).isGreaterThanOrEqualTo(3);
                assertThat(reconnects).as("vstreamReconnects").isGreaterThanOrEqualTo(2);
                assertThat(log.lines())
                        .anyMatch(l -> l.contains("VStream of commerce/0") && l.contains("closed"));
                // The first outage fell inside the transaction. Its rows are held until the
                // transaction's VGTID (for their position metadata), so the reconnect read the
                // transaction again from its start; replays that skip rows already handed over
                // (transactions above ShardEventFramer.MAX_HELD_ROWS, restores from a checkpoint
                // inside a transaction) are covered by ExactlyOnceFailoverITCase and the framer's
                // unit tests.
                assertThat(log.lines())
                        .anyMatch(
                                l ->
                                        l.startsWith("Opening VStream of commerce/0")
                                                && !l.contains("copying"));
            }
        } finally {
            stop.set(true);
            writer.join(30_000);
        }
    }

    private static void awaitOutages(TcpProxy proxy, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (proxy.outagesDone() < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(
                        "The proxy saw only "
                                + proxy.bytesToClients()
                                + " bytes and "
                                + proxy.outagesDone()
                                + " outages");
            }
            Thread.sleep(100);
        }
    }

    private static void awaitConnections(TcpProxy proxy, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (proxy.connectionsAccepted() < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(
                        "The proxy accepted only " + proxy.connectionsAccepted() + " connections");
            }
            Thread.sleep(100);
        }
    }

    /** The sum of the reader's vstreamReconnects counters. */
    private static long reconnectCounter() {
        long sum = 0;
        boolean found = false;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            Metric metric = group.getValue().get("vstreamReconnects");
            if (metric instanceof Counter) {
                sum += ((Counter) metric).getCount();
                found = true;
            }
        }
        assertThat(found).as("a vstreamReconnects metric").isTrue();
        return sum;
    }

    /** Collects the formatted messages of a logger (and its children) while open. */
    private static final class LogCapture implements AutoCloseable {
        private final List<String> lines = new ArrayList<>();
        private final LoggerContext context;
        private final LoggerConfig loggerConfig;
        private final AbstractAppender appender;

        LogCapture(String loggerName) {
            context = (LoggerContext) LogManager.getContext(false);
            appender =
                    new AbstractAppender(
                            "capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY) {
                        @Override
                        public void append(LogEvent event) {
                            if (event.getLoggerName().startsWith(loggerName)) {
                                synchronized (lines) {
                                    lines.add(event.getMessage().getFormattedMessage());
                                }
                            }
                        }
                    };
            appender.start();
            loggerConfig = context.getConfiguration().getLoggerConfig(loggerName);
            loggerConfig.addAppender(appender, Level.INFO, null);
            context.updateLoggers();
        }

        List<String> lines() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }

        @Override
        public void close() {
            loggerConfig.removeAppender(appender.getName());
            context.updateLoggers();
            appender.stop();
        }
    }
}
