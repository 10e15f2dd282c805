package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.split.MessageId;
import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Sends due acknowledgements on a thread of its own, so that the task thread never waits for
 * VTGate, in batches of at most {@code batchSize} ids, in the order they became due. A failed batch
 * is retried with backoff, up to {@code maxAttempts} failures in a row, as a shard's stream is; an
 * error no retry changes (credentials refused, no right to update the table) stops it at once. Then
 * {@link #checkFailure} fails the reader: acknowledging nothing while the job looks healthy would
 * only have Vitess send the same messages again and again. The ids stay in the {@link AckLedger}
 * (and so in every checkpoint) until confirmed, so a restore acknowledges them again.
 */
@Internal
final class MessageAcker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MessageAcker.class);
    private static final long FIRST_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Acknowledger acknowledger;
    private final AckLedger ledger;
    private final int batchSize;
    private final int maxAttempts;
    private final ExecutorService executor;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong lastAckMillis = new AtomicLong(-1);
    private volatile boolean closed;

    /** Why acknowledging stopped for good; null while it works. */
    private final AtomicReference<VitessException> failure = new AtomicReference<>();

    MessageAcker(
            Acknowledger acknowledger,
            AckLedger ledger,
            int batchSize,
            int maxAttempts,
            String threadName) {
        this.acknowledger = acknowledger;
        this.ledger = ledger;
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
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
                        for (int from = 0;
                                from < all.size() && !closed && failure.get() == null;
                                from += batchSize) {
                            List<MessageId> batch =
                                    all.subList(from, Math.min(all.size(), from + batchSize));
                            send(split, batch);
                        }
                    }
                    lastAckMillis.set(System.currentTimeMillis() - dueAt);
                });
    }

    private void send(MessageSplit split, List<MessageId> batch) {
        long backoff = FIRST_BACKOFF_MS;
        int failures = 0;
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
                failures++;
                String refused = refusedReason(e);
                if (refused != null || failures > maxAttempts) {
                    failure.compareAndSet(
                            null,
                            new VitessException(describe(split, batch, failures, refused, e), e));
                    return;
                }
                LOG.warn(
                        "Could not acknowledge {} message(s) of {} ({} of {} attempts, again in {}"
                                + " ms; they are redelivered if the job fails before): {}",
                        batch.size(),
                        split.splitId(),
                        failures,
                        maxAttempts,
                        backoff,
                        MessageStreams.firstLine(e));
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /**
     * MySQL error codes no retry changes: access denied (1044, 1045: also Vitess' table ACLs), no
     * right on the table or column (1142, 1143), on the statement (1227), no such table (1146) or
     * column (1054). Not SQLStates: Vitess gives passing overloads (RESOURCE_EXHAUSTED) 42000.
     */
    private static final Set<Integer> REFUSALS =
            new HashSet<>(Arrays.asList(1044, 1045, 1142, 1143, 1227, 1146, 1054));

    /** Why no retry helps, for a refusal of VTGate's; null for anything else. */
    static String refusedReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException && REFUSALS.contains(((SQLException) t).getErrorCode())) {
                return "VTGate refused the UPDATE that acknowledges messages: check the credentials"
                        + " ('username', 'password') and that the user may update the message"
                        + " table (a read-only role cannot acknowledge)";
            }
        }
        return null;
    }

    private String describe(
            MessageSplit split, List<MessageId> batch, int failures, String refused, Exception e) {
        return "Could not acknowledge "
                + batch.size()
                + " message(s) of table `"
                + split.keyspace()
                + "`.`"
                + split.table()
                + "` on shard "
                + split.splitId()
                + (refused == null
                        ? " in "
                                + failures
                                + " attempts in a row ('"
                                + PlanetScaleSourceOptions.RECONNECT_MAX_ATTEMPTS.key()
                                + "' is "
                                + maxAttempts
                                + ")"
                        : "")
                + ": "
                + MessageStreams.firstLine(e)
                + (refused == null ? "" : ". " + refused)
                + ". Nothing is lost: Vitess sends unacknowledged messages again, and a restore"
                + " acknowledges the ids of its checkpoint.";
    }

    /** Fails the caller (the reader's task thread) once acknowledging stopped for good. */
    void checkFailure() {
        VitessException e = failure.get();
        if (e != null) {
            throw e;
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
