package io.github.vstreamcdc.e2e.bench;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark (not a test) of the snapshot of one large unsharded table: rows/s of the VStream copy
 * (one stream, one reader) next to the incremental snapshot (primary-key chunks over all readers)
 * at parallelism 1, 2 and 4, in interleaved rounds. Run it with {@code
 * e2e-tests/bench/snapshot.sh}; see {@code docs/benchmarks.md}.
 *
 * <p>System properties: {@code bench.snapshot.rows} (default 2,000,000), {@code
 * bench.snapshot.rounds} (3), {@code bench.snapshot.chunk} (chunk size, 8096), {@code
 * bench.results} (a file for the markdown table).
 */
public final class SnapshotBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotBenchmark.class);

    private static final String TABLE = "bench_snapshot";

    static final AtomicLong ROWS_SEEN = new AtomicLong();

    /** Counts the rows that come through. */
    static final class Count implements MapFunction<RowData, RowData> {
        @Override
        public RowData map(RowData row) {
            ROWS_SEEN.incrementAndGet();
            return row;
        }
    }

    public static void main(String[] args) throws Exception {
        String table = results();
        LOG.info("Results:\n{}", table);
        String results = System.getProperty("bench.results");
        if (results != null) {
            Files.write(Paths.get(results), table.getBytes(StandardCharsets.UTF_8));
        }
        System.exit(0);
    }

    /**
     * Runs the benchmark as the system properties {@code bench.snapshot.*} and {@code
     * bench.heap.seconds} say (see {@code snapshot.sh}) against the local Vitess; returns the
     * results table (Markdown). Fails if a read delivered the wrong number of rows.
     */
    static String results() throws Exception {
        long rows = Long.getLong("bench.snapshot.rows", 2_000_000L);
        int rounds = Integer.getInteger("bench.snapshot.rounds", 3);
        int chunk = Integer.getInteger("bench.snapshot.chunk", 8096);
        VitessCluster cluster = VitessCluster.get();
        if (existingRows(cluster) != rows) {
            LOG.info("Loading {} rows into commerce.{}", rows, TABLE);
            BenchData.recreate(cluster, TABLE);
            BenchData.insert(cluster, TABLE, 1, rows, 20);
        }
        String[] modes = {
            "vstream-copy p=1", "incremental p=1", "incremental p=2", "incremental p=4"
        };
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> jvmCpu = new LinkedHashMap<>();
        Map<String, List<Double>> serverCpu = new LinkedHashMap<>();
        for (String mode : modes) {
            rates.put(mode, new ArrayList<>());
            jvmCpu.put(mode, new ArrayList<>());
            serverCpu.put(mode, new ArrayList<>());
        }
        String dataDir = cluster.get("VITESS_DATA_DIR");
        for (int round = 0; round <= rounds; round++) {
            List<String> order = new ArrayList<>(rates.keySet());
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (String mode : order) {
                long jvmBefore = Measurement.processCpuNanosWithEndedThreads();
                long serverBefore = serverCpuTicks(dataDir);
                double rate = run(cluster, mode, chunk, rows);
                double jvm =
                        (Measurement.processCpuNanosWithEndedThreads() - jvmBefore)
                                / 1e9
                                * 1_000_000
                                / rows;
                double server =
                        (serverCpuTicks(dataDir) - serverBefore)
                                / TICKS_PER_SECOND
                                * 1_000_000
                                / rows;
                LOG.info(
                        String.format(
                                "round %d %s: %.0f rows/s, CPU s per 1M rows: JVM %.2f, Vitess"
                                        + " and MySQL %.2f",
                                round, mode, rate, jvm, server));
                if (round > 0) { // round 0 warms up
                    rates.get(mode).add(rate);
                    jvmCpu.get(mode).add(jvm);
                    serverCpu.get(mode).add(server);
                }
            }
        }
        StringBuilder table = new StringBuilder();
        table.append("| snapshot of ")
                .append(rows)
                .append(
                        " rows | median rows/s | vs VStream copy | JVM CPU s per 1M rows | Vitess"
                                + " + MySQL CPU s per 1M rows | rates of the rounds |\n")
                .append("|---|---:|---:|---:|---:|---|\n");
        double copy = median(rates.get(modes[0]));
        for (Map.Entry<String, List<Double>> entry : rates.entrySet()) {
            double median = median(entry.getValue());
            table.append(
                    String.format(
                            "| %s | %.0f | %.2f | %.2f | %.2f | %s |%n",
                            entry.getKey(),
                            median,
                            median / copy,
                            median(jvmCpu.get(entry.getKey())),
                            median(serverCpu.get(entry.getKey())),
                            rounded(entry.getValue())));
        }
        table.append(
                heapWithSlowSink(cluster, chunk, Integer.getInteger("bench.heap.seconds", 30)));
        return table.toString();
    }

    /** The table the benchmark creates. */
    static String table() {
        return TABLE;
    }

    private static double run(VitessCluster cluster, String mode, int chunk, long rows)
            throws Exception {
        int parallelism = Integer.parseInt(mode.substring(mode.indexOf("p=") + 2));
        PlanetScaleSourceBuilder<RowData> builder = source(cluster);
        if (mode.startsWith("incremental")) {
            builder.incrementalSnapshot(chunk);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "snapshot")
                .map(new Count())
                .returns(InternalTypeInfo.of(BenchData.ROW_TYPE))
                .sinkTo(new DiscardingSink<>());
        ROWS_SEEN.set(0);
        long start = System.nanoTime();
        env.execute("snapshot benchmark " + mode);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (ROWS_SEEN.get() != rows) {
            throw new IOException(mode + " delivered " + ROWS_SEEN.get() + " of " + rows + " rows");
        }
        return rows / seconds;
    }

    /**
     * The incremental snapshot at parallelism 2 into a sink that sleeps 1 ms per record: the used
     * heap after GC every 2 s stays near its baseline if the readers do not run ahead of the sink.
     */
    private static String heapWithSlowSink(VitessCluster cluster, int chunk, int seconds)
            throws Exception {
        long baseline = VStreamBenchmark.usedHeapAfterGc();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        BenchCounters.discardInto(
                env,
                source(cluster).incrementalSnapshot(chunk).build(),
                "snapshot",
                new BenchCounters.SlowDiscard(1),
                "slow discard");
        BenchCounters.reset(Long.MAX_VALUE, Long.MAX_VALUE);
        JobClient job = env.executeAsync("snapshot benchmark, slow sink");
        List<Double> samples = new ArrayList<>();
        try {
            long start = System.nanoTime();
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                Thread.sleep(2000);
                samples.add(VStreamBenchmark.usedHeapAfterGc() / 1e6);
                LOG.info(
                        String.format(
                                "heap, incremental p=2, slow sink: %d records, %.1f MB used after GC",
                                BenchCounters.RECORDS.get(), samples.get(samples.size() - 1)));
            }
        } finally {
            job.cancel().get();
        }
        return String.format(
                "%nHeap (after GC, whole JVM), incremental snapshot at parallelism 2 (chunks of %d"
                        + " rows) into a sink sleeping 1 ms per record for %d s: %.1f MB before,"
                        + " %.1f MB median and %.1f MB max during (%d samples), %d records through"
                        + " the sink.%n",
                chunk,
                seconds,
                baseline / 1e6,
                median(samples),
                Collections.max(samples),
                samples.size(),
                BenchCounters.RECORDS.get());
    }

    private static PlanetScaleSourceBuilder<RowData> source(VitessCluster cluster) {
        return PlanetScaleSource.<RowData>builder()
                .hostname(cluster.host())
                .port(cluster.grpcPort())
                .mysqlPort(cluster.mysqlPort())
                .username("root")
                .keyspace(BenchData.KEYSPACE)
                .tableName(TABLE)
                .startupMode(StartupMode.SNAPSHOT)
                .deserializer(
                        new RowDataDeserializationSchema(
                                BenchData.ROW_TYPE, InternalTypeInfo.of(BenchData.ROW_TYPE)));
    }

    /** Clock ticks per second of {@code /proc/<pid>/stat} times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    /**
     * CPU ticks used so far by the local Vitess of {@code dataDir}: its mysqld and the children of
     * its vttestserver (vtcombo), from {@code /proc}; 0 where {@code /proc} is not there.
     */
    static long serverCpuTicks(String dataDir) {
        if (dataDir == null) {
            return 0;
        }
        File[] processes = new File("/proc").listFiles((dir, name) -> name.matches("\\d+"));
        if (processes == null) {
            return 0;
        }
        Set<String> servers = new HashSet<>();
        Map<String, String[]> stats = new HashMap<>();
        for (File process : processes) {
            try {
                String cmdline =
                        new String(
                                        Files.readAllBytes(process.toPath().resolve("cmdline")),
                                        StandardCharsets.UTF_8)
                                .replace('\0', ' ');
                String stat =
                        new String(
                                Files.readAllBytes(process.toPath().resolve("stat")),
                                StandardCharsets.UTF_8);
                // after "pid (comm) ": state ppid ... utime(14) stime(15), 1-based fields
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                stats.put(process.getName(), fields);
                if (cmdline.contains(dataDir)
                        && (cmdline.contains("mysqld") || cmdline.contains("vttestserver"))) {
                    servers.add(process.getName());
                }
            } catch (IOException e) {
                // the process ended
            }
        }
        long ticks = 0;
        for (Map.Entry<String, String[]> entry : stats.entrySet()) {
            String[] fields = entry.getValue();
            if (servers.contains(entry.getKey()) || servers.contains(fields[1])) {
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
        }
        return ticks;
    }

    private static long existingRows(VitessCluster cluster) {
        try {
            return BenchData.count(cluster, TABLE);
        } catch (java.sql.SQLException e) {
            return -1; // no table yet
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String rounded(List<Double> values) {
        List<String> out = new ArrayList<>();
        for (double value : values) {
            out.add(String.format("%.0f", value));
        }
        return String.join(", ", out);
    }
}
