package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.VitessMessage;
import io.github.vstreamcdc.messaging.split.MessageSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reads the message streams of the splits assigned to a reader: one {@link ShardMessageStream}
 * thread per shard feeds a queue bounded by {@code scan.queue-capacity}; {@link #fetch} hands out
 * what is there, waiting at most {@link #POLL_MS} so that {@link #wakeUp} and shutdown are prompt.
 * Memory is bounded by the queue plus the reader's element queue.
 */
@Internal
public final class MessageSplitReader implements SplitReader<VitessMessage, MessageSplit> {

    static final long POLL_MS = 200;
    private static final int MAX_BATCH = 1000;
    private static final Object WAKE_UP = new Object();

    private final Function<MessageSplit, ShardMessageStream> streams;
    private final BlockingQueue<Object> queue;
    private final Map<String, ShardMessageStream> running = new LinkedHashMap<>();

    private final Runnable onClose;

    /**
     * @param streams makes the stream of a split that feeds the given queue
     * @param onClose releases what the streams share (the gRPC channel), after they stopped
     */
    public MessageSplitReader(int queueCapacity, StreamFactory streams, Runnable onClose) {
        this.onClose = onClose;
        this.queue = new ArrayBlockingQueue<>(queueCapacity + 1);
        BlockingQueue<Object> q = queue;
        this.streams = split -> streams.create(split, q);
    }

    /** Makes the stream of one split. */
    @FunctionalInterface
    public interface StreamFactory {
        ShardMessageStream create(MessageSplit split, BlockingQueue<Object> queue);
    }

    @Override
    public RecordsWithSplitIds<VitessMessage> fetch() throws IOException {
        RecordsBySplits.Builder<VitessMessage> records = new RecordsBySplits.Builder<>();
        Object first;
        try {
            first = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return records.build();
        }
        Object item = first;
        int count = 0;
        while (item != null) {
            if (item instanceof ShardMessageStream.StreamFailure) {
                ShardMessageStream.StreamFailure failure = (ShardMessageStream.StreamFailure) item;
                throw new IOException(
                        failure.fatal != null
                                ? "The message stream of "
                                        + failure.splitId
                                        + " failed: "
                                        + failure.fatal
                                : "The message stream of "
                                        + failure.splitId
                                        + " failed too often in a row ('reconnect.max-attempts'): "
                                        + MessageStreams.firstLine(failure.cause),
                        failure.cause);
            }
            if (item instanceof VitessMessage) {
                VitessMessage message = (VitessMessage) item;
                records.add(message.keyspace() + "/" + message.shard(), message);
                count++;
            }
            item = count < MAX_BATCH ? queue.poll() : null;
        }
        return records.build();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<MessageSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported splits change " + splitsChanges.getClass().getSimpleName());
        }
        for (MessageSplit split : splitsChanges.splits()) {
            if (!running.containsKey(split.splitId())) {
                ShardMessageStream stream = streams.apply(split);
                running.put(split.splitId(), stream);
                stream.start();
            }
        }
    }

    @Override
    public void wakeUp() {
        queue.offer(WAKE_UP);
    }

    @Override
    public void close() throws Exception {
        for (ShardMessageStream stream : running.values()) {
            stream.close();
        }
        for (ShardMessageStream stream : running.values()) {
            stream.join(5_000);
        }
        running.clear();
        queue.clear();
        onClose.run();
    }
}
