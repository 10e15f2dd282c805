package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.client.VStreamChannels;
import io.github.vstreamcdc.source.client.VStreamErrors;
import io.github.vstreamcdc.source.client.VStreamMessage;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.PurgedBinlogHandling;
import io.github.vstreamcdc.source.config.TableSelection;
import io.github.vstreamcdc.source.filter.RowFilter;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Topodata;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.CallOptions;
import io.grpc.Channel;
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

import javax.annotation.Nullable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads the VStreams of the splits assigned to one reader, one gRPC call per shard, and hands the
 * {@link ChangeBatch}es that each shard's {@link ShardEventFramer} cuts from them to Flink.
 *
 * <p>A stream that fails with a transient error is reopened from its last safe position after a
 * backoff ({@link ReconnectPolicy}); the framer drops the rows of the open transaction that were
 * already handed over from the replay. After {@code reconnect.max-attempts} failures in a row
 * without progress the reader fails with a message that names the shard, the position and what to
 * check.
 *
 * <p>A bounded split that stops at the shard's current position (a reshard's new shard, or a stop
 * time that has come while the shard idles) gets it from VTGate next to its stream.
 */
@Internal
public final class VStreamSplitReader implements SplitReader<ChangeBatch, ShardSplit> {

    /** How long asks for a stop position may keep failing before the read gives up. */
    private static final long STOP_POSITION_PATIENCE_MS = 5 * 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(VStreamSplitReader.class);

    /** Responses a shard's stream may have in flight before the reader takes them. */
    static final int PREFETCH = 4;

    private static final int MAX_SIGNALS_PER_FETCH = 64;
    private static final long POLL_TIMEOUT_MS = 500;

    /**
     * The token of an ask for a shard's executed set for idle watermarks, not the stall watch's.
     */
    private static final long IDLE_CHECK = Long.MIN_VALUE;

    /** While a shard waits for VTGate to come back: how often the channel tries to connect. */
    private static final long CONNECT_RETRY_MS = 500;

    private final PlanetScaleSourceConfig config;
    private final Supplier<ManagedChannel> channelFactory;
    private final ShardGtidSets gtidSets;
    private final LinkedBlockingQueue<ReaderSignal> signals = new LinkedBlockingQueue<>();

    /**
     * The queries of the shards' GTID sets (position checks, stop positions) of the splits this
     * reader opens: one at a time, in order, off the fetcher thread.
     */
    private final ExecutorService shardQueries =
            Executors.newSingleThreadExecutor(
                    task -> {
                        Thread thread = new Thread(task, "planetscale-shard-gtid-query");
                        thread.setDaemon(true);
                        thread.setContextClassLoader(
                                Thread.currentThread().getContextClassLoader());
                        return thread;
                    });

    private final Map<String, ShardCursor> cursors = new LinkedHashMap<>();
    private final ShardReaderMetrics metrics;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private ManagedChannel channel;
    private long lastConnectRetryMillis;
    private volatile boolean watchingChannel;
    private final WantedTables wantedTables;

    /**
     * Whether silent streams are watched (see {@link StreamStallWatch}): PRIMARY streams only, as
     * the query and the stream of another type may reach different tablets (lags, errant GTIDs).
     */
    private final boolean watchesStalls;

    /** Chunks of incremental snapshots to read, a few per fetch, before the streams' turn. */
    private final Deque<ShardSplit> chunks = new ArrayDeque<>();

    private ChunkSnapshotReader chunkReader;

    /** Snapshot chunks read by this reader so far. */
    private long chunksRead;

    /** About how many snapshot rows one fetch reads (and holds) at most, in whole chunks. */
    static final int CHUNK_ROWS_PER_FETCH = 16_384;

    VStreamSplitReader(
            PlanetScaleSourceConfig config, ShardReaderMetrics metrics, WantedTables wantedTables) {
        this(
                config,
                () -> VStreamChannels.open(config.connection()),
                ShardGtidSets.overSql(config.connection()),
                metrics,
                ReconnectPolicy.DEFAULT_INITIAL_BACKOFF_MS,
                ReconnectPolicy.DEFAULT_MAX_BACKOFF_MS,
                wantedTables);
    }

    VStreamSplitReader(
            PlanetScaleSourceConfig config,
            Supplier<ManagedChannel> channelFactory,
            ShardGtidSets gtidSets,
            ShardReaderMetrics metrics,
            long initialBackoffMs,
            long maxBackoffMs) {
        this(
                config,
                channelFactory,
                gtidSets,
                metrics,
                initialBackoffMs,
                maxBackoffMs,
                new WantedTables());
    }

