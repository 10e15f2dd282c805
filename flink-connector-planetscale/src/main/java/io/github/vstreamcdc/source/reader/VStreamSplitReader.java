package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.VStreamChannels;
import io.github.vstreamcdc.source.client.VStreamErrors;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.reader.deserializer.RowChangeEvent;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads the VStreams of the splits assigned to one reader, one gRPC call per shard, and cuts their
 * events into {@link ChangeBatch}es that end at safe resume points.
 */
@Internal
public final class VStreamSplitReader implements SplitReader<ChangeBatch, ShardSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(VStreamSplitReader.class);

    /** Responses a shard's stream may have in flight before the reader takes them. */
    static final int PREFETCH = 4;

    private static final int MAX_SIGNALS_PER_FETCH = 64;
    private static final long POLL_TIMEOUT_MS = 500;
    private static final int MAX_RECONNECT_ATTEMPTS = 10;
    private static final long MAX_BACKOFF_MS = 30_000;

    private static final ShardStream.Signal WAKE_UP = new ShardStream.Signal(null, null, null);

    private final PlanetScaleSourceConfig config;
    private final Supplier<ManagedChannel> channelFactory;
    private final LinkedBlockingQueue<ShardStream.Signal> signals = new LinkedBlockingQueue<>();
    private final Map<String, ShardCursor> cursors = new LinkedHashMap<>();
    private final ShardReaderMetrics metrics;
    private ManagedChannel channel;

    public VStreamSplitReader(PlanetScaleSourceConfig config, ShardReaderMetrics metrics) {
        this(config, () -> VStreamChannels.open(config.connection()), metrics);
    }

    VStreamSplitReader(
            PlanetScaleSourceConfig config,
            Supplier<ManagedChannel> channelFactory,
            ShardReaderMetrics metrics) {
        this.config = config;
        this.channelFactory = channelFactory;
        this.metrics = metrics;
    }

    @Override
    public RecordsWithSplitIds<ChangeBatch> fetch() throws IOException {
        RecordsBySplits.Builder<ChangeBatch> out = new RecordsBySplits.Builder<>();
        startDueStreams();
        ShardStream.Signal signal;
        try {
            signal = signals.poll(pollTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out.build();
        }
        int handled = 0;
        while (signal != null) {
            if (signal != WAKE_UP) {
                handle(signal, out);
                handled++;
            }
            if (handled >= MAX_SIGNALS_PER_FETCH) {
                break;
            }
            signal = signals.poll();
        }
        return out.build();
    }

    private long pollTimeoutMs() {
        long now = System.currentTimeMillis();
        long timeout = POLL_TIMEOUT_MS;
        for (ShardCursor cursor : cursors.values()) {
            if (cursor.stream == null) {
                timeout = Math.min(timeout, Math.max(0, cursor.reconnectAtMillis - now));
            }
        }
        return timeout;
    }

    private void handle(ShardStream.Signal signal, RecordsBySplits.Builder<ChangeBatch> out)
            throws IOException {
        ShardCursor cursor = cursors.get(signal.source.splitId());
        if (cursor == null || cursor.stream != signal.source) {
            return; // from a stream that was replaced or removed
        }
        if (signal.response != null) {
            cursor.attempts = 0;
            for (Binlogdata.VEvent event : signal.response.getEventsList()) {
                cursor.onEvent(event, out);
                if (cursor.finished) {
                    break;
                }
            }
            if (cursor.finished) {
                cursor.stream.cancel();
                cursors.remove(cursor.split.splitId());
                out.addFinishedSplit(cursor.split.splitId());
            } else {
                cursor.stream.consumed();
            }
        } else {
            onClosed(cursor, signal.closeStatus);
        }
    }

    private void onClosed(ShardCursor cursor, Status status) throws IOException {
        cursor.stream = null;
        String position = cursor.safePosition.toString();
        if (status.isOk()) {
            LOG.info("VStream of {} ended at {}; reconnecting", cursor.split.splitId(), position);
        } else if (!VStreamErrors.isTransient(status)) {
            throw new VitessException(
                    VStreamErrors.describe(
                            status,
                            config.connection().grpcTarget(),
                            cursor.split.keyspace(),
                            cursor.split.shard(),
                            position),
                    status.asRuntimeException());
        }
        cursor.attempts++;
        if (cursor.attempts > MAX_RECONNECT_ATTEMPTS) {
            throw new VitessException(
                    "Gave up after "
                            + MAX_RECONNECT_ATTEMPTS
                            + " reconnects: "
                            + VStreamErrors.describe(
                                    status,
                                    config.connection().grpcTarget(),
                                    cursor.split.keyspace(),
                                    cursor.split.shard(),
                                    position),
                    status.asRuntimeException());
        }
        long backoff = Math.min(MAX_BACKOFF_MS, 500L << Math.min(cursor.attempts, 16));
        LOG.warn(
                "VStream of {} at {} closed ({}: {}); reconnect {} of {} in {} ms",
                cursor.split.splitId(),
                position,
                status.getCode(),
                status.getDescription(),
                cursor.attempts,
                MAX_RECONNECT_ATTEMPTS,
                backoff);
        cursor.resetToSafePosition();
        cursor.reconnectAtMillis = System.currentTimeMillis() + backoff;
        metrics.reconnected();
    }

    private void startDueStreams() {
        long now = System.currentTimeMillis();
        for (ShardCursor cursor : cursors.values()) {
            if (cursor.stream == null && cursor.reconnectAtMillis <= now) {
                start(cursor);
            }
        }
    }

    private void start(ShardCursor cursor) {
        if (channel == null) {
            channel = channelFactory.get();
        }
        Vtgate.VStreamRequest request =
                VStreamRequests.forSplit(
                        config, cursor.split.keyspace(), cursor.split.shard(), cursor.safePosition);
        LOG.info(
                "Opening VStream of {} at {}{}",
                cursor.split.splitId(),
                cursor.safePosition,
                cursor.rowsToDrop > 0
                        ? ", skipping " + cursor.rowsToDrop + " rows emitted before"
                        : "");
        ShardStream stream = new ShardStream(cursor.split.splitId(), channel, CallOptions.DEFAULT);
        cursor.stream = stream;
        stream.start(request, new Metadata(), signals, PREFETCH);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<ShardSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported splits change: " + splitsChanges.getClass());
        }
        for (ShardSplit split : splitsChanges.splits()) {
            ShardCursor cursor = new ShardCursor(split);
            cursors.put(split.splitId(), cursor);
            metrics.registerShard(split.splitId());
        }
    }

    @Override
    public void wakeUp() {
        signals.add(WAKE_UP);
    }

    @Override
    public void close() {
        for (ShardCursor cursor : cursors.values()) {
            if (cursor.stream != null) {
                cursor.stream.cancel();
            }
        }
        cursors.clear();
        VStreamChannels.close(channel);
        channel = null;
    }

    /** The reading progress of one split, as far as this thread has read it. */
    private final class ShardCursor {
        final ShardSplit split;
        final String tablePrefix;

        /** Per table: the columns of its latest FIELD event on this shard. */
        final Map<String, List<Query.Field>> schemas = new HashMap<>();

        ShardStream stream;
        int attempts;
        long reconnectAtMillis;
        boolean finished;

        /** Where a (re)connect starts. */
        ShardPosition safePosition;

        /** Row changes after the safe position already handed to the emitter. */
        long rowsSinceSafe;

        /** Row changes still to drop after a (re)connect: they were handed before. */
        long rowsToDrop;

        boolean copying;
        ShardPosition pending;
        final List<RowChangeEvent> buffer = new ArrayList<>();
        long lastEventTimeMillis;

        ShardCursor(ShardSplit split) {
            this.split = split;
            this.tablePrefix = split.keyspace() + ".";
            this.safePosition = split.position();
            this.rowsSinceSafe = split.rowsToSkip();
            resetToSafePosition();
        }

        void resetToSafePosition() {
            rowsToDrop = rowsSinceSafe;
            copying = safePosition.isCopying();
            pending = null;
            buffer.clear();
            schemas.clear();
        }

        void onEvent(Binlogdata.VEvent event, RecordsBySplits.Builder<ChangeBatch> out)
                throws IOException {
            if (event.getTimestamp() > 0) {
                lastEventTimeMillis = event.getTimestamp() * 1000;
                metrics.eventSeen(split.splitId(), lastEventTimeMillis, event.getCurrentTime());
            }
            switch (event.getType()) {
                case FIELD:
                    Binlogdata.FieldEvent fieldEvent = event.getFieldEvent();
                    schemas.put(tableName(fieldEvent.getTableName()), fieldEvent.getFieldsList());
                    break;
                case ROW:
                    onRows(event, out);
                    break;
                case VGTID:
                    pending = positionFrom(event.getVgtid());
                    break;
                case COMMIT:
                case DDL:
                case OTHER:
                case ROLLBACK:
                    safePoint(out);
                    break;
                case COPY_COMPLETED:
                    onCopyCompleted(event, out);
                    break;
                case JOURNAL:
                    throw new VitessException(
                            "Shard "
                                    + split.splitId()
                                    + " is being resharded (JOURNAL event at "
                                    + safePosition
                                    + "). Following a reshard is not supported by this version"
                                    + " of the connector; restart the job with a new snapshot"
                                    + " after the reshard completed.");
                case HEARTBEAT:
                    metrics.heartbeat(split.splitId());
                    break;
                default:
                    // GTID, BEGIN, VERSION, LASTPK (vtgate turns it into VGTID), ...
                    break;
            }
        }

        private void onRows(Binlogdata.VEvent event, RecordsBySplits.Builder<ChangeBatch> out)
                throws IOException {
            Binlogdata.RowEvent rowEvent = event.getRowEvent();
            String table = tableName(rowEvent.getTableName());
            List<Query.Field> fields = schemas.get(table);
            if (fields == null) {
                throw new VitessException(
                        "VStream of shard "
                                + split.splitId()
                                + " sent rows of table '"
                                + table
                                + "' before its FIELD event (position "
                                + safePosition
                                + ")");
            }
            long commitMillis = event.getTimestamp() * 1000;
            List<RowChangeEvent> rows = copying ? buffer : new ArrayList<>();
            for (Binlogdata.RowChange change : rowEvent.getRowChangesList()) {
                if (rowsToDrop > 0) {
                    rowsToDrop--;
                    continue;
                }
                checkFullImage(change, table);
                byte[][] before = change.hasBefore() ? RowValues.decode(change.getBefore()) : null;
                byte[][] after = change.hasAfter() ? RowValues.decode(change.getAfter()) : null;
                RowChangeEvent.Op op;
                if (before == null) {
                    op =
                            copying && event.getTimestamp() == 0
                                    ? RowChangeEvent.Op.READ
                                    : RowChangeEvent.Op.INSERT;
                } else {
                    op = after == null ? RowChangeEvent.Op.DELETE : RowChangeEvent.Op.UPDATE;
                }
                rows.add(
                        new RowChangeEvent(
                                split.keyspace(),
                                split.shard(),
                                table,
                                op,
                                fields,
                                before,
                                after,
                                op == RowChangeEvent.Op.READ ? 0 : commitMillis,
                                safePosition.gtid()));
            }
            if (!copying && !rows.isEmpty()) {
                rowsSinceSafe += rows.size();
                out.add(split.splitId(), new ChangeBatch(rows, null, lastEventTimeMillis));
            }
        }

        private void checkFullImage(Binlogdata.RowChange change, String table) {
            if (change.hasDataColumns() && !allSet(change.getDataColumns())) {
                throw new VitessException(
                        "Table '"
                                + split.keyspace()
                                + "."
                                + table
                                + "' on shard "
                                + split.shard()
                                + " sent a partial row image (binlog_row_image is not FULL)."
                                + " The connector needs full row images: set"
                                + " binlog_row_image=FULL on the tablets.");
            }
            if (change.hasJsonPartialValues() && change.getJsonPartialValues().getCount() > 0) {
                throw new VitessException(
                        "Table '"
                                + split.keyspace()
                                + "."
                                + table
                                + "' on shard "
                                + split.shard()
                                + " sent a partial JSON update (binlog_row_value_options="
                                + "PARTIAL_JSON). Turn that option off on the tablets.");
            }
        }

        private boolean allSet(Binlogdata.RowChange.Bitmap bitmap) {
            byte[] cols = bitmap.getCols().toByteArray();
            for (long i = 0; i < bitmap.getCount(); i++) {
                int index = (int) (i >>> 3);
                if (index >= cols.length || (cols[index] & (1 << (i & 7))) == 0) {
                    return false;
                }
            }
            return true;
        }

        private void safePoint(RecordsBySplits.Builder<ChangeBatch> out) {
            if (pending == null) {
                if (copying && !buffer.isEmpty()) {
                    throw new IllegalStateException(
                            "Copy-phase rows of " + split.splitId() + " ended without a position");
                }
                return;
            }
            if (rowsToDrop > 0) {
                throw new VitessException(
                        "Shard "
                                + split.splitId()
                                + " replayed a transaction with fewer row changes than were"
                                + " already emitted after position "
                                + safePosition
                                + "; the binlog differs from the one read before.");
            }
            List<RowChangeEvent> rows = new ArrayList<>(buffer);
            buffer.clear();
            safePosition = pending;
            pending = null;
            rowsSinceSafe = 0;
            out.add(split.splitId(), new ChangeBatch(rows, safePosition, lastEventTimeMillis));
        }

        private void onCopyCompleted(
                Binlogdata.VEvent event, RecordsBySplits.Builder<ChangeBatch> out) {
            if (!copying) {
                return;
            }
            String gtid = pending != null ? pending.gtid() : safePosition.gtid();
            pending = ShardPosition.of(gtid);
            safePoint(out);
            copying = false;
            LOG.info("Copy phase of {} completed at {}", split.splitId(), gtid);
            if (split.snapshotOnly()) {
                finished = true;
            }
        }

        private ShardPosition positionFrom(Binlogdata.VGtid vgtid) {
            for (Binlogdata.ShardGtid shardGtid : vgtid.getShardGtidsList()) {
                if (shardGtid.getKeyspace().equals(split.keyspace())
                        && shardGtid.getShard().equals(split.shard())) {
                    if (!copying) {
                        return ShardPosition.of(shardGtid.getGtid());
                    }
                    ShardPosition base = pending != null ? pending : safePosition;
                    Set<String> inProgress = new HashSet<>();
                    for (Binlogdata.TableLastPK pk : shardGtid.getTablePKsList()) {
                        inProgress.add(pk.getTableName());
                    }
                    // A table that was being copied and left the VGtid has been copied in full.
                    Set<String> remaining = new LinkedHashSet<>(base.remainingTables());
                    for (Binlogdata.TableLastPK pk : base.tablePKs()) {
                        if (!inProgress.contains(pk.getTableName())) {
                            remaining.remove(pk.getTableName());
                        }
                    }
                    return new ShardPosition(
                            shardGtid.getGtid(), shardGtid.getTablePKsList(), remaining);
                }
            }
            return pending;
        }

        private String tableName(String qualified) {
            return qualified.startsWith(tablePrefix)
                    ? qualified.substring(tablePrefix.length())
                    : qualified;
        }
    }
}
