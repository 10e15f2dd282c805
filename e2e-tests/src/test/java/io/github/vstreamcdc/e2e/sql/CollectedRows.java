package io.github.vstreamcdc.e2e.sql;

import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The rows of a running SQL query, collected by a background thread so that a test can wait for a
 * condition with a timeout. Closing it cancels the job.
 */
final class CollectedRows implements AutoCloseable {

    private final TableResult result;
    private final CloseableIterator<Row> iterator;
    private final List<Row> rows = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Thread reader;

    private CollectedRows(TableResult result) {
        this.result = result;
        this.iterator = result.collect();
        this.reader = new Thread(this::read, "sql-result-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static CollectedRows of(TableResult result) {
        return new CollectedRows(result);
    }

    private void read() {
        try {
            while (iterator.hasNext()) {
                Row row = iterator.next();
                synchronized (rows) {
                    rows.add(row);
                }
            }
            ended.set(true);
        } catch (Throwable t) {
            if (!closing.get()) {
                failure.set(t);
            }
        }
    }

    /** A copy of the rows so far. */
    List<Row> rows() {
        synchronized (rows) {
            return new ArrayList<>(rows);
        }
    }

    /** Waits until the rows satisfy the condition; fails on timeout or a failed job. */
    List<Row> await(Predicate<List<Row>> condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Row> snapshot = rows();
            if (condition.test(snapshot)) {
                return snapshot;
            }
            checkFailure(what);
            if (ended.get()) {
                throw new AssertionError(
                        "The query ended before " + what + "; its rows: " + tail(snapshot));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Timed out after "
                                + timeout
                                + " waiting for "
                                + what
                                + "; rows: "
                                + tail(snapshot));
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the query ends (a bounded source) and returns all rows. */
    List<Row> awaitEnd(Duration timeout) throws InterruptedException {
        reader.join(timeout.toMillis());
        checkFailure("the end of the query");
        if (!ended.get()) {
            throw new AssertionError(
                    "The query did not end within " + timeout + "; rows: " + tail(rows()));
        }
        return rows();
    }

    private void checkFailure(String what) {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("The query failed while waiting for " + what, t);
        }
    }

    private static String tail(List<Row> rows) {
        int from = Math.max(0, rows.size() - 30);
        return (from > 0 ? "... (" + rows.size() + " rows) " : "")
                + rows.subList(from, rows.size());
    }

    @Override
    public void close() throws Exception {
        closing.set(true);
        try {
            iterator.close();
        } finally {
            result.getJobClient().ifPresent(client -> client.cancel());
            reader.join(30_000);
        }
    }
}
