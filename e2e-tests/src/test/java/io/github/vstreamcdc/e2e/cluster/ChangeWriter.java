package io.github.vstreamcdc.e2e.cluster;

import io.github.vstreamcdc.e2e.VitessCluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Writes a table {@code (id BIGINT PRIMARY KEY, <value> BIGINT, ...)} through VTGate and records
 * every change whose commit succeeded, as {@code +I[id, value]}, {@code -U[..]}, {@code +U[..]},
 * {@code -D[..]}: what the jobs under test write out. The initial rows hold {@code value = -id};
 * every later write a new positive sequence number, so a change delivered twice is a repeated line.
 * Writes in the caller's thread ({@link #write}) or on its own ({@link #start}) until closed.
 */
final class ChangeWriter implements AutoCloseable {

    private final VitessCluster vitess;
    private final String table;
    private final String valueColumn;
    private final int ids;
    private final Random random = new Random(11);
    private final Map<Long, Long> known = new TreeMap<>();
    private final List<String> confirmed = new ArrayList<>();
    private long seq;
    private Thread thread;
    private volatile boolean stop;
    private volatile Throwable failure;

    /** Empties the table; later writes use ids 1..ids. */
    ChangeWriter(VitessCluster vitess, String table, String valueColumn, int ids)
            throws SQLException {
        this.vitess = vitess;
        this.table = table;
        this.valueColumn = valueColumn;
        this.ids = ids;
        try (Connection c = vitess.connect("customer");
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + table);
        }
    }

    /**
     * Inserts ids 1..count with {@code value = -id} (not recorded: the snapshot's rows), and the
     * extra column set to {@code padLength} characters if a column is given.
     */
    void insertInitial(int count, String padColumn, int padLength) throws SQLException {
        String pad = "x".repeat(padLength);
        try (Connection c = vitess.connect("customer");
                Statement s = c.createStatement()) {
            StringBuilder sql = new StringBuilder();
            for (long id = 1; id <= count; id++) {
                if (sql.length() == 0) {
                    sql.append("INSERT INTO ")
                            .append(table)
                            .append(" (id, ")
                            .append(valueColumn)
                            .append(padColumn == null ? "" : ", " + padColumn)
                            .append(") VALUES ");
                } else {
                    sql.append(',');
                }
                sql.append('(').append(id).append(',').append(-id);
                sql.append(padColumn == null ? ")" : ",'" + pad + "')");
                known.put(id, -id);
                if (id % 500 == 0 || id == count) {
                    s.execute(sql.toString());
                    sql.setLength(0);
                }
            }
        }
    }

    /** The snapshot's records of the initial rows. */
    List<String> initialRecords() {
        List<String> records = new ArrayList<>();
        known.forEach((id, value) -> records.add(record("+I", id, value)));
        return records;
    }

    /** Writes {@code count} random inserts, updates and deletes in this thread. */
    void write(int count) throws SQLException {
        try (Connection c = vitess.connect("customer")) {
            for (int i = 0; i < count; i++) {
                writeOne(c);
            }
        }
    }

    /** Starts writing on a thread, one change every {@code pauseMillis}, until closed. */
    void start(long pauseMillis) {
        thread =
                new Thread(
                        () -> {
                            try (Connection c = vitess.connect("customer")) {
                                while (!stop) {
                                    writeOne(c);
                                    Thread.sleep(pauseMillis);
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (Throwable t) {
                                failure = t;
                            }
                        },
                        "change-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** The changes committed so far, in commit order. */
    synchronized List<String> confirmed() {
        return new ArrayList<>(confirmed);
    }

    /** The table as the database holds it now: id to value. */
    Map<Long, Long> select() throws SQLException {
        Map<Long, Long> rows = new TreeMap<>();
        try (Connection c = vitess.connect("customer");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, " + valueColumn + " FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return rows;
    }

    private void writeOne(Connection c) throws SQLException {
        long id = 1 + random.nextInt(ids);
        Long current = known.get(id);
        long value = ++seq;
        String set = valueColumn + " = ?";
        if (current == null) {
            execute(
                    c,
                    "INSERT INTO " + table + " (id, " + valueColumn + ") VALUES (?, ?)",
                    id,
                    value);
            known.put(id, value);
            confirm(record("+I", id, value));
        } else if (random.nextInt(10) < 7) {
            execute(
                    c,
                    "UPDATE " + table + " SET " + set + " WHERE id = ? AND " + set,
                    value,
                    id,
                    current);
            known.put(id, value);
            confirm(record("-U", id, current), record("+U", id, value));
        } else {
            execute(c, "DELETE FROM " + table + " WHERE id = ? AND " + set, id, current);
            known.remove(id);
            confirm(record("-D", id, current));
        }
    }

    /** Runs a statement that must change exactly one row. */
    private static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            int rows = statement.executeUpdate();
            if (rows != 1) {
                throw new SQLException(rows + " rows changed by " + sql);
            }
        }
    }

    private synchronized void confirm(String... records) {
        for (String r : records) {
            confirmed.add(r);
        }
    }

    static String record(String kind, long id, Long value) {
        return kind + "[" + id + ", " + value + "]";
    }

    /** Stops the writing thread; fails if it could not write. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        if (thread != null) {
            thread.join(30_000);
        }
        if (failure != null) {
            throw new AssertionError("The change writer failed", failure);
        }
    }
}
