package io.github.vstreamcdc.e2e.bench;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_TABLE_DISCOVERY_INTERVAL;

/**
 * Consumers that run on: one bare VStream and one source job, each opened once on a table of its
 * own, then fed bursts of row events; then tables that appear full, which the running job copies (a
 * table added to its selection) and the bare consumer copies with a VStream of its own. A CDC job
 * runs for months; its CPU per event is this steady state, not the one-second jobs of the other
 * phases, which pay for the job's start (submission, deployment, the JIT compiling Flink's code
 * anew) every time.
 *
 * <p>Each burst is written as four open transactions of inserts and updates of the same rows, then
 * committed one after the other, so that it reaches the binlog at once and is read at full speed,
 * its writing left out of the measurement. In a round both consumers get a burst of the same size,
 * one after the other, the order alternating from round to round.
 *
 * <p>Before the warm-up bursts each consumer may get a trickle of single-row transactions (see
 * {@link #withTrickle}): a burst arrives in a few hundred large VStream responses, so the code that
 * runs once per response (the reader's handling of it, gRPC's, Flink's) is called a few hundred
 * times per burst and reaches C2's compile threshold (about 5,000 calls) only after dozens of
 * bursts, in the measured ones. A job that runs for days compiled it long ago.
 */
final class LiveBursts {

    private static final Logger LOG = LoggerFactory.getLogger(LiveBursts.class);

    static final String BARE_TABLE = "bench_bursts_bare";
    static final String SOURCE_TABLE = "bench_bursts_source";

    /** The tables the running job copies: {@code bench_copies_source_1}, ... */
    private static final String SOURCE_COPIES = "bench_copies_source_";

    private static final String BARE_COPIES = "bench_copies_bare_";

    /**
     * Where a copied table is filled, outside the job's selection, before it is renamed into it.
     */
    static final String STAGING = "bench_copies_staging";

    /**
     * Open transactions per burst. With 20 (of 5,000 rows each) the writes stalled against the
     * local vttestserver until vttablet's 30-s transaction timeout ended the first; 4 go through.
     */
    private static final int TRANSACTIONS_PER_BURST = 4;

    /** Commits a written burst; tells when (and at which CPU time) the commits began. */
    @FunctionalInterface
    interface Commit {
        Start run() throws Exception;
    }

    /** The start of a burst's or a copy's measurement: just before its first commit or rename. */
    static final class Start {
        final long nanos = System.nanoTime();
        final long cpuNanos = Measurement.processCpuNanos();
        final long cpuNanosWithEndedThreads = Measurement.processCpuNanosWithEndedThreads();
        final long[] vmThreads = Measurement.vmThreadsCpuNanos();
        final Map<String, Object[]> threads = Measurement.threadTicks();

        /** The measurement, from the commit (or rename) to its last event. */
        Measurement measurement(
                String consumer,
                long events,
                long firstNanos,
                long lastNanos,
                long firstCpuNanos,
                long lastCpuNanos) {
            return new Measurement(consumer, events, nanos, firstNanos, lastNanos, -1)
                    .withCpu(cpuNanos, lastCpuNanos)
                    .withVmThreads(vmThreads, Measurement.vmThreadsCpuNanos())
                    .withSteadyCpu(firstCpuNanos, lastCpuNanos)
                    .withThreadCpu(threads, Measurement.threadTicks());
        }
    }

    private final VitessCluster cluster;
    private final String shard;
    private final long rowsPerBurst;
    private final Duration timeout;
    private long sourceRecords;

    /** The table the copied tables take their rows from, and how many. */
    private String copiedFrom;

    private long rowsPerCopy;
    private long trickle;

    /** The trickle's transactions that both consumers read, once {@link #run} returned. */
    private long trickled;

    private int copyWarmUp;
    private int copyRounds;
    private final List<Measurement[]> copies = new ArrayList<>();

    /**
     * @param eventsPerBurst row events of each burst: half inserts, half updates of those rows
     */
    LiveBursts(VitessCluster cluster, String shard, long eventsPerBurst, Duration timeout) {
        this.cluster = cluster;
        this.shard = shard;
        this.rowsPerBurst = Math.max(1, eventsPerBurst / 2);
        this.timeout = timeout;
    }

    /**
     * After the bursts, {@code rounds} (after {@code warmUp}) copies of a table of {@code rows}
     * rows taken from {@code from}, which appears while both consumers run.
     */
    LiveBursts withCopies(String from, long rows, int warmUp, int rounds) {
        this.copiedFrom = from;
        this.rowsPerCopy = rows;
        this.copyWarmUp = warmUp;
        this.copyRounds = rounds;
        return this;
    }

