package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.split.MessageId;
import io.github.vstreamcdc.messaging.split.MessageSplit;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Sends due acknowledgements on a thread of its own, so that the task thread never waits for
 * VTGate, in batches of at most {@code batchSize} ids, in the order they became due. A failed batch
 * is retried with backoff until it succeeds or the reader closes; its ids stay in the {@link
 * AckLedger} (and so in every checkpoint) until confirmed.
 */
@Internal
final class MessageAcker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MessageAcker.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Acknowledger acknowledger;
    private final AckLedger ledger;
    private final int batchSize;
    private final ExecutorService executor;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong lastAckMillis = new AtomicLong(-1);
    private volatile boolean closed;

    MessageAcker(Acknowledger acknowledger, AckLedger ledger, int batchSize, String threadName) {
        this.acknowledger = acknowledger;
        this.ledger = ledger;
        this.batchSize = batchSize;
        this.executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, threadName);
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Queues the acknowledgement of these ids (split id to ids); splits resolved by the lookup. */
    void acknowledge(Map<String, List<MessageId>> ids, Function<String, MessageSplit> splits) {
        if (ids.isEmpty() || closed) {
            return;
        }
        long dueAt = System.currentTimeMillis();
        executor.execute(
                () -> {
                    for (Map.Entry<String, List<MessageId>> entry : ids.entrySet()) {
                        MessageSplit split = splits.apply(entry.getKey());
                        if (split == null) {
                            continue;
                        }
                        List<MessageId> all = entry.getValue();
                        for (int from = 0; from < all.size() && !closed; from += batchSize) {
                            List<MessageId> batch =
                                    all.subList(from, Math.min(all.size(), from + batchSize));
                            send(split, batch);
                        }
                    }
                    lastAckMillis.set(System.currentTimeMillis() - dueAt);
                });
    }

    private void send(MessageSplit split, List<MessageId> batch) {
        long backoff = 500;
        while (!closed) {
            try {
                int updated = acknowledger.acknowledge(split, batch);
                acknowledged.addAndGet(updated);
                ledger.confirmed(split.splitId(), batch);
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                LOG.warn(
                        "Could not acknowledge {} message(s) of {} (retrying in {} ms; they are"
                                + " redelivered if the job fails before): {}",
                        batch.size(),
                        split.splitId(),
                        backoff,
                        MessageStreams.firstLine(e));
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Messages this reader acknowledged (that were not acknowledged before). */
    long acknowledgedCount() {
        return acknowledged.get();
    }

    /** Milliseconds from a batch becoming due to its last UPDATE done; -1 before the first. */
    long lastAckLatencyMillis() {
        return lastAckMillis.get();
    }

    /** Waits until what is queued now was sent (for tests and a clean stop). */
    boolean drain(long timeoutMs) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> done.complete(null));
        try {
            done.get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        acknowledger.close();
    }
}