    VStreamSplitReader(
            PlanetScaleSourceConfig config,
            Supplier<ManagedChannel> channelFactory,
            ShardGtidSets gtidSets,
            ShardReaderMetrics metrics,
            long initialBackoffMs,
            long maxBackoffMs,
            WantedTables wantedTables) {
        this.wantedTables = wantedTables;
        this.watchesStalls =
                !config.stallTimeout().isZero()
                        && config.connection().tabletType() == Topodata.TabletType.PRIMARY;
        this.config = config;
        this.channelFactory = channelFactory;
        this.gtidSets = gtidSets;
        this.metrics = metrics;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
    }

    /** One split as this thread reads it: its framing, its stream and the stream's retries. */
    private static final class ShardCursor {
        final ShardSplit split;
        final ShardEventFramer framer;
        final ReconnectPolicy reconnects;
        final SnapshotProgress progress;
        final StreamStallWatch stall;

        /** The open stream; null while waiting to (re)connect. */
        ShardStream stream;

        long reconnectAtMillis;

        /** The last stream failed while the channel was not connected. */
        boolean waitingForChannel;

        boolean positionChecked;

        /** The shard is being copied anew (the binlog lost its position): see reSnapshots. */
        boolean copyingAnew;

        /** Failed asks for the shard's current position as the stop, in a row. */
        int stopPositionFailures;

        /** When the first of those failed. */
        long stopPositionFailingSince;

        /** The shard's current position was asked for, as the stop; the answer is awaited. */
        boolean stopPositionAsked;

        /** No ask for the shard's executed set (idle watermarks) before this time: one failed. */
        long executedAskAfterMillis;

        /**
         * The stream asks VStream for every column, not the projection: a projection naming a
         * column that a DDL removed fails the stream.
         */
        boolean allColumns;

        ShardCursor(
                ShardSplit split,
                ReconnectPolicy reconnects,
                TableSelection selection,
                RowFilter filter,
                SnapshotProgress progress,
                long stallTimeoutMs) {
            this.split = split;
            this.framer = new ShardEventFramer(split, selection).filteredBy(filter);
            this.reconnects = reconnects;
            this.progress = progress;
            this.stall = new StreamStallWatch(stallTimeoutMs);
        }
    }

    @Override
    public RecordsWithSplitIds<ChangeBatch> fetch() {
        RecordsBySplits.Builder<ChangeBatch> out = new RecordsBySplits.Builder<>();
        readChunk(out);
        finishDoneSnapshots(out);
        tendChannel();
        startDueStreams();
        ReaderSignal signal;
        try {
            signal =
                    chunks.isEmpty()
                            ? signals.poll(pollTimeoutMs(), TimeUnit.MILLISECONDS)
                            : signals.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out.build();
        }
        int handled = 0;
        while (signal != null) {
            if (signal != ReaderSignal.WAKE_UP) {
                handle(signal, out);
                handled++;
            }
            if (handled >= MAX_SIGNALS_PER_FETCH) {
                break;
            }
            signal = signals.poll();
        }
        watchForStalls();
        addWantedTables(out);
        return out.build();
    }

    /**
     * Reads the next chunks of an incremental snapshot, if any wait: several of one shard at once
     * (about {@link #CHUNK_ROWS_PER_FETCH} rows), which share one binlog backfill.
     */
    private void readChunk(RecordsBySplits.Builder<ChangeBatch> out) {
        ShardSplit first = chunks.poll();
        if (first == null) {
            return;
        }
        List<ShardSplit> batch = new ArrayList<>();
        batch.add(first);
        takeWaitingChunksOf(
                first,
                batch,
                Math.max(1, CHUNK_ROWS_PER_FETCH / config.incrementalSnapshotChunkSize()));
        if (chunkReader == null) {
            chunkReader = new ChunkSnapshotReader(config, this::channel);
        }
        List<ChangeBatch> read;
        try {
            read = chunkReader.read(batch);
        } catch (ChunkSnapshotReader.ShardNotServing e) {
            // The shard's stream drops the changes of these chunks' ranges and hands their tables
            // to the reshard's new shards, which copy them (IncrementalSnapshots). The shard's
            // other chunks waiting here go the same way.
            takeWaitingChunksOf(first, batch, Integer.MAX_VALUE);
            LOG.warn("{}: giving up {} chunks {}", e.getMessage(), batch.size(), batch);
            for (ShardSplit split : batch) {
                out.add(split.splitId(), ChangeBatch.chunkGivenUp());
                out.addFinishedSplit(split.splitId());
            }
            metrics.chunksWaiting(chunks.size());
            return;
        }
        long rows = 0;
        for (int i = 0; i < batch.size(); i++) {
            out.add(batch.get(i).splitId(), read.get(i));
            out.addFinishedSplit(batch.get(i).splitId());
            rows += read.get(i).rows.size();
        }
        chunksRead += batch.size();
        metrics.chunksRead(batch.size(), rows, chunks.size());
        if (chunks.isEmpty()) {
            LOG.info("Read {} snapshot chunks; none waits", chunksRead);
        }
    }

