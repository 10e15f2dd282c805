package io.github.vstreamcdc.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inserts, updates and deletes rows of a table {@code (id BIGINT PRIMARY KEY, v VARCHAR)} on a
 * background thread until closed, through VTGate, and keeps going through the errors of a reshard's
 * traffic switch. Every value it writes is unique ({@code i<seq>} for an insert, {@code u<seq>} for
 * an update), so a change delivered twice shows up as a repeated record. It records the changes
 * whose commit it saw succeed, in the form {@link ReshardITCase#describe} gives records.
 */
final class ChangeLoad implements AutoCloseable {

    private final Callable<Connection> connections;
    private final String table;
    private final int ids;
    private final Random random = new Random(7);
    private final AtomicLong seq = new AtomicLong();

    /** What this thread believes each id holds; absent = no row. */
    private final Map<Long, String> known = new HashMap<>();

    /** Ids whose last write ended in an error: their row is read back before the next write. */
    private final Set<Long> uncertain = new HashSet<>();

    private final List<String> confirmed = new ArrayList<>();

    /** The sequence number of the write behind each confirmed change. */
    private final List<Long> confirmedSeqs = new ArrayList<>();

    private final Thread thread;
    private volatile boolean stop;
    private volatile boolean paused;
    private volatile boolean idle;
    private volatile Throwable failure;
    private volatile int errors;

    /** Starts writing; {@code existing} are the rows the table holds now. */
    ChangeLoad(
            Callable<Connection> connections, String table, int ids, Map<Long, String> existing) {
        this.connections = connections;
        this.table = table;
        this.ids = ids;
        this.known.putAll(existing);
        this.thread = new Thread(this::run, "change-load");
        thread.setDaemon(true);
        thread.start();
    }

    /** The sequence number of the next write: values written from now on carry a larger one. */
    long nextSeq() {
        return seq.get() + 1;
    }

    /** The sequence number in a value this load (or the initial rows, 0) wrote. */
    static long seqOf(String value) {
        return value.startsWith("i") || value.startsWith("u")
                ? Long.parseLong(value.substring(1))
                : 0;
    }

    /**
     * Stops writing until {@link #resume}, for a quiet stretch (e.g. between a DDL and the next row
     * change); returns once no write is in flight.
     */
    void pause() throws InterruptedException {
        paused = true;
        while (!idle && thread.isAlive()) {
            Thread.sleep(5);
        }
    }

    void resume() {
        paused = false;
    }

    int errors() {
        return errors;
    }

    synchronized List<String> confirmed() {
        return new ArrayList<>(confirmed);
    }

    /** For each of {@link #confirmed()}, the sequence number of the write that made it. */
    synchronized List<Long> confirmedSeqs() {
        return new ArrayList<>(confirmedSeqs);
    }

    private void run() {
        Connection connection = null;
        long failingSince = 0;
        while (!stop) {
            idle = false;
            if (paused) {
                idle = true;
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            long id = 1 + random.nextInt(ids);
            try {
                if (connection == null) {
                    connection = connections.call();
                }
                if (uncertain.remove(id)) {
                    String current = read(connection, id);
                    if (current == null) {
                        known.remove(id);
                    } else {
                        known.put(id, current);
                    }
                }
                write(connection, id);
                failingSince = 0;
                Thread.sleep(4);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // The traffic switch: VTGate buffers, then some writes fail. Their outcome is
                // unknown: read the row back before writing it again.
                uncertain.add(id);
                errors++;
                close(connection);
                connection = null;
                long now = System.currentTimeMillis();
                if (failingSince == 0) {
                    failingSince = now;
                } else if (now - failingSince > 120_000) {
                    failure = e;
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
        close(connection);
    }

    private void write(Connection c, long id) throws SQLException {
        String current = known.get(id);
        long n = seq.incrementAndGet();
        if (current == null) {
            String v = "i" + n;
            if (update(c, "INSERT INTO " + table + " (id, v) VALUES (?, ?)", id, v) == 1) {
                known.put(id, v);
                record(n, "+I", id, v);
            }
        } else if (random.nextInt(10) < 7) {
            String v = "u" + n;
            if (update(c, "UPDATE " + table + " SET v = ? WHERE id = ? AND v = ?", v, id, current)
                    == 1) {
                known.put(id, v);
                record(n, "-U", id, current);
                record(n, "+U", id, v);
            }
        } else {
            if (update(c, "DELETE FROM " + table + " WHERE id = ? AND v = ?", id, current) == 1) {
                known.remove(id);
                record(n, "-D", id, current);
            }
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            return statement.executeUpdate();
        }
    }

    private String read(Connection c, long id) throws SQLException {
        try (PreparedStatement statement =
                c.prepareStatement("SELECT v FROM " + table + " WHERE id = ?")) {
            statement.setLong(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private synchronized void record(long n, String kind, long id, String v) {
        confirmed.add(kind + "[" + id + ", " + v + "]");
        confirmedSeqs.add(n);
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    /** Stops writing; fails if the writer gave up (VTGate refused writes for two minutes). */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(30_000);
        if (failure != null) {
            throw new AssertionError("The load generator could not write for 2 minutes", failure);
        }
    }
}
