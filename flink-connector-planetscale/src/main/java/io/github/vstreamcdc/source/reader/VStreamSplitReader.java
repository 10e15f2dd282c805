package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.client.PositionCheck;
import io.github.vstreamcdc.source.client.VStreamChannels;
import io.github.vstreamcdc.source.client.VStreamErrors;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.reader.deserializer.VStreamColumns;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Topodata;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
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
import java.util.stream.Collectors;

/**
 * Reads the VStreams of the splits assigned to one reader, one gRPC call per shard, and cuts their
 * events into {@link ChangeBatch}es that end at safe resume points.
 *
 * <p>A stream that fails with a transient error is reopened from its last safe position after a
 * backoff; the rows of the open transaction that were already handed over are dropped from the
 * replay. After {@code reconnect.max-attempts} failures in a row without progress the reader fails
 * with a message that names the shard, the position and what to check.
 */
@Internal
public final class VStreamSplitReader implements SplitReader<ChangeBatch, ShardSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(VStreamSplitReader.class);

    /** Responses a shard's stream may have in flight before the reader takes them. */
    static final int PREFETCH = 4;

    static final long DEFAULT_INITIAL_BACKOFF_MS = 500;
    static final long DEFAULT_MAX_BACKOFF_MS = 5_000;

    /**
     * A stream that stayed open this long counts as healthy even if it delivered nothing (an idle
     * shard). Longer than VTGate's 90 s search for a tablet, which ends a stream from a position no
     * tablet serves.
     */
    static final long STABLE_STREAM_MS = 5 * 60_000;

    private static final int MAX_SIGNALS_PER_FETCH = 64;
    private static final long POLL_TIMEOUT_MS = 500;
    private static final long POSITION_CHECK_TIMEOUT_SECONDS = 30;

    /** While a shard waits for VTGate to come back: how often the channel tries to connect. */
    private static final long CONNECT_RETRY_MS = 500;

    private static final ShardStream.Signal WAKE_UP = new ShardStream.Signal(null, null, null);

    private final PlanetScaleSourceConfig config;
    private final Supplier<ManagedChannel> channelFactory;
    private final LinkedBlockingQueue<ShardStream.Signal> signals = new LinkedBlockingQueue<>();
    private final Map<String, ShardCursor> cursors = new LinkedHashMap<>();
    private final ShardReaderMetrics metrics;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private ManagedChannel channel;
    private long lastConnectRetryMillis;
    private volatile boolean watchingChannel;

    public VStreamSplitReader(PlanetScaleSourceConfig config, ShardReaderMetrics metrics) {
        this(
                config,
                () -> VStreamChannels.open(config.connection()),
                metrics,
                DEFAULT_INITIAL_BACKOFF_MS,
                DEFAULT_MAX_BACKOFF_MS);
    }

    VStreamSplitReader(
            PlanetScaleSourceConfig config,
            Supplier<ManagedChannel> channelFactory,
            ShardReaderMetrics metrics,
            long initialBackoffMs,
            long maxBackoffMs) {
        this.config = config;
        this.channelFactory = channelFactory;
        this.metrics = metrics;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
    }

    @Override
    public RecordsWithSplitIds<ChangeBatch> fetch() throws IOException {
        RecordsBySplits.Builder<ChangeBatch> out = new RecordsBySplits.Builder<>();
        finishDoneSnapshots(out);
        tendChannel();
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

    /** Snapshot splits restored after their last table was copied have nothing left to read. */
    private void finishDoneSnapshots(RecordsBySplits.Builder<ChangeBatch> out) {
        for (ShardCursor cursor : new ArrayList<>(cursors.values())) {
            if (cursor.stream == null && cursor.split.snapshotOnly() && !cursor.copying) {
                LOG.info(
                        "Snapshot of {} already complete at {}",
                        cursor.split.splitId(),
                        cursor.safePosition);
                cursors.remove(cursor.split.splitId());
                out.addFinishedSplit(cursor.split.splitId());
            }
        }
    }

    private void handle(ShardStream.Signal signal, RecordsBySplits.Builder<ChangeBatch> out)
            throws IOException {
        if (signal.failure != null) {
            if (cursors.containsKey(signal.failedSplitId)) {
                throw signal.failure;
            }
            return;
        }
        ShardCursor cursor = cursors.get(signal.source.splitId());
        if (cursor == null || cursor.stream != signal.source) {
            return; // from a stream that was replaced or removed
        }
        if (signal.response != null) {
            for (Binlogdata.VEvent event : signal.response.getEventsList()) {
                cursor.onEvent(event, out);
                if (cursor.finished) {
                    break;
                }
            }
            if (cursor.progressed) {
                cursor.progressed = false;
                cursor.attempts = 0;
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
        String target = config.connection().grpcTarget();
        String keyspace = cursor.split.keyspace();
        String shard = cursor.split.shard();
        if (!status.isOk() && !VStreamErrors.isTransient(status)) {
            throw new VitessException(
                    VStreamErrors.describe(status, target, keyspace, shard, position),
                    status.asRuntimeException());
        }
        long openMillis = System.currentTimeMillis() - cursor.openedAtMillis;
        if (openMillis >= STABLE_STREAM_MS && !VStreamErrors.isNoTabletFound(status)) {
            cursor.attempts = 0; // an idle stream that ran fine for a long time
        }
        cursor.attempts++;
        int maxAttempts = config.connection().reconnectMaxAttempts();
        if (cursor.attempts > maxAttempts) {
            throw new VitessException(
                    "Gave up on shard "
                            + cursor.split.splitId()
                            + ": its VStream failed "
                            + cursor.attempts
                            + " times in a row (option 'reconnect.max-attempts' = "
                            + maxAttempts
                            + " reconnects). Last failure: "
                            + (status.isOk()
                                    ? "VTGate " + target + " ended the stream at " + position
                                    : VStreamErrors.describe(
                                            status, target, keyspace, shard, position)),
                    status.asRuntimeException());
        }
        long backoff =
                Math.min(maxBackoffMs, initialBackoffMs << Math.min(cursor.attempts - 1, 20));
        LOG.warn(
                "VStream of {} at {} closed ({}: {}); reconnect {} of {} in {} ms",
                cursor.split.splitId(),
                position,
                status.getCode(),
                status.getDescription(),
                cursor.attempts,
                maxAttempts,
                backoff);
        cursor.resetToSafePosition();
        cursor.reconnectAtMillis = System.currentTimeMillis() + backoff;
        cursor.waitingForChannel =
                channel != null && channel.getState(false) != ConnectivityState.READY;
        metrics.reconnected();
    }

    /**
     * While shards wait for VTGate after losing the connection: keeps the channel trying to connect
     * (its own backoff grows to minutes, and while it is in TRANSIENT_FAILURE a call fails at once
     * with the old error), and starts the waiting shards as soon as it is connected, without
     * sitting out the rest of their backoff.
     */
    private void tendChannel() {
        if (channel == null) {
            return;
        }
        List<ShardCursor> waiting = new ArrayList<>();
        for (ShardCursor cursor : cursors.values()) {
            if (cursor.stream == null && cursor.waitingForChannel) {
                waiting.add(cursor);
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        ConnectivityState state = channel.getState(false);
        if (state == ConnectivityState.READY) {
            for (ShardCursor cursor : waiting) {
                cursor.waitingForChannel = false;
                cursor.reconnectAtMillis = 0;
            }
            return;
        }
        long now = System.currentTimeMillis();
        if (state == ConnectivityState.TRANSIENT_FAILURE
                && now - lastConnectRetryMillis >= CONNECT_RETRY_MS) {
            lastConnectRetryMillis = now;
            channel.resetConnectBackoff();
        }
        if (!watchingChannel) {
            watchingChannel = true;
            channel.notifyWhenStateChanged(
                    state,
                    () -> {
                        watchingChannel = false;
                        signals.add(WAKE_UP);
                    });
        }
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
        if (!cursor.positionChecked) {
            cursor.positionChecked = true;
            checkPosition(cursor.split, cursor.safePosition.gtid());
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
        cursor.openedAtMillis = System.currentTimeMillis();
        stream.start(request, new Metadata(), signals, PREFETCH);
    }

    /**
     * Asks, next to the stream, for the shard's current position and fails the split if the
     * stream's position is not in the shard's history. VTGate itself would only go silent for a
     * minute and a half and then report that it found no tablet.
     */
    private void checkPosition(ShardSplit split, String gtid) {
        if (GtidSet.parseMysql56(gtid) == null) {
            return; // copy from scratch, or a flavor this check does not know
        }
        String splitId = split.splitId();
        ClientCall<Vtgate.VStreamRequest, Vtgate.VStreamResponse> call =
                channel.newCall(
                        VitessGrpc.getVStreamMethod(),
                        CallOptions.DEFAULT.withDeadlineAfter(
                                POSITION_CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        call.start(
                new ClientCall.Listener<Vtgate.VStreamResponse>() {
                    private boolean done;

                    @Override
                    public void onMessage(Vtgate.VStreamResponse message) {
                        String current =
                                CurrentPositionResolver.positionIn(
                                        message, split.keyspace(), split.shard());
                        if (current == null || done) {
                            call.request(1);
                            return;
                        }
                        done = true;
                        call.cancel("position received", null);
                        String problem =
                                PositionCheck.problem(
                                        split.keyspace(), split.shard(), gtid, current);
                        if (problem == null) {
                            return;
                        }
                        if (config.connection().tabletType() == Topodata.TabletType.PRIMARY) {
                            signals.add(
                                    ShardStream.Signal.failure(
                                            splitId, new VitessException(problem)));
                        } else {
                            // A lagging replica may not have the position yet: VTGate will
                            // look for another tablet.
                            LOG.warn(
                                    "{} (tablet type {})",
                                    problem,
                                    config.connection().tabletType());
                        }
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (!done) {
                            LOG.info(
                                    "Could not check position {} of {} against the shard: {} {}",
                                    gtid,
                                    splitId,
                                    status.getCode(),
                                    status.getDescription());
                        }
                    }
                },
                new Metadata());
        call.sendMessage(
                CurrentPositionResolver.request(
                        config.connection(), split.keyspace(), split.shard()));
        call.halfClose();
        call.request(1);
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
        final Map<String, List<ColumnDescription>> schemas = new HashMap<>();

        ShardStream stream;
        long openedAtMillis;

        /** Failed streams in a row without progress. */
        int attempts;

        /** Rows were handed over or the safe position moved since the last look. */
        boolean progressed;

        long reconnectAtMillis;

        /** The last stream failed while the channel was not connected. */
        boolean waitingForChannel;

        boolean positionChecked;
        boolean finished;

        /** Where a (re)connect starts. */
        ShardPosition safePosition;

        /** Row changes after the safe position already handed to the emitter. */
        long rowsSinceSafe;

        /** Row changes still to drop after a (re)connect: they were handed before. */
        long rowsToDrop;

        boolean copying;

        /** This shard's entry of the latest VGTID since the safe position. */
        Binlogdata.ShardGtid pendingGtid;

        /** Copy phase: the table whose copy began last (its FIELD event). */
        String copyFieldTable;

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
            pendingGtid = null;
            copyFieldTable = null;
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
                    String table = tableName(fieldEvent.getTableName());
                    schemas.put(table, VStreamColumns.of(fieldEvent.getFieldsList()));
                    if (copying && event.getTimestamp() == 0) {
                        copyFieldTable = table;
                    }
                    break;
                case ROW:
                    onRows(event, out);
                    break;
                case VGTID:
                    Binlogdata.ShardGtid own = ownEntry(event.getVgtid());
                    if (own != null) {
                        pendingGtid = own;
                    }
                    break;
                case COMMIT:
                case DDL:
                case OTHER:
                case ROLLBACK:
                    safePoint(out);
                    break;
                case COPY_COMPLETED:
                    onCopyCompleted(out);
                    break;
                case JOURNAL:
                    onJournal(event.getJournal(), out);
                    break;
                case HEARTBEAT:
                    metrics.heartbeat(split.splitId());
                    break;
                default:
                    // GTID, BEGIN, VERSION, LASTPK (vtgate turns it into VGTID), ...
                    break;
            }
        }

        /**
         * A reshard moved this shard's key range to new shards: everything before the journal has
         * been handed over, so the split ends here and the enumerator starts the new shards from
         * the journal's positions once all the old shards got here. VTGate ends (or, for a
         * participant it does not stream, fails) the stream right after.
         */
        private void onJournal(
                Binlogdata.Journal journal, RecordsBySplits.Builder<ChangeBatch> out) {
            if (journal.getMigrationType() != Binlogdata.MigrationType.SHARDS) {
                return; // MoveTables: the tables stay readable in this keyspace until then
            }
            if (copying) {
                throw new VitessException(
                        "Shard "
                                + split.splitId()
                                + " was resharded (journal "
                                + journal.getId()
                                + ") before its snapshot was complete (at "
                                + safePosition
                                + "): the new shards cannot finish an unfinished snapshot of the"
                                + " old one. Start the job again with startup mode 'initial' (a"
                                + " new snapshot of the new shards).");
            }
            if (rowsToDrop > 0 || !buffer.isEmpty()) {
                throw new VitessException(
                        "Shard "
                                + split.splitId()
                                + " reached reshard journal "
                                + journal.getId()
                                + " inside a transaction after position "
                                + safePosition
                                + "; the binlog differs from the one read before.");
            }
            LOG.info(
                    "Shard {} reached reshard journal {} at {}: it continues on {}",
                    split.splitId(),
                    journal.getId(),
                    safePosition,
                    journal.getShardGtidsList().stream()
                            .map(g -> g.getKeyspace() + "/" + g.getShard())
                            .collect(Collectors.toList()));
            out.add(
                    split.splitId(),
                    ChangeBatch.endOfShard(safePosition, journal, lastEventTimeMillis));
            finished = true;
        }

        private void onRows(Binlogdata.VEvent event, RecordsBySplits.Builder<ChangeBatch> out)
                throws IOException {
            Binlogdata.RowEvent rowEvent = event.getRowEvent();
            String table = tableName(rowEvent.getTableName());
            List<ColumnDescription> fields = schemas.get(table);
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
                progressed = true;
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
                                + " sent a partial row image (binlog_row_image is not FULL) at"
                                + " position "
                                + safePosition
                                + ". The connector needs full row images: set"
                                + " binlog_row_image=FULL on the tablets.");
            }
            if (change.hasJsonPartialValues() && anySet(change.getJsonPartialValues())) {
                throw new VitessException(
                        "Table '"
                                + split.keyspace()
                                + "."
                                + table
                                + "' on shard "
                                + split.shard()
                                + " sent a partial JSON update (binlog_row_value_options="
                                + "PARTIAL_JSON) at position "
                                + safePosition
                                + ". Turn that option off on the tablets.");
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

        private boolean anySet(Binlogdata.RowChange.Bitmap bitmap) {
            byte[] cols = bitmap.getCols().toByteArray();
            for (long i = 0; i < bitmap.getCount(); i++) {
                int index = (int) (i >>> 3);
                if (index < cols.length && (cols[index] & (1 << (i & 7))) != 0) {
                    return true;
                }
            }
            return false;
        }

        private void safePoint(RecordsBySplits.Builder<ChangeBatch> out) {
            if (pendingGtid == null) {
                if (copying && !buffer.isEmpty()) {
                    throw new VitessException(
                            "Copy-phase rows of shard "
                                    + split.splitId()
                                    + " ended without a position (after "
                                    + safePosition
                                    + ")");
                }
                return;
            }
            ShardPosition position = positionAt(pendingGtid);
            pendingGtid = null;
            emitSafePoint(position, out);
        }

        private void emitSafePoint(
                ShardPosition position, RecordsBySplits.Builder<ChangeBatch> out) {
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
            if (!rows.isEmpty() || !position.equals(safePosition)) {
                progressed = true;
            }
            safePosition = position;
            rowsSinceSafe = 0;
            out.add(split.splitId(), new ChangeBatch(rows, safePosition, lastEventTimeMillis));
        }

        /**
         * The position a VGTID entry stands for. While copying, the tables not yet fully copied are
         * the safe position's minus those that left {@code table_p_ks} since, and minus the table
         * whose copy began last if it is not in {@code table_p_ks}: an empty table never enters it.
         */
        private ShardPosition positionAt(Binlogdata.ShardGtid entry) {
            if (!copying) {
                return ShardPosition.of(entry.getGtid());
            }
            Set<String> inProgress = new HashSet<>();
            for (Binlogdata.TableLastPK pk : entry.getTablePKsList()) {
                inProgress.add(pk.getTableName());
            }
            Set<String> remaining = new LinkedHashSet<>(safePosition.remainingTables());
            for (Binlogdata.TableLastPK pk : safePosition.tablePKs()) {
                if (!inProgress.contains(pk.getTableName())) {
                    remaining.remove(pk.getTableName());
                }
            }
            if (copyFieldTable != null && !inProgress.contains(copyFieldTable)) {
                remaining.remove(copyFieldTable);
            }
            return new ShardPosition(entry.getGtid(), entry.getTablePKsList(), remaining);
        }

        private void onCopyCompleted(RecordsBySplits.Builder<ChangeBatch> out) {
            if (!copying) {
                return;
            }
            String gtid = pendingGtid != null ? pendingGtid.getGtid() : safePosition.gtid();
            pendingGtid = null;
            emitSafePoint(ShardPosition.of(gtid), out);
            copying = false;
            copyFieldTable = null;
            LOG.info("Copy phase of {} completed at {}", split.splitId(), gtid);
            if (split.snapshotOnly()) {
                finished = true;
            }
        }

        private Binlogdata.ShardGtid ownEntry(Binlogdata.VGtid vgtid) {
            for (Binlogdata.ShardGtid shardGtid : vgtid.getShardGtidsList()) {
                if (shardGtid.getKeyspace().equals(split.keyspace())
                        && shardGtid.getShard().equals(split.shard())) {
                    return shardGtid;
                }
            }
            return null;
        }

        private String tableName(String qualified) {
            return qualified.startsWith(tablePrefix)
                    ? qualified.substring(tablePrefix.length())
                    : qualified;
        }
    }
}