    /** Moves waiting chunks of {@code first}'s shard into {@code batch}, up to {@code most}. */
    private void takeWaitingChunksOf(ShardSplit first, List<ShardSplit> batch, int most) {
        for (Iterator<ShardSplit> it = chunks.iterator(); it.hasNext() && batch.size() < most; ) {
            ShardSplit next = it.next();
            if (next.keyspace().equals(first.keyspace()) && next.shard().equals(first.shard())) {
                batch.add(next);
                it.remove();
            }
        }
    }

    private Channel channel() {
        if (channel == null) {
            channel = channelFactory.get();
        }
        return channel;
    }

    /**
     * Shards that do not read exactly the tables the enumerator sent: each stream restarts at its
     * safe position with the new tables, which VStream copies first, and without the vanished ones,
     * as soon as it is between transactions.
     */
    private void addWantedTables(RecordsBySplits.Builder<ChangeBatch> out) {
        Set<String> latest = wantedTables.latest();
        for (ShardCursor cursor : cursors.values()) {
            // Without a list from the enumerator: the split's tables the selection still matches
            // (a job restored with a narrower selection).
            Set<String> wanted = latest != null ? latest : cursor.framer.selectedTables();
            if (cursor.framer.tables().equals(wanted) || !cursor.framer.canChangeTables()) {
                continue;
            }
            if (cursor.stream != null) {
                cursor.stream.cancel();
                cursor.stream = null;
            }
            out.add(cursor.split.splitId(), cursor.framer.changeTables(wanted));
            cursor.reconnectAtMillis = 0;
        }
    }

    private long pollTimeoutMs() {
        long now = System.currentTimeMillis();
        long timeout = POLL_TIMEOUT_MS;
        for (ShardCursor cursor : cursors.values()) {
            if (cursor.stream == null && !cursor.stopPositionAsked) {
                timeout = Math.min(timeout, Math.max(0, cursor.reconnectAtMillis - now));
            }
        }
        return timeout;
    }

    /**
     * Splits with nothing left to read before their stream opens: snapshot splits whose last table
     * was copied before (restored so, or the stream ended before VTGate said the copy completed),
     * and bounded splits already at their stop.
     */
    private void finishDoneSnapshots(RecordsBySplits.Builder<ChangeBatch> out) {
        for (ShardCursor cursor : new ArrayList<>(cursors.values())) {
            if (cursor.stream == null && cursor.framer.isFinished()) {
                LOG.info(
                        "{} already complete at {}",
                        cursor.split.splitId(),
                        cursor.framer.safePosition());
                for (ChangeBatch batch : cursor.framer.finishWithoutStream()) {
                    out.add(cursor.split.splitId(), batch);
                }
                finish(cursor, out);
            }
        }
    }

    private void handle(ReaderSignal signal, RecordsBySplits.Builder<ChangeBatch> out) {
        if (signal instanceof ReaderSignal.Failed) {
            ReaderSignal.Failed failed = (ReaderSignal.Failed) signal;
            if (cursors.containsKey(failed.splitId)) {
                throw failed.failure;
            }
        } else if (signal instanceof ReaderSignal.Response) {
            ReaderSignal.Response response = (ReaderSignal.Response) signal;
            response.source.taken();
            ShardCursor cursor = cursorOf(response.source);
            if (cursor != null) {
                onResponse(cursor, response.response, out);
            }
        } else if (signal instanceof ReaderSignal.Closed) {
            ReaderSignal.Closed closed = (ReaderSignal.Closed) signal;
            ShardCursor cursor = cursorOf(closed.source);
            if (cursor != null) {
                onClosed(cursor, closed.status, out);
            }
        } else if (signal instanceof ReaderSignal.PositionPurged) {
            ReaderSignal.PositionPurged purged = (ReaderSignal.PositionPurged) signal;
            ShardCursor cursor = cursors.get(purged.splitId);
            // Void once the stream moved on: it then read past the position after all.
            if (cursor != null && cursor.framer.safePosition().gtid().equals(purged.gtid)) {
                onPositionPurged(cursor, purged.problem, null, out);
            }
        } else if (signal instanceof ReaderSignal.StopPosition) {
            ReaderSignal.StopPosition stop = (ReaderSignal.StopPosition) signal;
            ShardCursor cursor = cursors.get(stop.splitId);
            if (cursor != null) {
                onStopPosition(cursor, stop, out);
            }
        } else if (signal instanceof ReaderSignal.ShardExecuted) {
            ReaderSignal.ShardExecuted answer = (ReaderSignal.ShardExecuted) signal;
            if (answer.token == IDLE_CHECK) {
                // An answer for a stream replaced since is void: its framer restarted.
                ShardCursor owner = cursorOf(answer.stream);
                if (owner != null) {
                    if (answer.executed == null) {
                        owner.executedAskAfterMillis =
                                System.currentTimeMillis()
                                        + config.connection().connectTimeout().toMillis();
                    }
                    owner.framer.executedWas(answer.executed);
                }
                return;
            }
            ShardCursor cursor = cursorOf(answer.stream);
            if (cursor != null) {
                cursor.stall.answered(answer.token, System.currentTimeMillis(), answer.executed);
            }
        }
    }

