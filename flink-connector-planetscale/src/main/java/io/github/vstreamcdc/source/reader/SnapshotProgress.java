package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * How far one shard's copy phase (its snapshot) has come: rows copied, the estimated total, tables
 * remaining, rate and ETA, as the shard's metrics and as a log line every {@link
 * #LOG_INTERVAL_MILLIS} while it copies, and a last one when it completes.
 *
 * <p>Fed by the split reader, on the fetcher thread (which also logs: no thread of its own), with
 * the batches it hands over and the framer's safe position after them; read by the metric
 * reporters. Copied rows are the READ rows handed over, so a reconnect (which repeats none of them)
 * counts none twice; a restored job counts from its checkpoint.
 *
 * <p>The total is what was copied plus, per table still to copy, what its table statistics estimate
 * ({@code information_schema.TABLES.TABLE_ROWS} of the shard) beyond what was copied of it. The
 * statistics are asked once per copy phase (again for tables added later; first as soon as the
 * split is added), off the fetcher thread: while they are not known, or lack a table still to copy,
 * or cannot be read (a WARN), the total and the ETA are unknown ({@code -1}). When the copy
 * completes, the total is what was copied, and the last log line compares it with the statistics.
 */
@Internal
final class SnapshotProgress {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotProgress.class);

    /** How often a shard that copies logs its progress. */
    static final long LOG_INTERVAL_MILLIS = 30_000;

    /** A total or ETA that is not known. */
    static final long UNKNOWN = -1;

    /** Table names a log line lists at most. */
    private static final int LOGGED_TABLES = 5;

    /** The table statistics' row counts of the shard's tables. */
    interface RowEstimates {
        Map<String, Long> tableRows() throws Exception;
    }

    private final String splitId;
    private final RowEstimates estimates;
    private final Executor estimateExecutor;
    private final LongSupplier clock;
    private final Consumer<String> log;

    // The fetcher thread's own.
    private final Map<String, Long> copiedByTable = new TreeMap<>();
    private final Set<String> asked = new HashSet<>();
    private final Set<String> phaseTables = new TreeSet<>();
    private Set<String> remaining = Collections.emptySet();
    private long startMillis;
    private long nextLogMillis;

    // Written by the estimate fetch.
    private volatile Map<String, Long> tableEstimates = Collections.emptyMap();
    private volatile boolean fetching;

    /** The last line of a copy that completed while its statistics were read; guarded by this. */
    private LongFunction<String> deferredCompletion;

    private Set<String> deferredTables;

    // What the gauges show.
    private volatile boolean snapshotting;
    private volatile long rowsCopied;
    private volatile long rowsEstimated = UNKNOWN;
    private volatile int tablesRemaining;
    private volatile long rowsPerSecond;
    private volatile long etaSeconds = UNKNOWN;

    SnapshotProgress(
            String splitId,
            RowEstimates estimates,
            Executor estimateExecutor,
            LongSupplier clock,
            Consumer<String> log) {
        this.splitId = splitId;
        this.estimates = estimates;
        this.estimateExecutor = estimateExecutor;
        this.clock = clock;
        this.log = log;
    }

    /**
     * The progress of a split's copy phase, its estimates read from VTGate on their own thread. A
     * split that starts with a copy is snapshotting from now on, and its estimates are asked for at
     * once.
     */
    static SnapshotProgress of(ShardSplit split, VitessConnectionOptions connection) {
        String splitId = split.splitId();
        SnapshotProgress progress =
                new SnapshotProgress(
                        splitId,
                        () ->
                                new VtgateSqlClient(connection)
                                        .tableRowEstimates(split.keyspace(), split.shard()),
                        task -> {
                            Thread thread = new Thread(task, "snapshot-estimates-" + splitId);
                            thread.setDaemon(true);
                            thread.start();
                        },
                        System::currentTimeMillis,
                        LOG::info);
        progress.update(Collections.emptyList(), split.position());
        return progress;
    }

    /** Registers the progress gauges in the shard's metric group. */
    void registerGauges(MetricGroup group) {
        group.gauge("isSnapshotting", (Gauge<Integer>) () -> snapshotting ? 1 : 0);
        group.gauge("snapshotRowsCopied", (Gauge<Long>) () -> rowsCopied);
        group.gauge("snapshotRowsEstimated", (Gauge<Long>) () -> rowsEstimated);
        group.gauge("snapshotTablesRemaining", (Gauge<Integer>) () -> tablesRemaining);
        group.gauge("snapshotRowsPerSecond", (Gauge<Long>) () -> rowsPerSecond);
        group.gauge("snapshotEtaSeconds", (Gauge<Long>) () -> etaSeconds);
    }

    boolean isSnapshotting() {
        return snapshotting;
    }

    long rowsCopied() {
        return rowsCopied;
    }

    long rowsEstimated() {
        return rowsEstimated;
    }

    int tablesRemaining() {
        return tablesRemaining;
    }

    long rowsPerSecond() {
        return rowsPerSecond;
    }

    long etaSeconds() {
        return etaSeconds;
    }

    /**
     * The split reader handed these batches over, after which the shard is at this safe position.
     */
    void update(Iterable<ChangeBatch> batches, ShardPosition position) {
        boolean copying = position.isCopying();
        if (!snapshotting && !copying) {
            return; // the binlog phase: nothing to do
        }
        long now = clock.getAsLong();
        if (!snapshotting) {
            start(now);
        }
        for (ChangeBatch batch : batches) {
            count(batch);
        }
        if (!copying) {
            complete(now);
            return;
        }
        remaining = position.remainingTables();
        phaseTables.addAll(remaining);
        askEstimates(remaining);
        recompute(now);
        if (now >= nextLogMillis) {
            nextLogMillis = now + LOG_INTERVAL_MILLIS;
            log.accept(progressLine());
        }
    }

    private void start(long now) {
        snapshotting = true;
        startMillis = now;
        nextLogMillis = now + LOG_INTERVAL_MILLIS;
        copiedByTable.clear();
        phaseTables.clear();
        rowsCopied = 0;
    }

    private void count(ChangeBatch batch) {
        String table = null;
        long rows = 0;
        for (RowChangeEvent row : batch.rows) {
            if (row.op() != RowChangeEvent.Op.READ) {
                continue;
            }
            if (!row.table().equals(table)) {
                copied(table, rows);
                table = row.table();
                rows = 0;
            }
            rows++;
        }
        copied(table, rows);
    }

    private void copied(String table, long rows) {
        if (rows > 0) {
            copiedByTable.merge(table, rows, Long::sum);
            rowsCopied += rows;
        }
    }

    /** Asks the statistics for tables to copy that were not asked for yet, one query at a time. */
    private void askEstimates(Set<String> tables) {
        if (fetching || asked.containsAll(tables)) {
            return;
        }
        asked.addAll(tables);
        fetching = true;
        estimateExecutor.execute(
                () -> {
                    Map<String, Long> fetched = null;
                    try {
                        fetched = estimates.tableRows();
                    } catch (Exception e) {
                        LOG.warn(
                                "Snapshot of {}: cannot read the table statistics, so its"
                                        + " progress has no estimated total and no ETA: {}",
                                splitId,
                                e.toString());
                    }
                    synchronized (this) {
                        if (deferredCompletion != null) {
                            // The copy completed first: its last line waited for these.
                            log.accept(
                                    deferredCompletion.apply(
                                            fetched == null
                                                    ? UNKNOWN
                                                    : total(fetched, deferredTables)));
                            deferredCompletion = null;
                            deferredTables = null;
                        } else if (fetched != null) {
                            Map<String, Long> merged = new HashMap<>(tableEstimates);
                            merged.putAll(fetched);
                            tableEstimates = merged;
                        }
                        fetching = false;
                    }
                });
    }

    private void recompute(long now) {
        long elapsed = Math.max(1, now - startMillis);
        long copied = rowsCopied;
        long left = rowsLeft();
        tablesRemaining = remaining.size();
        rowsEstimated = left == UNKNOWN ? UNKNOWN : copied + left;
        rowsPerSecond = copied * 1000 / elapsed;
        if (left == 0) {
            etaSeconds = 0;
        } else if (left == UNKNOWN || copied == 0) {
            etaSeconds = UNKNOWN;
        } else {
            etaSeconds = (long) Math.ceil((double) left * elapsed / copied / 1000);
        }
    }

    /** Rows the statistics expect beyond those copied, of the tables still to copy; or unknown. */
    private long rowsLeft() {
        if (remaining.isEmpty()) {
            return UNKNOWN; // a copy of a split of an older state, which lists no tables
        }
        Map<String, Long> estimated = tableEstimates;
        long left = 0;
        for (String table : remaining) {
            Long rows = estimated.get(table);
            if (rows == null) {
                return UNKNOWN;
            }
            left += Math.max(0, rows - copiedByTable.getOrDefault(table, 0L));
        }
        return left;
    }

    private void complete(long now) {
        Set<String> tables = new HashSet<>(phaseTables);
        long seconds = (now - startMillis + 999) / 1000;
        remaining = Collections.emptySet();
        asked.clear(); // a later copy (of tables added) asks again
        tablesRemaining = 0;
        rowsEstimated = rowsCopied;
        rowsPerSecond = rowsCopied * 1000 / Math.max(1, now - startMillis);
        etaSeconds = 0;
        snapshotting = false;
        long copied = rowsCopied;
        long rate = rowsPerSecond;
        String counts = tableCounts();
        LongFunction<String> line =
                estimated ->
                        "Snapshot of "
                                + splitId
                                + " complete: "
                                + number(copied)
                                + " rows"
                                + (estimated == UNKNOWN
                                        ? ""
                                        : " (the statistics estimated ~" + number(estimated) + ")")
                                + " in "
                                + duration(seconds)
                                + ", "
                                + number(rate)
                                + " rows/s "
                                + counts;
        synchronized (this) {
            long estimated = total(tableEstimates, tables);
            tableEstimates = Collections.emptyMap();
            if (fetching && estimated == UNKNOWN) {
                // The statistics are still being read (a copy faster than the query): the last
                // line waits for them.
                deferredCompletion = line;
                deferredTables = tables;
                return;
            }
            log.accept(line.apply(estimated));
        }
    }

    /** What the statistics count in these tables; unknown if they lack one. */
    private static long total(Map<String, Long> estimated, Set<String> tables) {
        long total = 0;
        for (String table : tables) {
            Long rows = estimated.get(table);
            if (rows == null) {
                return UNKNOWN;
            }
            total += rows;
        }
        return tables.isEmpty() ? UNKNOWN : total;
    }

    /** The periodic progress line, e.g. {@code 120,000 of ~2,000,000 rows (6.0%)...}. */
    private String progressLine() {
        StringBuilder sb = new StringBuilder("Snapshot of ").append(splitId).append(": ");
        sb.append(number(rowsCopied));
        if (rowsEstimated == UNKNOWN) {
            sb.append(" rows of an unknown total");
        } else {
            sb.append(" of ~").append(number(rowsEstimated)).append(" rows (");
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%.1f%%",
                            rowsEstimated == 0 ? 100.0 : 100.0 * rowsCopied / rowsEstimated));
            sb.append(')');
        }
        sb.append(", tables left ").append(remaining.size()).append(' ');
        sb.append(tableNames(remaining));
        sb.append(", ").append(number(rowsPerSecond)).append(" rows/s, ETA ");
        sb.append(etaSeconds == UNKNOWN ? "unknown" : duration(etaSeconds));
        return sb.toString();
    }

    private static String tableNames(Set<String> tables) {
        StringBuilder sb = new StringBuilder("[");
        Iterator<String> it = tables.iterator();
        for (int i = 0; it.hasNext(); i++) {
            if (i == LOGGED_TABLES) {
                sb.append(", ...");
                break;
            }
            sb.append(i == 0 ? "" : ", ").append(it.next());
        }
        return sb.append(']').toString();
    }

    private String tableCounts() {
        StringBuilder sb = new StringBuilder("[");
        int i = 0;
        for (Map.Entry<String, Long> entry : copiedByTable.entrySet()) {
            if (i == LOGGED_TABLES * 2) {
                sb.append(", ...");
                break;
            }
            sb.append(i++ == 0 ? "" : ", ").append(entry.getKey()).append(' ');
            sb.append(number(entry.getValue()));
        }
        return sb.append(']').toString();
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** E.g. {@code 46 s}, {@code 12 min 5 s}, {@code 3 h 20 min}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
}
