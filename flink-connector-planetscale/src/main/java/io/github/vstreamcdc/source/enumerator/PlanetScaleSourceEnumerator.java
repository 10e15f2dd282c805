package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.Boundedness;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Discovers the shards of the keyspace and spreads their splits over the readers: each new split
 * goes to the reader with the fewest. I/O runs in {@code callAsync} workers; state changes only in
 * the handlers, on the coordinator thread.
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

    public PlanetScaleSourceEnumerator(
            SplitEnumeratorContext<ShardSplit> context,
            ShardDiscovery discovery,
            Boundedness boundedness,
            @Nullable Duration discoveryInterval,
            PlanetScaleEnumeratorState state) {
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
    }

    @Override
    public void start() {
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
            throw new FlinkRuntimeException(
                    "Discovering the shards to read failed: " + error.getMessage(), error);
        }
        synchronized (this) {
            for (ShardSplit split : splits) {
                String id = split.splitId();
                if (!assigned.contains(id) && !finished.contains(id)) {
                    unassigned.putIfAbsent(id, split);
                }
            }
            if (!splits.isEmpty()) {
                LOG.info("Discovered splits {}", splits);
            }
            initialDiscoveryDone = true;
        }
        assignPending();
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
        return new PlanetScaleEnumeratorState(
                new ArrayList<>(unassigned.values()), assigned, finished, initialDiscoveryDone);
    }

    @Override
    public void close() {}
}
