package io.github.vstreamcdc.e2e;

import org.apache.flink.table.data.RowData;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Counts what a job delivered against what was committed, for rows {@code (id BIGINT, v VARCHAR,
 * ...)}: changes delivered more than once, committed changes never delivered, changes that do not
 * follow the key's previous one (a delete or before-image must carry the value the key holds, an
 * insert must find no row), and whether the changelog applied to an empty table equals the table.
 * Counts instead of failing at the first problem, so the chaos soak can tabulate them.
 */
final class ChangelogCheck {

    final int delivered;
    final int duplicated;
    final int lost;
    final int outOfOrder;
    final boolean matchesTable;
    final List<String> problems;

    private ChangelogCheck(
            int delivered,
            int duplicated,
            int lost,
            int outOfOrder,
            boolean matchesTable,
            List<String> problems) {
        this.delivered = delivered;
        this.duplicated = duplicated;
        this.lost = lost;
        this.outOfOrder = outOfOrder;
        this.matchesTable = matchesTable;
        this.problems = problems;
    }

    /** A change as the load generator records it: {@code +I[7, i42]}. */
    static String describe(RowData row) {
        return row.getRowKind().shortString()
                + "["
                + row.getLong(0)
                + ", "
                + (row.isNullAt(1) ? null : row.getString(1).toString())
                + "]";
    }

    /**
     * Checks the delivered rows against the committed changes and the table as it is.
     *
     * @param committed each committed change with the sequence number of the write that made it
     *     ({@link ChangeLoad}; {@code Long.MAX_VALUE} for changes made after the job started)
     * @param loadBeforeSnapshot whether writes ran before and during the copy phase: then a key's
     *     changes older than the value the copy read for it are legitimately absent (the copy
     *     delivers the row as it is), and only changes after the first delivered one of each key
     *     are required; lost changes before that still show as out-of-order records or a table
     *     mismatch
     */
    static ChangelogCheck of(
            List<RowData> rows,
            Map<String, Long> committed,
            boolean loadBeforeSnapshot,
            Map<Long, String> table) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        Map<Long, String> applied = new TreeMap<>();
        Map<Long, Long> firstSeq = new HashMap<>();
        int outOfOrder = 0;
        for (RowData row : rows) {
            String change = describe(row);
            if (!row.isNullAt(1)) {
                firstSeq.putIfAbsent(row.getLong(0), ChangeLoad.seqOf(row.getString(1).toString()));
            }
            counts.merge(change, 1, Integer::sum);
            if (!applyInOrder(applied, row)) {
                outOfOrder++;
                note(problems, "out of order: " + change);
            }
        }
        int duplicated = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > 1) {
                duplicated += e.getValue() - 1;
                note(problems, "delivered " + e.getValue() + " times: " + e.getKey());
            }
        }
        int lost = 0;
        for (Map.Entry<String, Long> e : committed.entrySet()) {
            String change = e.getKey();
            Long first = firstSeq.get(keyOf(change));
            boolean required = !loadBeforeSnapshot || (first != null && e.getValue() > first);
            if (required && !counts.containsKey(change)) {
                lost++;
                note(problems, "committed, never delivered: " + change);
            }
        }
        boolean matches = applied.equals(table);
        if (!matches) {
            note(problems, "changelog applied to an empty table differs from the table");
        }
        return new ChangelogCheck(rows.size(), duplicated, lost, outOfOrder, matches, problems);
    }

    /**
     * Waits until the changelog applied to an empty table equals the table (the job caught up),
     * then a little longer (anything delivered late would be a repeat), and checks; returns the
     * last check if it never catches up.
     */
    static ChangelogCheck await(
            Supplier<List<RowData>> output,
            Map<String, Long> committed,
            boolean loadBeforeSnapshot,
            Callable<Map<Long, String>> table,
            Duration timeout)
            throws Exception {
        Map<Long, String> expected = table.call();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ChangelogCheck check = of(output.get(), committed, loadBeforeSnapshot, expected);
            if (check.matchesTable) {
                Thread.sleep(3000);
                return of(output.get(), committed, loadBeforeSnapshot, expected);
            }
            Thread.sleep(500);
        }
        return of(output.get(), committed, loadBeforeSnapshot, expected);
    }

    /** The key of a change as {@link #describe} gives it. */
    private static long keyOf(String change) {
        return Long.parseLong(change.substring(3, change.indexOf(',')));
    }

    boolean ok() {
        return duplicated == 0 && lost == 0 && outOfOrder == 0 && matchesTable;
    }

    /** Fails with the first problems unless everything holds. */
    void assertOk(String what) {
        if (!ok()) {
            throw new AssertionError(what + ": " + this);
        }
    }

    @Override
    public String toString() {
        return "delivered="
                + delivered
                + " duplicated="
                + duplicated
                + " lost="
                + lost
                + " outOfOrder="
                + outOfOrder
                + " matchesTable="
                + matchesTable
                + (problems.isEmpty() ? "" : " first problems: " + problems);
    }

    private static boolean applyInOrder(Map<Long, String> table, RowData row) {
        long id = row.getLong(0);
        String v = row.isNullAt(1) ? null : row.getString(1).toString();
        switch (row.getRowKind()) {
            case INSERT:
                return table.put(id, v) == null;
            case UPDATE_AFTER:
                table.put(id, v);
                return true;
            case UPDATE_BEFORE:
            case DELETE:
                return v != null && v.equals(table.remove(id));
            default:
                throw new IllegalStateException(row.toString());
        }
    }

    private static void note(List<String> problems, String problem) {
        if (problems.size() < 10) {
            problems.add(problem);
        }
    }
}
