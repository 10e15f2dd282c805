package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.event.CapturedTablesEvent;
import io.github.vstreamcdc.source.event.RestoredSplitsEvent;
import io.github.vstreamcdc.source.event.ShardFinishedEvent;
import io.github.vstreamcdc.source.snapshot.ChunkPlanner;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Discovers the shards of the keyspace and hands their splits to the readers. I/O (listing and
 * positioning shards) runs in {@code callAsync} workers; all state changes in the handlers, on the
 * coordinator thread, as in Flink's Kafka enumerator. The bookkeeping of shards and reshard
 * journals is a {@link ShardLineageTracker}, the choice of reader a {@link
 * LeastLoadedSplitAssigner}.
 */
@Internal
public final class PlanetScaleSourceEnumerator
        implements SplitEnumerator<ShardSplit, PlanetScaleEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(PlanetScaleSourceEnumerator.class);

    /** Without checkpoints, how long a complete journal waits before its new shards start. */
    static final Duration NO_CHECKPOINT_WAIT = Duration.ofSeconds(60);

    /**
     * How long a reshard's new shards, or a shard whose incremental-snapshot chunks are all read,
     * wait for the first completed checkpoint of a job that seems to checkpoint (it was restored,
     * or took a snapshot) before they start without one: a job restored from a savepoint may no
     * longer checkpoint, and Flink does not confirm savepoints to sources, so a job that only takes
     * savepoints never completes a checkpoint. (The enumerator cannot see the checkpoint interval:
     * a job whose first checkpoint completes later than this may start them before it.)
     */
    static final Duration FIRST_CHECKPOINT_WAIT = Duration.ofMinutes(10);

    /** How long assignments wait for readers that have not registered yet. */
    static final Duration READER_WAIT = Duration.ofSeconds(5);

    private static final long RELEASE_CHECK_MILLIS = 5_000;
    private static final long SNAPSHOT_PROGRESS_MILLIS = 30_000;
    private static final long READER_CHECK_MILLIS = 1_000;

    private final SplitEnumeratorContext<ShardSplit> context;
    private final ShardDiscovery discovery;
    private final Boundedness boundedness;
    @Nullable private final Duration discoveryInterval;
    private final ShardLineageTracker shards;
    private final LeastLoadedSplitAssigner assigner;

    private final Set<Integer> signalledNoMoreSplits = new HashSet<>();

    /**
     * A bounded read whose shards stop by themselves: the readers learn that no more splits come
     * only once every shard, the ones reshards create included, has finished.
     */
    private final boolean waitsForStops;

    /** New shards are being positioned: listings meanwhile wait for the next round. */
    private boolean positioning;

    /**
     * The tables the source reads; new shards read them too. Grows when tables are found later
     * ({@code scan.newly-added-table.enabled}); empty until the first shards are positioned.
     */
    private final Set<String> tables;

    /** How often to look for new tables; null when the tables are fixed at start. */
    @Nullable private final Duration tableDiscoveryInterval;

    /** Shards held back while their snapshot is read in chunks. */
    private final IncrementalSnapshots snapshots;

    private long chunksReadAtLastLog;

    /** Periodic looks for new shards (and their positioning) that failed in a row. */
    private int shardLooksFailed;

    /** Periodic looks for new tables that failed in a row. */
    private int tableLooksFailed;

    public PlanetScaleSourceEnumerator(
            SplitEnumeratorContext<ShardSplit> context,
            ShardDiscovery discovery,
            Boundedness boundedness,
            @Nullable Duration discoveryInterval,
            PlanetScaleEnumeratorState state) {
        this(context, discovery, boundedness, discoveryInterval, state, NO_CHECKPOINT_WAIT);
    }

    PlanetScaleSourceEnumerator(
            SplitEnumeratorContext<ShardSplit> context,
            ShardDiscovery discovery,
            Boundedness boundedness,
            @Nullable Duration discoveryInterval,
            PlanetScaleEnumeratorState state,
            Duration noCheckpointWait) {
        this(
                context,
                discovery,
                boundedness,
                discoveryInterval,
                state,
                noCheckpointWait,
                READER_WAIT,
                System::currentTimeMillis);
    }

    PlanetScaleSourceEnumerator(
            SplitEnumeratorContext<ShardSplit> context,
            ShardDiscovery discovery,
            Boundedness boundedness,
            @Nullable Duration discoveryInterval,
            PlanetScaleEnumeratorState state,
            Duration noCheckpointWait,
            Duration readerWait,
            LongSupplier clock) {
        this.context = context;
        this.discovery = discovery;
        this.boundedness = boundedness;
        this.discoveryInterval = discoveryInterval;
        this.shards =
                new ShardLineageTracker(
                        state, noCheckpointWait, clock, discovery.boundsOfNewShards());
        this.waitsForStops = discovery.boundsOfNewShards().hasStop();
        this.assigner =
                new LeastLoadedSplitAssigner(readerWait, clock, state.initialDiscoveryDone());
        this.tables = new TreeSet<>(state.tables());
        this.tableDiscoveryInterval = discovery.tableDiscoveryInterval();
        this.snapshots =
                new IncrementalSnapshots(
                        discovery.incrementalSnapshot(),
                        state.snapshotPlans(),
                        state.initialDiscoveryDone(),
                        clock);
    }

    @Override
    public void start() {
        shards.startJournalsCompleteAtRestore();
        planHeldShards();
        if (discovery.incrementalSnapshot()) {
            context.metricGroup().gauge("snapshotChunksPlanned", snapshots::chunksPlanned);
            context.metricGroup().gauge("snapshotChunksRead", snapshots::chunksRead);
            context.callAsync(
                    () -> null,
                    (ignored, error) -> {
                        logSnapshotProgress();
                        // a restored job that no longer checkpoints: see IncrementalSnapshots
                        if (releaseSnapshots(-1)) {
                            assignPending();
                        }
                    },
                    SNAPSHOT_PROGRESS_MILLIS,
                    SNAPSHOT_PROGRESS_MILLIS);
        }
        if (!shards.initialDiscoveryDone()) {
            context.callAsync(discovery::listShards, this::onShardsListed);
        }
        if (boundedness == Boundedness.CONTINUOUS_UNBOUNDED
                && discoveryInterval != null
                && !discoveryInterval.isZero()) {
            long millis = discoveryInterval.toMillis();
            context.callAsync(discovery::listShards, this::onShardsListed, millis, millis);
        }
        if (boundedness == Boundedness.CONTINUOUS_UNBOUNDED || waitsForStops) {
            context.callAsync(
                    () -> null,
                    (ignored, error) -> startChildrenWithoutCheckpoints(),
                    RELEASE_CHECK_MILLIS,
                    RELEASE_CHECK_MILLIS);
        }
        if (tableDiscoveryInterval != null) {
            // Restored: at once, for tables a wider selection matches now.
            long millis = tableDiscoveryInterval.toMillis();
            context.callAsync(
                    discovery::listTables,
                    this::onTablesListed,
                    shards.initialDiscoveryDone() ? 0 : millis,
                    millis);
        }
        // Ends the wait for readers that never register.
        context.callAsync(
                () -> null,
                (ignored, error) -> assignPending(),
                READER_CHECK_MILLIS,
                READER_CHECK_MILLIS);
    }

    private void onShardsListed(List<String> listed, @Nullable Throwable error) {
        if (error != null) {
            discoveryFailed(error);
            return;
        }
        shardLooksFailed = 0;
        if (positioning) {
            return;
        }
        List<String> fresh = shards.newShards(discovery.keyspace(), listed);
        if (fresh.isEmpty()) {
            onShardsPositioned(Collections.emptyList(), null);
            return;
        }
        positioning = true;
        Set<String> read = Collections.unmodifiableSet(new TreeSet<>(tables));
        context.callAsync(() -> discovery.firstSplits(fresh, read), this::onShardsPositioned);
    }

    /**
     * Tables the selection matches now: the readers add those not read yet to every shard's stream
     * (copied, then streamed) and leave out those that are gone (dropped or renamed away, so that
     * one that comes back is copied again).
     */
    private void onTablesListed(List<String> listed, @Nullable Throwable error) {
        if (error != null) {
            tableLooksFailed = periodicLookFailed("tables", tableLooksFailed, error);
            return;
        }
        tableLooksFailed = 0;
        if (!shards.initialDiscoveryDone()) {
            return; // the first shards' positioning lists the tables itself
        }
        Set<String> now = new TreeSet<>(listed);
        if (now.equals(tables)) {
            return;
        }
        Set<String> added = new TreeSet<>(now);
        added.removeAll(tables);
        Set<String> gone = new TreeSet<>(tables);
        gone.removeAll(now);
        tables.clear();
        tables.addAll(now);
        LOG.info(
                "Tables {} are new, {} are gone: the source reads {} from now on",
                added,
                gone,
                tables);
        for (int reader : context.registeredReaders().keySet()) {
            sendTables(reader);
        }
    }

    private void sendTables(int reader) {
        context.sendEventToSourceReader(reader, new CapturedTablesEvent(tables));
    }

    private void onShardsPositioned(List<ShardSplit> splits, @Nullable Throwable error) {
        positioning = false;
        if (error != null) {
            discoveryFailed(error);
            return;
        }
        shardLooksFailed = 0;
        if (tables.isEmpty()) {
            splits.forEach(split -> tables.addAll(split.tables()));
        }
        shards.discovered(splits);
        planHeldShards();
        assignPending();
    }

    private void logSnapshotProgress() {
        long read = snapshots.chunksRead();
        long rate = Math.max(0, read - chunksReadAtLastLog) * 1000 / SNAPSHOT_PROGRESS_MILLIS;
        chunksReadAtLastLog = read;
        for (String line : snapshots.progress()) {
            LOG.info("Incremental snapshot of {} ({} chunks/s over all shards)", line, rate);
        }
    }

    /** Cuts the snapshots of shards held back for an incremental snapshot into chunks. */
    private void planHeldShards() {
        for (ShardSplit split : shards.unassigned()) {
            if (snapshots.startPlanning(split)) {
                Set<String> read = split.tables().isEmpty() ? tables : split.tables();
                Set<String> copy = Collections.unmodifiableSet(new TreeSet<>(read));
                context.callAsync(
                        () -> discovery.planChunks(split.shard(), copy),
                        (plan, error) -> onChunksPlanned(split, plan, error));
            }
        }
    }

    private void onChunksPlanned(
            ShardSplit split, @Nullable ChunkPlanner.Plan plan, @Nullable Throwable error) {
        if (error != null) {
            snapshots.planningFailed(split);
            throw new FlinkRuntimeException(
                    "Planning the incremental snapshot of "
                            + split.splitId()
                            + " failed: "
                            + error.getMessage(),
                    error);
        }
        shards.addChunks(snapshots.planned(split, plan.chunks, plan.copiedTables, plan.position));
        releaseSnapshots(-1);
        assignPending();
    }

    /** Shards whose snapshot chunks are all read start their streams (see {@link #snapshots}). */
    private boolean releaseSnapshots(long checkpointId) {
        Map<String, ShardSplit> held = new LinkedHashMap<>();
        for (ShardSplit split : shards.unassigned()) {
            if (snapshots.holds(split)) {
                held.put(split.splitId(), split);
            }
        }
        if (held.isEmpty()) {
            return false;
        }
        List<ShardSplit> released = snapshots.release(held, checkpointId);
        for (ShardSplit split : released) {
            shards.replaceUnassigned(split);
        }
        return !released.isEmpty();
    }

    private void discoveryFailed(Throwable error) {
        if (shards.initialDiscoveryDone()) {
            shardLooksFailed = periodicLookFailed("shards", shardLooksFailed, error);
            return;
        }
        throw new FlinkRuntimeException(
                "Discovering the shards to read failed: " + error.getMessage(), error);
    }

    /**
     * A periodic look for new shards or tables failed: the next one may succeed, up to {@link
     * ShardDiscovery#maxFailuresInARow()} failures in a row.
     *
     * @return the failures in a row, this one included
     */
    private int periodicLookFailed(String what, int failedBefore, Throwable error) {
        int failed = failedBefore + 1;
        int allowed = discovery.maxFailuresInARow();
        if (failed > allowed) {
            throw new FlinkRuntimeException(
                    "Looking for new "
                            + what
                            + " of keyspace "
                            + discovery.keyspace()
                            + " failed "
                            + failed
                            + " times in a row ('"
                            + PlanetScaleSourceOptions.RECONNECT_MAX_ATTEMPTS.key()
                            + "' is "
                            + allowed
                            + "): "
                            + error.getMessage(),
                    error);
        }
        LOG.warn(
                "Looking for new {} of keyspace {} failed ({} of {} in a row); will try again: {}",
                what,
                discovery.keyspace(),
                failed,
                allowed,
                error.getMessage());
        return failed;
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        if (sourceEvent instanceof RestoredSplitsEvent) {
            assigner.restored(subtaskId, ((RestoredSplitsEvent) sourceEvent).splits());
            assignPending();
            return;
        }
        if (!(sourceEvent instanceof ShardFinishedEvent)) {
            LOG.warn("Ignoring unknown event {} from reader {}", sourceEvent, subtaskId);
            return;
        }
        ShardFinishedEvent event = (ShardFinishedEvent) sourceEvent;
        if (TableChunk.isChunkId(event.splitId())) {
            snapshots.chunkRead(event.splitId(), event.position());
        }
        if (shards.shardFinished(subtaskId, event)) {
            assigner.finished(subtaskId);
        }
        releaseSnapshots(-1);
        assignPending();
    }

    /** Starts the new shards of the journals that a completed checkpoint has seen complete. */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        snapshots.checkpointCompleted();
        releaseSnapshots(checkpointId);
        for (ShardLineageTracker.Ack ack : shards.checkpointComplete(checkpointId)) {
            // A reader that is gone re-reports after its restore and is acknowledged then; one
            // told that no more splits come is ending, and its state no longer matters.
            if (context.registeredReaders().containsKey(ack.reader)
                    && !signalledNoMoreSplits.contains(ack.reader)) {
                context.sendEventToSourceReader(ack.reader, ack.event);
            }
        }
        assignPending();
    }

    private void startChildrenWithoutCheckpoints() {
        if (shards.startChildrenWithoutCheckpoints()) {
            assignPending();
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed as they are discovered; readers never ask.
    }

    @Override
    public void addSplitsBack(List<ShardSplit> splits, int subtaskId) {
        // Flink calls this whenever a reader goes back to its last checkpoint (splits assigned
        // since then come back with it).
        for (String takenBack : shards.readerReset(subtaskId)) {
            if (TableChunk.isChunkId(takenBack)) {
                snapshots.chunkReset(takenBack);
            }
        }
        shards.returned(splits);
        assigner.readerFailed(subtaskId);
        signalledNoMoreSplits.remove(subtaskId);
        LOG.info("Splits {} came back from reader {}", splits, subtaskId);
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        if (tableDiscoveryInterval != null && !tables.isEmpty()) {
            sendTables(subtaskId);
        }
        assignPending();
    }

    private void assignPending() {
        Map<Integer, List<ShardSplit>> assignment = new LinkedHashMap<>();
        List<ShardSplit> ready = new ArrayList<>();
        for (ShardSplit split : shards.unassigned()) {
            if (!snapshots.holds(split)) {
                ready.add(split);
            }
        }
        assigner.assign(ready, context.registeredReaders().keySet(), context.currentParallelism())
                .forEach((reader, splits) -> assignment.put(reader, withTables(splits)));
        if (!assignment.isEmpty()) {
            assignment.forEach(
                    (reader, splits) -> {
                        LOG.info("Assigning {} to reader {}", splits, reader);
                        splits.forEach(split -> shards.assigned(split.splitId()));
                    });
            context.assignSplits(new SplitsAssignment<>(assignment));
        }
        signalNoMoreSplitsIfBounded();
    }

    /**
     * A reshard's new shards that do not name their tables (their old shards did not tell, e.g.
     * restored from a state of before version 6) read the source's tables.
     */
    private List<ShardSplit> withTables(List<ShardSplit> splits) {
        List<ShardSplit> result = new ArrayList<>(splits.size());
        for (ShardSplit split : splits) {
            result.add(
                    split.tables().isEmpty() && !tables.isEmpty() && split.chunk() == null
                            ? split.withTables(tables)
                            : split);
        }
        return result;
    }

    private void signalNoMoreSplitsIfBounded() {
        if (boundedness != Boundedness.BOUNDED
                || !shards.initialDiscoveryDone()
                || !shards.unassigned().isEmpty()
                || (waitsForStops && !shards.allFinished())) {
            return;
        }
        for (int reader : context.registeredReaders().keySet()) {
            if (signalledNoMoreSplits.add(reader)) {
                context.signalNoMoreSplits(reader);
            }
        }
    }

    @Override
    public PlanetScaleEnumeratorState snapshotState(long checkpointId) {
        return shards.snapshot(checkpointId)
                .withTables(tables)
                .withSnapshotPlans(snapshots.snapshot(checkpointId));
    }

    @Override
    public void close() {
        discovery.close();
    }
}