    /**
     * Streams that VTGate keeps open but that deliver nothing while their shard commits (see {@link
     * StreamStallWatch}): each is opened again from its safe position.
     */
    private void watchForStalls() {
        if (!watchesStalls) {
            return;
        }
        long now = System.currentTimeMillis();
        for (ShardCursor cursor : cursors.values()) {
            ShardStream stream = cursor.stream;
            boolean watched =
                    stream != null
                            && !stream.isClosed()
                            && !stream.hasWaitingResponses()
                            && !cursor.framer.isCopying()
                            && !cursor.framer.isFinished();
            long silentMs = cursor.stall.silentMillis(now);
            String position = cursor.framer.safePosition().gtid();
            if (cursor.stall.shouldAsk(now, watched)) {
                if (GtidSet.parseMysql56(position) == null) {
                    cursor.stall.heard(now); // not a GTID set to compare (e.g. FilePos)
                } else {
                    askExecuted(cursor, stream, cursor.stall.asked(now));
                }
            } else if (watched && cursor.stall.stalled(now, position)) {
                LOG.warn(
                        "VStream of {} at {} delivered nothing for {} s although the shard had"
                                + " committed more; opening it again (after a failover VTGate"
                                + " waits 30 s before it looks for a new tablet; option '{}'){}",
                        cursor.split.splitId(),
                        cursor.framer.safePosition(),
                        silentMs / 1_000,
                        PlanetScaleSourceOptions.RECONNECT_STALL_TIMEOUT.key(),
                        cursor.stall.exhausted()
                                ? "; if it stays silent it is left alone until it makes progress"
                                        + " (VTGate holds a transaction until its COMMIT)"
                                : "");
                cursor.stream = null;
                stream.cancel();
                cursor.framer.restart();
                cursor.reconnectAtMillis = 0;
                metrics.reconnected();
            }
        }
    }

    /**
     * Asks for the shard's executed set on its PRIMARY, answered by a {@link
     * ReaderSignal.ShardExecuted} with the token: for the stall watch (which watches PRIMARY
     * streams only) and for idle watermarks ({@link #IDLE_CHECK}; on a replica the set could lack
     * commits the stream has yet to deliver). A failed ask for idle watermarks is logged, since the
     * shard's watermark then stays where its commits put it; the next one waits {@code
     * connect.timeout}.
     */
    private void askExecuted(ShardCursor cursor, ShardStream stream, long token) {
        String keyspace = cursor.split.keyspace();
        String shard = cursor.split.shard();
        String splitId = cursor.split.splitId();
        shardQueries.execute(
                () -> {
                    String executed = null;
                    try {
                        executed = gtidSets.readPrimary(keyspace, shard).executed;
                    } catch (Throwable t) {
                        if (token == IDLE_CHECK) {
                            LOG.warn(
                                    "Cannot read the executed GTID set of {} on its PRIMARY; until"
                                            + " it can, heartbeats move the shard's watermark no"
                                            + " further than its last commit allows: {}",
                                    splitId,
                                    VitessException.firstLine(String.valueOf(t.getMessage())));
                        } else {
                            LOG.debug("Could not query the executed GTID set of {}", splitId, t);
                        }
                    }
                    signals.add(new ReaderSignal.ShardExecuted(stream, token, executed));
                });
    }

