package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.JournalKey;
import io.github.vstreamcdc.source.event.ShardFinishedAck;
import io.github.vstreamcdc.source.event.ShardFinishedEvent;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.source.split.KnownTableSchema;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.SplitBounds;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * The shards the enumerator knows (waiting for a reader, read, finished) and the reshard journals
 * between them. Pure bookkeeping: no Flink context, no I/O, no threads; the enumerator calls it on
 * the coordinator thread.
 *
 * <p>A reader reports a shard finished at its reshard JOURNAL. The shards the journal names start,
 * from the positions it gives, once every participant of the journal has finished, whichever
 * readers read them and in whatever order the reports come (also across restores: pending journals
 * and finished shards are in the checkpoint, and readers re-send their reports). They start only
 * when a checkpoint taken after the last report has completed: earlier, a new shard's changes could
 * overtake the old shard's last ones, which may still be in flight downstream, and a failover that
 * keeps the enumerator but restores the readers to an earlier checkpoint would read the old shard's
 * end again while the new shard runs on. A job without checkpoints starts them after {@code
 * noCheckpointWait}; a restored job that completes no checkpoint, after {@link
 * PlanetScaleSourceEnumerator#FIRST_CHECKPOINT_WAIT} (or {@code noCheckpointWait} if longer), and
 * so does a job that has taken snapshots but never completed a checkpoint (savepoints only).
 *
 * <p>In a bounded read a shard may instead finish at its stop: it counts as finished for the
 * journals too, and the new shards get {@code newShardBounds}.
 */
@Internal
final class ShardLineageTracker {

    private static final Logger LOG = LoggerFactory.getLogger(ShardLineageTracker.class);

    private final Duration noCheckpointWait;
    private final LongSupplier clock;
    private final SplitBounds newShardBounds;

    private final Map<String, ShardSplit> unassigned = new LinkedHashMap<>();
    private final Set<String> assigned = new HashSet<>();
    private final Set<String> finished = new HashSet<>();
    private boolean initialDiscoveryDone;

    /** Reshard journals until their new shards start. */
    private final Map<JournalKey, Binlogdata.Journal> pendingJournals = new LinkedHashMap<>();

    /**
     * The table schemas that old shards of {@link #pendingJournals} knew when they ended, by split
     * id: their new shards start knowing them, so that a schema change a new shard sees first is
     * told as one rather than taken as the table's first description.
     */
    private final Map<String, Map<String, KnownTableSchema>> parentSchemas = new LinkedHashMap<>();

    /** The tables old shards read when they ended at a pending journal, by split id. */
    private final Map<String, Set<String>> parentTables = new LinkedHashMap<>();

    /** ... and, of those that ended while copying, their copy states (tables left, last keys). */
    private final Map<String, ShardPosition> parentCopies = new LinkedHashMap<>();

    /**
     * Shards that finished at their stop, not at a journal: a merge one of them took part in cut
     * over after its stop, and the merged shard stops where it starts.
     */
    private final Set<String> stopped = new HashSet<>();

    /** Journals whose new shards were started: later reports of them change nothing. */
    private final Set<JournalKey> resolvedJournals = new HashSet<>();

    /**
     * Journals whose participants all finished, waiting for a checkpoint: the id of the first
     * snapshot taken since (-1 before). Their new shards start when that checkpoint completes.
     */
    private final Map<JournalKey, Long> awaitingCheckpoint = new LinkedHashMap<>();

    /** When each journal of {@link #awaitingCheckpoint} completed, by the clock. */
    private final Map<JournalKey, Long> completedAtMillis = new HashMap<>();

    /**
     * Reports of splits that ended at a journal, by split id, until a completed checkpoint holds
     * them. The reader keeps the split in its state until acknowledged.
     */
    private final Map<String, PendingAck> pendingAcks = new LinkedHashMap<>();

    /** A checkpoint was taken or restored: the job checkpoints. */
    private boolean checkpointing;

    /**
     * A checkpoint completed since this tracker was made (a snapshot alone may be a savepoint,
     * which Flink does not confirm).
     */
    private boolean checkpointCompleted;

    ShardLineageTracker(
            PlanetScaleEnumeratorState state, Duration noCheckpointWait, LongSupplier clock) {
        this(state, noCheckpointWait, clock, SplitBounds.NONE);
    }

    ShardLineageTracker(
            PlanetScaleEnumeratorState state,
            Duration noCheckpointWait,
            LongSupplier clock,
            SplitBounds newShardBounds) {
        this.noCheckpointWait = noCheckpointWait;
        this.clock = clock;
        this.newShardBounds = newShardBounds;
        for (ShardSplit split : state.unassigned()) {
            unassigned.put(split.splitId(), split);
        }
        assigned.addAll(state.assigned());
        finished.addAll(state.finished());
        initialDiscoveryDone = state.initialDiscoveryDone();
        for (Binlogdata.Journal journal : state.pendingJournals()) {
            pendingJournals.put(JournalKey.of(journal), journal);
        }
        resolvedJournals.addAll(state.resolvedJournals());
        parentSchemas.putAll(state.parentSchemas());
        parentTables.putAll(state.parentTables());
        parentCopies.putAll(state.parentCopies());
        stopped.addAll(state.stopped());
        // A fresh start has not discovered yet: this state came from a checkpoint.
        checkpointing = state.initialDiscoveryDone();
    }

    /**
     * Starts the new shards of journals complete in the restored checkpoint: the readers' states in
     * it hold the old shards as finished, and nothing read before it is still in flight.
     */
    void startJournalsCompleteAtRestore() {
        startChildrenOfCompletedJournals(true);
    }

    boolean initialDiscoveryDone() {
        return initialDiscoveryDone;
    }

    // ---------------------------------------------------------------- discovery

    /** Of the shards a discovery listed, those to position and read from the startup position. */
    List<String> newShards(String keyspace, List<String> listed) {
        List<String> fresh = new ArrayList<>();
        for (String shard : listed) {
            if (isNew(keyspace, shard)) {
                fresh.add(shard);
            }
        }
        return fresh;
    }

    /** A discovery ended: its new shards' first splits (possibly none) wait for readers. */
    void discovered(List<ShardSplit> splits) {
        List<ShardSplit> added = new ArrayList<>();
        for (ShardSplit split : splits) {
            // Checked again: a journal may have started the shard while it was positioned.
            if (isNew(split.keyspace(), split.shard())) {
                unassigned.put(split.splitId(), split);
                added.add(split);
            }
        }
        if (!added.isEmpty()) {
            LOG.info("Discovered splits {}", added);
        }
        initialDiscoveryDone = true;
    }

    private boolean isNew(String keyspace, String shard) {
        String id = ShardSplit.splitId(keyspace, shard);
        if (isKnown(id)) {
            return false;
        }
        if (initialDiscoveryDone && overlapsKnownShard(keyspace, shard)) {
            // A reshard's new shard: it starts from its journal's position, once the shards it
            // replaces are drained, never from the startup mode's.
            LOG.info("Shard {} appeared; it will start at its reshard journal", id);
            return false;
        }
        return true;
    }

    private boolean isKnown(String id) {
        return assigned.contains(id) || finished.contains(id) || unassigned.containsKey(id);
    }

    private boolean overlapsKnownShard(String keyspace, String shard) {
        Set<String> known = new HashSet<>(unassigned.keySet());
        known.addAll(assigned);
        known.addAll(finished);
        for (String splitId : known) {
            String id = TableChunk.shardSplitId(splitId);
            int slash = id.indexOf('/');
            if (id.substring(0, slash).equals(keyspace)
                    && KeyRanges.overlap(id.substring(slash + 1), shard)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- assignment

    /** Splits waiting for a reader, in the order they came. */
    List<ShardSplit> unassigned() {
        return new ArrayList<>(unassigned.values());
    }

    /** The chunk splits of a shard's incremental snapshot wait for readers. */
    void addChunks(List<ShardSplit> chunks) {
        for (ShardSplit chunk : chunks) {
            if (!isKnown(chunk.splitId())) {
                unassigned.put(chunk.splitId(), chunk);
            }
        }
    }

    /** A waiting split changed (a shard held back for its incremental snapshot is released). */
    void replaceUnassigned(ShardSplit split) {
        if (unassigned.containsKey(split.splitId())) {
            unassigned.put(split.splitId(), split);
        }
    }

    /** A reader now reads the split. */
    void assigned(String splitId) {
        unassigned.remove(splitId);
        assigned.add(splitId);
    }

    /** Splits a failed reader had not checkpointed yet: they wait for a reader again. */
    void returned(List<ShardSplit> splits) {
        for (ShardSplit split : splits) {
            assigned.remove(split.splitId());
            unassigned.put(split.splitId(), split);
        }
    }

    // ---------------------------------------------------------------- reshards

    /**
     * A reader reported that a split ended at a reshard journal, or at its stop (no journal).
     *
     * @return whether the split was being read until now (its reader holds one split fewer)
     */
    boolean shardFinished(int reader, String splitId, @Nullable Binlogdata.Journal journal) {
        return shardFinished(reader, new ShardFinishedEvent(splitId, journal));
    }

    /**
     * A reader reported that a split ended at a reshard journal (with the table schemas it knew,
     * the tables it read and, if it was copying, its copy state), or at its stop (no journal).
     *
     * @return whether the split was being read until now (its reader holds one split fewer)
     */
    boolean shardFinished(int reader, ShardFinishedEvent report) {
        String splitId = report.splitId();
        Binlogdata.Journal journal = report.journal();
        pendingAcks.put(
                splitId,
                new PendingAck(
                        reader,
                        ShardFinishedEvent.journalKey(journal),
                        journal == null ? null : JournalKey.of(journal)));
        if (journal == null) {
            boolean wasRead = assigned.remove(splitId);
            unassigned.remove(splitId);
            finished.add(splitId);
            if (!TableChunk.isChunkId(splitId)) {
                stopped.add(splitId);
                LOG.info("Shard {} finished (reader {}) at its stop", splitId, reader);
            }
            startChildrenOfCompletedJournals(false);
            return wasRead;
        }
        JournalKey key = JournalKey.of(journal);
        if (resolvedJournals.contains(key)
                && (assigned.contains(splitId) || unassigned.containsKey(splitId))) {
            // A late re-report of a shard whose name a merge has reused since: the live shard of
            // that name is not the one that finished.
            return false;
        }
        boolean wasRead = assigned.remove(splitId);
        unassigned.remove(splitId);
        finished.add(splitId);
        stopped.remove(splitId);
        if (journal.getMigrationType() == Binlogdata.MigrationType.SHARDS
                && !resolvedJournals.contains(key)) {
            pendingJournals.putIfAbsent(key, journal);
            Map<String, KnownTableSchema> schemas = report.schemas();
            // A report replaces an earlier one of the same split (read again after a restore).
            putOrRemove(parentSchemas, splitId, schemas.isEmpty() ? null : schemas);
            putOrRemove(parentTables, splitId, report.tables().isEmpty() ? null : report.tables());
            putOrRemove(parentCopies, splitId, report.copy());
        }
        LOG.info("Shard {} finished (reader {}) at a reshard journal", splitId, reader);
        startChildrenOfCompletedJournals(false);
        return wasRead;
    }

    /**
     * Starts the new shards of every journal whose participants all finished, or, unless {@code
     * now}, queues the journal until a checkpoint taken after that completes.
     */
    private void startChildrenOfCompletedJournals(boolean now) {
        for (Iterator<Map.Entry<JournalKey, Binlogdata.Journal>> it =
                        pendingJournals.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<JournalKey, Binlogdata.Journal> entry = it.next();
            JournalKey key = entry.getKey();
            if (!finished.containsAll(key.participants())) {
                continue;
            }
            if (!now) {
                if (!awaitingCheckpoint.containsKey(key)) {
                    awaitingCheckpoint.put(key, -1L);
                    completedAtMillis.put(key, clock.getAsLong());
                    LOG.info(
                            "Reshard journal {}: all old shards finished; the new shards start"
                                    + " when the next checkpoint completes",
                            key.id());
                }
                continue;
            }
            it.remove();
            awaitingCheckpoint.remove(key);
            completedAtMillis.remove(key);
            startChildren(key, entry.getValue());
        }
    }

    private void startChildren(JournalKey key, Binlogdata.Journal journal) {
        resolvedJournals.add(key);
        List<String> parents = new ArrayList<>();
        List<String> stoppedParents = new ArrayList<>();
        Map<String, KnownTableSchema> schemas = new TreeMap<>();
        Map<String, Set<String>> tablesRead = new LinkedHashMap<>();
        Map<String, ShardPosition> copies = new LinkedHashMap<>();
        for (Binlogdata.KeyspaceShard participant : journal.getParticipantsList()) {
            String parent = ShardSplit.splitId(participant.getKeyspace(), participant.getShard());
            parents.add(parent);
            if (stopped.contains(parent)) {
                stoppedParents.add(parent);
            }
            tablesRead.put(parent, parentTables.remove(parent));
            copies.put(parent, parentCopies.remove(parent));
            // The old shards of a merge knew the same schemas unless a DDL was under way on
            // some: any of them will do (a difference is told again at the new shard's FIELD).
            Map<String, KnownTableSchema> known = parentSchemas.remove(parent);
            if (known != null) {
                schemas.putAll(known);
            }
        }
        for (Binlogdata.ShardGtid child : journal.getShardGtidsList()) {
            String id = ShardSplit.splitId(child.getKeyspace(), child.getShard());
            if (assigned.contains(id) || unassigned.containsKey(id)) {
                continue;
            }
            // The old shards whose keys the new one holds (one for a split, several for a merge).
            List<String> sources = new ArrayList<>();
            for (String parent : parents) {
                if (KeyRanges.overlap(
                        parent.substring(parent.indexOf('/') + 1), child.getShard())) {
                    sources.add(parent);
                }
            }
            // They hand over the tables they read and the copies they had not finished. A table
            // that one of them did not read (added to the source while the reshard cut over) is
            // copied on the new shard: after a merge, the rows of the old shards that had it
            // come twice (as snapshot rows) rather than not at all.
            Map<String, ShardPosition> copiesOfItsKeys = new LinkedHashMap<>();
            Map<String, Set<String>> tablesOfItsKeys = new LinkedHashMap<>();
            for (String parent : sources) {
                copiesOfItsKeys.put(parent, copies.get(parent));
                tablesOfItsKeys.put(parent, tablesRead.get(parent));
            }
            CopyHandOver copy = CopyHandOver.of(key.id(), copiesOfItsKeys, tablesOfItsKeys);
            Set<String> childTables = copy.tables();
            // A merge back may reuse the name of a shard that finished long ago.
            finished.remove(id);
            stopped.remove(id);
            // An old shard that stopped before the journal: the cut-over, and all the new shard
            // holds, came after that shard's stop (a merge whose other shards reached the journal
            // first).
            SplitBounds bounds =
                    stoppedParents.isEmpty()
                            ? newShardBounds
                            : newShardBounds.withStopGtid(child.getGtid());
            if (!stoppedParents.isEmpty()) {
                LOG.info(
                        "Reshard journal {}: {} stopped before it; {} stops at its start position"
                                + " (after copying what the old shards had left to copy)",
                        key.id(),
                        stoppedParents,
                        id);
            }
            ShardSplit split =
                    new ShardSplit(
                                    child.getKeyspace(),
                                    child.getShard(),
                                    copy.positionAt(child.getGtid()),
                                    0,
                                    false,
                                    parents,
                                    null,
                                    bounds,
                                    false)
                            .withSchemas(schemas);
            if (!childTables.isEmpty()) {
                split = split.withTables(childTables);
            }
            unassigned.put(id, split);
            LOG.info("Reshard journal {} complete: starting {}", key.id(), split);
        }
    }

    private static <V> void putOrRemove(Map<String, V> map, String key, @Nullable V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    /**
     * A job without checkpoints has nothing to wait for: after {@code noCheckpointWait} without any
     * checkpoint, complete journals start their new shards anyway; a job that was restored or took
     * snapshots but has completed no checkpoint since this tracker was made, after {@link
     * PlanetScaleSourceEnumerator#FIRST_CHECKPOINT_WAIT}.
     *
     * @return whether new shards started
     */
    boolean startChildrenWithoutCheckpoints() {
        if (checkpointCompleted || awaitingCheckpoint.isEmpty()) {
            return false;
        }
        // Restored or snapshotted, but no checkpoint completed since: the job may no longer
        // checkpoint, or take savepoints only.
        Duration wait =
                checkpointing
                        ? max(noCheckpointWait, PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT)
                        : noCheckpointWait;
        long now = clock.getAsLong();
        List<JournalKey> due = new ArrayList<>();
        completedAtMillis.forEach(
                (key, at) -> {
                    if (now - at >= wait.toMillis()) {
                        due.add(key);
                    }
                });
        if (due.isEmpty()) {
            return false;
        }
        LOG.warn(
                "No checkpoint completed in {} since a reshard's old shards finished{}: starting"
                        + " the new shards without waiting (without checkpoints, the changes"
                        + " of a key moved by the reshard may reach the sink out of order)",
                wait,
                checkpointing
                        ? " and since the last snapshot (restored without checkpointing, or taking"
                                + " only savepoints, which Flink does not confirm to sources)"
                        : "");
        due.forEach(this::release);
        return true;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private void releaseAwaiting(LongPredicate due) {
        List<JournalKey> keys = new ArrayList<>();
        awaitingCheckpoint.forEach(
                (key, checkpointId) -> {
                    if (due.test(checkpointId)) {
                        keys.add(key);
                    }
                });
        keys.forEach(this::release);
    }

    private void release(JournalKey key) {
        awaitingCheckpoint.remove(key);
        completedAtMillis.remove(key);
        Binlogdata.Journal journal = pendingJournals.remove(key);
        if (journal != null) {
            startChildren(key, journal);
        }
    }

    /**
     * Whether every shard finished and none will start any more: no split waits or is read, and no
     * reshard waits to start its new shards (a journal whose participants are not all read never
     * starts them).
     */
    boolean allFinished() {
        return initialDiscoveryDone
                && unassigned.isEmpty()
                && assigned.isEmpty()
                && awaitingCheckpoint.isEmpty();
    }

    /**
     * A reader went back to its last completed checkpoint (a failover that keeps the enumerator):
     * its reports that no completed checkpoint holds are taken back: shards ended at a journal
     * whose new shards have not started yet, shards ended at their stop, and incremental-snapshot
     * chunks. The restored reader reads them again (or, if its checkpoint saw them ended, reports
     * them again); until then a journal's new shards must wait, or their changes could overtake the
     * old shards' downstream, and a chunk's reported high watermark no longer holds.
     *
     * <p>Call it before {@link #returned} of the same reader's splits.
     *
     * @return the ids of the splits taken back
     */
    List<String> readerReset(int reader) {
        List<String> takenBack = new ArrayList<>();
        for (Iterator<Map.Entry<String, PendingAck>> it = pendingAcks.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, PendingAck> entry = it.next();
            PendingAck pending = entry.getValue();
            if (pending.reader != reader
                    || (pending.journal != null && resolvedJournals.contains(pending.journal))) {
                continue;
            }
            String splitId = entry.getKey();
            it.remove();
            finished.remove(splitId);
            stopped.remove(splitId);
            // What it reported comes again with its next report.
            parentTables.remove(splitId);
            parentSchemas.remove(splitId);
            parentCopies.remove(splitId);
            // The reader holds it again (or it comes back with the reader's returned splits).
            assigned.add(splitId);
            takenBack.add(splitId);
            if (pending.journal != null) {
                awaitingCheckpoint.remove(pending.journal);
                completedAtMillis.remove(pending.journal);
                LOG.info(
                        "Reader {} went back to its last checkpoint: shard {} is read up to"
                                + " reshard journal {} again before the new shards start",
                        reader,
                        splitId,
                        pending.journal.id());
            }
        }
        if (!takenBack.isEmpty()) {
            LOG.info(
                    "Reader {} went back to its last checkpoint: its reports of {} are taken back",
                    reader,
                    takenBack);
        }
        return takenBack;
    }

    // ---------------------------------------------------------------- checkpoints

    /** The enumerator's snapshot for a checkpoint. */
    PlanetScaleEnumeratorState snapshot(long checkpointId) {
        checkpointing = true;
        // The job is trying to checkpoint (or taking a savepoint): the wait for one starts anew.
        long now = clock.getAsLong();
        completedAtMillis.replaceAll((key, at) -> now);
        awaitingCheckpoint.replaceAll((key, id) -> id < 0 ? checkpointId : id);
        for (PendingAck ack : pendingAcks.values()) {
            if (ack.firstSnapshot < 0) {
                ack.firstSnapshot = checkpointId;
            }
        }
        return new PlanetScaleEnumeratorState(
                        new ArrayList<>(unassigned.values()),
                        assigned,
                        finished,
                        initialDiscoveryDone,
                        new ArrayList<>(pendingJournals.values()),
                        resolvedJournals)
                .withParentSchemas(parentSchemas)
                .withParentTables(parentTables)
                .withParentCopies(parentCopies)
                .withStopped(stopped);
    }

    /**
     * A checkpoint completed: starts the new shards of the journals it saw complete.
     *
     * @return the acknowledgements of the reports it holds, to send to their readers
     */
    List<Ack> checkpointComplete(long checkpointId) {
        checkpointCompleted = true;
        releaseAwaiting(id -> id >= 0 && id <= checkpointId);
        List<Ack> acks = new ArrayList<>();
        pendingAcks
                .entrySet()
                .removeIf(
                        e -> {
                            PendingAck pending = e.getValue();
                            long id = pending.firstSnapshot;
                            if (id >= 0 && id <= checkpointId) {
                                acks.add(
                                        new Ack(
                                                pending.reader,
                                                new ShardFinishedAck(e.getKey(), pending.ackKey)));
                                return true;
                            }
                            return false;
                        });
        return acks;
    }

    /** An acknowledgement for a reader. */
    static final class Ack {
        final int reader;
        final ShardFinishedAck event;

        Ack(int reader, ShardFinishedAck event) {
            this.reader = reader;
            this.event = event;
        }
    }

    /** A finish report waiting for a completed checkpoint. */
    private static final class PendingAck {
        final int reader;

        /** The rendered journal key, or {@link ShardFinishedEvent#STOP_KEY}. */
        final String ackKey;

        /** The journal the split ended at; null for a stop. */
        @Nullable final JournalKey journal;

        /** The first snapshot taken since the report; -1 before. */
        long firstSnapshot = -1;

        PendingAck(int reader, String ackKey, @Nullable JournalKey journal) {
            this.reader = reader;
            this.ackKey = ackKey;
            this.journal = journal;
        }
    }
}