    /**
     * Before the warm-up bursts, {@code transactions} single-row transactions into each consumer's
     * table (the bare consumer's first), each its own VStream response, which both streams get (the
     * other table's as a GTID and a COMMIT).
     */
    LiveBursts withTrickle(long transactions) {
        this.trickle = transactions;
        return this;
    }

    /** The trickle's transactions per consumer that {@link #run} wrote and both read; 0 if none. */
    long trickled() {
        return trickled;
    }

    /** The measured copies as {bare, source}, once {@link #run} returned. */
    List<Measurement[]> copies() {
        return copies;
    }

    long eventsPerBurst() {
        return 2 * rowsPerBurst;
    }

    /**
     * Runs the warm-up and the measured rounds; returns the measured ones as {bare, source}.
     *
     * @param source the source builder of a table
     */
    List<Measurement[]> run(
            BareVStreamConsumer bare,
            Function<String, PlanetScaleSourceBuilder<RowData>> source,
            Supplier<StreamExecutionEnvironment> environment,
            int warmUp,
            int rounds)
            throws Exception {
        BenchData.recreate(cluster, BARE_TABLE);
        BenchData.recreate(cluster, SOURCE_TABLE);
        String position = VStreamBenchmark.currentPosition(cluster, shard);
        List<Measurement[]> measured = new ArrayList<>();
        BenchCounters.reset(Long.MAX_VALUE, Long.MAX_VALUE);
        StreamExecutionEnvironment env = environment.get();
        BenchCounters.discardInto(
                env,
                source.apply(SOURCE_TABLE)
                        .tableName(null)
                        .tableList(
                                BenchData.KEYSPACE + "\\." + SOURCE_TABLE,
                                BenchData.KEYSPACE + "\\." + SOURCE_COPIES + "\\d+")
                        .scanNewlyAddedTableEnabled(true)
                        .option(SCAN_TABLE_DISCOVERY_INTERVAL, Duration.ofSeconds(1))
                        .specificOffsets(Collections.singletonMap(shard, position))
                        .build(),
                "planetscale",
                new BenchCounters.CountingDiscard(),
                "count and discard");
        JobClient job = env.executeAsync("bench bursts");
        try (BareVStreamConsumer.LiveStream stream =
                bare.open(BenchData.KEYSPACE, shard, position, BARE_TABLE)) {
            if (trickle > 0) {
                // Ids after the bursts' own.
                long from = (long) (warmUp + rounds) * rowsPerBurst + 1;
                log("trickle", stream.burst(trickle, trickleWrite(BARE_TABLE, from), timeout));
                log("trickle", sourceRead(job, trickleWrite(SOURCE_TABLE, from), trickle, trickle));
                trickled = trickle;
            }
            for (int round = 1 - warmUp; round <= rounds; round++) {
                long from = (round + warmUp - 1) * rowsPerBurst + 1;
                boolean bareFirst = Math.floorMod(round, 2) == 0;
                String label = round <= 0 ? "warm-up" : "round " + round + "/" + rounds;
                Measurement[] pair = new Measurement[2];
                for (int i = 0; i < 2; i++) {
                    if ((i == 0) == bareFirst) {
                        pair[0] =
                                log(
                                        label,
                                        stream.burst(
                                                eventsPerBurst(),
                                                write(BARE_TABLE, from),
                                                timeout));
                    } else {
                        pair[1] = log(label, sourceBurst(job, write(SOURCE_TABLE, from)));
                    }
                }
                if (round > 0) {
                    measured.add(pair);
                }
            }
            for (int round = 1 - copyWarmUp; round <= copyRounds; round++) {
                int table = round + copyWarmUp;
                String label = round <= 0 ? "warm-up" : "round " + round + "/" + copyRounds;
                Measurement[] pair = new Measurement[2];
                for (int i = 0; i < 2; i++) {
                    if ((i == 0) == (Math.floorMod(round, 2) == 0)) {
                        pair[0] = logCopy(label, bareCopy(bare, BARE_COPIES + table));
                    } else {
                        pair[1] = logCopy(label, sourceCopy(job, SOURCE_COPIES + table));
                    }
                }
                drop(BARE_COPIES + table, SOURCE_COPIES + table);
                if (round > 0) {
                    copies.add(pair);
                }
            }
            if (BenchCounters.RECORDS.get() != sourceRecords) {
                throw new IllegalStateException(
                        "The source delivered "
                                + BenchCounters.RECORDS.get()
                                + " records; expected "
                                + sourceRecords);
            }
        } finally {
            VStreamBenchmark.stop(job);
        }
        return measured;
    }