    private void askStopPosition(ShardCursor cursor) {
        if (cursor.stopPositionAsked) {
            return;
        }
        cursor.stopPositionAsked = true;
        if (channel == null) {
            channel = channelFactory.get();
        }
        ManagedChannel streams = channel;
        String splitId = cursor.split.splitId();
        String keyspace = cursor.split.keyspace();
        String shard = cursor.split.shard();
        // The executed GTID set, as a query (see ShardGtidSets for why not a VStream); a VStream
        // from "current" only if the query fails (it tells a failure with a gRPC status).
        shardQueries.execute(
                () -> {
                    try {
                        String executed = null;
                        try {
                            executed = gtidSets.read(keyspace, shard).executed;
                        } catch (RuntimeException e) {
                            LOG.info(
                                    "Could not query the current position of {} ({}); asking"
                                            + " VTGate's VStream",
                                    splitId,
                                    e.getMessage());
                        }
                        GtidSet set = GtidSet.parseMysql56(executed);
                        if (set != null && !set.isEmpty()) {
                            signals.add(new ReaderSignal.StopPosition(splitId, executed, null));
                            return;
                        }
                        CurrentPositionCall.start(
                                streams,
                                config.connection(),
                                keyspace,
                                shard,
                                gtid ->
                                        signals.add(
                                                new ReaderSignal.StopPosition(splitId, gtid, null)),
                                status ->
                                        signals.add(
                                                new ReaderSignal.StopPosition(
                                                        splitId, null, status)));
                    } catch (Throwable t) {
                        // Told, or the split would wait for its stop for ever.
                        signals.add(
                                new ReaderSignal.StopPosition(
                                        splitId, null, Status.UNKNOWN.withCause(t)));
                    }
                });
    }

    /** The shard's current position came: it is the split's stop from now on. */
    private void onStopPosition(
            ShardCursor cursor,
            ReaderSignal.StopPosition stop,
            RecordsBySplits.Builder<ChangeBatch> out) {
        cursor.stopPositionAsked = false;
        String splitId = cursor.split.splitId();
        if (stop.gtid == null) {
            String failure =
                    VStreamErrors.describe(
                            stop.failure,
                            config.connection().grpcTarget(),
                            cursor.split.keyspace(),
                            cursor.split.shard(),
                            cursor.framer.safePosition().toString());
            if (!VStreamErrors.isTransient(stop.failure)) {
                throw new VitessException(
                        "Cannot get the current position of "
                                + splitId
                                + " to stop at (a bounded read): "
                                + failure,
                        stop.failure.asRuntimeException());
            }
            long now = System.currentTimeMillis();
            if (cursor.stopPositionFailures++ == 0) {
                cursor.stopPositionFailingSince = now;
            }
            // Asked again at each heartbeat past the stop: a count alone would run out in seconds.
            if (cursor.stopPositionFailures > cursor.reconnects.maxAttempts()
                    && now - cursor.stopPositionFailingSince > STOP_POSITION_PATIENCE_MS) {
                throw new VitessException(
                        "Gave up asking for the current position of "
                                + splitId
                                + " to stop at: it failed "
                                + cursor.stopPositionFailures
                                + " times in a row over more than 5 minutes (option"
                                + " 'reconnect.max-attempts' = "
                                + cursor.reconnects.maxAttempts()
                                + "). Last failure: "
                                + failure,
                        stop.failure.asRuntimeException());
            }
            LOG.warn(
                    "Could not get the current position of {} to stop at: {} {}; asking again",
                    splitId,
                    stop.failure.getCode(),
                    stop.failure.getDescription());
            cursor.framer.stopPositionFailed();
            if (cursor.stream == null) {
                cursor.reconnectAtMillis = System.currentTimeMillis() + maxBackoffMs;
            }
            return;
        }
        cursor.stopPositionFailures = 0;
        LOG.info("{} stops at {}, the shard's current position", splitId, stop.gtid);
        for (ChangeBatch batch : cursor.framer.stopAt(stop.gtid)) {
            out.add(splitId, batch);
        }
        if (cursor.framer.isFinished()) {
            if (cursor.stream != null) {
                cursor.stream.cancel();
            }
            finish(cursor, out);
        }
    }

    /** The cursor that reads with this stream; null for a stream that was replaced or removed. */
    private ShardCursor cursorOf(ShardStream stream) {
        ShardCursor cursor = cursors.get(stream.splitId());
        return cursor != null && cursor.stream == stream ? cursor : null;
    }

    private void onResponse(
            ShardCursor cursor, VStreamMessage response, RecordsBySplits.Builder<ChangeBatch> out) {
        String splitId = cursor.split.splitId();
        metrics.eventsFetched(splitId, response.events());
        if (!onlyHeartbeats(response)) {
            cursor.stall.heard(System.currentTimeMillis());
        }
        List<ChangeBatch> batches = cursor.framer.frame(response);
        if (cursor.copyingAnew && !cursor.framer.isCopying()) {
            cursor.copyingAnew = false; // the copy anew is done
        }
        if (config.rowFilter() != null) {
            FilteredUpdates.apply(config.rowFilter(), batches);
        }
        for (ChangeBatch batch : batches) {
            out.add(splitId, batch);
        }
        cursor.progress.update(batches, cursor.framer.safePosition());
        if (cursor.framer.takeProgress()) {
            cursor.reconnects.progressed();
            cursor.stall.progressed();
        }
        if (cursor.framer.takeCurrentPositionWanted()) {
            askStopPosition(cursor);
        }
        if (cursor.framer.takeExecutedWanted()) {
            if (System.currentTimeMillis() >= cursor.executedAskAfterMillis) {
                askExecuted(cursor, cursor.stream, IDLE_CHECK);
            } else {
                cursor.framer.executedWas(null);
            }
        }
        if (cursor.framer.isFinished()) {
            cursor.stream.cancel();
            finish(cursor, out);
        } else {
            cursor.stream.consumed();
        }
    }

