package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.split.MessageId;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which emitted messages may be acknowledged when. Ids emitted since the last checkpoint are
 * assigned to the next checkpoint when it is taken; when that checkpoint (or a later one)
 * completes, they become due: handed to the acknowledger, and kept until it confirms them. A
 * checkpoint's state holds every id not confirmed yet, so that a restore acknowledges them again
 * (acknowledging is idempotent).
 *
 * <p>Thread-safe: the task thread records, snapshots and completes; the acknowledging thread
 * confirms.
 */
@Internal
public final class AckLedger {

    /** Split id to ids emitted since the last checkpoint was taken. */
    private final Map<String, Set<MessageId>> sinceLastCheckpoint = new LinkedHashMap<>();

    /** Checkpoint id to the ids emitted before it (split id to ids), not yet due. */
    private final NavigableMap<Long, Map<String, Set<MessageId>>> byCheckpoint = new TreeMap<>();

    /** Ids handed to the acknowledger and not confirmed yet (split id to ids). */
    private final Map<String, Set<MessageId>> due = new LinkedHashMap<>();

    /** Records that a message was emitted. */
    public synchronized void emitted(String splitId, MessageId id) {
        sinceLastCheckpoint.computeIfAbsent(splitId, k -> new LinkedHashSet<>()).add(id);
    }

    /**
     * Assigns the ids emitted since the last checkpoint to this one and returns, per split, every
     * id that is not confirmed yet: what the checkpoint's state must hold.
     */
    public synchronized Map<String, List<MessageId>> snapshot(long checkpointId) {
        if (!sinceLastCheckpoint.isEmpty()) {
            Map<String, Set<MessageId>> bucket =
                    byCheckpoint.computeIfAbsent(checkpointId, k -> new LinkedHashMap<>());
            merge(bucket, sinceLastCheckpoint);
            sinceLastCheckpoint.clear();
        }
        Map<String, Set<MessageId>> all = new LinkedHashMap<>();
        merge(all, due);
        for (Map<String, Set<MessageId>> bucket : byCheckpoint.values()) {
            merge(all, bucket);
        }
        return copy(all);
    }

    /**
     * Makes the ids of this checkpoint and all earlier ones due, and returns them (split id to ids)
     * to be acknowledged.
     */
    public synchronized Map<String, List<MessageId>> checkpointComplete(long checkpointId) {
        Map<String, Set<MessageId>> newlyDue = new LinkedHashMap<>();
        Iterator<Map<String, Set<MessageId>>> buckets =
                byCheckpoint.headMap(checkpointId, true).values().iterator();
        while (buckets.hasNext()) {
            merge(newlyDue, buckets.next());
            buckets.remove();
        }
        merge(due, newlyDue);
        return copy(newlyDue);
    }

    /** Makes every id emitted so far due at once ({@code ack.mode = on-emit}) and returns them. */
    public synchronized Map<String, List<MessageId>> dueOnEmit() {
        Map<String, List<MessageId>> newlyDue = copy(sinceLastCheckpoint);
        merge(due, sinceLastCheckpoint);
        sinceLastCheckpoint.clear();
        return newlyDue;
    }

    /**
     * Ids a restored split carried: emitted before a checkpoint that completed (it was restored
     * from), so they are due at once. Returns them.
     */
    public synchronized List<MessageId> restored(String splitId, Collection<MessageId> ids) {
        if (ids.isEmpty()) {
            return Collections.emptyList();
        }
        due.computeIfAbsent(splitId, k -> new LinkedHashSet<>()).addAll(ids);
        return new ArrayList<>(ids);
    }

    /** The acknowledger confirms that these ids are acknowledged in Vitess. */
    public synchronized void confirmed(String splitId, Collection<MessageId> ids) {
        Set<MessageId> pending = due.get(splitId);
        if (pending != null) {
            pending.removeAll(ids);
            if (pending.isEmpty()) {
                due.remove(splitId);
            }
        }
    }

    /** Ids emitted and not confirmed yet, all splits together. */
    public synchronized int unconfirmed() {
        int count = count(sinceLastCheckpoint) + count(due);
        for (Map<String, Set<MessageId>> bucket : byCheckpoint.values()) {
            count += count(bucket);
        }
        return count;
    }

    /** Whether any id waits for a checkpoint (emitted, not covered by a completed checkpoint). */
    public synchronized boolean awaitingCheckpoint() {
        return !sinceLastCheckpoint.isEmpty() || !byCheckpoint.isEmpty();
    }

    private static int count(Map<String, Set<MessageId>> ids) {
        int count = 0;
        for (Set<MessageId> set : ids.values()) {
            count += set.size();
        }
        return count;
    }

    private static void merge(Map<String, Set<MessageId>> into, Map<String, Set<MessageId>> from) {
        for (Map.Entry<String, Set<MessageId>> entry : from.entrySet()) {
            into.computeIfAbsent(entry.getKey(), k -> new LinkedHashSet<>())
                    .addAll(entry.getValue());
        }
    }

    private static Map<String, List<MessageId>> copy(Map<String, Set<MessageId>> ids) {
        Map<String, List<MessageId>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Set<MessageId>> entry : ids.entrySet()) {
            if (!entry.getValue().isEmpty()) {
                copy.put(entry.getKey(), new ArrayList<>(entry.getValue()));
            }
        }
        return copy;
    }
}
