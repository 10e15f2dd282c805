package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.snapshot.SnapshotCatchUp;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * The enumerator's bookkeeping of incremental snapshots (no I/O). A shard that starts with a
 * snapshot is held back while its tables are cut into chunks, the chunks are read by any reader,
 * and each chunk's high watermark is reported. Once every chunk is read and a completed checkpoint
 * holds the reports (a reader restored to an earlier checkpoint reads its chunk again, to a new
 * watermark), the shard's split is released: its stream starts at the earliest high watermark,
 * copies the tables left to VStream, and drops what the chunks already hold ({@link
 * SnapshotCatchUp}).
 */
@Internal
final class IncrementalSnapshots {

    private static final Logger LOG = LoggerFactory.getLogger(IncrementalSnapshots.class);

    private final boolean enabled;

    /** Per shard split id: the plan until the shard's split is released. */
    private final Map<String, ShardPlan> plans = new LinkedHashMap<>();

    /** Shards whose plan is being made. */
    private final Set<String> planning = new HashSet<>();

    /** A checkpoint was taken or restored: the job checkpoints. */
    private boolean checkpointing;

    /**
     * A checkpoint completed since this enumerator started (a snapshot alone may be a savepoint,
     * which Flink does not confirm).
     */
    private boolean checkpointCompleted;

    private final LongSupplier clock;

    /**
     * The "high watermark" of a chunk that could not be read because its shard no longer serves (a
     * reshard cut over): its table is left to VStream's copy.
     */
    static final String NOT_READ = SnapshotCatchUp.GIVEN_UP;

    /** One shard's chunks and what came of them. */
    static final class ShardPlan {
        final List<TableChunk> chunks;
        final Set<String> copiedTables;

        /** Chunk split id to the chunk's high watermark ({@link #NOT_READ}: given up). */
        final Map<String, String> highs;

        /** The shard's position before its first chunk was read; "" if not known. */
        final String plannedAt;

        /** The first snapshot taken after the last chunk was read; -1 before. */
        long completeAtSnapshot = -1;

        /** When a release first found every chunk read (not kept in checkpoints); -1 before. */
        long completeSinceMillis = -1;

        ShardPlan(
                List<TableChunk> chunks,
                Set<String> copiedTables,
                Map<String, String> highs,
                String plannedAt) {
            this.chunks = new ArrayList<>(chunks);
            this.copiedTables = new TreeSet<>(copiedTables);
            this.highs = new LinkedHashMap<>(highs);
            this.plannedAt = plannedAt;
        }

        boolean complete() {
            return highs.size() == chunks.size();
        }
    }

    IncrementalSnapshots(boolean enabled, Map<String, ShardPlan> restored) {
        this(enabled, restored, !restored.isEmpty(), System::currentTimeMillis);
    }

    /**
     * @param restoredCheckpoint whether the enumerator was restored from a checkpoint or savepoint
     *     (the job checkpoints, even when no plan was in its state: it was taken while the first
     *     plans were made)
     */
    IncrementalSnapshots(
            boolean enabled,
            Map<String, ShardPlan> restored,
            boolean restoredCheckpoint,
            LongSupplier clock) {
        this.enabled = enabled;
        this.clock = clock;
        plans.putAll(restored);
        checkpointing = restoredCheckpoint || !restored.isEmpty();
    }

    /**
     * Whether this shard split waits for its incremental snapshot instead of being read: one that
     * starts with a snapshot and has not been released (a released one carries its catch-up).
     */
    boolean holds(ShardSplit split) {
        return enabled
                && split.chunk() == null
                && split.position().gtid().equals(ShardPosition.GTID_COPY)
                && split.catchUp() == null
                && split.position().tablePKs().isEmpty()
                && !split.tables().isEmpty()
                && split.parentShards().isEmpty();
    }

    /** Whether this held split needs its chunks planned; marks it as being planned. */
    boolean startPlanning(ShardSplit split) {
        String id = split.splitId();
        if (!holds(split) || plans.containsKey(id) || planning.contains(id)) {
            return false;
        }
        planning.add(id);
        return true;
    }

    /**
     * The chunks of a shard were cut.
     *
     * @return the chunk splits to read
     */
    List<ShardSplit> planned(
            ShardSplit split, List<TableChunk> chunks, Set<String> copied, String plannedAt) {
        planning.remove(split.splitId());
        plans.put(
                split.splitId(), new ShardPlan(chunks, copied, Collections.emptyMap(), plannedAt));
        List<ShardSplit> chunkSplits = new ArrayList<>(chunks.size());
        // A chunk names its table: the shard's list of tables stays with the shard's split.
        ShardSplit base = split.withTables(Collections.emptySet());
        for (TableChunk chunk : chunks) {
            chunkSplits.add(base.withChunk(chunk));
        }
        return chunkSplits;
    }