    /** VTGate sends heartbeats of its own while it waits for a tablet: they show no progress. */
    private static boolean onlyHeartbeats(VStreamMessage response) {
        for (Binlogdata.VEvent event : response.events()) {
            if (event.getType() != Binlogdata.VEventType.HEARTBEAT) {
                return false;
            }
        }
        return true;
    }

    private void finish(ShardCursor cursor, RecordsBySplits.Builder<ChangeBatch> out) {
        String splitId = cursor.split.splitId();
        cursors.remove(splitId);
        metrics.unregisterShard(splitId);
        out.addFinishedSplit(splitId);
    }

    private void onClosed(
            ShardCursor cursor, Status status, RecordsBySplits.Builder<ChangeBatch> out) {
        cursor.stream = null;
        String position = cursor.framer.safePosition().toString();
        String target = config.connection().grpcTarget();
        String keyspace = cursor.split.keyspace();
        String shard = cursor.split.shard();
        String vanished = VStreamErrors.missingTable(status, cursor.framer.tablesToCopy());
        if (vanished != null && cursor.framer.canChangeTables()) {
            // Dropped or renamed during its copy: there is nothing left of it to copy.
            LOG.warn(
                    "Table {} of {} vanished during its copy ({}); reading on without it",
                    vanished,
                    cursor.split.splitId(),
                    status.getDescription());
            Set<String> rest = new TreeSet<>(cursor.framer.tables());
            rest.remove(vanished);
            out.add(cursor.split.splitId(), cursor.framer.changeTables(rest));
            cursor.reconnectAtMillis = 0;
            return;
        }
        if (!status.isOk()
                && !VStreamErrors.isTransient(status)
                && config.columns() != null
                && !cursor.allColumns
                && !cursor.framer.pendingDdl().isEmpty()) {
            // Read on with every column: the reader then sees the table's new shape and the
            // deserializer decides (a dropped declared column fails clearly, or becomes NULL).
            LOG.warn(
                    "VStream of {} at {} failed after a schema change of {} ({}); reading on with"
                            + " every column instead of {}",
                    cursor.split.splitId(),
                    position,
                    cursor.framer.pendingDdl().keySet(),
                    status.getDescription(),
                    config.columns());
            cursor.allColumns = true;
            cursor.framer.restart();
            cursor.reconnectAtMillis = 0;
            return;
        }
        if (!status.isOk() && VStreamErrors.isPurgedBinlog(status)) {
            onPositionPurged(
                    cursor,
                    VStreamErrors.describePurged(status, keyspace, shard, position),
                    status,
                    out);
            return;
        }
        if (!status.isOk() && !VStreamErrors.isTransient(status)) {
            throw new VitessException(
                    VStreamErrors.describe(status, target, keyspace, shard, position)
                            + afterDdl(cursor),
                    status.asRuntimeException());
        }
        boolean noTablet = VStreamErrors.isNoTabletFound(status);
        String safeGtid = cursor.framer.safePosition().gtid();
        boolean fromGtid = GtidSet.parseMysql56(safeGtid) != null;
        Topodata.TabletType tabletType = config.connection().tabletType();
        if (noTablet && tabletType == Topodata.TabletType.PRIMARY && fromGtid) {
            // What VTGate says when the tablet cannot serve the position: is it purged?
            String lost = StreamPositionCheck.lostChanges(gtidSets, cursor.split, safeGtid);
            if (lost != null) {
                onPositionPurged(cursor, lost, status, out);
                return;
            }
        }
        ReconnectPolicy reconnects = cursor.reconnects;
        long now = System.currentTimeMillis();
        if (!reconnects.streamFailed(now, noTablet)) {
            // Another replica may have held the position, so only now: the one asked did not.
            String lost =
                    noTablet && tabletType != Topodata.TabletType.PRIMARY && fromGtid
                            ? StreamPositionCheck.lostChanges(gtidSets, cursor.split, safeGtid)
                            : null;
            if (lost != null && reSnapshots(cursor)) {
                reSnapshot(cursor, lost, out);
                return;
            }
            String purged = lost == null ? null : lost + " " + purgedAdvice(cursor);
            throw new VitessException(
                    "Gave up on shard "
                            + cursor.split.splitId()
                            + ": its VStream failed "
                            + reconnects.attempts()
                            + " times in a row (option 'reconnect.max-attempts' = "
                            + reconnects.maxAttempts()
                            + " reconnects). Last failure: "
                            + (status.isOk()
                                    ? "VTGate " + target + " ended the stream at " + position
                                    : VStreamErrors.describe(
                                            status, target, keyspace, shard, position))
                            + (purged == null
                                    ? ""
                                    : ". The binlog of a "
                                            + tabletType
                                            + " tablet (the one VTGate chose for the check)"
                                            + " says why: "
                                            + purged
                                            + " (Another tablet may still hold the position:"
                                            + " with 'tablet-type' = 'PRIMARY' the job reads"
                                            + " the primary's binlog.)"),
                    status.asRuntimeException());
        }
        long backoff = reconnects.backoffMillis();
        LOG.warn(
                "VStream of {} at {} closed ({}: {}); reconnect {} of {} in {} ms",
                cursor.split.splitId(),
                position,
                status.getCode(),
                status.getDescription(),
                reconnects.attempts(),
                reconnects.maxAttempts(),
                backoff);
        cursor.framer.restart();
        cursor.reconnectAtMillis = now + backoff;
        cursor.waitingForChannel =
                channel != null && channel.getState(false) != ConnectivityState.READY;
        metrics.reconnected();
    }

