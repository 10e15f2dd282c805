package io.github.vstreamcdc.messaging.enumerator;

import io.github.vstreamcdc.messaging.split.MessageSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Assigns one split per shard of the message table, once: the shards are listed at the first start
 * (on a worker thread), and shard {@code i} of the sorted list goes to reader {@code i %
 * parallelism}. Splits handed back by a failed reader wait until it registers again.
 */
@Internal
public final class MessageSplitEnumerator
        implements SplitEnumerator<MessageSplit, MessageEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(MessageSplitEnumerator.class);

    private final SplitEnumeratorContext<MessageSplit> context;
    private final Callable<List<MessageSplit>> discovery;
    private final List<MessageSplit> unassigned = new ArrayList<>();
    private final Map<String, Integer> owners = new HashMap<>();
    private boolean discovered;

    /**
     * @param discovery lists the splits, one per shard to read, in shard order
     */
    public MessageSplitEnumerator(
            SplitEnumeratorContext<MessageSplit> context,
            Callable<List<MessageSplit>> discovery,
            MessageEnumeratorState state) {
        this.context = context;
        this.discovery = discovery;
        this.discovered = state.discovered();
        this.unassigned.addAll(state.unassigned());
    }

    @Override
    public void start() {
        if (!discovered) {
            context.callAsync(discovery, this::discoveredSplits);
        }
    }

    private void discoveredSplits(List<MessageSplit> splits, Throwable error) {
        if (error != null) {
            throw new IllegalStateException(
                    "Cannot start reading the message table: " + error.getMessage(), error);
        }
        LOG.info("Message table splits: {}", splits);
        discovered = true;
        unassigned.addAll(splits);
        assignPending();
    }

    private int owner(MessageSplit split) {
        Integer owner = owners.get(split.splitId());
        if (owner == null) {
            owner = owners.size() % context.currentParallelism();
            owners.put(split.splitId(), owner);
        }
        return owner;
    }

    private void assignPending() {
        Map<Integer, List<MessageSplit>> assignment = new HashMap<>();
        Iterator<MessageSplit> it = unassigned.iterator();
        while (it.hasNext()) {
            MessageSplit split = it.next();
            int reader = owner(split);
            if (context.registeredReaders().containsKey(reader)) {
                assignment.computeIfAbsent(reader, k -> new ArrayList<>()).add(split);
                it.remove();
            }
        }
        if (!assignment.isEmpty()) {
            context.assignSplits(new SplitsAssignment<>(assignment));
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // splits are pushed
    }

    @Override
    public void addSplitsBack(List<MessageSplit> splits, int subtaskId) {
        unassigned.addAll(splits);
        for (MessageSplit split : splits) {
            owners.put(split.splitId(), subtaskId);
        }
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
    }

    @Override
    public MessageEnumeratorState snapshotState(long checkpointId) {
        return new MessageEnumeratorState(discovered, unassigned);
    }

    /** Splits not assigned yet; for tests. */
    Collection<MessageSplit> unassigned() {
        return unassigned;
    }

    @Override
    public void close() {}
}
