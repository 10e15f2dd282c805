package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.RestoredSplitsEvent;
import io.github.vstreamcdc.source.event.ShardFinishedAck;
import io.github.vstreamcdc.source.event.ShardFinishedEvent;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.util.FlinkRuntimeException;
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
import java.util.function.LongPredicate;

/**
 * Discovers the shards of the keyspace and spreads their splits over the readers: each new split
 * goes to the reader with the fewest. I/O runs in {@code callAsync} workers; state changes only in
 * the handlers, on the coordinator thread.
 *
 * <p>Reshards: a reader reports a shard finished at its JOURNAL; the shards the journal names
 * start, from the positions it gives, once every participant of the journal has finished, whichever
 * readers read them and in whatever order the reports come (also across restores: pending journals
 * and finished shards are in the checkpoint, and readers re-send their reports).
 */
@Internal
public final class PlanetScaleSourceEnumerator
        implements SplitEnumerator<ShardSplit, PlanetScaleEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(PlanetScaleSourceEnumerator.class);

    private final SplitEnumeratorContext<ShardSplit> context;
    private final ShardDiscovery discovery;
    private final Boundedness boundedness;
    private final Duration discoveryInterval;

    private final Map<String, ShardSplit> unassigned = new LinkedHashMap<>();
    private final Set<String> assigned = new HashSet<>();
    private final Set<String> finished = new HashSet<>();

    /** Splits per reader that this enumerator assigned since it started. */
    private final Map<Integer, Integer> load = new HashMap<>();

    private final Set<Integer> signalledNoMoreSplits = new HashSet<>();
    private boolean initialDiscoveryDone;

    /** Reshard journals by {@link #journalKey}, until all their participants finished. */
    private final Map<String, Binlogdata.Journal> pendingJournals = new LinkedHashMap<>();

    /** Keys of journals whose new shards were started: later reports change nothing. */
    private final Set<String> resolvedJournals = new HashSet<>();

    /**
     * Journals whose participants all finished, by key, waiting for a checkpoint: the id of the
     * first enumerator snapshot taken since (-1 before). Their new shards start when that
     * checkpoint completes (see {@link #notifyCheckpointComplete}).
     */
    private final Map<String, Long> awaitingCheckpoint = new LinkedHashMap<>();

    /** When each journal of {@link #awaitingCheckpoint} completed, epoch millis. */
    private final Map<String, Long> completedAtMillis = new HashMap<>();

    /**
     * Reports of splits that ended at a journal, by split id, until a completed checkpoint holds
     * them: the reporting reader, the journal's key and the id of the first snapshot taken since
     * (-1 before). The reader keeps the split in its state until acknowledged.
     */
    private final Map<String, PendingAck> pendingAcks = new LinkedHashMap<>();

    /** A checkpoint was taken or restored: the job checkpoints. */
    private boolean checkpointing;

    /** Without checkpoints, how long a complete journal waits before its new shards start. */
    private final Duration noCheckpointWait;

    static final Duration NO_CHECKPOINT_WAIT = Duration.ofSeconds(60);
    private static final long RELEASE_CHECK_MILLIS = 5_000;

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
        this.noCheckpointWait = noCheckpointWait;
        this.context = context;
        this.discovery = discovery;
        this.boundedness = boundedness;
        this.discoveryInterval = discoveryInterval;
        for (ShardSplit split : state.unassigned()) {
            unassigned.put(split.splitId(), split);
        }
        assigned.addAll(state.assigned());
        finished.addAll(state.finished());
        initialDiscoveryDone = state.initialDiscoveryDone();
        for (Binlogdata.Journal journal : state.pendingJournals()) {
            pendingJournals.put(journalKey(journal), journal);
        }
        resolvedJournals.addAll(state.resolvedJournals());
        // A fresh start has not discovered yet: this state came from a checkpoint.
        checkpointing = state.initialDiscoveryDone();
    }

    @Override
    public void start() {
        synchronized (this) {
            // Journals complete in the restored checkpoint: the readers' states in it hold the old
            // shards as finished, and nothing read before it is still in flight.
            startChildrenOfCompletedJournals(true);
        }
        if (!initialDiscoveryDone) {
            context.callAsync(() -> discovery.discoverNewSplits(knownSplits()), this::onDiscovered);
        }
        if (boundedness == Boundedness.CONTINUOUS_UNBOUNDED
                && discoveryInterval != null
                && !discoveryInterval.isZero()) {
            long millis = discoveryInterval.toMillis();
            context.callAsync(
                    () -> discovery.discoverNewSplits(knownSplits()),
                    this::onDiscovered,
                    millis,
                    millis);
        }
        if (boundedness == Boundedness.CONTINUOUS_UNBOUNDED) {
            context.callAsync(
                    () -> null,
                    (ignored, error) -> startChildrenWithoutCheckpoints(),
                    RELEASE_CHECK_MILLIS,
                    RELEASE_CHECK_MILLIS);
        }
    }

    private synchronized Set<String> knownSplits() {
        // Read from the I/O thread: take a copy under the enumerator's lock.
        Set<String> known = new HashSet<>(unassigned.keySet());
        known.addAll(assigned);
        known.addAll(finished);
        return known;
    }

    private void onDiscovered(List<ShardSplit> splits, @Nullable Throwable error) {
        if (error != null) {
            if (initialDiscoveryDone) {
                // A periodic look for new shards: the next one may succeed.
                LOG.warn("Looking for new shards failed; will try again: {}", error.getMessage());
                return;
            }
            throw new FlinkRuntimeException(
                    "Discovering the shards to read failed: " + error.getMessage(), error);
        }
        synchronized (this) {
            for (ShardSplit split : splits) {
                String id = split.splitId();
                if (assigned.contains(id) || finished.contains(id) || unassigned.containsKey(id)) {
                    continue;
                }
                if (initialDiscoveryDone && overlapsKnownShard(split)) {
                    // A reshard's new shard: it starts from its journal's position, once the
                    // shards it replaces are drained, never from the startup mode's.
                    LOG.info("Shard {} appeared; it will start at its reshard journal", id);
                    continue;
                }
                unassigned.put(id, split);
            }
            if (!splits.isEmpty()) {
                LOG.info("Discovered splits {}", splits);
            }
            initialDiscoveryDone = true;
        }
        assignPending();
    }

    private boolean overlapsKnownShard(ShardSplit candidate) {
        Set<String> known = new HashSet<>(unassigned.keySet());
        known.addAll(assigned);
        known.addAll(finished);
        for (String id : known) {
            int slash = id.indexOf('/');
            if (id.substring(0, slash).equals(candidate.keyspace())
                    && KeyRanges.overlap(id.substring(slash + 1), candidate.shard())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        if (sourceEvent instanceof RestoredSplitsEvent) {
            synchronized (this) {
                load.merge(subtaskId, ((RestoredSplitsEvent) sourceEvent).splits(), Integer::sum);
            }
            return;
        }
        if (!(sourceEvent instanceof ShardFinishedEvent)) {
            LOG.warn("Ignoring unknown event {} from reader {}", sourceEvent, subtaskId);
            return;
        }
        ShardFinishedEvent event = (ShardFinishedEvent) sourceEvent;
        synchronized (this) {
            String id = event.splitId();
            Binlogdata.Journal reported = event.journal();
            if (reported != null
                    && resolvedJournals.contains(journalKey(reported))
                    && (assigned.contains(id) || unassigned.containsKey(id))) {
                // A late re-report of a shard whose name a merge has reused since: the live
                // shard of that name is not the one that finished.
                pendingAcks.put(id, new PendingAck(subtaskId, journalKey(reported)));
                return;
            }
            if (assigned.remove(id) && load.getOrDefault(subtaskId, 0) > 0) {
                load.merge(subtaskId, -1, Integer::sum);
            }
            unassigned.remove(id);
            finished.add(id);
            Binlogdata.Journal journal = event.journal();
            if (journal != null) {
                pendingAcks.put(id, new PendingAck(subtaskId, journalKey(journal)));
            }
            if (journal != null
                    && journal.getMigrationType() == Binlogdata.MigrationType.SHARDS
                    && !resolvedJournals.contains(journalKey(journal))) {
                pendingJournals.putIfAbsent(journalKey(journal), journal);
            }
            LOG.info(
                    "Shard {} finished (reader {}){}",
                    id,
                    subtaskId,
                    journal == null ? "" : " at a reshard journal");
            startChildrenOfCompletedJournals(false);
        }
        assignPending();
    }

    static String journalKey(Binlogdata.Journal journal) {
        return ShardFinishedEvent.journalKey(journal);
    }

    /**
     * Adds the new shards of every journal whose participants all finished, or, unless {@code now},
     * queues the journal until a checkpoint taken after that completed. Starting them earlier would
     * let a new shard's changes overtake the old shard's last ones: those may still be in flight
     * downstream, and a failover that keeps this enumerator but restores the readers to an earlier
     * checkpoint reads the old shard's end again while the new shard runs on.
     */
    private void startChildrenOfCompletedJournals(boolean now) {
        for (Iterator<Map.Entry<String, Binlogdata.Journal>> it =
                        pendingJournals.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, Binlogdata.Journal> entry = it.next();
            Binlogdata.Journal journal = entry.getValue();
            boolean complete = true;
            for (Binlogdata.KeyspaceShard participant : journal.getParticipantsList()) {
                complete &=
                        finished.contains(
                                ShardSplit.splitId(
                                        participant.getKeyspace(), participant.getShard()));
            }
            if (!complete) {
                continue;
            }
            if (!now) {
                if (!awaitingCheckpoint.containsKey(entry.getKey())) {
                    awaitingCheckpoint.put(entry.getKey(), -1L);
                    completedAtMillis.put(entry.getKey(), System.currentTimeMillis());
                    LOG.info(
                            "Reshard journal {}: all old shards finished; the new shards start"
                                    + " when the next checkpoint completes",
                            journal.getId());
                }
                continue;
            }
            it.remove();
            awaitingCheckpoint.remove(entry.getKey());
            completedAtMillis.remove(entry.getKey());
            startChildren(entry.getKey(), journal);
        }
    }

    private void startChildren(String key, Binlogdata.Journal journal) {
        resolvedJournals.add(key);
        List<String> parents = new ArrayList<>();
        for (Binlogdata.KeyspaceShard participant : journal.getParticipantsList()) {
            parents.add(ShardSplit.splitId(participant.getKeyspace(), participant.getShard()));
        }
        for (Binlogdata.ShardGtid child : journal.getShardGtidsList()) {
            String id = ShardSplit.splitId(child.getKeyspace(), child.getShard());
            if (assigned.contains(id) || unassigned.containsKey(id)) {
                continue;
            }
            // A merge back may reuse the name of a shard that finished long ago.
            finished.remove(id);
            ShardSplit split =
                    new ShardSplit(
                            child.getKeyspace(),
                            child.getShard(),
                            ShardPosition.of(child.getGtid()),
                            0,
                            false,
                            parents);
            unassigned.put(id, split);
            LOG.info("Reshard journal {} complete: starting {}", journal.getId(), split);
        }
    }

    /** Starts the new shards of the journals that a completed checkpoint has seen complete. */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Map<String, PendingAck> acks = new LinkedHashMap<>();
        synchronized (this) {
            releaseAwaiting(id -> id >= 0 && id <= checkpointId);
            pendingAcks
                    .entrySet()
                    .removeIf(
                            e -> {
                                long id = e.getValue().firstSnapshot;
                                if (id >= 0 && id <= checkpointId) {
                                    acks.put(e.getKey(), e.getValue());
                                    return true;
                                }
                                return false;
                            });
        }
        acks.forEach(
                (splitId, ack) -> {
                    // A reader that is gone re-reports after its restore and is acknowledged then.
                    if (context.registeredReaders().containsKey(ack.subtask)) {
                        context.sendEventToSourceReader(
                                ack.subtask, new ShardFinishedAck(splitId, ack.journalKey));
                    }
                });
        assignPending();
    }

    /**
     * A job without checkpoints has nothing to wait for: after a while without any checkpoint,
     * complete journals start their new shards anyway.
     */
    private void startChildrenWithoutCheckpoints() {
        synchronized (this) {
            if (checkpointing || awaitingCheckpoint.isEmpty()) {
                return;
            }
            long now = System.currentTimeMillis();
            List<String> due = new ArrayList<>();
            completedAtMillis.forEach(
                    (key, at) -> {
                        if (now - at >= noCheckpointWait.toMillis()) {
                            due.add(key);
                        }
                    });
            if (due.isEmpty()) {
                return;
            }
            LOG.warn(
                    "No checkpoint was taken in {} since a reshard's old shards finished: starting"
                            + " the new shards without waiting (without checkpoints, the changes"
                            + " of a key moved by the reshard may reach the sink out of order)",
                    noCheckpointWait);
            due.forEach(this::release);
        }
        assignPending();
    }

    private void releaseAwaiting(LongPredicate due) {
        List<String> keys = new ArrayList<>();
        awaitingCheckpoint.forEach(
                (key, checkpointId) -> {
                    if (due.test(checkpointId)) {
                        keys.add(key);
                    }
                });
        keys.forEach(this::release);
    }

    private void release(String key) {
        awaitingCheckpoint.remove(key);
        completedAtMillis.remove(key);
        Binlogdata.Journal journal = pendingJournals.remove(key);
        if (journal != null) {
            startChildren(key, journal);
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed as they are discovered; readers never ask.
    }

    @Override
    public void addSplitsBack(List<ShardSplit> splits, int subtaskId) {
        synchronized (this) {
            for (ShardSplit split : splits) {
                assigned.remove(split.splitId());
                unassigned.put(split.splitId(), split);
            }
            load.remove(subtaskId);
            signalledNoMoreSplits.remove(subtaskId);
        }
        LOG.info("Splits {} came back from reader {}", splits, subtaskId);
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
    }

    private void assignPending() {
        Map<Integer, List<ShardSplit>> assignment = new HashMap<>();
        synchronized (this) {
            Set<Integer> readers = context.registeredReaders().keySet();
            if (readers.isEmpty()) {
                return;
            }
            for (ShardSplit split : new ArrayList<>(unassigned.values())) {
                int owner = leastLoaded(readers);
                assignment.computeIfAbsent(owner, k -> new ArrayList<>()).add(split);
                load.merge(owner, 1, Integer::sum);
                unassigned.remove(split.splitId());
                assigned.add(split.splitId());
            }
        }
        for (Map.Entry<Integer, List<ShardSplit>> entry : assignment.entrySet()) {
            LOG.info("Assigning {} to reader {}", entry.getValue(), entry.getKey());
            for (ShardSplit split : entry.getValue()) {
                context.assignSplit(split, entry.getKey());
            }
        }
        signalNoMoreSplitsIfBounded();
    }

    private int leastLoaded(Set<Integer> readers) {
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        for (int reader : readers) {
            int readerLoad = load.getOrDefault(reader, 0);
            if (readerLoad < bestLoad || (readerLoad == bestLoad && reader < best)) {
                best = reader;
                bestLoad = readerLoad;
            }
        }
        return best;
    }

    private void signalNoMoreSplitsIfBounded() {
        if (boundedness != Boundedness.BOUNDED || !initialDiscoveryDone || !unassigned.isEmpty()) {
            return;
        }
        for (int reader : context.registeredReaders().keySet()) {
            if (signalledNoMoreSplits.add(reader)) {
                context.signalNoMoreSplits(reader);
            }
        }
    }

    @Override
    public synchronized PlanetScaleEnumeratorState snapshotState(long checkpointId) {
        checkpointing = true;
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
                resolvedJournals);
    }

    @Override
    public void close() {}

    /** A finish report waiting for a completed checkpoint. */
    private static final class PendingAck {
        final int subtask;
        final String journalKey;
        long firstSnapshot = -1;

        PendingAck(int subtask, String journalKey) {
            this.subtask = subtask;
            this.journalKey = journalKey;
        }
    }
}