    /**
     * The binlog no longer holds the split's position: the job fails, saying what was lost and what
     * to do, or the shard's tables are copied anew ({@link #reSnapshots}).
     *
     * @param lost what was lost (the position and the purged transactions, or VTGate's words),
     *     without advice
     * @param status the stream's failure; null when the position check found it
     */
    private void onPositionPurged(
            ShardCursor cursor,
            String lost,
            @Nullable Status status,
            RecordsBySplits.Builder<ChangeBatch> out) {
        if (reSnapshots(cursor)) {
            reSnapshot(cursor, lost, out);
            return;
        }
        String message = lost + " " + purgedAdvice(cursor);
        throw status == null
                ? new VitessException(message)
                : new VitessException(message, status.asRuntimeException());
    }

    /**
     * Whether a split whose position the binlog lost is copied anew: with option {@code
     * scan.purged-binlog.handling} = {@code re-snapshot}; not in a bounded read or a snapshot-only
     * one (the copy is of the shard's current state, past any stop, and would repeat rows the
     * snapshot emitted); not for a split that does not list its tables (a state from before splits
     * kept them), whose copy could not resume; and not while this reader copies the shard anew
     * already (a binlog purged again during that copy would have it copied for ever).
     */
    private boolean reSnapshots(ShardCursor cursor) {
        return config.purgedBinlogHandling() == PurgedBinlogHandling.RE_SNAPSHOT
                && !cursor.split.bounds().hasStop()
                && !cursor.split.snapshotOnly()
                && !cursor.framer.tables().isEmpty()
                && !(cursor.copyingAnew && cursor.framer.isCopying());
    }

    /** What to do about a purged position that {@link #reSnapshots} does not copy anew. */
    private String purgedAdvice(ShardCursor cursor) {
        if (config.purgedBinlogHandling() != PurgedBinlogHandling.RE_SNAPSHOT) {
            return StreamPositionCheck.PURGED_ADVICE;
        }
        String option =
                "option '"
                        + PlanetScaleSourceOptions.SCAN_PURGED_BINLOG_HANDLING.key()
                        + "' = 're-snapshot'";
        String why;
        if (cursor.split.bounds().hasStop() || cursor.split.snapshotOnly()) {
            why = "The " + option + " does not apply to a bounded read.";
        } else if (cursor.framer.tables().isEmpty()) {
            why =
                    "The "
                            + option
                            + " needs the split's tables, which a state of an older version"
                            + " does not list.";
        } else {
            why =
                    "The shard was being copied anew already ("
                            + option
                            + "), and the binlog"
                            + " lost the copy's position too.";
        }
        return why
                + " Start the job anew from a snapshot ('initial' startup mode), and keep binlogs"
                + " for longer than a job may be stopped or behind (MySQL's"
                + " binlog_expire_logs_seconds).";
    }

