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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The binlog phase of consumers that run on: one bare VStream and one source job, each opened once
 * on a table of its own, then fed bursts of row events. A CDC job runs for months; its CPU per
 * event is this steady state, not the one-second jobs of the other phases, which pay for the job's
 * start (submission, deployment, the JIT compiling Flink's code anew) every time.
 *
 * <p>Each burst is written as four open transactions of inserts and updates of the same rows, then
 * committed one after the other, so that it reaches the binlog at once and is read at full speed,
 * its writing left out of the measurement. In a round both consumers get a burst of the same size,
 * one after the other, the order alternating from round to round.
 */
final class LiveBursts {

    private static final Logger LOG = LoggerFactory.getLogger(LiveBursts.class);

    static final String BARE_TABLE = "bench_bursts_bare";
    static final String SOURCE_TABLE = "bench_bursts_source";

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

    /** The start of a burst's measurement: just before its first commit. */
    static final class Start {
        final long nanos = System.nanoTime();
        final long cpuNanos = Measurement.processCpuNanos();
        final long[] vmThreads = Measurement.vmThreadsCpuNanos();
        final Map<String, Object[]> threads = Measurement.threadTicks();

        /** The burst's measurement, from the commit to its last event. */
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

    /**
     * @param eventsPerBurst row events of each burst: half inserts, half updates of those rows
     */
    LiveBursts(VitessCluster cluster, String shard, long eventsPerBurst, Duration timeout) {
        this.cluster = cluster;
        this.shard = shard;
        this.rowsPerBurst = Math.max(1, eventsPerBurst / 2);
        this.timeout = timeout;
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
                        .specificOffsets(Collections.singletonMap(shard, position))
                        .build(),
                "planetscale",
                new BenchCounters.CountingDiscard(),
                "count and discard");
        JobClient job = env.executeAsync("bench bursts");
        try (BareVStreamConsumer.LiveStream stream =
                bare.open(BenchData.KEYSPACE, shard, position, BARE_TABLE)) {
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

    /** The source job's reading of one burst (an update is two records, -U and +U). */
    private Measurement sourceBurst(JobClient job, Commit commit) throws Exception {
        long before = BenchCounters.RECORDS.get();
        if (before != sourceRecords) {
            throw new IllegalStateException(
                    "The source delivered " + before + " records; expected " + sourceRecords);
        }
        long records = 3 * rowsPerBurst;
        sourceRecords += records;
        BenchCounters.expect(before + 1, before + records);
        Start start = commit.run();
        BenchCounters.awaitTarget(
                job, System.nanoTime() + timeout.toNanos(), before, "records of a burst");
        return start.measurement(
                "PlanetScaleSource",
                eventsPerBurst(),
                BenchCounters.firstNanos,
                BenchCounters.targetNanos,
                BenchCounters.firstCpuNanos,
                BenchCounters.targetCpuNanos);
    }

    private static Measurement log(String round, Measurement m) {
        LOG.info("{} bursts: {}", round, m);
        return m;
    }
}
