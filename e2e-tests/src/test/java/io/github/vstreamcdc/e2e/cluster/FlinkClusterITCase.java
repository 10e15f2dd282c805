package io.github.vstreamcdc.e2e.cluster;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector on a real Flink cluster (JobManager and two TaskManagers in their own processes,
 * {@code flink-cluster.sh}), used as users use it: a SQL job submitted by Flink's SQL client with
 * only the shaded jar ({@code -j}); a DataStream job's fat jar submitted through the REST API, its
 * TaskManagers killed with {@code kill -9} in the copy phase and in the binlog phase, then stopped
 * with a savepoint and submitted again (a rebuilt jar) from it. Every change comes out exactly
 * once, compared record by record with what was written to Vitess; the web UI's REST answers and
 * every log hold no password; each reader reads one of the keyspace's two shards.
 */
@ExtendWith({VitessClusterExtension.class, FlinkClusterExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterITCase {

    private static final int PARALLELISM = 2;

    /** Sent to the plaintext VTGate, which ignores it: it must show up nowhere. */
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    @TempDir static Path work;

    @Test
    @Order(1)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void sqlJobWithOnlyTheShadedJar(VitessCluster vitess, FlinkCluster flink) throws Exception {
        int rows = 2000;
        ChangeWriter writer = new ChangeWriter(vitess, "customers", "balance", rows + 500);
        writer.insertInitial(rows, null, 0);
        Path out = work.resolve("sql-out");
        Path file = work.resolve("changelog.sql");
        Files.write(
                file,
                List.of(
                        "SET 'execution.checkpointing.interval' = '1s';",
                        "SET 'parallelism.default' = '" + PARALLELISM + "';",
                        "SET 'pipeline.name' = 'cluster-sql';",
                        "CREATE TABLE customers (id BIGINT, balance BIGINT,",
                        "  row_kind STRING METADATA FROM 'row_kind' VIRTUAL,",
                        "  PRIMARY KEY (id) NOT ENFORCED",
                        ") WITH ('connector' = 'planetscale-cdc',",
                        "  'hostname' = '" + vitess.host() + "',",
                        "  'port' = '" + vitess.grpcPort() + "',",
                        "  'mysql.port' = '" + vitess.mysqlPort() + "',",
                        "  'username' = 'root', 'password' = '" + PASSWORD + "',",
                        "  'keyspace' = 'customer', 'table-name' = 'customers');",
                        "CREATE TABLE changes (id BIGINT, balance BIGINT, row_kind STRING)",
                        "WITH ('connector' = 'filesystem', 'path' = '" + out.toUri() + "',",
                        "  'format' = 'debezium-json',",
                        "  'sink.rolling-policy.rollover-interval' = '1s',",
                        "  'sink.rolling-policy.check-interval' = '1s');",
                        "INSERT INTO changes SELECT id, balance, row_kind FROM customers;"),
                StandardCharsets.UTF_8);

        List<String> jobs = flink.sql(file, JobJar.sqlConnectorJar());
        assertThat(jobs).as("jobs the SQL client submitted").hasSize(1);
        String job = jobs.get(0);
        FlinkRest rest = new FlinkRest(flink.restUrl());
        try {
            rest.awaitRunning(job);
            Supplier<List<String>> read =
                    () ->
                            ChangeRecords.committedLines(out).stream()
                                    .map(line -> ChangeRecords.fromDebeziumJson(line, "balance"))
                                    .collect(Collectors.toList());
            List<String> expected = writer.initialRecords();
            awaitAll(read, expected, "the snapshot");
            Map<Integer, List<String>> shards = awaitShardsPerSubtask(flink, rest, job);

            writer.write(300);
            expected.addAll(writer.confirmed());
            assertExactlyOnce(read, expected, writer);

            assertNoPassword(flink, rest, job);
            assertOneShardPerReader(shards, "the SQL job");
        } finally {
            rest.cancel(job);
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void dataStreamJobSurvivesKilledTaskManagersAndASavepointUpgrade(
            VitessCluster vitess, FlinkCluster flink) throws Exception {
        int rows = 3000;
        ChangeWriter writer = new ChangeWriter(vitess, "orders", "customer_id", rows + 500);
        // wide rows: small copy batches, so that checkpoints fall inside the copy phase
        writer.insertInitial(rows, "note", 1000);
        List<String> initial = writer.initialRecords();
        Path run1 = work.resolve("ds-run1");
        Path run2 = work.resolve("ds-run2");
        Supplier<List<String>> read = () -> ChangeRecords.committedLines(run1, run2);
        FlinkRest rest = new FlinkRest(flink.restUrl());

        String jar1 = rest.uploadJar(JobJar.build(ChangelogFileJob.class, work.resolve("v1.jar")));
        String job =
                rest.runJar(
                        jar1,
                        ChangelogFileJob.class.getName(),
                        args(vitess, run1, 4),
                        PARALLELISM,
                        null);
        String job2 = null;
        try {
            rest.awaitRunning(job);
            Map<Integer, List<String>> shards = awaitShardsPerSubtask(flink, rest, job);

            // 1. kill -9 a TaskManager in the middle of the copy phase
            HashSet<String> snapshot = new HashSet<>(initial);
            List<String> copied =
                    ChangeRecords.await(
                            read,
                            r -> r.stream().filter(snapshot::contains).count() >= rows / 5,
                            Duration.ofMinutes(2),
                            "a fifth of the snapshot");
            assertThat(killTaskManagerOfAReader(flink, rest, job)).isNotEmpty();
            assertThat(copied.size())
                    .as("snapshot rows out when the TaskManager died")
                    .isLessThan(rows);
            // the job recovers on the other TaskManager's free slot meanwhile
            CompletableFuture<Void> restarted = restartTaskManagerMeanwhile(flink);
            awaitAll(read, initial, "the snapshot after the restart");
            restarted.get(5, TimeUnit.MINUTES);

            // 2. kill -9 a TaskManager while changes stream from the binlog
            writer.start(15);
            ChangeRecords.await(
                    read, r -> r.size() >= rows + 50, Duration.ofMinutes(2), "binlog changes");
            assertThat(killTaskManagerOfAReader(flink, rest, job)).isNotEmpty();
            restarted = restartTaskManagerMeanwhile(flink);
            rest.awaitRunning(job);
            int before = read.get().size();
            ChangeRecords.await(
                    read,
                    r -> r.size() >= before + 50,
                    Duration.ofMinutes(2),
                    "changes after the restart");

            restarted.get(5, TimeUnit.MINUTES);

            // 3. stop with a savepoint, rebuild the jar, run it from the savepoint
            String savepoint =
                    rest.stopWithSavepoint(job, work.resolve("savepoints").toUri().toString());
            Thread.sleep(1000); // changes while no job runs
            String jar2 =
                    rest.uploadJar(JobJar.build(ChangelogFileJob.class, work.resolve("v2.jar")));
            job2 =
                    rest.runJar(
                            jar2,
                            ChangelogFileJob.class.getName(),
                            args(vitess, run2, 0),
                            PARALLELISM,
                            savepoint);
            rest.awaitRunning(job2);
            Map<Integer, List<String>> restoredShards = awaitShardsPerSubtask(flink, rest, job2);
            int stopped = read.get().size();
            ChangeRecords.await(
                    read,
                    r -> r.size() >= stopped + 50,
                    Duration.ofMinutes(2),
                    "changes after the savepoint");
            writer.close();

            List<String> expected = new ArrayList<>(initial);
            expected.addAll(writer.confirmed());
            assertExactlyOnce(read, expected, writer);
            assertThat(ChangeRecords.committedLines(run2))
                    .as("records of the restored job")
                    .isNotEmpty();
            assertOneShardPerReader(shards, "the DataStream job");
            assertOneShardPerReader(restoredShards, "the DataStream job restored from a savepoint");
        } finally {
            writer.close();
            rest.cancel(job);
            if (job2 != null) {
                rest.cancel(job2);
            }
        }
    }

    private static List<String> args(
            VitessCluster vitess, Path output, long snapshotRowDelayMillis) {
        return List.of(
                "--hostname", vitess.host(),
                "--grpc-port", String.valueOf(vitess.grpcPort()),
                "--mysql-port", String.valueOf(vitess.mysqlPort()),
                "--keyspace", "customer",
                "--table", "orders",
                "--value-column", "customer_id",
                "--output", output.toUri().toString(),
                "--checkpoint-ms", "500",
                "--snapshot-row-delay-ms", String.valueOf(snapshotRowDelayMillis));
    }

    private static void awaitAll(Supplier<List<String>> read, List<String> expected, String what)
            throws InterruptedException {
        ChangeRecords.await(
                read, r -> new HashSet<>(r).containsAll(expected), Duration.ofMinutes(3), what);
    }

    /**
     * Waits until every expected record is out, then two more checkpoints (a duplicate would show),
     * and compares record by record, and the changelog applied by key with the table.
     */
    private static void assertExactlyOnce(
            Supplier<List<String>> read, List<String> expected, ChangeWriter writer)
            throws Exception {
        awaitAll(read, expected, "all changes");
        Thread.sleep(2500);
        List<String> records = read.get();
        assertThat(ChangeRecords.exactlyOnceProblems(records, expected))
                .as("exactly once")
                .isEmpty();
        assertThat(ChangeRecords.apply(records))
                .as("the changelog applied by key")
                .isEqualTo(writer.select());
    }

    /**
     * Kills (SIGKILL) the TaskManager process that runs a reader with a shard (the first one) and
     * waits until the job noticed; returns that reader's shards.
     */
    private static List<String> killTaskManagerOfAReader(
            FlinkCluster flink, FlinkRest rest, String job) throws Exception {
        Map<Integer, List<String>> shards = awaitShardsPerSubtask(flink, rest, job);
        int subtask =
                shards.entrySet().stream()
                        .filter(e -> !e.getValue().isEmpty())
                        .findFirst()
                        .orElseThrow()
                        .getKey();
        String taskManager = rest.taskManagerOf(job, rest.sourceVertex(job), subtask);
        ProcessHandle process =
                ProcessHandle.of(flink.taskManagerPid(taskManager))
                        .orElseThrow(() -> new AssertionError(taskManager + " is not running"));
        int failuresBefore = failures(rest, job);
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
        rest.await(
                "/jobs/" + job + "/exceptions",
                e -> e.path("exceptionHistory").path("entries").size() > failuresBefore,
                Duration.ofMinutes(2));
        return shards.get(subtask);
    }

    /** Starts the killed TaskManager again (in the background: it takes a JVM start). */
    private static CompletableFuture<Void> restartTaskManagerMeanwhile(FlinkCluster flink) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        flink.restartMissingTaskManagers();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                });
    }

    /** The failures in the job's exception history (the web UI's "Exceptions" tab). */
    private static int failures(FlinkRest rest, String job) throws Exception {
        return rest.get("/jobs/" + job + "/exceptions")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }

    /**
     * The shards each reader of the job's source reads (from the TaskManagers' logs), once both
     * shards are assigned.
     */
    private static Map<Integer, List<String>> awaitShardsPerSubtask(
            FlinkCluster flink, FlinkRest rest, String job) throws Exception {
        JsonNode details = rest.get("/jobs/" + job);
        String task = details.path("vertices").get(0).path("name").asText();
        long since = details.path("start-time").asLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<Integer, List<String>> shards = ReaderSplits.of(flink.logDir(), task, since);
        while (shards.values().stream().mapToInt(List::size).sum() < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not every shard is read after 60 s: " + shards);
            }
            Thread.sleep(500);
            shards = ReaderSplits.of(flink.logDir(), task, since);
        }
        for (int subtask = 0; subtask < PARALLELISM; subtask++) {
            shards.putIfAbsent(subtask, List.of());
        }
        return shards;
    }

    /**
     * Issue 19: with parallelism 2 and the shards -80 and 80-, each reader reads one shard (the
     * readers of separate TaskManagers register with the enumerator one after the other).
     */
    private static void assertOneShardPerReader(Map<Integer, List<String>> shards, String job) {
        assertThat(shards.values())
                .as("shards per reader of %s (issue 19): %s", job, shards)
                .allSatisfy(s -> assertThat(s).hasSize(1));
    }

    /**
     * What a user or operator sees of the SQL job (the web UI's REST answers, every process's log,
     * the checkpoints) holds no password.
     */
    private static void assertNoPassword(FlinkCluster flink, FlinkRest rest, String job)
            throws IOException, InterruptedException {
        List<String> seen = new ArrayList<>();
        String j = "/jobs/" + job;
        for (String path :
                List.of(
                        "/overview",
                        "/config",
                        "/jobs/overview",
                        j,
                        j + "/config",
                        j + "/plan",
                        j + "/exceptions",
                        j + "/checkpoints",
                        j + "/checkpoints/config",
                        "/jobmanager/config",
                        "/jobmanager/environment",
                        "/jobmanager/log",
                        "/taskmanagers")) {
            seen.add(rest.text(path));
        }
        for (JsonNode tm : rest.get("/taskmanagers").path("taskmanagers")) {
            String id = tm.path("id").asText();
            seen.add(rest.text("/taskmanagers/" + id));
            seen.add(rest.text("/taskmanagers/" + id + "/log"));
        }
        seen.add(filesUnder(flink.logDir()));
        seen.add(filesUnder(flink.dataDir().resolve("checkpoints")));
        String all = String.join("\n", seen);
        // sanity: these are the answers and logs of this job, read from the database
        assertThat(all).contains(job).contains("customer/-80").contains("customer/80-");
        assertThat(all).as("REST answers, logs, checkpoints").doesNotContain(PASSWORD);
    }

    /** All bytes of the files under a directory, as text; files deleted meanwhile are skipped. */
    private static String filesUnder(Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(
                dir,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        files.add(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE; // a checkpoint subsumed meanwhile
                    }
                });
        for (Path file : files) {
            try {
                text.append(file)
                        .append(": ")
                        .append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                        .append('\n');
            } catch (NoSuchFileException e) {
                // a checkpoint subsumed meanwhile
            }
        }
        return text.toString();
    }
}