    /** Copies the split's tables anew from the shard's current state, then streams on. */
    private void reSnapshot(
            ShardCursor cursor, String problem, RecordsBySplits.Builder<ChangeBatch> out) {
        String splitId = cursor.split.splitId();
        LOG.warn(
                "{} Copying the tables {} of {} anew from the shard's current state (option '{}' ="
                        + " 're-snapshot'): its rows come again as snapshot rows, and rows deleted"
                        + " meanwhile are not deleted downstream.",
                problem,
                cursor.framer.tables(),
                splitId,
                PlanetScaleSourceOptions.SCAN_PURGED_BINLOG_HANDLING.key());
        if (cursor.stream != null) {
            cursor.stream.cancel();
            cursor.stream = null;
        }
        ChangeBatch copy = cursor.framer.copyAnew();
        out.add(splitId, copy);
        cursor.progress.update(Collections.singletonList(copy), cursor.framer.safePosition());
        cursor.copyingAnew = true;
        cursor.positionChecked = false;
        cursor.reconnects.progressed();
        cursor.stall.progressed();
        cursor.reconnectAtMillis = 0;
        metrics.copiedAnew(splitId);
    }

    /** What a stream that failed right after a DDL of a read table should say about it. */
    private static String afterDdl(ShardCursor cursor) {
        Map<String, String> ddl = cursor.framer.pendingDdl();
        return ddl.isEmpty() ? "" : ". It failed after a schema change: " + ddl;
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
                        signals.add(ReaderSignal.WAKE_UP);
                    });
        }
    }

    private void startDueStreams() {
        long now = System.currentTimeMillis();
        for (ShardCursor cursor : cursors.values()) {
            if (cursor.stream == null && cursor.reconnectAtMillis <= now) {
                if (cursor.framer.needsStopPosition()) {
                    // The stop is the shard's position when the split starts: known first.
                    askStopPosition(cursor);
                } else {
                    start(cursor);
                }
            }
        }
    }

    private void start(ShardCursor cursor) {
        if (channel == null) {
            channel = channelFactory.get();
        }
        ShardSplit split = cursor.split;
        if (!cursor.positionChecked) {
            cursor.positionChecked = true;
            StreamPositionCheck.start(
                    config,
                    gtidSets,
                    split,
                    cursor.framer.safePosition().gtid(),
                    signals,
                    shardQueries);
        }
        Vtgate.VStreamRequest request =
                VStreamRequests.forSplit(
                        config,
                        split.keyspace(),
                        split.shard(),
                        cursor.framer.safePosition(),
                        split.bounds(),
                        cursor.framer.streamedTables(),
                        cursor.allColumns ? null : config.columns());
        long rowsToDrop = cursor.framer.rowsToDrop();
        LOG.info(
                "Opening VStream of {} at {}{}",
                split.splitId(),
                cursor.framer.safePosition(),
                rowsToDrop > 0 ? ", skipping " + rowsToDrop + " rows emitted before" : "");
        ShardStream stream = new ShardStream(split.splitId(), channel, CallOptions.DEFAULT);
        cursor.stream = stream;
        cursor.reconnects.streamOpened(System.currentTimeMillis());
        cursor.stall.heard(System.currentTimeMillis());
        stream.start(request, new Metadata(), signals, PREFETCH);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<ShardSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported splits change: " + splitsChanges.getClass());
        }
        for (ShardSplit split : splitsChanges.splits()) {
            if (split.chunk() != null) {
                chunks.add(split);
                metrics.chunksWaiting(chunks.size());
                continue;
            }
            ReconnectPolicy reconnects =
                    new ReconnectPolicy(
                            config.connection().reconnectMaxAttempts(),
                            initialBackoffMs,
                            maxBackoffMs);
            SnapshotProgress progress = SnapshotProgress.of(split, config.connection());
            ShardCursor cursor =
                    new ShardCursor(
                            split,
                            reconnects,
                            config.tables(),
                            config.rowFilter(),
                            progress,
                            config.stallTimeout().toMillis());
            // Joining an incremental snapshot compares primary keys: the stream needs them.
            cursor.allColumns = split.catchUp() != null;
            if (config.watermarkHeartbeatDelay() != null) {
                cursor.framer.idleWatermarks(config.watermarkHeartbeatDelay().toMillis());
            }
            cursors.put(split.splitId(), cursor);
            metrics.registerShard(split.splitId(), progress);
        }
    }

    @Override
    public void wakeUp() {
        signals.add(ReaderSignal.WAKE_UP);
    }

    @Override
    public void close() {
        for (ShardCursor cursor : cursors.values()) {
            if (cursor.stream != null) {
                cursor.stream.cancel();
            }
            metrics.unregisterShard(cursor.split.splitId());
        }
        cursors.clear();
        chunks.clear();
        if (chunkReader != null) {
            chunkReader.close();
            chunkReader = null;
        }
        VStreamChannels.close(channel);
        channel = null;
        shardQueries.shutdownNow();
        // Its kept connection closes once a query that may be running has returned: not here.
        Thread closer = new Thread(gtidSets::close, "planetscale-shard-queries-close");
        closer.setDaemon(true);
        closer.start();
    }
}
