package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.client.VStreamErrors;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.filter.RowFilter;
import io.github.vstreamcdc.source.snapshot.ChunkPlanner;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.SplitBounds;
import io.github.vstreamcdc.source.types.ColumnText;
import io.github.vstreamcdc.source.types.MySqlCharsets;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.source.types.MySqlKind;
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

import javax.annotation.Nullable;

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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads chunks of an incremental snapshot, the DBLog way, without locks: per chunk, the shard's
 * GTID set before (low watermark) and after (high watermark) a SELECT of the chunk's key range, in
 * one transaction so that all three see the same tablet; then, if a chunk's two differ, the binlog
 * from the earliest low watermark (one VStream of their tables for the chunks read together) is
 * applied to each chunk's rows up to its high watermark, so that each chunk is exactly the table's
 * range as of its high watermark.
 */
@Internal
final class ChunkSnapshotReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkSnapshotReader.class);

    private static final String FLAVOR = "MySQL56/";
    private static final int ATTEMPTS = 3;

    /** Reads of a fetch again because a table's columns changed (not failures). */
    private static final int SCHEMA_CHANGE_READS = 10;

    private static final int OWNED_WAIT_SECONDS = 1;

    private static final Pattern OWNED_GTID =
            Pattern.compile(
                    "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
                            + "|:(\\d+)#\\d+?(?=[:,\\s]|$|[0-9a-fA-F]{8}-)");
    private static final long BACKFILL_TIMEOUT_MINUTES = 10;

    private final PlanetScaleSourceConfig config;
    private final VtgateSqlClient sql;
    private final Supplier<Channel> channel;
    private final Map<String, List<ColumnDescription>> columnsByTable = new HashMap<>();

    /** Per table, the high watermark after which its listed columns were last found current. */
    private final Map<String, String> columnsCheckedAt = new HashMap<>();

    private Connection connection;

    /** Set when this user may not read gtid_owned: no more waits. */
    private boolean skipOwnedWait;

    ChunkSnapshotReader(PlanetScaleSourceConfig config, Supplier<Channel> channel) {
        this.config = config;
        this.sql = new VtgateSqlClient(config.connection());
        this.channel = channel;
    }

    /**
     * Reads chunks of one shard: each chunk's rows as of its high watermark, as snapshot rows, with
     * that watermark as the batch's position; one batch per chunk, in order.
     */
    List<ChangeBatch> read(List<ShardSplit> splits) {
        RuntimeException last = null;
        int schemaChanges = 0;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return readOnce(splits);
            } catch (KeyChanged e) {
                // Not retried: reading again, or restoring from a checkpoint, meets the same key.
                closeConnection();
                throw new VitessException(e.getMessage(), e);
            } catch (ColumnsChanged e) {
                // Not a failure: read the fetch again with the columns as they are now.
                if (++schemaChanges > SCHEMA_CHANGE_READS) {
                    throw new VitessException(
                            e.getMessage() + ", " + SCHEMA_CHANGE_READS + " times in a row");
                }
                LOG.info("{}; reading chunks {} again", e.getMessage(), chunkNames(splits));
                columnsByTable.clear();
                columnsCheckedAt.clear();
                attempt--;
            } catch (SQLException | StatusRuntimeException | VitessException e) {
                ShardSplit first = splits.get(0);
                last =
                        new VitessException(
                                "Reading snapshot chunks "
                                        + chunkNames(splits)
                                        + " of shard "
                                        + first.keyspace()
                                        + "/"
                                        + first.shard()
                                        + " failed: "
                                        + VitessException.firstLine(String.valueOf(e.getMessage())),
                                e);
                if (!stillServes(first)) {
                    closeConnection();
                    throw new ShardNotServing(first.keyspace() + "/" + first.shard(), last);
                }
                LOG.warn("{} (attempt {} of {})", last.getMessage(), attempt, ATTEMPTS);
                closeConnection();
                columnsByTable.clear();
                columnsCheckedAt.clear();
                sleep(attempt * 1000L);
            }
        }
        throw last;
    }

    /**
     * Whether VTGate still lists the split's shard as serving; true if it cannot tell (the failure
     * at hand is then the one to report).
     */
    private boolean stillServes(ShardSplit split) {
        try {
            return sql.listShards(split.keyspace()).contains(split.shard());
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * Chunks cannot be read because their shard no longer serves: a reshard cut over to new shards.
     */
    static final class ShardNotServing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ShardNotServing(String shard, Throwable cause) {
            super(
                    "Shard "
                            + shard
                            + " no longer serves (a reshard cut over): "
                            + cause.getMessage(),
                    cause);
        }
    }

    private static List<String> chunkNames(List<ShardSplit> splits) {
        List<String> names = new ArrayList<>();
        for (ShardSplit split : splits) {
            names.add(split.chunk().toString());
        }
        return names;
    }

    private List<ChangeBatch> readOnce(List<ShardSplit> splits) throws SQLException {
        List<ChunkRows> reads = new ArrayList<>(splits.size());
        for (ShardSplit split : splits) {
            reads.add(select(split));
        }
        int applied = 0;
        boolean moved = false;
        for (ChunkRows read : reads) {
            moved |= !read.low.equals(read.high);
        }
        if (moved) {
            ChunkRows earliest = earliest(reads);
            if (earliest != null) {
                applied = backfill(reads, earliest.low);
            } else {
                // Watermarks of more than one history (a reconnect to another tablet): one by one.
                for (ChunkRows read : reads) {
                    if (!read.low.equals(read.high)) {
                        applied += backfill(Collections.singletonList(read), read.low);
                    }
                }
            }
        }
        List<ChangeBatch> batches = new ArrayList<>(reads.size());
        int rows = 0;
        for (ChunkRows read : reads) {
            batches.add(read.toBatch());
            rows += read.rows.size();
        }
        LOG.debug(
                "Read snapshot chunks {} of {}/{}: {} rows, {} binlog changes applied, up to {}",
                chunkNames(splits),
                splits.get(0).keyspace(),
                splits.get(0).shard(),
                rows,
                applied,
                reads.get(reads.size() - 1).high);
        return batches;
    }

    /**
     * Throws {@link ColumnsChanged} if the table's columns on the chunk's tablet differ from the
     * ones the chunk was selected and will be decoded with (listed once per table and reader): a
     * DDL between two chunks would otherwise leave an added column out of later chunks or decode
     * their text by the old character set; {@link KeyChanged} if its primary key is no longer the
     * one the chunk was cut by (the chunk's rows, placed by that key, could collapse or fall into
     * another chunk). Read in the chunk's transaction, whose metadata lock holds the schema its
     * SELECT saw. Skipped while the shard has no new transaction since the last check: a DDL is
     * one.
     */
    private void checkColumnsCurrent(
            Connection conn,
            ShardSplit split,
            List<ColumnDescription> columns,
            String low,
            String high)
            throws SQLException {
        String table = split.chunk().table();
        String checkedAt = columnsCheckedAt.get(table);
        if (checkedAt != null && checkedAt.equals(low) && low.equals(high)) {
            return;
        }
        String keyChange;
        try (Statement statement = conn.createStatement()) {
            keyChange = ChunkPlanner.keyChange(statement, split.chunk());
        }
        if (keyChange != null) {
            throw keyChanged(split, ", at " + high, keyChange);
        }
        List<ColumnDescription> now = new ArrayList<>();
        for (MySqlColumn column : VtgateSqlClient.listColumns(conn, table)) {
            now.add(ColumnDescription.of(column));
        }
        if (!signature(columns).equals(signature(now))) {
            throw new ColumnsChanged(
                    "The columns of table " + table + " changed while its chunks were read");
        }
        columnsCheckedAt.put(table, high);
    }

    /** A table's columns changed between listing them and reading a chunk. */
    private static final class ColumnsChanged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ColumnsChanged(String message) {
            super(message);
        }
    }

    private static KeyChanged keyChanged(ShardSplit split, String at, String change) {
        return new KeyChanged(
                "The primary key of table "
                        + split.keyspace()
                        + "."
                        + split.chunk().table()
                        + " changed on shard "
                        + split.keyspace()
                        + "/"
                        + split.shard()
                        + " while its incremental snapshot was read (chunk "
                        + split.chunk().index()
                        + at
                        + "), "
                        + change
                        + ": chunks cut by the old key cannot be read exactly. Start the job anew,"
                        + " without its checkpoint, or read the table with the VStream copy"
                        + " ('scan.incremental-snapshot.enabled' = 'false')");
    }

    /** A table's primary key changed between cutting it into chunks and reading a chunk. */
    private static final class KeyChanged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyChanged(String message) {
            super(message);
        }
    }

    /** What decides how a table's rows are read and decoded: names, types, nullability, sets. */
    private static List<String> signature(List<ColumnDescription> columns) {
        List<String> signature = new ArrayList<>(columns.size());
        for (ColumnDescription column : columns) {
            MySqlColumn c = column.mysqlColumn();
            signature.add(c.name() + " " + c.typeName() + " " + c.notNull() + " " + c.charset());
        }
        return signature;
    }

    /** The read whose low watermark every other watermark contains; null if none. */
    private static ChunkRows earliest(List<ChunkRows> reads) {
        for (ChunkRows candidate : reads) {
            boolean first = true;
            for (ChunkRows other : reads) {
                if (!GtidSet.contains(other.low, candidate.low)) {
                    first = false;
                    break;
                }
            }
            if (first) {
                return candidate;
            }
        }
        return null;
    }

    /** One chunk's low watermark, rows (by key) and high watermark. */
    private static final class ChunkRows {
        final ShardSplit split;
        final List<ColumnDescription> columns;
        final int[] keyIndex;
        final String low;
        final String high;
        final GtidSet highSet;
        final Map<Key, byte[][]> rows;

        ChunkRows(
                ShardSplit split,
                List<ColumnDescription> columns,
                int[] keyIndex,
                String low,
                String high,
                Map<Key, byte[][]> rows) {
            this.split = split;
            this.columns = columns;
            this.keyIndex = keyIndex;
            this.low = low;
            this.high = high;
            this.highSet = GtidSet.parseMysql56(high);
            this.rows = rows;
        }

        String table() {
            return split.chunk().table();
        }

        ChangeBatch toBatch() {
            List<RowChangeEvent> events = new ArrayList<>(rows.size());
            long seq = 0;
            for (byte[][] values : rows.values()) {
                events.add(
                        new RowChangeEvent(
                                split.keyspace(),
                                split.shard(),
                                table(),
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
    }

    /** The chunk's rows between its low and high watermark, in one transaction on one tablet. */
    private ChunkRows select(ShardSplit split) throws SQLException {
        TableChunk chunk = split.chunk();
        String table = chunk.table();
        List<ColumnDescription> columns = columns(split.keyspace(), table);
        Connection conn = connection(split);
        Map<Key, byte[][]> rows = new LinkedHashMap<>();
        int[] keyIndex = keyIndex(columns, split);
        List<String> conditions = new ArrayList<>();
        String keyRange = ChunkPlanner.condition(chunk);
        if (!keyRange.isEmpty()) {
            conditions.add("(" + keyRange + ")");
        }
        RowFilter filter = config.rowFilter();
        if (filter != null && !filter.conditions().isEmpty()) {
            // The VStream rule's filter (push-down): the chunks hold the rows the streams send.
            conditions.add("(" + filter.whereClause() + ")");
        }
        String select =
                "SELECT "
                        + selectList(columns)
                        + " FROM "
                        + VtgateSqlClient.quote(table)
                        + (conditions.isEmpty()
                                ? ""
                                : " WHERE " + String.join(" AND ", conditions));
        try {
            String low = gtidExecuted(conn);
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
            String high = highWatermark(conn, split);
            checkColumnsCurrent(conn, split, columns, low, high);
            conn.commit();
            return new ChunkRows(split, columns, keyIndex, low, high, rows);
        } catch (SQLException | RuntimeException e) {
            try {
                conn.rollback();
            } catch (SQLException ignored) {
                // the connection is dropped by the caller
            }
            throw e;
        }
    }

    /**
     * Applies the binlog from {@code from} on to the chunks' rows: each transaction to the chunks
     * whose high watermark holds it (a transaction before a chunk's low watermark is already in its
     * rows, and replaying it in order changes nothing), until every high watermark is reached.
     *
     * @return the number of row changes applied
     */
    private int backfill(List<ChunkRows> reads, String from) {
        ShardSplit first = reads.get(0).split;
        Set<String> tables = new TreeSet<>();
        GtidSet all = GtidSet.parseMysql56(from);
        for (ChunkRows read : reads) {
            tables.add(read.table());
            all = read.highSet.contains(all) ? read.highSet : all;
        }
        for (ChunkRows read : reads) {
            if (!all.contains(read.highSet)) {
                throw new VitessException(
                        "the high watermarks "
                                + read.high
                                + " and "
                                + all
                                + " are of two histories");
            }
        }
        GtidSet end = all;
        Vtgate.VStreamRequest request =
                VStreamRequests.forSplit(
                        config,
                        first.keyspace(),
                        first.shard(),
                        ShardPosition.of(from),
                        SplitBounds.NONE,
                        tables,
                        null);
        String prefix = first.keyspace() + ".";
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
            Map<String, int[]> orders = new HashMap<>();
            List<Object[]> transaction = new ArrayList<>();
            // the position after the last whole transaction read: the next one's rows follow it
            String after = from;
            while (responses.hasNext()) {
                for (Binlogdata.VEvent event : responses.next().getEventsList()) {
                    switch (event.getType()) {
                        case FIELD:
                            String fieldTable =
                                    unqualified(event.getFieldEvent().getTableName(), prefix);
                            ChunkRows sample = readOf(reads, fieldTable);
                            if (sample != null) {
                                orders.put(
                                        fieldTable,
                                        order(
                                                sample.columns,
                                                event.getFieldEvent().getFieldsList()));
                            }
                            break;
                        case ROW:
                            String rowTable =
                                    unqualified(event.getRowEvent().getTableName(), prefix);
                            int[] order = orders.get(rowTable);
                            if (readOf(reads, rowTable) == null) {
                                break;
                            }
                            if (order == null) {
                                throw new VitessException("a row came before its table's fields");
                            }
                            for (Binlogdata.RowChange change :
                                    event.getRowEvent().getRowChangesList()) {
                                // a partial image would replace the chunk's row with NULLs
                                RowImages.checkFull(
                                        change, first, rowTable, ShardPosition.of(after));
                                transaction.add(
                                        new Object[] {
                                            rowTable,
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
                            // VStream passes on every DDL; only one of a chunk's table matters.
                            if (!DdlStatements.tablesNamed(event.getStatement(), tables)
                                    .isEmpty()) {
                                throw new VitessException(
                                        "a table's schema changed while its chunks were read: "
                                                + event.getStatement());
                            }
                            break;
                        case VGTID:
                            GtidSet at = positionOf(event.getVgtid(), first);
                            if (at == null) {
                                break;
                            }
                            for (Object[] change : transaction) {
                                for (ChunkRows read : reads) {
                                    if (read.table().equals(change[0])
                                            && read.highSet.contains(at)) {
                                        applied +=
                                                apply(
                                                        read,
                                                        (byte[][]) change[1],
                                                        (byte[][]) change[2],
                                                        config.rowFilter());
                                    }
                                }
                            }
                            after = "MySQL56/" + at;
                            transaction.clear();
                            if (!end.contains(at) || at.contains(end)) {
                                return applied;
                            }
                            break;
                        default:
                            break;
                    }
                }
            }
            throw new VitessException(
                    "the binlog stream from " + from + " ended before reaching " + end);
        } catch (StatusRuntimeException e) {
            // Told as a stream's failure is (purged binlog, message too large, unreachable VTGate).
            throw new VitessException(
                    VStreamErrors.describe(
                            e.getStatus(),
                            config.connection().grpcTarget(),
                            first.keyspace(),
                            first.shard(),
                            from),
                    e);
        } finally {
            context.detach(previous);
            context.cancel(null);
        }
    }

    private static String unqualified(String table, String prefix) {
        return table.startsWith(prefix) ? table.substring(prefix.length()) : table;
    }

    private static ChunkRows readOf(List<ChunkRows> reads, String table) {
        for (ChunkRows read : reads) {
            if (read.table().equals(table)) {
                return read;
            }
        }
        return null;
    }

    /**
     * Applies one row change to a chunk's rows; a new image outside the pushed-down filter leaves
     * the chunk (as the chunk's SELECT would not have read it).
     */
    private static int apply(
            ChunkRows read, byte[][] before, byte[][] after, @Nullable RowFilter filter) {
        TableChunk chunk = read.split.chunk();
        int[] keyIndex = read.keyIndex;
        Map<Key, byte[][]> rows = read.rows;
        int applied = 0;
        if (before != null) {
            Key key = Key.of(before, keyIndex);
            if (chunk.contains(key.values)) {
                rows.remove(key);
                applied = 1;
            }
        }
        if (after != null) {
            Key key = Key.of(after, keyIndex);
            if (chunk.contains(key.values)
                    && (filter == null
                            || filter.conditions().isEmpty()
                            || filter.test(read.columns, after))) {
                rows.put(key, after);
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

    /**
     * The columns as VStream's copy sends them: text of a character set other than UTF-8 as its
     * stored bytes (the driver's results are UTF-8), which the binlog's rows also carry.
     */
    static String selectList(List<ColumnDescription> columns) {
        StringBuilder sb = new StringBuilder();
        for (ColumnDescription column : columns) {
            String name = VtgateSqlClient.quote(column.name());
            sb.append(sb.length() == 0 ? "" : ", ")
                    .append(
                            isStoredText(column.mysqlColumn())
                                    ? "CAST(" + name + " AS BINARY)"
                                    : name);
        }
        return sb.toString();
    }

    private static boolean isStoredText(MySqlColumn column) {
        switch (column.kind() == null ? MySqlKind.BINARY : column.kind()) {
            case TEXT:
            case ENUM:
            case SET:
                return MySqlCharsets.ofCollation(column.charset()) != null
                        && !ColumnText.of(column).isUtf8();
            default:
                return false;
        }
    }

    private static int[] keyIndex(List<ColumnDescription> columns, ShardSplit split) {
        List<String> keyColumns = split.chunk().keyColumns();
        int[] index = new int[keyColumns.size()];
        for (int k = 0; k < keyColumns.size(); k++) {
            index[k] = -1;
            for (int c = 0; c < columns.size(); c++) {
                if (columns.get(c).name().equalsIgnoreCase(keyColumns.get(k))) {
                    index[k] = c;
                }
            }
            if (index[k] < 0) {
                // dropped or renamed (the SELECT of the columns listed before failed first)
                throw keyChanged(split, "", "its key column " + keyColumns.get(k) + " is gone");
            }
        }
        return index;
    }

    /** The table's columns, the same list for all its chunks (deserializers cache by identity). */
    private List<ColumnDescription> columns(String keyspace, String table) {
        return columnsByTable.computeIfAbsent(table, t -> listColumns(keyspace, t));
    }

    private List<ColumnDescription> listColumns(String keyspace, String table) {
        List<ColumnDescription> columns = new ArrayList<>();
        for (MySqlColumn column : sql.listColumns(keyspace, table)) {
            columns.add(ColumnDescription.of(column));
        }
        return Collections.unmodifiableList(columns);
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

    /**
     * The shard's executed GTID set once it holds every transaction the SELECT before could see.
     * MySQL makes a commit group's changes visible before it adds their GTIDs to {@code
     * gtid_executed}, so that set read right after the SELECT can lack a transaction whose change
     * the chunk holds (the change would come twice: in the chunk and from the stream). Until then
     * the transaction owns its GTID: the GTIDs owned now are waited for (microseconds on a PRIMARY;
     * a replica's applier owns one for its whole transaction), then the set is read.
     */
    private String highWatermark(Connection conn, ShardSplit split) throws SQLException {
        String owned = skipOwnedWait ? "" : gtidOwned(conn);
        if (!owned.isEmpty()) {
            try (PreparedStatement statement =
                    conn.prepareStatement("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)")) {
                statement.setString(1, owned);
                statement.setInt(2, OWNED_WAIT_SECONDS);
                try (ResultSet rs = statement.executeQuery()) {
                    if (rs.next() && rs.getInt(1) != 0) {
                        // Still owned after a second: a replica's applier inside a transaction
                        // (or one waiting for this chunk's metadata lock), not one the SELECT saw.
                        LOG.debug(
                                "GTIDs {} of {}/{} still owned after {} s (chunk {})",
                                owned,
                                split.keyspace(),
                                split.shard(),
                                OWNED_WAIT_SECONDS,
                                split.chunk());
                    }
                }
            }
        }
        return gtidExecuted(conn);
    }

    private String gtidOwned(Connection conn) throws SQLException {
        try (Statement statement = conn.createStatement();
                ResultSet rs = statement.executeQuery("SELECT @@global.gtid_owned")) {
            return rs.next() ? ownedGtids(rs.getString(1)) : "";
        } catch (SQLException e) {
            if (!isAccessDenied(e)) {
                throw e;
            }
            LOG.warn(
                    "Cannot read @@global.gtid_owned ({}); a chunk's high watermark may miss a"
                            + " transaction committing as it is read",
                    VitessException.firstLine(String.valueOf(e.getMessage())));
            skipOwnedWait = true;
            return "";
        }
    }

    private static boolean isAccessDenied(SQLException e) {
        String state = e.getSQLState();
        return e.getErrorCode() == 1227
                || e.getErrorCode() == 1142
                || (state != null && state.startsWith("42000"))
                || String.valueOf(e.getMessage()).contains("denied");
    }

    /**
     * {@code @@global.gtid_owned} (GTIDs with their owning thread, {@code uuid:7#12:9#15} per
     * server, with or without a separator between servers) as a GTID set ({@code uuid:7:9,...}).
     */
    static String ownedGtids(@Nullable String owned) {
        if (owned == null) {
            return "";
        }
        StringBuilder set = new StringBuilder();
        boolean server = false;
        Matcher m = OWNED_GTID.matcher(owned);
        while (m.find()) {
            if (m.group(1) != null) {
                set.append(set.length() == 0 ? "" : ",").append(m.group(1));
                server = true;
            } else if (server) {
                set.append(':').append(m.group(2));
            }
        }
        return set.toString();
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
        VtgateSqlClient.closeQuietly(connection);
        connection = null;
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
