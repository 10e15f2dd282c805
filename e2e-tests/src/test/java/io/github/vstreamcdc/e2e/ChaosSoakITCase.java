package io.github.vstreamcdc.e2e;

import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The randomized soak ({@code e2e-tests/chaos/run.sh}): each run empties the table, starts a job
 * and a counted write load, injects one fault picked at random at a random moment, and checks that
 * every committed change came out exactly once and in order per key. Run {@code i} uses the seed
 * {@code chaos.seed + i} for all its choices, so {@code -Dchaos.runs=1 -Dchaos.seed=<that seed>}
 * repeats it. Prints a table per fault kind (also to {@code target/chaos-report.txt}) and fails if
 * a run failed. System properties: {@code chaos.runs} (default 1), {@code chaos.seed} (default: the
 * clock), {@code chaos.faults} (a comma-separated subset of {@link Fault}).
 */
class ChaosSoakITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosSoakITCase.class);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    /** The faults a run can pick. */
    enum Fault {
        TASK_KILL_COPY,
        TASK_KILL_MID_TRANSACTION,
        TASK_KILL_RESHARD_CUTOVER,
        VTGATE_KILL,
        PLANNED_REPARENT,
        EMERGENCY_REPARENT,
        TABLET_RESTART,
        MYSQLD_RESTART
    }

    private static final int INITIAL_ROWS = 3000;
    private static final int TX_ROWS = 4000;
    private static final Set<String> SPLIT = Set.of("-40", "40-80", "80-c0", "c0-");
    private static final Set<String> MERGED = Set.of("-80", "80-");
    private static final Map<String, String> KEEP_OLD_SHARDS = Map.of("KEEP_SOURCE_SHARDS", "1");

    private final MultiProcessCluster cluster = MultiProcessCluster.get();

    /** The other tests on this cluster keep their cost: two shards, PRIMARY tablets only. */
    @AfterAll
    static void backToTwoPrimaries() throws Exception {
        MultiProcessCluster.run(10, "reshard", "cancel");
        MultiProcessCluster.run(10, "reshard", "merge");
        MultiProcessCluster.run(5, "replicas", "0");
    }

    @Test
    void randomFaultsLoseAndRepeatNothing() throws Exception {
        int runs = Integer.getInteger("chaos.runs", 1);
        long seed = Long.getLong("chaos.seed", System.currentTimeMillis() % 1_000_000);
        List<Fault> faults = faults(System.getProperty("chaos.faults", ""));
        Map<Fault, Tally> tallies = new EnumMap<>(Fault.class);
        List<String> failing = new ArrayList<>();
        LOG.info("chaos: {} runs from seed {} over {}", runs, seed, faults);
        for (int i = 0; i < runs; i++) {
            long runSeed = seed + i;
            // scrambled: java.util.Random's first values of neighbouring seeds are alike
            Random random = new Random(runSeed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
            Fault fault = faults.get(random.nextInt(faults.size()));
            long t0 = System.nanoTime();
            String outcome;
            ChangelogCheck check = null;
            try {
                check = runOnce(fault, random);
                outcome = check.ok() ? "ok" : "FAILED " + check;
            } catch (Throwable t) {
                outcome = "ERROR " + t;
                MultiProcessCluster.run(10, "reshard", "cancel");
            }
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            tallies.computeIfAbsent(fault, f -> new Tally()).add(check, seconds);
            if (check == null || !check.ok()) {
                failing.add(runSeed + " (" + fault + ")");
            }
            LOG.info(
                    "chaos run {}/{} seed {} {}: {} ({} s)",
                    i + 1,
                    runs,
                    runSeed,
                    fault,
                    outcome,
                    seconds);
        }
        String report = report(runs, seed, tallies, failing);
        LOG.info("\n{}", report);
        Path target = Paths.get("target");
        if (Files.isDirectory(target)) {
            Files.write(
                    target.resolve("chaos-report.txt"), report.getBytes(StandardCharsets.UTF_8));
        }
        if (!failing.isEmpty()) {
            throw new AssertionError(
                    "Failing chaos runs (seed, fault): " + failing + "\n" + report);
        }
    }

    /** One run: a fresh table, a job and a load, one fault, the check. */
    private ChangelogCheck runOnce(Fault fault, Random random) throws Exception {
        MultiProcessCluster.run(5, "replicas", "1");
        List<String> shards = servingShards();
        String shard = shards.get(random.nextInt(shards.size()));
        // the moment: up to 5 s after the job starts, in the copy (which lasts a few seconds at
        // ~1 ms a record) or after it
        long moment = random.nextInt(5000);
        try (FaultWorkload w = new FaultWorkload(cluster, INITIAL_ROWS)) {
            w.startLoad();
            TaskFault.delay(1000);
            switch (fault) {
                case TASK_KILL_COPY:
                    TaskFault.failOn(nth(1 + random.nextInt(INITIAL_ROWS - 1), r -> isInitial(r)));
                    w.startJob("PRIMARY");
                    awaitFired(w);
                    break;
                case TASK_KILL_MID_TRANSACTION:
                    w.startJob("PRIMARY").await(INITIAL_ROWS, Duration.ofMinutes(3), "the copy");
                    Thread.sleep(moment);
                    TaskFault.failOn(
                            nth(
                                    1 + random.nextInt(TX_ROWS - 1),
                                    FaultWorkload::inLargeTransaction));
                    w.largeTransaction(TX_ROWS);
                    awaitFired(w);
                    break;
                case TASK_KILL_RESHARD_CUTOVER:
                    w.startJob("PRIMARY");
                    Thread.sleep(moment);
                    boolean merged = shards.size() == 2;
                    Set<String> target = merged ? SPLIT : MERGED;
                    long fromSeq = w.nextLoadSeq();
                    // the first record of a new shard kills the task
                    TaskFault.failOn(
                            r ->
                                    target.contains(FaultWorkload.shardOf(r))
                                            && !r.isNullAt(1)
                                            && ChangeLoad.seqOf(r.getString(1).toString())
                                                    >= fromSeq);
                    MultiProcessCluster.run(
                            KEEP_OLD_SHARDS, 15, "reshard", merged ? "split" : "merge");
                    awaitFired(w);
                    break;
                default:
                    w.startJob("PRIMARY");
                    Thread.sleep(moment);
                    MultiProcessCluster.run(10, databaseFault(fault, shard, random));
            }
            TaskFault.delay(0);
            Thread.sleep(1500);
            ChangelogCheck check = w.stopAndCheck();
            if (fault == Fault.TASK_KILL_RESHARD_CUTOVER) {
                MultiProcessCluster.run(10, "drop-retired-shards");
            }
            return check;
        }
    }

    /** The cluster.sh command of a database-side fault. */
    private static String[] databaseFault(Fault fault, String shard, Random random) {
        String type = random.nextBoolean() ? "primary" : "replica";
        String how = random.nextBoolean() ? "kill" : "";
        switch (fault) {
            case VTGATE_KILL:
                return new String[] {"restart-vtgate", String.valueOf(random.nextInt(3)), "kill"};
            case PLANNED_REPARENT:
                return new String[] {"reparent", "planned", shard};
            case EMERGENCY_REPARENT:
                return new String[] {"reparent", "emergency", shard};
            case TABLET_RESTART:
                return new String[] {"restart-tablet", shard, type, how};
            case MYSQLD_RESTART:
                return new String[] {"restart-mysqld", shard, type, how};
            default:
                throw new IllegalArgumentException(fault.toString());
        }
    }

    private static boolean isInitial(RowData row) {
        return !row.isNullAt(1) && row.getString(1).toString().startsWith("v");
    }

    /** Accepts the n-th record the condition accepts. */
    private static Predicate<RowData> nth(int n, Predicate<RowData> condition) {
        AtomicInteger seen = new AtomicInteger();
        return r -> condition.test(r) && seen.incrementAndGet() >= n;
    }

    private static void awaitFired(FaultWorkload w) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (TaskFault.armed()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the task failure never fired; " + w.records() + " records");
            }
            Thread.sleep(50);
        }
    }

    private static List<String> servingShards() throws IOException, InterruptedException {
        for (String line : MultiProcessCluster.run(2, "status")) {
            if (line.startsWith("CLUSTER_SHARDS=")) {
                return Arrays.asList(line.substring("CLUSTER_SHARDS=".length()).split(","));
            }
        }
        throw new IllegalStateException("cluster.sh status printed no CLUSTER_SHARDS");
    }

    private static List<Fault> faults(String names) {
        if (names.trim().isEmpty()) {
            return Arrays.asList(Fault.values());
        }
        List<Fault> faults = new ArrayList<>();
        for (String name : names.split(",")) {
            faults.add(Fault.valueOf(name.trim().toUpperCase()));
        }
        return faults;
    }

    private static String report(
            int runs, long seed, Map<Fault, Tally> tallies, List<String> failing) {
        StringBuilder out = new StringBuilder();
        out.append(
                String.format("chaos soak: %d runs, seeds %d..%d%n", runs, seed, seed + runs - 1));
        out.append(
                String.format(
                        "%-26s %5s %5s %7s %9s %6s %10s %12s %8s%n",
                        "fault",
                        "runs",
                        "ok",
                        "failed",
                        "changes",
                        "lost",
                        "duplicated",
                        "out-of-order",
                        "avg s"));
        Tally total = new Tally();
        for (Map.Entry<Fault, Tally> e : tallies.entrySet()) {
            out.append(e.getValue().row(e.getKey().toString()));
            total.addAll(e.getValue());
        }
        out.append(total.row("total"));
        out.append(
                failing.isEmpty() ? "no failing run\n" : "failing runs (seed): " + failing + "\n");
        return out.toString();
    }

    /** Counts of one fault kind. */
    private static final class Tally {
        int runs;
        int ok;
        long delivered;
        long lost;
        long duplicated;
        long outOfOrder;
        long seconds;

        void add(ChangelogCheck check, long runSeconds) {
            runs++;
            seconds += runSeconds;
            if (check != null) {
                ok += check.ok() ? 1 : 0;
                delivered += check.delivered;
                lost += check.lost;
                duplicated += check.duplicated;
                outOfOrder += check.outOfOrder;
            }
        }

        void addAll(Tally other) {
            runs += other.runs;
            ok += other.ok;
            delivered += other.delivered;
            lost += other.lost;
            duplicated += other.duplicated;
            outOfOrder += other.outOfOrder;
            seconds += other.seconds;
        }

        String row(String name) {
            return String.format(
                    "%-26s %5d %5d %7d %9d %6d %10d %12d %8d%n",
                    name,
                    runs,
                    ok,
                    runs - ok,
                    delivered,
                    lost,
                    duplicated,
                    outOfOrder,
                    runs == 0 ? 0 : seconds / runs);
        }
    }
}
