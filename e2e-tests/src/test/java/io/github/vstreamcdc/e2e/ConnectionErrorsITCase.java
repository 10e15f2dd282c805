package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.PurgedBinlogHandling;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.github.vstreamcdc.e2e.SourceTestSupport.COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad endpoints and bad input against the real cluster: the job fails within a bounded time, and
 * the root cause says what is wrong, where, and what to check. Restarts are off so that the first
 * failure is the job's failure.
 */
@ExtendWith(VitessClusterExtension.class)
class ConnectionErrorsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .setConfiguration(noRestarts())
                            .build());

    private static final String KEYSPACE = "commerce";
    private static final String TABLE = "it_connerr";
    private static final String FOREIGN_UUID = "11111111-2222-3333-4444-555555555555";

    private static Configuration noRestarts() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return config;
    }

    @BeforeAll
    static void createTable() throws Exception {
        TestTables.createUnsharded(VitessCluster.get(), TABLE, COLUMNS);
    }

    /** A port on 127.0.0.1 that nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    private static PlanetScaleSourceBuilder<RowData> source(VitessCluster cluster) {
        return SourceTestSupport.source(cluster, KEYSPACE).tableName(TABLE);
    }

    /** What a failed job ended with, and how long it took. */
    private static final class Failure {
        final Throwable job;
        final Duration took;

        Failure(Throwable job, Duration took) {
            this.job = job;
            this.took = took;
        }

        /** The message of the connector's exception in the cause chain. */
        String rootCause() {
            return SourceTestSupport.connectorMessage(job);
        }
    }

    /** Runs the source until the job fails; fails the test if it does not within the limit. */
    private static Failure runUntilFailure(PlanetScaleSource<RowData> source, Duration limit)
            throws Exception {
        long start = System.nanoTime();
        Throwable failure = SourceTestSupport.failureOf(source, "connection-errors", limit);
        return new Failure(failure, Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void unreachableGrpcEndpointFailsWithinAMinuteWithTheDefaultBudget(VitessCluster cluster)
            throws Exception {
        int port = closedPort();
        Failure failure =
                runUntilFailure(
                        source(cluster).port(port).startupMode(StartupMode.INITIAL).build(),
                        Duration.ofSeconds(90));

        assertThat(failure.took).isLessThan(Duration.ofSeconds(60));
        assertThat(failure.rootCause())
                .contains("Gave up on shard commerce/0")
                .contains(
                        "'reconnect.max-attempts' = "
                                + PlanetScaleSourceOptions.RECONNECT_MAX_ATTEMPTS.defaultValue())
                .contains("VTGate 127.0.0.1:" + port + " is unreachable")
                .contains("check the host and port")
                .contains("Connection refused");
    }

    @Test
    void reconnectBudgetIsConfigurable(VitessCluster cluster) throws Exception {
        int port = closedPort();
        Failure failure =
                runUntilFailure(
                        source(cluster)
                                .port(port)
                                .startupMode(StartupMode.INITIAL)
                                .reconnectMaxAttempts(1)
                                .build(),
                        Duration.ofSeconds(60));

        // One reconnect after half a second: far below the default budget's half minute.
        assertThat(failure.took).isLessThan(Duration.ofSeconds(20));
        assertThat(failure.rootCause())
                .contains("failed 2 times in a row")
                .contains("'reconnect.max-attempts' = 1")
                .contains("127.0.0.1:" + port);
    }

    @Test
    void unreachableGrpcEndpointAtLatestOffsetFailsInTheEnumerator(VitessCluster cluster)
            throws Exception {
        int port = closedPort();
        Failure failure =
                runUntilFailure(
                        source(cluster).port(port).startupMode(StartupMode.LATEST_OFFSET).build(),
                        Duration.ofSeconds(60));

        assertThat(failure.took).isLessThan(Duration.ofSeconds(60));
        assertThat(failure.rootCause())
                .contains("shard commerce/0")
                .contains("VTGate 127.0.0.1:" + port + " is unreachable")
                .contains("check the host and port");
    }

    @Test
    void unreachableMysqlEndpointFailsNamingIt(VitessCluster cluster) throws Exception {
        int port = closedPort();
        Failure failure =
                runUntilFailure(
                        source(cluster).mysqlPort(port).startupMode(StartupMode.INITIAL).build(),
                        Duration.ofSeconds(60));

        assertThat(failure.took).isLessThan(Duration.ofSeconds(60));
        assertThat(failure.rootCause())
                .contains("VTGate MySQL endpoint 127.0.0.1:" + port)
                .contains("cannot connect")
                .contains("'mysql.port'");
    }

    @Test
    void specificOffsetFromAnotherServerFailsNamingShardAndPosition(VitessCluster cluster)
            throws Exception {
        String foreign = "MySQL56/" + FOREIGN_UUID + ":1-5";
        Failure failure =
                runUntilFailure(
                        source(cluster)
                                .specificOffsets(Collections.singletonMap("0", foreign))
                                .build(),
                        Duration.ofSeconds(60));

        // VTGate alone would search for a tablet for 90 s and then report only that.
        assertThat(failure.took).isLessThan(Duration.ofSeconds(60));
        assertThat(failure.rootCause())
                .contains("Position '" + foreign + "' of shard commerce/0")
                .contains("server UUID(s) [" + FOREIGN_UUID + "]")
                .contains("scan.startup.specific-offset");
    }

    @Test
    void specificOffsetAheadOfTheShardFails(VitessCluster cluster) throws Exception {
        String current = currentPosition(cluster);
        int colon = current.indexOf(':');
        String uuid = current.substring("MySQL56/".length(), colon);
        String ahead = "MySQL56/" + uuid + ":1-999999999";
        Failure failure =
                runUntilFailure(
                        source(cluster)
                                .specificOffsets(Collections.singletonMap("0", ahead))
                                .build(),
                        Duration.ofSeconds(60));

        assertThat(failure.rootCause())
                .contains("Position '" + ahead + "' of shard commerce/0")
                .contains("ahead of the shard");
    }

    @Test
    void garbageSpecificOffsetFailsNamingShardAndPosition(VitessCluster cluster) throws Exception {
        Failure failure =
                runUntilFailure(
                        source(cluster)
                                .specificOffsets(Collections.singletonMap("0", "MySQL56/garbage"))
                                .build(),
                        Duration.ofSeconds(60));

        assertThat(failure.took).isLessThan(Duration.ofSeconds(60));
        assertThat(failure.rootCause())
                .contains("VStream of shard commerce/0 at position 'MySQL56/garbage'")
                .contains("not a GTID position")
                .contains("could not decode position");
    }

    @Test
    void wrongKeyspaceFailsNamingIt(VitessCluster cluster) throws Exception {
        Failure failure =
                runUntilFailure(
                        SourceTestSupport.source(cluster, "no_such_keyspace")
                                .tableName(TABLE)
                                .build(),
                        Duration.ofSeconds(60));

        assertThat(failure.rootCause())
                .contains("Keyspace 'no_such_keyspace' has no shards")
                .contains("127.0.0.1:" + cluster.mysqlPort())
                .contains("SHOW KEYSPACES");
    }

    @Test
    void wrongTableFailsNamingIt(VitessCluster cluster) throws Exception {
        Failure failure =
                runUntilFailure(
                        SourceTestSupport.source(cluster, KEYSPACE)
                                .tableName("no_such_table")
                                .build(),
                        Duration.ofSeconds(60));

        assertThat(failure.rootCause())
                .contains("No table of keyspace 'commerce'")
                .contains("'table-name' = 'no_such_table'");
    }

    @Test
    void specificOffsetWhoseBinlogWasPurgedFailsNamingTheLostTransactions(VitessCluster cluster)
            throws Exception {
        String position = currentPosition(cluster);
        SourceTestSupport.insertRange(cluster, KEYSPACE, TABLE, 1, 10, "purged-");
        purgeBinlogs(cluster);
        Failure failure =
                runUntilFailure(
                        source(cluster)
                                .specificOffsets(Collections.singletonMap("0", position))
                                .build(),
                        Duration.ofSeconds(60));

        assertThat(failure.took).isLessThan(Duration.ofSeconds(60));
        assertThat(failure.rootCause())
                .contains("Position '" + position + "' of shard commerce/0")
                .contains("is no longer in the shard's binlog: transactions ")
                .contains("Start from a newer position, or from 'earliest-offset'");
    }

    /**
     * A job stopped with a savepoint and restored after the binlog it needs was purged: its reader
     * says so within seconds, naming shard and position (VTGate alone would look for a tablet for
     * 90 s, report only that it found none, and the reconnects would meet the same).
     */
    @Test
    void aJobRestoredAfterItsBinlogWasPurgedFailsNamingShardAndPosition(
            VitessCluster cluster, @TempDir Path savepoints) throws Exception {
        String position = currentPosition(cluster);
        String savepoint;
        JobClient first = savepointableJob(cluster, position, null).executeAsync("purged-before");
        try {
            SourceTestSupport.insertRange(cluster, KEYSPACE, TABLE, 101, 110, "before-");
            Thread.sleep(3000);
            savepoint =
                    first.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            first.cancel();
            throw e;
        }
        SourceTestSupport.insertRange(cluster, KEYSPACE, TABLE, 201, 210, "after-");
        purgeBinlogs(cluster);

        long start = System.nanoTime();
        Throwable failure =
                SourceTestSupport.failureOf(
                        savepointableJob(cluster, position, savepoint)
                                .executeAsync("purged-restored"),
                        "purged-restored",
                        Duration.ofSeconds(60));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        assertThat(SourceTestSupport.connectorMessage(failure))
                .contains("of shard commerce/0 is no longer in the shard's binlog: transactions ")
                .contains("start it anew from a snapshot");
    }

    /**
     * With 'scan.purged-binlog.handling' = 're-snapshot', a job restored after its binlog was
     * purged does not fail: the shard's table is copied anew from its current state, then streamed.
     * What the restored job emits adds up to what the table holds, before and after changes made
     * once it streams.
     */
    @Test
    void aJobRestoredAfterItsBinlogWasPurgedCopiesTheShardAnewWhenAskedTo(
            VitessCluster cluster, @TempDir Path savepoints) throws Exception {
        String position = currentPosition(cluster);
        String savepoint;
        JobClient first = savepointableJob(cluster, position, null).executeAsync("purged-first");
        try {
            SourceTestSupport.insertRange(cluster, KEYSPACE, TABLE, 301, 305, "before-");
            Thread.sleep(3000);
            savepoint =
                    first.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            first.cancel();
            throw e;
        }
        SourceTestSupport.insertRange(cluster, KEYSPACE, TABLE, 306, 320, "lost-");
        try (Connection c = cluster.connect(KEYSPACE);
                Statement s = c.createStatement()) {
            s.execute("UPDATE " + TABLE + " SET v = 'lost-update' WHERE id = 301");
        }
        purgeBinlogs(cluster);

        Configuration config = noRestarts();
        config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        DataStream<RowData> stream =
                env.fromSource(
                                source(cluster)
                                        .specificOffsets(Collections.singletonMap("0", position))
                                        .purgedBinlogHandling(PurgedBinlogHandling.RE_SNAPSHOT)
                                        .build(),
                                WatermarkStrategy.noWatermarks(),
                                "planetscale")
                        .uid("planetscale");
        try (CollectedRecords<RowData> out =
                new CollectedRecords<>(stream.executeAndCollect("purged-copied-anew"))) {
            Map<Long, String> copied = SourceTestSupport.select(cluster, KEYSPACE, TABLE);
            List<RowData> rows =
                    out.await(
                            r -> applied(r).equals(copied),
                            Duration.ofSeconds(90),
                            "the table copied anew");
            assertThat(rows).allMatch(r -> r.getRowKind() == RowKind.INSERT);
            assertThat(applied(rows))
                    .containsEntry(301L, "lost-update")
                    .containsEntry(320L, "lost-320");

            try (Connection c = cluster.connect(KEYSPACE);
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + TABLE + " (id, v) VALUES (321, 'after')");
                s.execute("UPDATE " + TABLE + " SET v = 'changed' WHERE id = 302");
                s.execute("DELETE FROM " + TABLE + " WHERE id = 303");
            }
            Map<Long, String> now = SourceTestSupport.select(cluster, KEYSPACE, TABLE);
            out.await(
                    r -> applied(r).equals(now),
                    Duration.ofSeconds(60),
                    "the changes after the copy");
        }
    }

    private static Map<Long, String> applied(List<RowData> rows) {
        Map<Long, String> table = new TreeMap<>();
        for (RowData row : rows) {
            SourceTestSupport.apply(table, row);
        }
        return table;
    }

    /** The source from a position into a discarding sink, with checkpoints, from a savepoint. */
    private static StreamExecutionEnvironment savepointableJob(
            VitessCluster cluster, String position, String savepoint) {
        Configuration config = noRestarts();
        if (savepoint != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        env.enableCheckpointing(500);
        env.fromSource(
                        source(cluster)
                                .specificOffsets(Collections.singletonMap("0", position))
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "planetscale")
                .uid("planetscale")
                .sinkTo(new DiscardingSink<>());
        return env;
    }

    /**
     * Purges the binlog of the cluster's mysqld (every shard's tablet shares it) up to a new log
     * file: what a binlog retention does to a job stopped for too long.
     */
    private static void purgeBinlogs(VitessCluster cluster) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:mysql://127.0.0.1:"
                                        + cluster.get("MYSQLD_PORT")
                                        + "/?useSSL=false&allowPublicKeyRetrieval=true",
                                cluster.get("MYSQLD_USER"),
                                "");
                Statement s = c.createStatement()) {
            s.execute("FLUSH BINARY LOGS");
            String last = null;
            try (ResultSet logs = s.executeQuery("SHOW BINARY LOGS")) {
                while (logs.next()) {
                    last = logs.getString(1);
                }
            }
            s.execute("PURGE BINARY LOGS TO '" + last + "'");
            try (ResultSet purged = s.executeQuery("SELECT @@global.gtid_purged")) {
                purged.next();
                assertThat(purged.getString(1)).as("gtid_purged after the purge").isNotEmpty();
            }
        }
    }

    private static String currentPosition(VitessCluster cluster) {
        try (CurrentPositionResolver resolver =
                new CurrentPositionResolver(
                        VitessConnectionOptions.builder()
                                .hostname(cluster.host())
                                .grpcPort(cluster.grpcPort())
                                .mysqlPort(cluster.mysqlPort())
                                .username("root")
                                .build())) {
            return resolver.currentPosition(KEYSPACE, "0");
        }
    }
}