    /**
     * Writes a burst into {@code table} as open transactions; the returned commit makes it reach
     * the binlog.
     */
    private Commit write(String table, long from) throws SQLException {
        List<Connection> open =
                BenchData.uncommittedBurst(
                        cluster,
                        table,
                        from,
                        from + rowsPerBurst - 1,
                        (int)
                                ((rowsPerBurst + TRANSACTIONS_PER_BURST - 1)
                                        / TRANSACTIONS_PER_BURST));
        return () -> {
            try {
                // Neither consumer should pay for the garbage of the writes.
                System.gc();
                Start start = new Start();
                for (Connection c : open) {
                    c.commit();
                }
                return start;
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
        };
    }

    /** Writes {@link #trickle} rows into {@code table}, one per transaction, as its "commit". */
    private Commit trickleWrite(String table, long from) {
        return () -> {
            Start start = new Start();
            BenchData.insertOneByOne(cluster, table, from, from + trickle - 1);
            return start;
        };
    }

    /** The source job's reading of one burst (an update is two records, -U and +U). */
    private Measurement sourceBurst(JobClient job, Commit commit) throws Exception {
        return sourceRead(job, commit, 3 * rowsPerBurst, eventsPerBurst());
    }

    /** The source job's reading of the {@code records} that {@code commit} makes come. */
    private Measurement sourceRead(JobClient job, Commit commit, long records, long events)
            throws Exception {
        long before = BenchCounters.RECORDS.get();
        if (before != sourceRecords) {
            throw new IllegalStateException(
                    "The source delivered " + before + " records; expected " + sourceRecords);
        }
        sourceRecords += records;
        BenchCounters.expect(before + 1, before + records);
        Start start = commit.run();
        BenchCounters.awaitTarget(
                job, System.nanoTime() + timeout.toNanos(), before, "records of a burst");
        return start.measurement(
                "PlanetScaleSource",
                events,
                BenchCounters.firstNanos,
                BenchCounters.targetNanos,
                BenchCounters.firstCpuNanos,
                BenchCounters.targetCpuNanos);
    }

    /**
     * The bare consumer's copy of a table filled beforehand, by a VStream of its own that copies it
     * as a running stream copies an added table (from the current position).
     */
    private Measurement bareCopy(BareVStreamConsumer bare, String table) throws Exception {
        fill(table);
        String position = VStreamBenchmark.currentPosition(cluster, shard);
        System.gc();
        return bare.copyAt(
                BenchData.KEYSPACE, shard, position, table, BARE_TABLE, rowsPerCopy, timeout);
    }

    /**
     * The running job's copy of a table that appears full (renamed into its selection): from the
     * rename to its last row. The job finds it at its next table discovery (every second), adds it
     * to the shard's stream, whose VStream copies it.
     */
    private Measurement sourceCopy(JobClient job, String table) throws Exception {
        long before = BenchCounters.RECORDS.get();
        if (before != sourceRecords) {
            throw new IllegalStateException(
                    "The source delivered " + before + " records; expected " + sourceRecords);
        }
        fill(STAGING);
        sourceRecords += rowsPerCopy;
        BenchCounters.expect(before + 1, before + rowsPerCopy);
        System.gc();
        Start start = new Start();
        execute("RENAME TABLE " + STAGING + " TO " + table);
        cluster.reloadSchema(BenchData.KEYSPACE);
        BenchCounters.awaitTarget(
                job, System.nanoTime() + timeout.toNanos(), before, "rows of a copied table");
        // Its CPU from the process total, which counts the threads that ended: an added table
        // starts a thread for its snapshot estimates that ends before the copy does.
        return start.measurement(
                        "PlanetScaleSource",
                        rowsPerCopy,
                        BenchCounters.firstNanos,
                        BenchCounters.targetNanos,
                        BenchCounters.firstCpuNanos,
                        BenchCounters.targetCpuNanos)
                .withCpu(
                        start.cpuNanosWithEndedThreads,
                        BenchCounters.targetCpuNanosWithEndedThreads);
    }

    /** Creates the table with the first rows of the copied-from table. */
    private void fill(String table) throws Exception {
        BenchData.recreate(cluster, table);
        execute(
                "INSERT INTO "
                        + table
                        + " SELECT * FROM "
                        + copiedFrom
                        + " WHERE id <= "
                        + rowsPerCopy);
    }

    private void drop(String... tables) throws Exception {
        for (String table : tables) {
            execute("DROP TABLE IF EXISTS " + table);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = cluster.connect(BenchData.KEYSPACE);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Measurement logCopy(String round, Measurement m) {
        LOG.info("{} copies: {}", round, m);
        return m;
    }

    private static Measurement log(String round, Measurement m) {
        LOG.info("{} bursts: {}", round, m);
        return m;
    }
}
