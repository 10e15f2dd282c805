package io.github.vstreamcdc.source.snapshot;

import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.client.VtgateSqlClient;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cuts a shard's tables into primary-key chunks of about {@code chunkSize} rows, as Flink CDC's
 * incremental snapshot does: each boundary is the key {@code chunkSize} rows after the previous one
 * in key order ({@code ORDER BY key LIMIT 1 OFFSET n}), so skewed and composite keys cut evenly. A
 * table without a primary key, or with a key column whose order Java cannot reproduce (see {@link
 * KeyKind}), is left to the VStream copy.
 */
@Internal
public final class ChunkPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkPlanner.class);

    /** MySQL's ER_NO_SUCH_TABLE. */
    private static final int NO_SUCH_TABLE = 1146;

    private final VtgateSqlClient client;
    private final int chunkSize;

    public ChunkPlanner(VtgateSqlClient client, int chunkSize) {
        this.client = client;
        this.chunkSize = chunkSize;
    }

    /** The chunks of one shard's tables, and the tables the VStream copy reads instead. */
    public static final class Plan {
        public final List<TableChunk> chunks;
        public final Set<String> copiedTables;

        /**
         * The shard's position before any chunk was read; "" if not known. Where a reshard leaves
         * no chunk read, the shard's stream starts here (see {@code IncrementalSnapshots}).
         */
        public final String position;

        Plan(List<TableChunk> chunks, Set<String> copiedTables) {
            this(chunks, copiedTables, "");
        }

        private Plan(List<TableChunk> chunks, Set<String> copiedTables, String position) {
            this.chunks = Collections.unmodifiableList(chunks);
            this.copiedTables = Collections.unmodifiableSet(copiedTables);
            this.position = position;
        }

        /** This plan, made after the shard was at this position. */
        public Plan at(String shardPosition) {
            return new Plan(chunks, copiedTables, shardPosition);
        }
    }

    public Plan plan(String keyspace, String shard, Set<String> tables) {
        List<TableChunk> chunks = new ArrayList<>();
        Set<String> copied = new TreeSet<>();
        try (Connection connection = client.connect();
                Statement statement = connection.createStatement()) {
            // Key values as VStream gives them: TIMESTAMPs in UTC.
            statement.execute("SET time_zone = '+00:00'");
            for (String table : tables) {
                Map<String, KeyKind> key;
                try {
                    key = keyOf(statement, keyspace, table);
                } catch (SQLException e) {
                    if (e.getErrorCode() != NO_SUCH_TABLE) {
                        throw e;
                    }
                    // Dropped since it was listed: the VStream copy skips what is gone.
                    LOG.info("Table {} is gone: not cut into chunks", table);
                    key = null;
                }
                if (key == null) {
                    copied.add(table);
                    continue;
                }
                statement.execute(
                        "USE " + VtgateSqlClient.quote(client.shardTarget(keyspace, shard)));
                List<TableChunk> tableChunks = cut(connection, table, key);
                LOG.info(
                        "Snapshot of {}/{} table {}: {} chunk(s) of up to {} rows by key {}",
                        keyspace,
                        shard,
                        table,
                        tableChunks.size(),
                        chunkSize,
                        key.keySet());
                chunks.addAll(tableChunks);
                statement.execute("USE " + VtgateSqlClient.quote(keyspace));
            }
        } catch (SQLException e) {
            throw new VitessException(
                    "Cutting the snapshot of "
                            + keyspace
                            + "/"
                            + shard
                            + " into chunks failed: "
                            + VitessException.firstLine(e.getMessage()),
                    e);
        }
        return new Plan(chunks, copied);
    }

    /** The table's primary key columns and their kinds; null to leave the table to VStream. */
    private static Map<String, KeyKind> keyOf(Statement statement, String keyspace, String table)
            throws SQLException {
        Map<String, String[]> described =
                describeKey(
                        statement,
                        VtgateSqlClient.quote(table) + " FROM " + VtgateSqlClient.quote(keyspace));
        if (described.isEmpty()) {
            LOG.info("Table {} has no primary key: the VStream copy reads its snapshot", table);
            return null;
        }
        Map<String, KeyKind> key = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> column : described.entrySet()) {
            String[] type = column.getValue();
            KeyKind kind = type == null ? null : KeyKind.of(type[0], type[1]);
            if (kind == null) {
                LOG.info(
                        "Table {}: key column {} ({}) cannot be ordered exactly outside MySQL: the"
                                + " VStream copy reads its snapshot",
                        table,
                        column.getKey(),
                        type == null ? "?" : type[0] + " " + type[1]);
                return null;
            }
            key.put(column.getKey(), kind);
        }
        return key;
    }

    /**
     * How the table's primary key is now on the statement's session (in a transaction that read the
     * table: as its reads saw it), if that is not the key the chunk was cut by; null if it is. Its
     * columns and their kinds decide which rows a chunk's bounds select and in which order the
     * reader places binlog rows: a chunk cut by another key cannot be read exactly. The session
     * targets the chunk's shard.
     */
    public static String keyChange(Statement statement, TableChunk chunk) throws SQLException {
        Map<String, String[]> described =
                describeKey(statement, VtgateSqlClient.quote(chunk.table()));
        List<KeyKind> kinds = new ArrayList<>();
        for (String[] type : described.values()) {
            kinds.add(type == null ? null : KeyKind.of(type[0], type[1]));
        }
        List<String> columns = new ArrayList<>(described.keySet());
        if (columns.equals(chunk.keyColumns()) && kinds.equals(chunk.keyKinds())) {
            return null;
        }
        if (!columns.equals(chunk.keyColumns())) {
            return "from ("
                    + String.join(", ", chunk.keyColumns())
                    + ") to "
                    + (columns.isEmpty()
                            ? "no primary key"
                            : "(" + String.join(", ", columns) + ")");
        }
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (kinds.get(i) != chunk.keyKinds().get(i)) {
                String[] type = described.get(columns.get(i));
                changed.add(
                        columns.get(i)
                                + " from "
                                + chunk.keyKinds().get(i)
                                + " to "
                                + (type == null ? "?" : type[0] + " " + type[1]));
            }
        }
        return "its column " + String.join(", ", changed);
    }

    /**
     * The primary key's columns in key order, each with its type and collation (null for a column
     * {@code SHOW FULL COLUMNS} does not list); empty without a primary key.
     *
     * @param from the table, quoted, and {@code FROM keyspace} unless the session targets it
     */
    private static Map<String, String[]> describeKey(Statement statement, String from)
            throws SQLException {
        Map<Integer, String> keyColumns = new TreeMap<>();
        try (ResultSet rs = statement.executeQuery("SHOW INDEX FROM " + from)) {
            while (rs.next()) {
                if ("PRIMARY".equals(rs.getString("Key_name"))) {
                    keyColumns.put(rs.getInt("Seq_in_index"), rs.getString("Column_name"));
                }
            }
        }
        Map<String, String[]> key = new LinkedHashMap<>();
        if (keyColumns.isEmpty()) {
            return key;
        }
        Map<String, String[]> columns = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        try (ResultSet rs = statement.executeQuery("SHOW FULL COLUMNS FROM " + from)) {
            while (rs.next()) {
                columns.put(
                        rs.getString("Field"),
                        new String[] {rs.getString("Type"), rs.getString("Collation")});
            }
        }
        for (String column : keyColumns.values()) {
            key.put(column, columns.get(column));
        }
        return key;
    }

    private List<TableChunk> cut(Connection connection, String table, Map<String, KeyKind> key)
            throws SQLException {
        List<String> columns = new ArrayList<>(key.keySet());
        List<KeyKind> kinds = new ArrayList<>(key.values());
        String keyList = columnList(columns);
        String select = "SELECT " + keyList + " FROM " + VtgateSqlClient.quote(table);
        String order = " ORDER BY " + keyList + " LIMIT 1 OFFSET " + chunkSize;
        List<TableChunk> chunks = new ArrayList<>();
        byte[][] lower = null;
        while (true) {
            byte[][] upper;
            if (lower == null) {
                try (Statement statement = connection.createStatement();
                        ResultSet rs = statement.executeQuery(select + order)) {
                    upper = rs.next() ? key(rs, columns.size()) : null;
                }
            } else {
                String sql = select + " WHERE " + atLeast(columns) + order;
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    bind(statement, 1, kinds, lower);
                    try (ResultSet rs = statement.executeQuery()) {
                        upper = rs.next() ? key(rs, columns.size()) : null;
                    }
                }
            }
            chunks.add(new TableChunk(table, chunks.size(), columns, kinds, lower, upper));
            if (upper == null) {
                return chunks;
            }
            lower = upper;
        }
    }

    private static byte[][] key(ResultSet rs, int count) throws SQLException {
        byte[][] key = new byte[count][];
        for (int i = 0; i < count; i++) {
            key[i] = rs.getBytes(i + 1);
        }
        return key;
    }

    /** {@code `a`, `b`}. */
    public static String columnList(List<String> columns) {
        StringBuilder sb = new StringBuilder();
        for (String column : columns) {
            sb.append(sb.length() == 0 ? "" : ", ").append(VtgateSqlClient.quote(column));
        }
        return sb.toString();
    }

    /** {@code (`a`, `b`) >= (?, ?)}, or {@code `a` >= ?} for one column. */
    static String atLeast(List<String> columns) {
        return compare(columns, ">=");
    }

    /** {@code (`a`, `b`) < (?, ?)}, or {@code `a` < ?} for one column. */
    static String below(List<String> columns) {
        return compare(columns, "<");
    }

    private static String compare(List<String> columns, String operator) {
        if (columns.size() == 1) {
            return VtgateSqlClient.quote(columns.get(0)) + " " + operator + " ?";
        }
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            marks.append(i == 0 ? "?" : ", ?");
        }
        return "(" + columnList(columns) + ") " + operator + " (" + marks + ")";
    }

    /**
     * Binds a key's values from {@code index} on: bytes for binary columns, numbers for numeric
     * ones, text otherwise. Numbers as numbers: inside a row comparison {@code (a, b) >= (?, ?)}
     * MySQL compares an integer column with a string as doubles, which cannot tell integers above
     * 2^53 apart, while the reader places binlog rows in chunks by exact order.
     */
    static int bind(PreparedStatement statement, int index, List<KeyKind> kinds, byte[][] key)
            throws SQLException {
        for (int i = 0; i < key.length; i++) {
            KeyKind kind = kinds.get(i);
            if (kind == KeyKind.BYTES) {
                statement.setBytes(index++, key[i]);
            } else if (kind == KeyKind.INTEGER || kind == KeyKind.DECIMAL) {
                statement.setBigDecimal(
                        index++, new BigDecimal(new String(key[i], StandardCharsets.US_ASCII)));
            } else {
                statement.setString(index++, new String(key[i], StandardCharsets.UTF_8));
            }
        }
        return index;
    }

    /** The WHERE condition of a chunk's rows; empty for a chunk that is the whole table. */
    public static String condition(TableChunk chunk) {
        List<String> parts = new ArrayList<>();
        if (chunk.lower() != null) {
            parts.add(atLeast(chunk.keyColumns()));
        }
        if (chunk.upper() != null) {
            parts.add(below(chunk.keyColumns()));
        }
        return String.join(" AND ", parts);
    }

    /** Binds {@link #condition}'s parameters. */
    public static void bindCondition(PreparedStatement statement, TableChunk chunk)
            throws SQLException {
        int index = 1;
        if (chunk.lower() != null) {
            index = bind(statement, index, chunk.keyKinds(), chunk.lower());
        }
        if (chunk.upper() != null) {
            bind(statement, index, chunk.keyKinds(), chunk.upper());
        }
    }
}
