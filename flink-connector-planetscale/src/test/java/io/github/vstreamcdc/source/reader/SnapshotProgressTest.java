package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.split.ShardPosition;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Snapshot progress: counts, estimates, rate, ETA, the log cadence and the gauges. */
class SnapshotProgressTest {

    private static final String SPLIT = "ks/-80";

    private long now = 1_000_000;
    private final Map<String, Long> statistics = new HashMap<>();
    private final List<Runnable> pendingFetches = new ArrayList<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final List<String> logged = new ArrayList<>();

    /** Estimates answered only when the test runs the pending fetch. */
    private final SnapshotProgress progress =
            new SnapshotProgress(
                    SPLIT,
                    () -> {
                        queries.incrementAndGet();
                        if (statistics.isEmpty()) {
                            throw new IllegalStateException("statistics unavailable");
                        }
                        return new HashMap<>(statistics);
                    },
                    pendingFetches::add,
                    () -> now,
                    logged::add);

    private static ShardPosition copying(String... remaining) {
        return new ShardPosition(
                "MySQL56/uuid:1-5",
                Collections.emptyList(),
                new LinkedHashSet<>(Arrays.asList(remaining)));
    }

    private static final ShardPosition STREAMING = ShardPosition.of("MySQL56/uuid:1-9");