    /** Planning failed: the next round tries again. */
    void planningFailed(ShardSplit split) {
        planning.remove(split.splitId());
    }

    /**
     * A reader read a chunk up to this high watermark (again, after a restore: the new one), or
     * gave it up ({@link #NOT_READ}: its shard no longer serves).
     */
    void chunkRead(String chunkSplitId, String high) {
        ShardPlan plan = plans.get(TableChunk.shardSplitId(chunkSplitId));
        if (plan == null || high == null) {
            return;
        }
        plan.highs.put(chunkSplitId, high);
        plan.completeAtSnapshot = -1;
        plan.completeSinceMillis = -1;
    }

    /**
     * A chunk's report was taken back (its reader went back to a checkpoint that does not hold it):
     * the chunk is read again, to a new high watermark, before its shard may be released.
     */
    void chunkReset(String chunkSplitId) {
        ShardPlan plan = plans.get(TableChunk.shardSplitId(chunkSplitId));
        if (plan != null && plan.highs.remove(chunkSplitId) != null) {
            plan.completeAtSnapshot = -1;
            plan.completeSinceMillis = -1;
        }
    }

    /** Chunks planned, of the shards whose snapshot is under way. */
    long chunksPlanned() {
        long count = 0;
        for (ShardPlan plan : plans.values()) {
            count += plan.chunks.size();
        }
        return count;
    }

    /** Chunks read or given up, of the shards whose snapshot is under way. */
    long chunksRead() {
        long count = 0;
        for (ShardPlan plan : plans.values()) {
            count += plan.highs.size();
        }
        return count;
    }

    private static long givenUp(ShardPlan plan) {
        return plan.highs.values().stream().filter(NOT_READ::equals).count();
    }

