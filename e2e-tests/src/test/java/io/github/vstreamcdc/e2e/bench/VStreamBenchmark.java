package io.github.vstreamcdc.e2e.bench;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Benchmark (not a test): the source's throughput next to a bare gRPC VStream consumer of the same
 * data, and the reader's heap with a slow sink (copy and binlog), in one JVM against the local
 * Vitess. Run it with {@code e2e-tests/bench/run.sh}; see {@code docs/benchmarks.md}.
 *
 * <p>System properties: {@code bench.rows} (snapshot rows, default 500000), {@code bench.events}
 * (binlog row events, half inserts and half updates, default 300000), {@code bench.rounds}
 * (measured rounds after the warm-up rounds, default 5), {@code bench.warmup.rounds} (default 1),
 * {@code bench.heap.seconds} (each slow-sink job, default 30), {@code bench.heap.control.seconds}
 * (the run without flow control, default 10), {@code bench.heap.sleep.ms} (the slow sink's sleep
 * per record, default 1), {@code bench.results} (a file to write the results table to), {@code
 * bench.object.reuse} ({@code true}: the jobs run with Flink's object reuse, a user setting;
 * default {@code false}, Flink's default).
 */
public final class VStreamBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(VStreamBenchmark.class);

    private static final String SNAPSHOT_TABLE = "bench_rows";
    private static final String STREAM_TABLE = "bench_changes";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final long MB = 1024 * 1024;

    private final VitessCluster cluster;
    private final String shard;
    private final long rows;
    private final long inserts;
    private final long updates;
    private final boolean objectReuse = Boolean.getBoolean("bench.object.reuse");
    private final boolean genericRows = Boolean.getBoolean("bench.generic.rows");
    private final int warmUpRounds = Integer.getInteger("bench.warmup.rounds", 1);
    private final boolean phasesAlternate = Boolean.getBoolean("bench.phases.alternate");
    private final int burstWarmUp = Integer.getInteger("bench.burst.warmup", 20);
    private final long burstTrickle = Long.getLong("bench.burst.trickle", 6000);

    /** The trickle's transactions per consumer that the bursts' run read (0: none). */
    private long trickled;

    private final int copyWarmUp = Integer.getInteger("bench.live.copy.warmup", 20);
    private String streamStart;
    private long snapshotWireBytes;

    /** The measured rounds' empty jobs (see {@link #emptyJob}). */
    private final List<Measurement> emptyJobs = new ArrayList<>();

    private VStreamBenchmark(VitessCluster cluster, String shard, long rows, long events) {
        this.cluster = cluster;
        this.shard = shard;
        this.rows = rows;
        this.inserts = events / 2;
        this.updates = events / 2;
    }

    public static void main(String[] args) throws Exception {
        String resultsFile = System.getProperty("bench.results");
        int exit = 1;
        try {
            String results = results();
            if (resultsFile != null) {
                Files.write(Paths.get(resultsFile), results.getBytes(StandardCharsets.UTF_8));
                LOG.info("Results written to {}", resultsFile);
            } else {
                LOG.info("\n{}", results);
            }
            exit = 0;
        } catch (Throwable t) {
            LOG.error("Benchmark failed", t);
        }
        // gRPC and Flink leave non-daemon threads behind.
        System.exit(exit);
    }

    /**
     * Runs the benchmark as the system properties {@code bench.*} say (see {@code run.sh}) against
     * the local Vitess; returns the results tables (Markdown). Fails if a consumer read the wrong
     * number of rows or a job failed.
     */
    static String results() throws Exception {
        long rows = Long.getLong("bench.rows", 500_000);
        long events = Long.getLong("bench.events", 300_000);
        int rounds = Integer.getInteger("bench.rounds", 5);
        int heapSeconds = Integer.getInteger("bench.heap.seconds", 30);
        int controlSeconds = Integer.getInteger("bench.heap.control.seconds", 10);
        long sleepMillis = Long.getLong("bench.heap.sleep.ms", 1);
        long t0 = System.nanoTime();
        VitessCluster cluster = VitessCluster.get();
        LOG.info("Vitess is up ({} s): {}", seconds(System.nanoTime() - t0), cluster);
        List<String> shards =
                new VtgateSqlClient(connection(cluster)).listShards(BenchData.KEYSPACE);
        if (shards.size() != 1) {
            throw new IllegalStateException(
                    "Keyspace " + BenchData.KEYSPACE + " should be unsharded: " + shards);
        }
        VStreamBenchmark bench = new VStreamBenchmark(cluster, shards.get(0), rows, events);
        return bench.run(rounds, heapSeconds, controlSeconds, sleepMillis);
    }

    /** The tables the benchmark creates. */
    static List<String> tables() {
        return Arrays.asList(
                SNAPSHOT_TABLE,
                STREAM_TABLE,
                LiveBursts.BARE_TABLE,
                LiveBursts.SOURCE_TABLE,
                LiveBursts.STAGING);
    }

    private String run(int rounds, int heapSeconds, int controlSeconds, long sleepMillis)
            throws Exception {
        prepare();
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        MiniClusterWithClientResource flink =
                new MiniClusterWithClientResource(
                        new MiniClusterResourceConfiguration.Builder()
                                .setNumberTaskManagers(1)
                                .setNumberSlotsPerTaskManager(2)
                                .setConfiguration(config)
                                .build());
        flink.before();
        List<Measurement[]> snapshot = new ArrayList<>();
        List<Measurement[]> streaming = new ArrayList<>();
        List<Measurement[]> bursts = new ArrayList<>();
        List<Measurement[]> copies = new ArrayList<>();
        String heap;
        try (BareVStreamConsumer bare =
                new BareVStreamConsumer(cluster.host(), cluster.grpcPort())) {
            int warmUp = warmUpRounds;
            // One phase's rounds after the other, as a job copies and then streams
            // (bench.phases.alternate: both phases in each round, the former order). Rounds up to
            // 0 warm up and are not counted; in a round, the order of the two consumers alternates.
            for (int phase = 0; phase < (phasesAlternate ? 1 : 2); phase++) {
                for (int round = 1 - warmUp; round <= rounds; round++) {
                    boolean bareFirst = Math.floorMod(round, 2) == 0;
                    String label = round <= 0 ? "warm-up" : "round " + round + "/" + rounds;
                    if (phasesAlternate || phase == 0) {
                        Measurement[] pair =
                                pair(
                                        label,
                                        "snapshot",
                                        bareFirst,
                                        () -> bareSnapshot(bare),
                                        this::sourceSnapshot);
                        if (round > 0) {
                            snapshot.add(pair);
                        }
                        emptyJob(round > 0 ? emptyJobs : new ArrayList<>());
                    }
                    if (phasesAlternate || phase == 1) {
                        Measurement[] pair =
                                pair(
                                        label,
                                        "streaming",
                                        bareFirst,
                                        () -> bareStreaming(bare),
                                        this::sourceStreaming);
                        if (round > 0) {
                            streaming.add(pair);
                        }
                        emptyJob(round > 0 ? emptyJobs : new ArrayList<>());
                    }
                }
            }
            int burstRounds = Integer.getInteger("bench.bursts", 5);
            int copyRounds = Integer.getInteger("bench.live.copies", 11);
            if (burstRounds > 0 || copyRounds > 0) {
                LiveBursts live =
                        new LiveBursts(
                                        cluster,
                                        shard,
                                        Long.getLong("bench.burst.events", 200_000),
                                        TIMEOUT)
                                .withTrickle(burstRounds > 0 ? burstTrickle : 0)
                                .withCopies(
                                        SNAPSHOT_TABLE,
                                        Math.min(
                                                rows,
                                                Long.getLong("bench.live.copy.rows", 200_000)),
                                        copyRounds > 0 ? copyWarmUp : 0,
                                        copyRounds);
                bursts.addAll(
                        live.run(
                                bare,
                                this::source,
                                this::environment,
                                burstRounds > 0 ? burstWarmUp : 0,
                                burstRounds));
                copies.addAll(live.copies());
                trickled = live.trickled();
            }
            snapshotWireBytes =
                    bare.copyWireBytes(BenchData.KEYSPACE, shard, SNAPSHOT_TABLE, rows, TIMEOUT);
            HeapRun withFlowControl =
                    heapWithSlowSink(
                            "source, copy",
                            source(SNAPSHOT_TABLE).startupMode(StartupMode.SNAPSHOT),
                            heapSeconds,
                            sleepMillis);
            HeapRun binlogWithFlowControl =
                    heapWithSlowSink(
                            "source, binlog",
                            source(STREAM_TABLE)
                                    .specificOffsets(Collections.singletonMap(shard, streamStart)),
                            heapSeconds,
                            sleepMillis);
            HeapRun withoutFlowControl = heapWithoutFlowControl(bare, controlSeconds, sleepMillis);
            heap = heapTable(withFlowControl, binlogWithFlowControl, withoutFlowControl);
        } finally {
            flink.after();
        }
        return results(
                snapshot,
                streaming,
                bursts,
                copies,
                heap,
                heapSeconds,
                controlSeconds,
                sleepMillis);
    }

    // ---------------------------------------------------------------------------------------
    // Data
    // ---------------------------------------------------------------------------------------

    private void prepare() throws Exception {
        long t0 = System.nanoTime();
        BenchData.recreate(cluster, SNAPSHOT_TABLE);
        BenchData.insert(cluster, SNAPSHOT_TABLE, 1, rows, 1);
        LOG.info(
                "Loaded {} rows into {}.{} in {} s",
                rows,
                BenchData.KEYSPACE,
                SNAPSHOT_TABLE,
                seconds(System.nanoTime() - t0));
        t0 = System.nanoTime();
        BenchData.recreate(cluster, STREAM_TABLE);
        streamStart = currentPosition(cluster, shard);
        // Large transactions: 10 INSERTs of 1000 rows per transaction, 10k-row UPDATEs.
        BenchData.insert(cluster, STREAM_TABLE, 1, inserts, 10);
        BenchData.updateAll(cluster, STREAM_TABLE, 1, updates, 10_000);
        LOG.info(
                "Wrote {} inserts and {} updates to {}.{} after position {} in {} s",
                inserts,
                updates,
                BenchData.KEYSPACE,
                STREAM_TABLE,
                streamStart,
                seconds(System.nanoTime() - t0));
        if (BenchData.count(cluster, SNAPSHOT_TABLE) != rows) {
            throw new IllegalStateException(SNAPSHOT_TABLE + " does not hold " + rows + " rows");
        }
    }

    /** The shard's current GTID position. */
    static String currentPosition(VitessCluster cluster, String shard) throws Exception {
        try (CurrentPositionResolver resolver = new CurrentPositionResolver(connection(cluster))) {
            return resolver.currentPosition(BenchData.KEYSPACE, shard);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Consumers
    // ---------------------------------------------------------------------------------------

    private Measurement bareSnapshot(BareVStreamConsumer bare) throws InterruptedException {
        return bare.copy(BenchData.KEYSPACE, shard, SNAPSHOT_TABLE, rows, TIMEOUT);
    }

    private Measurement bareStreaming(BareVStreamConsumer bare) throws InterruptedException {
        // The late window: the updates (the events after the inserts).
        return bare.stream(
                BenchData.KEYSPACE,
                shard,
                streamStart,
                STREAM_TABLE,
                inserts + updates,
                inserts,
                TIMEOUT);
    }

    private Measurement sourceSnapshot() throws Exception {
        PlanetScaleSource<RowData> source =
                source(SNAPSHOT_TABLE).startupMode(StartupMode.SNAPSHOT).build();
        return runSource(source, rows, rows, true, rows / 2, rows / 2);
    }

    private Measurement sourceStreaming() throws Exception {
        PlanetScaleSource<RowData> source =
                source(STREAM_TABLE)
                        .specificOffsets(Collections.singletonMap(shard, streamStart))
                        .build();
        // An update is two records (-U, +U): one row event. The late window: the updates.
        return runSource(source, inserts + 2 * updates, inserts + updates, false, inserts, inserts);
    }

    /**
     * Runs an empty job of the source jobs' shape (a source of one number, a filter that drops it,
     * a discarding sink) from its submission to its end: what any Flink job's start and end cost
     * this JVM, whatever it reads.
     */
    private void emptyJob(List<Measurement> into) throws Exception {
        StreamExecutionEnvironment env = environment();
        env.fromSequence(1, 1)
                .filter((FilterFunction<Long>) n -> false)
                .name("drop")
                .sinkTo(new DiscardingSink<>());
        long cpuAtStart = Measurement.processCpuNanosWithEndedThreads();
        long[] vmAtStart = Measurement.vmThreadsCpuNanos();
        long start = System.nanoTime();
        env.executeAsync("bench empty job")
                .getJobExecutionResult()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long end = System.nanoTime();
        into.add(
                new Measurement("empty job", 1, start, end, end, -1)
                        .withCpu(cpuAtStart, Measurement.processCpuNanosWithEndedThreads())
                        .withVmThreads(vmAtStart, Measurement.vmThreadsCpuNanos()));
    }

    /** One read of a phase. */
    @FunctionalInterface
    private interface Read {
        Measurement run() throws Exception;
    }

    /** Both consumers' reads of one phase in a round, in the given order: {bare, source}. */
    private static Measurement[] pair(
            String label, String phase, boolean bareFirst, Read bare, Read source)
            throws Exception {
        Measurement[] pair = new Measurement[2];
        for (int i = 0; i < 2; i++) {
            if ((i == 0) == bareFirst) {
                pair[0] = log(label, phase, bare.run());
            } else {
                pair[1] = log(label, phase, source.run());
            }
        }
        return pair;
    }

    /**
     * The source of a table's rows: binary rows, as in the Table API, or {@code GenericRowData}
     * (the DataStream default).
     */
    private PlanetScaleSourceBuilder<RowData> source(String table) {
        RowDataDeserializationSchema rows =
                new RowDataDeserializationSchema(
                        BenchData.ROW_TYPE, InternalTypeInfo.of(BenchData.ROW_TYPE));
        return PlanetScaleSource.<RowData>builder()
                .hostname(cluster.host())
                .port(cluster.grpcPort())
                .mysqlPort(cluster.mysqlPort())
                .username("root")
                .keyspace(BenchData.KEYSPACE)
                .tableName(table)
                .deserializer(genericRows ? rows : rows.withBinaryRows());
    }

    /**
     * Runs the source at parallelism 1 into a counting, discarding sink: to the end of the job
     * (bounded) or until the expected records arrived (then cancels it).
     */
    private Measurement runSource(
            PlanetScaleSource<RowData> source,
            long expectedRecords,
            long events,
            boolean bounded,
            long lateFromRecord,
            long lateFromEvent)
            throws Exception {
        BenchCounters.reset(expectedRecords, lateFromRecord);
        StreamExecutionEnvironment env = environment();
        BenchCounters.discardInto(
                env,
                source,
                "planetscale",
                new BenchCounters.CountingDiscard(),
                "count and discard");
        // A whole job: its threads start and end inside the window.
        long cpuAtStart = Measurement.processCpuNanosWithEndedThreads();
        long[] vmAtStart = Measurement.vmThreadsCpuNanos();
        Map<String, Object[]> threadsAtStart = Measurement.threadTicks();
        long start = System.nanoTime();
        JobClient job = env.executeAsync("bench " + (bounded ? "snapshot" : "streaming"));
        long cpuAtEnd;
        long[] vmAtEnd;
        Map<String, Object[]> threadsAtEnd;
        try {
            if (bounded) {
                job.getJobExecutionResult().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                BenchCounters.awaitTarget(job, start + TIMEOUT.toNanos(), 0, "records");
            }
            cpuAtEnd = Measurement.processCpuNanosWithEndedThreads();
            vmAtEnd = Measurement.vmThreadsCpuNanos();
            threadsAtEnd = Measurement.threadTicks();
        } finally {
            stop(job);
        }
        long records = BenchCounters.RECORDS.get();
        if (records != expectedRecords) {
            throw new IllegalStateException(
                    "The source delivered " + records + " records; expected " + expectedRecords);
        }
        return new Measurement(
                        "PlanetScaleSource",
                        events,
                        start,
                        BenchCounters.firstNanos,
                        BenchCounters.targetNanos,
                        -1)
                .withCpu(cpuAtStart, cpuAtEnd)
                .withVmThreads(vmAtStart, vmAtEnd)
                .withSteadyCpu(BenchCounters.firstCpuNanos, BenchCounters.targetCpuNanos)
                .withLateCpu(
                        BenchCounters.markCpuNanos,
                        BenchCounters.targetCpuNanos,
                        events - lateFromEvent)
                .withThreadCpu(threadsAtStart, threadsAtEnd);
    }

    /**
     * A job environment at parallelism 1. With object reuse (a user setting), chained operators
     * pass the source's records on without Flink's copy of each ({@code RowDataSerializer.copy}).
     */
    private StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        if (objectReuse) {
            env.getConfig().enableObjectReuse();
        }
        return env;
    }

    static void stop(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get();
        if (!status.isGloballyTerminalState()) {
            job.cancel().get(1, TimeUnit.MINUTES);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!job.getJobStatus().get().isGloballyTerminalState()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Job " + job.getJobID() + " did not end");
            }
            Thread.sleep(50);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Heap with a slow sink
    // ---------------------------------------------------------------------------------------

    /** Heap samples of one slow-consumer run. */
    private static final class HeapRun {
        final double baselineMb;
        final List<Double> samplesMb = new ArrayList<>();
        long consumed;
        long received = -1;

        HeapRun(double baselineMb) {
            this.baselineMb = baselineMb;
        }

        double max() {
            return Collections.max(samplesMb);
        }

        double firstHalf() {
            return median(samplesMb.subList(0, samplesMb.size() / 2), x -> x);
        }

        double secondHalf() {
            return median(samplesMb.subList(samplesMb.size() / 2, samplesMb.size()), x -> x);
        }
    }

    /** Something that consumes slowly; tells how far it got, or fails if it died. */
    private interface SlowConsumer {
        long consumed() throws Exception;
    }

    /** Samples the used heap (after GC) every 2 s for the given time (twice at least). */
    private static HeapRun sampleHeap(
            String what, long baseline, int seconds, SlowConsumer consumer) throws Exception {
        HeapRun run = new HeapRun(baseline / (double) MB);
        long start = System.nanoTime();
        // At least two samples: the first and the second half are compared.
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)
                || run.samplesMb.size() < 2) {
            Thread.sleep(2000);
            long consumed = consumer.consumed();
            long used = usedHeapAfterGc();
            run.samplesMb.add(used / (double) MB);
            run.consumed = consumed;
            LOG.info(
                    "heap, {}: {} s, {} records through the slow sink, {} MB used after GC",
                    what,
                    (System.nanoTime() - start) / 1_000_000_000L,
                    consumed,
                    mb(used));
        }
        if (run.consumed == 0) {
            throw new IllegalStateException("No record reached the slow sink (" + what + ")");
        }
        return run;
    }

    /**
     * The source reading into a sink that sleeps per record: the copy of the snapshot table, or the
     * binlog of the streaming table from its recorded position (300,000 row events behind).
     */
    private HeapRun heapWithSlowSink(
            String what,
            PlanetScaleSourceBuilder<RowData> source,
            int heapSeconds,
            long sleepMillis)
            throws Exception {
        BenchCounters.reset(Long.MAX_VALUE, Long.MAX_VALUE);
        long baseline = usedHeapAfterGc();
        LOG.info("heap, {}: baseline {} MB (after GC), starting the slow job", what, mb(baseline));
        StreamExecutionEnvironment env = environment();
        BenchCounters.discardInto(
                env,
                source.build(),
                "planetscale",
                new BenchCounters.SlowDiscard(sleepMillis),
                "slow discard");
        JobClient job = env.executeAsync("bench heap");
        try {
            return sampleHeap(
                    what,
                    baseline,
                    heapSeconds,
                    () -> {
                        JobStatus status = job.getJobStatus().get();
                        if (status.isGloballyTerminalState()) {
                            throw new IllegalStateException(
                                    "The slow job ended early ("
                                            + status
                                            + "): make the table larger");
                        }
                        return BenchCounters.RECORDS.get();
                    });
        } finally {
            stop(job);
        }
    }

    /**
     * The counter-example: a bare consumer without flow control towards its slow sink (an unbounded
     * queue). If the measurement could not see a reader buffering the table, the two runs would
     * look alike.
     */
    private HeapRun heapWithoutFlowControl(BareVStreamConsumer bare, int seconds, long sleepMillis)
            throws Exception {
        long baseline = usedHeapAfterGc();
        LOG.info("heap, unbounded queue: baseline {} MB (after GC)", mb(baseline));
        try (BareVStreamConsumer.UnboundedCopy copy =
                bare.startUnboundedCopy(BenchData.KEYSPACE, shard, SNAPSHOT_TABLE, sleepMillis)) {
            HeapRun run =
                    sampleHeap(
                            "unbounded queue",
                            baseline,
                            seconds,
                            () -> {
                                if (copy.failure() != null) {
                                    throw new IllegalStateException(
                                            "The unbounded copy failed", copy.failure());
                                }
                                return copy.drained();
                            });
            run.received = copy.received();
            return run;
        }
    }

    private String heapTable(HeapRun copy, HeapRun binlog, HeapRun unbounded) {
        List<HeapRun> runs = Arrays.asList(copy, binlog, unbounded);
        StringBuilder out = new StringBuilder();
        out.append(
                "| | source, copy (flow control) | source, binlog (flow control)"
                        + " | bare consumer, copy, unbounded queue |\n");
        out.append("|---|---:|---:|---:|\n");
        heapRow(out, "samples (every 2 s)", runs, r -> String.valueOf(r.samplesMb.size()));
        heapRow(out, "used heap before (after GC)", runs, r -> mbText(r.baselineMb));
        heapRow(
                out,
                "used heap during, median (after GC)",
                runs,
                r -> mbText(median(r.samplesMb, x -> x)));
        heapRow(out, "used heap during, max (after GC)", runs, r -> mbText(r.max()));
        heapRow(
                out,
                "growth over the baseline (max - before)",
                runs,
                r -> mbText(r.max() - r.baselineMb));
        heapRow(
                out,
                "median of the first / second half of the samples",
                runs,
                r -> String.format(Locale.ROOT, "%.1f / %.1f MB", r.firstHalf(), r.secondHalf()));
        heapRow(out, "records through the slow sink", runs, r -> String.valueOf(r.consumed));
        heapRow(
                out,
                "rows received from VTGate",
                runs,
                r -> r.received < 0 ? "n/a" : String.valueOf(r.received));
        out.append(
                String.format(
                        Locale.ROOT,
                        "%nThe table (%d rows) is %.1f MB as VStream messages (from a bare"
                                + " snapshot read of its own).%n",
                        rows,
                        snapshotWireBytes / (double) MB));
        return out.toString();
    }

    private static String mbText(double mb) {
        return String.format(Locale.ROOT, "%.1f MB", mb);
    }

    private static void heapRow(
            StringBuilder out, String what, List<HeapRun> runs, Function<HeapRun, String> cell) {
        out.append("| ").append(what);
        for (HeapRun run : runs) {
            out.append(" | ").append(cell.apply(run));
        }
        out.append(" |\n");
    }

    /** The used heap after three GCs (shared with {@link SnapshotBenchmark}). */
    static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    // ---------------------------------------------------------------------------------------
    // Results
    // ---------------------------------------------------------------------------------------

    private String results(
            List<Measurement[]> snapshot,
            List<Measurement[]> streaming,
            List<Measurement[]> bursts,
            List<Measurement[]> copies,
            String heap,
            int heapSeconds,
            int controlSeconds,
            long sleepMillis) {
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        Locale.ROOT,
                        "%s, Java %s, %d cores shared with Vitess, object reuse %s, %s rows.%n%n"
                                + "Throughput: medians of %d rounds (after %d warm-up"
                                + " round(s)), parallelism 1, %s.%n"
                                + "\"steady\" counts from the first row event to the last,"
                                + " \"total\" from the request (bare) or the job submission"
                                + " (source).%n%n",
                        flinkJar(),
                        System.getProperty("java.version"),
                        Runtime.getRuntime().availableProcessors(),
                        objectReuse ? "on" : "off (Flink's default)",
                        genericRows ? "GenericRowData" : "binary (BinaryRowData)",
                        snapshot.size(),
                        warmUpRounds,
                        phasesAlternate
                                ? "each round copying then streaming"
                                : "the copy rounds, then the binlog rounds"));
        out.append(
                "| phase | consumer | row events | steady events/s | total events/s"
                        + " | time to first event | JVM CPU s per 1M events"
                        + " | of which JIT compilers | of which GC"
                        + " | JVM CPU s per 1M events, first to last event"
                        + " | steady rates of the rounds |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        phase(out, "snapshot (copy)", snapshot);
        phase(out, "streaming (binlog)", streaming);
        if (!bursts.isEmpty()) {
            phase(out, "binlog bursts, long-running job", bursts);
        }
        if (!copies.isEmpty()) {
            phase(out, "copies, long-running job", copies);
        }
        List<List<Measurement[]>> phases = new ArrayList<>();
        phases.add(snapshot);
        phases.add(streaming);
        out.append("\nRatios source / bare (medians of the per-round ratios):\n\n");
        out.append("| ratio source / bare | snapshot (copy) | streaming (binlog)");
        if (!bursts.isEmpty()) {
            phases.add(bursts);
            out.append(" | binlog bursts, long-running job");
        }
        if (!copies.isEmpty()) {
            phases.add(copies);
            out.append(" | copies, long-running job");
        }
        out.append(" | goal |\n|---|---:|---:|").append(bursts.isEmpty() ? "" : "---:|");
        out.append(copies.isEmpty() ? "" : "---:|");
        out.append("---|\n");
        ratioRow(out, phases, "steady events/s", Measurement::steadyRate, ">= 0.95");
        spreadRow(
                out, phases, "steady events/s, lowest and highest round", Measurement::steadyRate);
        ratioRow(
                out,
                phases,
                "total events/s (bursts: from the commit; copies: from the table's rename or the"
                        + " request)",
                Measurement::totalRate,
                "");
        ratioRow(
                out,
                phases,
                "**CPU ratio** (JVM CPU per event, from the start; bursts: from the commit;"
                        + " copies: from the rename or the request)",
                Measurement::cpuSecondsPerMillion,
                "<= 1.3");
        spreadRow(
                out,
                phases,
                "CPU ratio, lowest and highest round",
                Measurement::cpuSecondsPerMillion);
        ratioRow(
                out,
                phases,
                "CPU ratio, first to last event",
                Measurement::steadyCpuSecondsPerMillion,
                "");
        ratioRow(
                out,
                phases,
                "CPU ratio, late window (second half of the rows; the updates)",
                Measurement::lateCpuSecondsPerMillion,
                "");
        ratioRow(
                out,
                phases,
                "CPU ratio without the JIT compilers (from the start)",
                Measurement::cpuWithoutJitSecondsPerMillion,
                "");
        jobStart(out, snapshot, streaming);
        if (!bursts.isEmpty()) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "%nBursts: %d rounds (after %d warm-up round(s)) of %d row events"
                                    + " each (half inserts, half updates) for each consumer,"
                                    + " both opened once before the first%s.%n",
                            bursts.size(),
                            burstWarmUp,
                            bursts.get(0)[0].events,
                            trickled > 0
                                    ? "; before the warm-up, "
                                            + trickled
                                            + " single-row transactions into each consumer's"
                                            + " table"
                                    : ""));
        }
        if (!copies.isEmpty()) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "%nCopies: %d rounds (after %d warm-up round(s)) of a %d-row table"
                                    + " that appears while both consumers run: renamed into the"
                                    + " running source job's selection (found by its table"
                                    + " discovery, every second, and added to its stream), and"
                                    + " copied by a new VStream of the bare consumer.%n",
                            copies.size(),
                            copyWarmUp,
                            copies.get(0)[0].events));
        }
        out.append(
                String.format(
                        Locale.ROOT,
                        "%nHeap of the whole JVM (MiniCluster and driver) while a consumer reads"
                                + " into a sink that sleeps %d ms per record: the source copying"
                                + " %s, then reading the binlog of %s from its recorded position,"
                                + " %d s each, then a bare consumer copying without flow control"
                                + " for %d s:%n%n",
                        sleepMillis,
                        SNAPSHOT_TABLE,
                        STREAM_TABLE,
                        heapSeconds,
                        controlSeconds));
        out.append(heap);
        return out.toString();
    }

    /**
     * What a job's start and end cost (the empty jobs), next to how much more CPU each source job
     * used than the bare read of the same round.
     */
    private void jobStart(
            StringBuilder out, List<Measurement[]> snapshot, List<Measurement[]> streaming) {
        if (emptyJobs.isEmpty()) {
            return;
        }
        ToDoubleFunction<Measurement[]> extraMs =
                pair -> (pair[1].cpuNanos - pair[0].cpuNanos) / 1e6;
        ToDoubleFunction<Measurement[]> extraJitMs =
                pair -> (pair[1].jitNanos - pair[0].jitNanos) / 1e6;
        out.append(
                String.format(
                        Locale.ROOT,
                        "%nJob start (medians): an empty job of the same shape (one number into a"
                                + " filter and a discarding sink) used %.0f ms of JVM CPU from its"
                                + " submission to its end (JIT compilers %.0f ms) in %.2f s; each"
                                + " source job used %.0f ms (copy) and %.0f ms (binlog) more than"
                                + " the bare read of its round (JIT compilers %.0f and %.0f ms"
                                + " more).%n",
                        median(emptyJobs, m -> m.cpuNanos / 1e6),
                        median(emptyJobs, m -> m.jitNanos / 1e6),
                        median(emptyJobs, Measurement::seconds),
                        median(snapshot, extraMs),
                        median(streaming, extraMs),
                        median(snapshot, extraJitMs),
                        median(streaming, extraJitMs)));
    }

    private static void phase(StringBuilder out, String phase, List<Measurement[]> rounds) {
        for (int i = 0; i < 2; i++) {
            final int which = i;
            List<Measurement> ms = new ArrayList<>();
            for (Measurement[] round : rounds) {
                ms.add(round[which]);
            }
            StringBuilder each = new StringBuilder();
            for (Measurement m : ms) {
                each.append(each.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%.0f", m.steadyRate()));
            }
            out.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %d | %.0f | %.0f | %.2f s | %.2f | %.2f | %.2f | %.2f | %s"
                                    + " |%n",
                            phase,
                            ms.get(0).consumer,
                            ms.get(0).events,
                            median(ms, Measurement::steadyRate),
                            median(ms, Measurement::totalRate),
                            median(ms, Measurement::startupSeconds),
                            median(ms, Measurement::cpuSecondsPerMillion),
                            median(ms, Measurement::jitSecondsPerMillion),
                            median(ms, Measurement::gcSecondsPerMillion),
                            median(ms, Measurement::steadyCpuSecondsPerMillion),
                            each));
        }
    }

    /** One row of the ratio table: a column per phase (n/a where the phase does not measure it). */
    private static void ratioRow(
            StringBuilder out,
            List<List<Measurement[]>> phases,
            String what,
            ToDoubleFunction<Measurement> rate,
            String goal) {
        out.append("| ").append(what);
        for (List<Measurement[]> phase : phases) {
            double ratio = ratio(phase, rate);
            out.append(" | ")
                    .append(
                            Double.isNaN(ratio)
                                    ? "n/a"
                                    : String.format(Locale.ROOT, "%.2f", ratio));
        }
        out.append(" | ").append(goal).append(" |\n");
    }

    /**
     * The lowest and the highest of the rounds' ratios: how far one round moves (a median of a few
     * rounds that spread widely is not a figure to hold to a goal's second decimal).
     */
    private static void spreadRow(
            StringBuilder out,
            List<List<Measurement[]>> phases,
            String what,
            ToDoubleFunction<Measurement> rate) {
        out.append("| ").append(what);
        for (List<Measurement[]> phase : phases) {
            List<Double> ratios = ratios(phase, rate);
            out.append(" | ")
                    .append(
                            ratios.isEmpty() || ratios.stream().anyMatch(r -> r.isNaN())
                                    ? "n/a"
                                    : String.format(
                                            Locale.ROOT,
                                            "%.2f–%.2f",
                                            Collections.min(ratios),
                                            Collections.max(ratios)));
        }
        out.append(" |  |\n");
    }

    private static double ratio(List<Measurement[]> rounds, ToDoubleFunction<Measurement> rate) {
        return median(ratios(rounds, rate), x -> x);
    }

    private static List<Double> ratios(
            List<Measurement[]> rounds, ToDoubleFunction<Measurement> rate) {
        List<Double> ratios = new ArrayList<>();
        for (Measurement[] round : rounds) {
            ratios.add(rate.applyAsDouble(round[1]) / rate.applyAsDouble(round[0]));
        }
        return ratios;
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> f) {
        List<Double> sorted = new ArrayList<>();
        for (T v : values) {
            sorted.add(f.applyAsDouble(v));
        }
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Measurement log(String round, String phase, Measurement m) {
        LOG.info("{} {}: {}", round, phase, m);
        return m;
    }

    private static VitessConnectionOptions connection(VitessCluster cluster) {
        return VitessConnectionOptions.builder()
                .hostname(cluster.host())
                .grpcPort(cluster.grpcPort())
                .mysqlPort(cluster.mysqlPort())
                .username("root")
                .build();
    }

    /** The Flink jar the benchmark runs on, e.g. {@code flink-streaming-java-2.3.0.jar}. */
    private static String flinkJar() {
        String path =
                StreamExecutionEnvironment.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) MB);
    }
}