    private static ChangeBatch copied(String table, int rows) {
        List<RowChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            events.add(row(table, RowChangeEvent.Op.READ));
        }
        return new ChangeBatch(events, copying(table), 0);
    }

    private static RowChangeEvent row(String table, RowChangeEvent.Op op) {
        return new RowChangeEvent(
                "ks", "-80", table, op, Collections.emptyList(), null, new byte[0][], 0, null, 1);
    }

    private void runFetches() {
        List<Runnable> fetches = new ArrayList<>(pendingFetches);
        pendingFetches.clear();
        fetches.forEach(Runnable::run);
    }

    @Test
    void countsCopiedRowsOnlyAndEstimatesTheTotalFromTheStatistics() {
        statistics.put("a", 1_000L);
        statistics.put("b", 3_000L);
        progress.update(Collections.emptyList(), copying("a", "b"));
        runFetches();
        assertThat(queries).hasValue(1);

        now += 10_000;
        ChangeBatch mixed =
                new ChangeBatch(
                        Arrays.asList(
                                row("a", RowChangeEvent.Op.READ),
                                row("a", RowChangeEvent.Op.UPDATE), // catch-up: not copied
                                row("a", RowChangeEvent.Op.READ)),
                        copying("a", "b"),
                        0);
        progress.update(Arrays.asList(copied("a", 498), mixed), copying("a", "b"));

        assertThat(progress.isSnapshotting()).isTrue();
        assertThat(progress.rowsCopied()).isEqualTo(500);
        assertThat(progress.rowsEstimated()).isEqualTo(4_000);
        assertThat(progress.tablesRemaining()).isEqualTo(2);
        assertThat(progress.rowsPerSecond()).isEqualTo(50);
        assertThat(progress.etaSeconds()).isEqualTo(70); // 3,500 rows left at 50 rows/s
    }

    @Test
    void aFinishedTableCountsWhatWasCopiedAndATableBeyondItsEstimateItsRows() {
        statistics.put("a", 1_000L); // stale: the table has more rows
        statistics.put("b", 3_000L);
        progress.update(Collections.emptyList(), copying("a", "b"));
        runFetches();

        now += 1_000;
        progress.update(Collections.singletonList(copied("a", 1_200)), copying("a", "b"));
        assertThat(progress.rowsEstimated()).isEqualTo(4_200);

        now += 1_000;
        progress.update(Collections.singletonList(copied("a", 300)), copying("b"));
        assertThat(progress.rowsEstimated()).isEqualTo(1_500 + 3_000);
        assertThat(progress.tablesRemaining()).isEqualTo(1);
        assertThat(progress.rowsPerSecond()).isEqualTo(750);
        assertThat(progress.etaSeconds()).isEqualTo(4);
    }

    @Test
    void theTotalAndEtaAreUnknownWithoutAnEstimateOfEveryTableLeft() {
        statistics.put("a", 1_000L);
        progress.update(Collections.emptyList(), copying("a", "b"));
        now += 1_000;
        progress.update(Collections.singletonList(copied("a", 100)), copying("a", "b"));
        // not answered yet
        assertThat(progress.rowsEstimated()).isEqualTo(SnapshotProgress.UNKNOWN);
        assertThat(progress.etaSeconds()).isEqualTo(SnapshotProgress.UNKNOWN);
        assertThat(progress.rowsPerSecond()).isEqualTo(100);

        runFetches(); // no statistics of table b
        progress.update(Collections.emptyList(), copying("a", "b"));
        assertThat(progress.rowsEstimated()).isEqualTo(SnapshotProgress.UNKNOWN);

        // Once b is copied, the rest is known.
        progress.update(Collections.emptyList(), copying("a"));
        assertThat(progress.rowsEstimated()).isEqualTo(1_000);
        assertThat(progress.etaSeconds()).isEqualTo(9);
        assertThat(queries).hasValue(1);
    }

    @Test
    void failingStatisticsOnlyLeaveTheEstimateUnknownAndAreNotAskedAgain() {
        progress.update(Collections.emptyList(), copying("a"));
        runFetches(); // throws inside: logged

        now += 1_000;
        progress.update(Collections.singletonList(copied("a", 10)), copying("a"));
        runFetches();

        assertThat(queries).hasValue(1);
        assertThat(progress.rowsCopied()).isEqualTo(10);
        assertThat(progress.rowsEstimated()).isEqualTo(SnapshotProgress.UNKNOWN);
        assertThat(progress.etaSeconds()).isEqualTo(SnapshotProgress.UNKNOWN);
        now += 29_000;
        progress.update(Collections.emptyList(), copying("a"));
        assertThat(logged)
                .containsExactly(
                        "Snapshot of ks/-80: 10 rows of an unknown total, tables left 1 [a],"
                                + " 0 rows/s, ETA unknown");
    }

    @Test
    void aTableAddedLaterIsAskedFor() {
        statistics.put("a", 10L);
        progress.update(Collections.emptyList(), copying("a"));
        runFetches();
        statistics.put("b", 20L);

        progress.update(Collections.emptyList(), copying("a", "b"));
        runFetches();
        progress.update(Collections.emptyList(), copying("a", "b"));

        assertThat(queries).hasValue(2);
        assertThat(progress.rowsEstimated()).isEqualTo(30);
    }

    @Test
    void completionStopsTheSnapshotAndAddedTablesStartAnother() {
        statistics.put("a", 100L);
        progress.update(Collections.emptyList(), copying("a"));
        runFetches();
        now += 2_000;
        progress.update(Collections.singletonList(copied("a", 100)), STREAMING);

        assertThat(progress.isSnapshotting()).isFalse();
        assertThat(progress.rowsCopied()).isEqualTo(100);
        assertThat(progress.rowsEstimated()).isEqualTo(100);
        assertThat(progress.tablesRemaining()).isZero();
        assertThat(progress.etaSeconds()).isZero();
        assertThat(progress.rowsPerSecond()).isEqualTo(50);
        assertThat(logged)
                .containsExactly(
                        "Snapshot of ks/-80 complete: 100 rows (the statistics estimated ~100)"
                                + " in 2 s, 50 rows/s [a 100]");

        progress.update(Collections.emptyList(), STREAMING);
        assertThat(progress.isSnapshotting()).isFalse();

        statistics.put("b", 7L);
        progress.update(Collections.emptyList(), copying("b"));
        runFetches();
        progress.update(Collections.emptyList(), copying("b"));
        assertThat(progress.isSnapshotting()).isTrue();
        assertThat(progress.rowsCopied()).isZero();
        assertThat(progress.rowsEstimated()).isEqualTo(7);
        assertThat(queries).hasValue(2);
    }

    @Test
    void theBinlogPhaseIsNoSnapshot() {
        progress.update(Collections.emptyList(), STREAMING);

        assertThat(progress.isSnapshotting()).isFalse();
        assertThat(pendingFetches).isEmpty();
        assertThat(progress.rowsCopied()).isZero();
    }

    @Test
    void logsEveryIntervalWhileCopyingAndOnceWhenComplete() {
        statistics.put("a", 2_000_000L);
        statistics.put("b", 0L);
        SnapshotProgress logging =
                new SnapshotProgress(
                        SPLIT,
                        () -> statistics,
                        Runnable::run,
                        () -> now,
                        line -> logged.add((now - 1_000_000) / 1000 + ": " + line));
        logging.update(Collections.emptyList(), copying("a", "b"));
        for (int second = 1; second <= 95; second++) {
            now += 1_000;
            logging.update(Collections.singletonList(copied("a", 1_000)), copying("a", "b"));
        }
        now += 500;
        logging.update(Collections.singletonList(copied("b", 5)), STREAMING);

        assertThat(logged)
                .containsExactly(
                        "30: Snapshot of ks/-80: 30,000 of ~2,000,000 rows (1.5%), tables left 2"
                                + " [a, b], 1,000 rows/s, ETA 32 min 50 s",
                        "60: Snapshot of ks/-80: 60,000 of ~2,000,000 rows (3.0%), tables left 2"
                                + " [a, b], 1,000 rows/s, ETA 32 min 20 s",
                        "90: Snapshot of ks/-80: 90,000 of ~2,000,000 rows (4.5%), tables left 2"
                                + " [a, b], 1,000 rows/s, ETA 31 min 50 s",
                        "95: Snapshot of ks/-80 complete: 95,005 rows (the statistics"
                                + " estimated ~2,000,000) in 1 min 36 s, 994 rows/s"
                                + " [a 95,000, b 5]");
    }

    @Test
    void durations() {
        assertThat(SnapshotProgress.duration(46)).isEqualTo("46 s");
        assertThat(SnapshotProgress.duration(725)).isEqualTo("12 min 5 s");
        assertThat(SnapshotProgress.duration(12_000)).isEqualTo("3 h 20 min");
    }

    @Test
    void theGaugesShowTheProgress() {
        Map<String, Metric> reported = new ConcurrentHashMap<>();
        ShardReaderMetrics metrics = ShardReaderMetricsTest.reportingTo(reported);
        metrics.registerShard(SPLIT, progress);
        statistics.put("a", 100L);
        progress.update(Collections.emptyList(), copying("a"));
        runFetches();
        now += 1_000;
        progress.update(Collections.singletonList(copied("a", 40)), copying("a"));

        assertThat(ShardReaderMetricsTest.shardMetrics(reported, SPLIT))
                .contains(
                        "isSnapshotting",
                        "snapshotRowsCopied",
                        "snapshotRowsEstimated",
                        "snapshotTablesRemaining",
                        "snapshotRowsPerSecond",
                        "snapshotEtaSeconds");
        assertThat(value(reported, ".shard." + SPLIT + ".isSnapshotting")).isEqualTo(1L);
        assertThat(value(reported, ".shard." + SPLIT + ".snapshotRowsCopied")).isEqualTo(40L);
        assertThat(value(reported, ".shard." + SPLIT + ".snapshotRowsEstimated")).isEqualTo(100L);
        assertThat(value(reported, ".shard." + SPLIT + ".snapshotTablesRemaining")).isEqualTo(1L);
        assertThat(value(reported, ".shard." + SPLIT + ".snapshotRowsPerSecond")).isEqualTo(40L);
        assertThat(value(reported, ".shard." + SPLIT + ".snapshotEtaSeconds")).isEqualTo(2L);
        assertThat(readerIsSnapshotting(reported)).isEqualTo(1L);

        progress.update(Collections.emptyList(), STREAMING);
        assertThat(value(reported, ".shard." + SPLIT + ".isSnapshotting")).isEqualTo(0L);
        assertThat(readerIsSnapshotting(reported)).isEqualTo(0L);

        metrics.unregisterShard(SPLIT);
        assertThat(ShardReaderMetricsTest.shardMetrics(reported, SPLIT)).isEmpty();
        assertThat(readerIsSnapshotting(reported)).isEqualTo(0L);
    }

    private static long readerIsSnapshotting(Map<String, Metric> reported) {
        for (Map.Entry<String, Metric> metric : reported.entrySet()) {
            if (metric.getKey().endsWith(".isSnapshotting")
                    && !metric.getKey().contains(".shard.")) {
                return ((Number) ((Gauge<?>) metric.getValue()).getValue()).longValue();
            }
        }
        throw new AssertionError("No reader isSnapshotting in " + reported.keySet());
    }

    private static long value(Map<String, Metric> reported, String suffix) {
        for (Map.Entry<String, Metric> metric : reported.entrySet()) {
            if (metric.getKey().endsWith(suffix)) {
                return ((Number) ((Gauge<?>) metric.getValue()).getValue()).longValue();
            }
        }
        throw new AssertionError("No metric " + suffix + " in " + reported.keySet());
    }
}