    /** One line per shard whose chunks are being read, e.g. for a log every 30 s. */
    List<String> progress() {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, ShardPlan> entry : plans.entrySet()) {
            ShardPlan plan = entry.getValue();
            if (!plan.complete()) {
                Set<String> tables = new TreeSet<>();
                for (TableChunk chunk : plan.chunks) {
                    if (!plan.highs.containsKey(chunk.splitId(entry.getKey()))) {
                        tables.add(chunk.table());
                    }
                }
                long givenUp = givenUp(plan);
                lines.add(
                        String.format(
                                "%s: %d of %d chunks read%s, tables with chunks left %s",
                                entry.getKey(),
                                plan.highs.size() - givenUp,
                                plan.chunks.size(),
                                givenUp == 0 ? "" : " (" + givenUp + " given up)",
                                tables));
            }
        }
        return lines;
    }

    /** A checkpoint completed (Flink confirms checkpoints, not savepoints). */
    void checkpointCompleted() {
        checkpointCompleted = true;
    }

    /** Checkpoint {@code checkpointId} is being taken. */
    Map<String, ShardPlan> snapshot(long checkpointId) {
        checkpointing = true;
        // The job is trying to checkpoint (or taking a savepoint): the wait for one starts anew.
        long now = clock.getAsLong();
        for (ShardPlan plan : plans.values()) {
            if (plan.complete() && plan.completeAtSnapshot < 0) {
                plan.completeAtSnapshot = checkpointId;
            }
            if (plan.completeSinceMillis >= 0) {
                plan.completeSinceMillis = now;
            }
        }
        return Collections.unmodifiableMap(plans);
    }

    /**
     * The shard splits to release: with a checkpoint completed, those whose chunks that checkpoint
     * saw all read; without checkpoints, those whose chunks are all read.
     *
     * @param held the held shard splits, by id
     * @param checkpointId the completed checkpoint; -1 to check without one
     */
    List<ShardSplit> release(Map<String, ShardSplit> held, long checkpointId) {
        List<ShardSplit> released = new ArrayList<>();
        for (Map.Entry<String, ShardPlan> entry : new ArrayList<>(plans.entrySet())) {
            ShardPlan plan = entry.getValue();
            ShardSplit split = held.get(entry.getKey());
            if (split == null || !plan.complete()) {
                plan.completeSinceMillis = -1;
                continue;
            }
            long now = clock.getAsLong();
            if (plan.completeSinceMillis < 0) {
                plan.completeSinceMillis = now;
            }
            boolean checkpointed =
                    plan.completeAtSnapshot >= 0 && checkpointId >= plan.completeAtSnapshot;
            // Restored or snapshotted, but no checkpoint completed since: the job may no longer
            // checkpoint, or take savepoints only.
            boolean waitedInVain =
                    !checkpointCompleted
                            && now - plan.completeSinceMillis
                                    >= PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMillis();
            if (checkpointing && !checkpointed && !waitedInVain) {
                continue;
            }
            plans.remove(entry.getKey());
            if (!checkpointing) {
                LOG.warn(
                        "{}: its stream starts without a completed checkpoint (the job has not"
                                + " checkpointed yet): rows of its chunks still on their way"
                                + " downstream may arrive after the stream's first changes of the"
                                + " same keys. Enable checkpointing for the order per key (and"
                                + " exactly-once) across the snapshot's end.",
                        entry.getKey());
            } else if (!checkpointed) {
                LOG.warn(
                        "{}: its stream starts without a completed checkpoint: none completed"
                                + " in the {} minutes since its chunks were all read and the last"
                                + " snapshot was taken (a job"
                                + " restored without checkpointing, or one that takes only"
                                + " savepoints, which Flink does not confirm to sources). Rows of"
                                + " its chunks still on their way"
                                + " downstream may arrive after the stream's first changes of the"
                                + " same keys.",
                        entry.getKey(),
                        PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMinutes());
            }
            released.add(streamSplit(split, plan));
        }
        return released;
    }

    private static ShardSplit streamSplit(ShardSplit split, ShardPlan plan) {
        if (plan.chunks.isEmpty()) {
            LOG.info("{}: no table to read in chunks; VStream copies them all", split.splitId());
            // An empty catch-up marks the split as released (it no longer waits for chunks).
            return split.withCatchUp(new SnapshotCatchUp(Collections.emptyList()));
        }
        List<SnapshotCatchUp.Chunk> read = new ArrayList<>();
        for (TableChunk chunk : plan.chunks) {
            read.add(
                    new SnapshotCatchUp.Chunk(
                            chunk, plan.highs.get(chunk.splitId(split.splitId()))));
        }
        SnapshotCatchUp catchUp = new SnapshotCatchUp(read);
        Set<String> givenUp = catchUp.givenUpTables();
        if (!givenUp.isEmpty()) {
            // Its shard stopped serving (a reshard cut over) before these chunks were read. The
            // stream drops every change of their ranges and streams the rest up to the reshard's
            // journal (deletes of rows of chunks read included), where it hands their tables to
            // the new shards to copy (ShardEventFramer): rows of chunks read come again.
            if (split.snapshotOnly() || split.bounds().hasStop()) {
                // Its stream would end at its stop, before the journal that hands the tables on.
                throw new FlinkRuntimeException(
                        split.splitId()
                                + " stopped serving (a reshard cut over) before the snapshot"
                                + " chunks of "
                                + givenUp
                                + " were read: a bounded read (startup mode 'snapshot', or a"
                                + " 'scan.bounded.mode') reads the shards it started with. Run it"
                                + " again once the reshard is complete.");
            }
            boolean anyRead = givenUp(plan) < plan.highs.size();
            String start = anyRead ? catchUp.startPosition() : plan.plannedAt;
            if (start == null) {
                throw new FlinkRuntimeException(
                        "The high watermarks of the incremental snapshot of "
                                + split.splitId()
                                + " do not line up in one binlog history (a failover to a tablet"
                                + " with other transactions?); restart the job from a new"
                                + " snapshot.");
            }
            if (start.isEmpty()) {
                throw new FlinkRuntimeException(
                        split.splitId()
                                + " stopped serving (a reshard?) before any of its snapshot chunks"
                                + " was read, and its position before them is not known (a state"
                                + " of an older version): restart the job without its state.");
            }
            LOG.warn(
                    "{} no longer serves (a reshard cut over) and chunks of {} could not be read:"
                            + " its stream starts at {}, drops the changes of those chunks' key"
                            + " ranges and leaves the tables to the new shards' copy at the"
                            + " reshard's journal. Rows of their chunks read before come again,"
                            + " as snapshot rows.",
                    split.splitId(),
                    givenUp,
                    start);
            return split.withPosition(
                            new ShardPosition(start, Collections.emptyList(), plan.copiedTables), 0)
                    .withCatchUp(catchUp);
        }
        String start = catchUp.startPosition();
        if (start == null) {
            throw new FlinkRuntimeException(
                    "The high watermarks of the incremental snapshot of "
                            + split.splitId()
                            + " do not line up in one binlog history (a failover to a tablet with"
                            + " other transactions?); restart the job from a new snapshot.");
        }
        LOG.info(
                "{}: all {} snapshot chunks read; its binlog starts at {}{}",
                split.splitId(),
                plan.chunks.size(),
                start,
                plan.copiedTables.isEmpty() ? "" : ", after VStream copies " + plan.copiedTables);
        return split.withPosition(
                        new ShardPosition(start, Collections.emptyList(), plan.copiedTables), 0)
                .withCatchUp(catchUp);
    }
}
