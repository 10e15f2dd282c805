package io.github.vstreamcdc.e2e.bench;

import io.github.vstreamcdc.e2e.VitessCluster;

import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The benchmark's tables in the unsharded keyspace {@code commerce}, and the writes to them. */
final class BenchData {

    static final String KEYSPACE = "commerce";

    /** Columns of both tables: about 100 bytes of values per row, in five common types. */
    static final String COLUMNS =
            "id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL, price DECIMAL(12,2) NOT NULL,"
                    + " created DATETIME NOT NULL, v VARCHAR(100) NOT NULL";

    static final RowType ROW_TYPE =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(false),
                        new IntType(false),
                        new DecimalType(false, 12, 2),
                        new TimestampType(false, 0),
                        new VarCharType(false, VarCharType.MAX_LENGTH)
                    },
                    new String[] {"id", "n", "price", "created", "v"});

    private static final int ROWS_PER_STATEMENT = 1000;
    private static final String PADDING =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij";
    private static final LocalDateTime EPOCH = LocalDateTime.of(2024, 1, 1, 0, 0);
    private static final DateTimeFormatter DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private BenchData() {}

    /** Drops and creates the table empty, then makes the tablet load its schema. */
    static void recreate(VitessCluster cluster, String table) throws Exception {
        try (Connection c = cluster.connect(KEYSPACE);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (" + COLUMNS + ")");
        }
        cluster.reloadSchema(KEYSPACE);
    }

    /**
     * Inserts ids [from, to] with 1000-row INSERTs, {@code statementsPerTransaction} of them per
     * transaction.
     */
    static void insert(
            VitessCluster cluster, String table, long from, long to, int statementsPerTransaction)
            throws SQLException {
        try (Connection c = cluster.connect(KEYSPACE);
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            insertRows(c, s, table, from, to, statementsPerTransaction);
            c.commit();
        }
    }

    /**
     * Inserts ids [from, to] and updates each of them once, in transactions of {@code
     * rowsPerTransaction} rows (twice as many row events) that are left open: the caller commits
     * them one after the other, and the whole burst reaches the binlog at once.
     */
    static List<Connection> uncommittedBurst(
            VitessCluster cluster, String table, long from, long to, int rowsPerTransaction)
            throws SQLException {
        List<Connection> open = new ArrayList<>();
        try {
            for (long low = from; low <= to; low += rowsPerTransaction) {
                long high = Math.min(to, low + rowsPerTransaction - 1);
                Connection c = cluster.connect(KEYSPACE);
                open.add(c);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    insertRows(c, s, table, low, high, Integer.MAX_VALUE);
                    // Listed ids, not a range: a range scan would lock the gap above it, where
                    // the next open transaction inserts.
                    for (long id = low; id <= high; id += ROWS_PER_STATEMENT) {
                        StringBuilder ids = new StringBuilder();
                        long last = Math.min(high, id + ROWS_PER_STATEMENT - 1);
                        for (long i = id; i <= last; i++) {
                            ids.append(ids.length() == 0 ? "" : ",").append(i);
                        }
                        updateRows(s, table, "id IN (" + ids + ")", last - id + 1);
                    }
                }
            }
            return open;
        } catch (SQLException | RuntimeException e) {
            for (Connection c : open) {
                c.close();
            }
            throw e;
        }
    }

    /** The INSERTs of ids [from, to], committed every {@code statementsPerTransaction}. */
    private static void insertRows(
            Connection c,
            Statement s,
            String table,
            long from,
            long to,
            int statementsPerTransaction)
            throws SQLException {
        StringBuilder sql = new StringBuilder();
        int statements = 0;
        for (long id = from; id <= to; id++) {
            appendRow(sql, table, id);
            if ((id - from + 1) % ROWS_PER_STATEMENT == 0 || id == to) {
                s.execute(sql.toString());
                sql.setLength(0);
                if (++statements % statementsPerTransaction == 0) {
                    c.commit();
                }
            }
        }
    }

    /** Inserts ids [from, to], one row per transaction (autocommitted INSERTs). */
    static void insertOneByOne(VitessCluster cluster, String table, long from, long to)
            throws SQLException {
        try (Connection c = cluster.connect(KEYSPACE);
                Statement s = c.createStatement()) {
            StringBuilder sql = new StringBuilder();
            for (long id = from; id <= to; id++) {
                sql.setLength(0);
                appendRow(sql, table, id);
                s.execute(sql.toString());
            }
        }
    }

    /** Row {@code id}'s values, after the INSERT's head if {@code sql} is empty. */
    private static void appendRow(StringBuilder sql, String table, long id) {
        sql.append(
                        sql.length() == 0
                                ? "INSERT INTO " + table + " (id, n, price, created, v) VALUES "
                                : ",")
                .append('(')
                .append(id)
                .append(',')
                .append((id * 7919) % 1_000_000)
                .append(',')
                .append(id % 100_000)
                .append(".25,'")
                .append(DATETIME.format(EPOCH.plusSeconds(id * 37)))
                .append("','");
        String v = "row-" + id + "-";
        sql.append(v).append(PADDING, 0, 60 - v.length()).append("')");
    }

    /** Updates every row of ids [from, to] (n and v change), {@code perTransaction} per UPDATE. */
    static void updateAll(
            VitessCluster cluster, String table, long from, long to, int perTransaction)
            throws SQLException {
        try (Connection c = cluster.connect(KEYSPACE);
                Statement s = c.createStatement()) {
            for (long low = from; low <= to; low += perTransaction) {
                long high = Math.min(to, low + perTransaction - 1);
                updateRows(s, table, "id BETWEEN " + low + " AND " + high, high - low + 1);
            }
        }
    }

    /** One UPDATE of the rows that {@code where} selects (n and v change): all of them. */
    private static void updateRows(Statement s, String table, String where, long rows)
            throws SQLException {
        int updated =
                s.executeUpdate(
                        "UPDATE "
                                + table
                                + " SET n = n + 1, v = CONCAT('u', SUBSTRING(v, 2)) WHERE "
                                + where);
        if (updated != rows) {
            throw new IllegalStateException(
                    "UPDATE of " + rows + " rows changed " + updated + " rows");
        }
    }

    static long count(VitessCluster cluster, String table) throws SQLException {
        try (Connection c = cluster.connect(KEYSPACE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
