package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.snapshot.ChunkPlanner;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.SplitBounds;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads one chunk of an incremental snapshot, the DBLog way, without locks: the shard's GTID set
 * before (low watermark) and after (high watermark) a SELECT of the chunk's key range, in one
 * transaction so that all three see the same tablet; then, if the two differ, the binlog between
 * them (a VStream of the table from the low watermark) is applied to the rows read, so that the
 * chunk is exactly the table's range as of the high watermark.
 */
@Internal
final class ChunkSnapshotReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkSnapshotReader.class);

    private static final String FLAVOR = "MySQL56/";
    private static final int ATTEMPTS = 3;
    private static final long BACKFILL_TIMEOUT_MINUTES = 10;

    private final PlanetScaleSourceConfig config;
    private final VtgateSqlClient sql;
    private final Supplier<Channel> channel;
    private final Map<String, List<ColumnDescription>> columnsByTable = new HashMap<>();
    private Connection connection;

    ChunkSnapshotReader(PlanetScaleSourceConfig config, Supplier<Channel> channel) {
        this.config = config;
        this.sql = new VtgateSqlClient(config.connection());
        this.channel = channel;
    }

    /** The chunk's rows as of its high watermark, as snapshot rows, and that watermark. */
    ChangeBatch read(ShardSplit split) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return readOnce(split);
            } catch (SQLException | StatusRuntimeException | VitessException e) {
                last =
                        new VitessException(
                                "Reading snapshot "
                                        + split.chunk()
                                        + " of shard "
                                        + split.keyspace()
                                        + "/"
                                        + split.shard()
                                        + " failed: "
                                        + VitessException.firstLine(String.valueOf(e.getMessage())),
                                e);
                LOG.warn("{} (attempt {} of {})", last.getMessage(), attempt, ATTEMPTS);
                closeConnection();
                columnsByTable.remove(split.chunk().table());
                sleep(attempt * 1000L);
            }
        }
        throw last;
    }

    private ChangeBatch readOnce(ShardSplit split) throws SQLException {
        TableChunk chunk = split.chunk();
        String table = chunk.table();
        List<ColumnDescription> columns = columns(split.keyspace(), table);
        Connection conn = connection(split);
        String low;
        String high;
        Map<Key, byte[][]> rows = new LinkedHashMap<>();
        int[] keyIndex = keyIndex(columns, chunk.keyColumns());
        String condition = ChunkPlanner.condition(chunk);
        String select =
                "SELECT "
                        + ChunkPlanner.columnList(names(columns))
                        + " FROM "
                        + VtgateSqlClient.quote(table)
                        + (condition.isEmpty() ? "" : " WHERE " + condition);
        try {
            low = gtidExecuted(conn);
            try (PreparedStatement statement = conn.prepareStatement(select)) {
                ChunkPlanner.bindCondition(statement, chunk);
                try (ResultSet rs = statement.executeQuery()) {
                    int count = columns.size();
                    while (rs.next()) {
                        byte[][] values = new byte[count][];
                        for (int i = 0; i < count; i++) {
                            values[i] = rs.getBytes(i + 1);
                        }
                        rows.put(Key.of(values, keyIndex), values);
                    }
                }
            }
            high = gtidExecuted(conn);
            conn.commit();
        } catch (SQLException e) {
            try {
                conn.rollback();
            } catch (SQLException ignored) {
                // the connection is dropped below
            }
            throw e;
        }
        int selected = rows.size();
        int applied = 0;
        if (!low.equals(high)) {
            applied = backfill(split, columns, keyIndex, low, high, rows);
        }
        LOG.info(
                "Read snapshot {} of {}: {} rows selected, {} binlog changes applied, at {}",
                chunk,
                split.splitId(),
                selected,
                applied,
                high);
        List<RowChangeEvent> events = new ArrayList<>(rows.size());
        long seq = 0;
        for (byte[][] values : rows.values()) {
            events.add(
                    new RowChangeEvent(
                            split.keyspace(),
                            split.shard(),
                            table,
                            RowChangeEvent.Op.READ,
                            columns,
                            null,
                            values,
                            0,
                            high,
                            ++seq));
        }
        return ChangeBatch.chunkRead(events, ShardPosition.of(high));
    }

    /**
     * Applies the table's binlog changes from {@code low} up to {@code high} whose keys fall into
     * the chunk: each transaction once its VGTID shows that {@code high} holds it.
     *
     * @return the number of row changes applied
     */
    private int backfill(
            ShardSplit split,
            List<ColumnDescription> columns,
            int[] keyIndex,
            String low,
            String high,
            Map<Key, byte[][]> rows) {
        TableChunk chunk = split.chunk();
        GtidSet highSet = GtidSet.parseMysql56(high);
        Vtgate.VStreamRequest request =
                VStreamRequests.forSplit(
                        config,
                        split.keyspace(),
                        split.shard(),
                        ShardPosition.of(low),
                        SplitBounds.NONE,
                        Collections.singleton(chunk.table()),
                        null);
        String prefix = split.keyspace() + ".";
        int applied = 0;
        Context.CancellableContext context = Context.current().withCancellation();
        Context previous = context.attach();
        try {
            Iterator<Vtgate.VStreamResponse> responses =
                    ClientCalls.blockingServerStreamingCall(
                            channel.get(),
                            VitessGrpc.getVStreamMethod(),
                            CallOptions.DEFAULT.withDeadlineAfter(
                                    BACKFILL_TIMEOUT_MINUTES, TimeUnit.MINUTES),
                            request);
            int[] order = null;
            List<byte[][][]> transaction = new ArrayList<>();
            while (responses.hasNext()) {
                for (Binlogdata.VEvent event : responses.next().getEventsList()) {
                    switch (event.getType()) {
                        case FIELD:
                            order = order(columns, event.getFieldEvent().getFieldsList());
                            break;
                        case ROW:
                            String name = event.getRowEvent().getTableName();
                            if (!chunk.table().equals(name)
                                    && !(prefix + chunk.table()).equals(name)) {
                                break;
                            }
                            if (order == null) {
                                throw new VitessException("a row came before its table's fields");
                            }
                            for (Binlogdata.RowChange change :
                                    event.getRowEvent().getRowChangesList()) {
                                transaction.add(
                                        new byte[][][] {
                                            change.hasBefore()
                                                    ? reorder(change.getBefore(), order)
                                                    : null,
                                            change.hasAfter()
                                                    ? reorder(change.getAfter(), order)
                                                    : null
                                        });
                            }
                            break;
                        case DDL:
                            throw new VitessException(
                                    "the table's schema changed during the chunk's read: "
                                            + event.getStatement());
                        case VGTID:
                            GtidSet at = positionOf(event.getVgtid(), split);
                            if (at == null) {
                                break;
                            }
                            if (highSet.contains(at)) {
                                for (byte[][][] change : transaction) {
                                    applied += apply(chunk, keyIndex, change, rows);
                                }
                            }
                            transaction.clear();
                            if (!highSet.contains(at) || at.contains(highSet)) {
                                return applied;
                            }
                            break;
                        default:
                            break;
                    }
                }
            }
            throw new VitessException(
                    "the binlog stream from " + low + " ended before reaching " + high);
        } finally {
            context.detach(previous);
            context.cancel(null);
        }
    }

    private static int apply(
            TableChunk chunk, int[] keyIndex, byte[][][] change, Map<Key, byte[][]> rows) {
        int applied = 0;
        if (change[0] != null) {
            Key before = Key.of(change[0], keyIndex);
            if (chunk.contains(before.values)) {
                rows.remove(before);
                applied = 1;
            }
        }
        if (change[1] != null) {
            Key after = Key.of(change[1], keyIndex);
            if (chunk.contains(after.values)) {
                rows.put(after, change[1]);
                applied = 1;
            }
        }
        return applied;
    }

    private static GtidSet positionOf(Binlogdata.VGtid vgtid, ShardSplit split) {
        for (Binlogdata.ShardGtid entry : vgtid.getShardGtidsList()) {
            if (entry.getShard().equals(split.shard())
                    && entry.getKeyspace().equals(split.keyspace())) {
                return GtidSet.parseMysql56(entry.getGtid());
            }
        }
        return null;
    }

    /** For each of our columns, its index in the FIELD event; a missing one fails the read. */
    private static int[] order(List<ColumnDescription> columns, List<Query.Field> fields) {
        int[] order = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            order[c] = -1;
            for (int f = 0; f < fields.size(); f++) {
                if (fields.get(f).getName().equalsIgnoreCase(columns.get(c).name())) {
                    order[c] = f;
                    break;
                }
            }
            if (order[c] < 0) {
                throw new VitessException(
                        "the table's schema changed during the chunk's read: column "
                                + columns.get(c).name()
                                + " is gone");
            }
        }
        return order;
    }

    private static byte[][] reorder(Query.Row row, int[] order) {
        byte[][] decoded = RowValues.decode(row);
        byte[][] values = new byte[order.length][];
        for (int i = 0; i < order.length; i++) {
            values[i] = order[i] < decoded.length ? decoded[order[i]] : null;
        }
        return values;
    }

    private static List<String> names(List<ColumnDescription> columns) {
        List<String> names = new ArrayList<>(columns.size());
        for (ColumnDescription column : columns) {
            names.add(column.name());
        }
        return names;
    }

    private static int[] keyIndex(List<ColumnDescription> columns, List<String> keyColumns) {
        int[] index = new int[keyColumns.size()];
        for (int k = 0; k < keyColumns.size(); k++) {
            index[k] = -1;
            for (int c = 0; c < columns.size(); c++) {
                if (columns.get(c).name().equalsIgnoreCase(keyColumns.get(k))) {
                    index[k] = c;
                }
            }
            if (index[k] < 0) {
                throw new VitessException("key column " + keyColumns.get(k) + " is gone");
            }
        }
        return index;
    }

    /** The table's columns, the same list for all its chunks (deserializers cache by identity). */
    private List<ColumnDescription> columns(String keyspace, String table) {
        return columnsByTable.computeIfAbsent(
                table,
                t -> {
                    List<ColumnDescription> columns = new ArrayList<>();
                    for (MySqlColumn column : sql.listColumns(keyspace, t)) {
                        columns.add(ColumnDescription.of(column));
                    }
                    return Collections.unmodifiableList(columns);
                });
    }

    private Connection connection(ShardSplit split) throws SQLException {
        if (connection == null) {
            connection = sql.connect();
            try (Statement statement = connection.createStatement()) {
                // Values as VStream gives them: TIMESTAMPs in UTC.
                statement.execute("SET time_zone = '+00:00'");
                // Streamed results: a chunk may outgrow VTGate's 10,000-row limit of OLTP reads
                // (rows inserted into its range since it was cut).
                statement.execute("SET workload = 'olap'");
            }
            connection.setAutoCommit(false);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "USE "
                            + VtgateSqlClient.quote(
                                    sql.shardTarget(split.keyspace(), split.shard())));
        }
        return connection;
    }

    private static String gtidExecuted(Connection conn) throws SQLException {
        try (Statement statement = conn.createStatement();
                ResultSet rs = statement.executeQuery("SELECT @@global.gtid_executed")) {
            if (!rs.next()) {
                throw new SQLException("no answer to SELECT @@global.gtid_executed");
            }
            String value = rs.getString(1);
            return FLAVOR + (value == null ? "" : value.replaceAll("\\s", ""));
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // being replaced
            }
            connection = null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closeConnection();
    }

    /** A row's primary key, comparable by its bytes. */
    private static final class Key {
        final byte[][] values;
        final int hash;

        private Key(byte[][] values) {
            this.values = values;
            this.hash = java.util.Arrays.deepHashCode(values);
        }

        static Key of(byte[][] row, int[] keyIndex) {
            byte[][] values = new byte[keyIndex.length][];
            for (int i = 0; i < keyIndex.length; i++) {
                values[i] = row[keyIndex[i]];
            }
            return new Key(values);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && java.util.Arrays.deepEquals(values, ((Key) o).values);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (byte[] value : values) {
                sb.append(sb.length() == 0 ? "" : ",")
                        .append(new String(value, StandardCharsets.UTF_8));
            }
            return sb.toString();
        }
    }
}
