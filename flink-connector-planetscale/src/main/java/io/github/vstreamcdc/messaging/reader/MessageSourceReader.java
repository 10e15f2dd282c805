package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.AckMode;
import io.github.vstreamcdc.messaging.MessageDeserializationSchema;
import io.github.vstreamcdc.messaging.MessageSourceConfig;
import io.github.vstreamcdc.messaging.MessageSourceOptions;
import io.github.vstreamcdc.messaging.VitessMessage;
import io.github.vstreamcdc.messaging.split.MessageId;
import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.source.client.VStreamChannels;
import io.github.vstreamcdc.source.client.VtgateSqlClient;

import io.grpc.ManagedChannel;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Reads the message streams of its shards and acknowledges what it emitted: with {@link
 * AckMode#CHECKPOINT} when the checkpoint covering a message completed, with {@link
 * AckMode#ON_EMIT} right after emitting. Unconfirmed ids travel in the splits of each checkpoint
 * and are acknowledged again after a restore.
 */
@Internal
public final class MessageSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                VitessMessage, T, MessageSplit, MessageSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(MessageSourceReader.class);

    private final AckLedger ledger;
    private final MessageAcker acker;
    private final AckMode ackMode;
    private final Duration checkpointTimeout;
    private final Map<String, MessageSplit> splits = new ConcurrentHashMap<>();

    /** When the first message was emitted while no checkpoint had completed yet; -1 otherwise. */
    private long waitingForCheckpointSince = -1;

    /**
     * A checkpoint completed (a snapshot alone may be a savepoint, which Flink does not confirm:
     * its messages would never be acknowledged).
     */
    private boolean checkpointCompleted;

    /** A reader of the configured table that acknowledges through VTGate. */
    public static <T> MessageSourceReader<T> create(
            MessageSourceConfig config,
            MessageDeserializationSchema<T> deserializer,
            SourceReaderContext context) {
        VtgateSqlClient client = new VtgateSqlClient(config.connection());
        int attempts = config.connection().reconnectMaxAttempts();
        AckLedger ledger = new AckLedger();
        return new MessageSourceReader<>(
                () -> {
                    ManagedChannel channel = VStreamChannels.open(config.connection());
                    return new MessageSplitReader(
                            config.queueCapacity(),
                            (split, queue) ->
                                    new ShardMessageStream(
                                            split,
                                            client,
                                            channel,
                                            config.connection().grpcTarget(),
                                            attempts,
                                            queue),
                            () -> VStreamChannels.close(channel));
                },
                deserializer,
                ledger,
                new VtgateAcknowledger(client),
                config,
                context);
    }

    MessageSourceReader(
            Supplier<SplitReader<VitessMessage, MessageSplit>> splitReaderSupplier,
            MessageDeserializationSchema<T> deserializer,
            AckLedger ledger,
            Acknowledger acknowledger,
            MessageSourceConfig config,
            SourceReaderContext context) {
        super(
                splitReaderSupplier,
                new MessageRecordEmitter<>(deserializer, ledger),
                new Configuration(),
                context);
        this.ledger = ledger;
        this.ackMode = config.ackMode();
        this.checkpointTimeout = config.checkpointTimeout();
        this.acker =
                new MessageAcker(
                        acknowledger,
                        ledger,
                        config.ackBatchSize(),
                        config.connection().reconnectMaxAttempts(),
                        "planetscale-message-acks-" + context.getIndexOfSubtask());
        MetricGroup metrics = context.metricGroup().addGroup("planetscaleMessages");
        metrics.gauge("messagesAcknowledged", acker::acknowledgedCount);
        metrics.gauge("unacknowledgedMessages", ledger::unconfirmed);
        metrics.gauge("lastAckLatencyMs", acker::lastAckLatencyMillis);
    }

    @Override
    public void addSplits(List<MessageSplit> added) {
        List<MessageSplit> toRead = new ArrayList<>();
        for (MessageSplit split : added) {
            MessageSplit bare = split.withUnacknowledged(Collections.emptyList());
            splits.put(split.splitId(), bare);
            List<MessageId> restored = ledger.restored(split.splitId(), split.unacknowledged());
            if (!restored.isEmpty()) {
                // emitted before the checkpoint this split comes from, which completed
                LOG.info(
                        "Acknowledging {} message(s) of {} from the restored checkpoint",
                        restored.size(),
                        split.splitId());
                acker.acknowledge(Collections.singletonMap(split.splitId(), restored), splits::get);
            }
            toRead.add(bare);
        }
        super.addSplits(toRead);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        acker.checkFailure();
        InputStatus status = super.pollNext(output);
        if (ackMode == AckMode.ON_EMIT) {
            acker.acknowledge(ledger.dueOnEmit(), splits::get);
        } else if (!checkpointCompleted) {
            checkCheckpointing();
        }
        return status;
    }

    /** Without checkpoints nothing is ever acknowledged: fail instead of redelivering forever. */
    private void checkCheckpointing() {
        if (!ledger.awaitingCheckpoint()) {
            return;
        }
        long now = System.currentTimeMillis();
        if (waitingForCheckpointSince < 0) {
            waitingForCheckpointSince = now;
        } else if (now - waitingForCheckpointSince > checkpointTimeout.toMillis()) {
            throw new IllegalStateException(
                    "No checkpoint completed within "
                            + checkpointTimeout
                            + " after the first message was emitted (savepoints do not count:"
                            + " Flink does not confirm them to sources), and with '"
                            + MessageSourceOptions.ACK_MODE.key()
                            + "' = '"
                            + AckMode.CHECKPOINT.value()
                            + "' messages are acknowledged only when a checkpoint completes."
                            + " Enable checkpointing (e.g. 'execution.checkpointing.interval'),"
                            + " or set '"
                            + MessageSourceOptions.ACK_MODE.key()
                            + "' = '"
                            + AckMode.ON_EMIT.value()
                            + "' (no delivery guarantee), or raise '"
                            + MessageSourceOptions.ACK_CHECKPOINT_TIMEOUT.key()
                            + "'.");
        }
    }

    @Override
    public List<MessageSplit> snapshotState(long checkpointId) {
        Map<String, List<MessageId>> unconfirmed = ledger.snapshot(checkpointId);
        List<MessageSplit> state = new ArrayList<>();
        for (MessageSplit split : super.snapshotState(checkpointId)) {
            List<MessageId> ids = unconfirmed.get(split.splitId());
            state.add(ids == null ? split : split.withUnacknowledged(ids));
        }
        return state;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        checkpointCompleted = true;
        super.notifyCheckpointComplete(checkpointId);
        acker.checkFailure();
        if (ackMode == AckMode.CHECKPOINT) {
            acker.acknowledge(ledger.checkpointComplete(checkpointId), splits::get);
        }
    }

    @Override
    protected void onSplitFinished(Map<String, MessageSplit> finishedSplitIds) {
        // message streams do not end
    }

    @Override
    protected MessageSplit initializedState(MessageSplit split) {
        return split;
    }

    @Override
    protected MessageSplit toSplitType(String splitId, MessageSplit state) {
        return state;
    }

    /** Waits until the acknowledgements queued so far were sent; for tests. */
    boolean drainAcks(long timeoutMs) throws InterruptedException {
        return acker.drain(timeoutMs);
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            acker.close();
        }
    }
}
