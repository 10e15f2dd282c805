package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.MessageDeserializationSchema;
import io.github.vstreamcdc.messaging.MessageSourceConfig;
import io.github.vstreamcdc.messaging.VitessMessage;
import io.github.vstreamcdc.messaging.split.MessageId;
import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reader acknowledges a message only after the checkpoint covering it completed, keeps
 * unconfirmed ids in its checkpoints, and acknowledges them again after a restore; with {@code
 * on-emit} it acknowledges right away. No Vitess: a scripted split reader and a recording
 * acknowledger.
 */
class MessageSourceReaderTest {

    private static final MessageColumns COLUMNS =
            new MessageColumns(
                    Arrays.asList("id", "epoch", "payload"),
                    Arrays.asList(
                            MySqlColumn.of("id", "bigint", false),
                            MySqlColumn.of("epoch", "bigint", false),
                            MySqlColumn.of("payload", "varchar(64)", true)),
                    "queue");

    private final List<MessageSourceReader<String>> readers = new ArrayList<>();

    /** Hands out the messages queued in it. */
    private static final class ScriptedSplitReader
            implements SplitReader<VitessMessage, MessageSplit> {
        final List<VitessMessage> pending = new CopyOnWriteArrayList<>();

        @Override
        public RecordsWithSplitIds<VitessMessage> fetch() {
            RecordsBySplits.Builder<VitessMessage> out = new RecordsBySplits.Builder<>();
            if (pending.isEmpty()) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (VitessMessage m : pending) {
                out.add(m.keyspace() + "/" + m.shard(), m);
                pending.remove(m);
            }
            return out.build();
        }

        @Override
        public void handleSplitsChanges(SplitsChange<MessageSplit> change) {}

        @Override
        public void wakeUp() {}

        @Override
        public void close() {}
    }

    /** Records each acknowledgement (split id to ids, in order). */
    private static final class RecordingAcknowledger implements Acknowledger {
        final Map<String, List<MessageId>> acked = new TreeMap<>();
        final AtomicInteger attempts = new AtomicInteger();
        volatile boolean failing;

        /** Thrown by every call when set: VTGate's answer. */
        volatile SQLException refusal;

        @Override
        public synchronized int acknowledge(MessageSplit split, List<MessageId> ids)
                throws SQLException {
            attempts.incrementAndGet();
            if (refusal != null) {
                throw refusal;
            }
            if (failing) {
                throw new IllegalStateException("VTGate unreachable");
            }
            acked.computeIfAbsent(split.splitId(), k -> new ArrayList<>()).addAll(ids);
            return ids.size();
        }

        synchronized List<MessageId> of(String splitId) {
            return new ArrayList<>(acked.getOrDefault(splitId, Collections.emptyList()));
        }

        @Override
        public void close() {}
    }

    private static final class Text implements MessageDeserializationSchema<String> {
        @Override
        public String deserialize(VitessMessage message) {
            return message.shard() + ":" + message.id() + ":" + message.epoch();
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    private static VitessMessage message(String shard, long id, long epoch) {
        byte[][] values = {
            Long.toString(id).getBytes(StandardCharsets.US_ASCII),
            Long.toString(epoch).getBytes(StandardCharsets.US_ASCII),
            ("m" + id).getBytes(StandardCharsets.UTF_8)
        };
        return new VitessMessage("ks", "queue", shard, COLUMNS, values, 0);
    }

    private static MessageSourceConfig config(String ackMode) {
        return MessageSourceConfig.from(options(ackMode));
    }

    private static Configuration options(String ackMode) {
        Configuration options = new Configuration();
        options.setString("hostname", "localhost");
        options.setString("keyspace", "ks");
        options.setString("table-name", "queue");
        options.setString("ack.mode", ackMode);
        return options;
    }

    private MessageSourceReader<String> reader(
            ScriptedSplitReader splits, RecordingAcknowledger acks, String ackMode) {
        return reader(splits, acks, config(ackMode));
    }

    private MessageSourceReader<String> reader(
            ScriptedSplitReader splits, RecordingAcknowledger acks, MessageSourceConfig config) {
        MessageSourceReader<String> reader =
                new MessageSourceReader<>(
                        () -> splits,
                        new Text(),
                        new AckLedger(),
                        acks,
                        config,
                        new TestingReaderContext());
        readers.add(reader);
        reader.start();
        return reader;
    }

    @AfterEach
    void close() throws Exception {
        for (MessageSourceReader<String> reader : readers) {
            reader.close();
        }
    }

    private static List<MessageId> ids(long... ids) {
        List<MessageId> out = new ArrayList<>();
        for (long id : ids) {
            out.add(MessageId.of(id));
        }
        return out;
    }

    private static void pollUntil(
            MessageSourceReader<String> reader, TestingReaderOutput<String> output, int records)
            throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (output.getEmittedRecords().size() < records) {
            assertThat(System.currentTimeMillis()).as("time to emit").isLessThan(deadline);
            reader.isAvailable().get(1, TimeUnit.SECONDS);
            reader.pollNext(output);
        }
    }

    @Test
    void acknowledgesAfterTheCoveringCheckpointAndAgainAfterARestore() throws Exception {
        ScriptedSplitReader splits = new ScriptedSplitReader();
        RecordingAcknowledger acks = new RecordingAcknowledger();
        MessageSourceReader<String> reader = reader(splits, acks, "checkpoint");
        reader.addSplits(
                Arrays.asList(
                        MessageSplit.of("ks", "queue", "-80"),
                        MessageSplit.of("ks", "queue", "80-")));
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        splits.pending.addAll(Arrays.asList(message("-80", 1, 0), message("80-", 2, 0)));
        pollUntil(reader, output, 2);
        assertThat(output.getEmittedRecords()).containsExactly("-80:1:0", "80-:2:0");

        List<MessageSplit> checkpoint1 = reader.snapshotState(1);
        splits.pending.add(message("-80", 3, 1));
        pollUntil(reader, output, 3);
        assertThat(reader.drainAcks(5_000)).isTrue();
        assertThat(acks.acked).as("nothing before a checkpoint completed").isEmpty();
        assertThat(checkpoint1)
                .extracting(MessageSplit::unacknowledged)
                .containsExactlyInAnyOrder(ids(1), ids(2));

        // VTGate down while checkpoint 2 completes: the ids stay in the checkpoints
        acks.failing = true;
        List<MessageSplit> checkpoint2 = reader.snapshotState(2);
        reader.notifyCheckpointComplete(1);
        Thread.sleep(200);
        List<MessageSplit> checkpoint3 = reader.snapshotState(3);
        assertThat(checkpoint3)
                .as("unconfirmed acknowledgements stay in the state")
                .extracting(MessageSplit::unacknowledged)
                .containsExactlyInAnyOrder(ids(1, 3), ids(2));
        assertThat(checkpoint2).isEqualTo(checkpoint3);

        // a restore from checkpoint 3 acknowledges what it holds, at once
        RecordingAcknowledger restoredAcks = new RecordingAcknowledger();
        MessageSourceReader<String> restored =
                reader(new ScriptedSplitReader(), restoredAcks, "checkpoint");
        restored.addSplits(checkpoint3);
        assertThat(restored.drainAcks(5_000)).isTrue();
        assertThat(restoredAcks.of("ks/-80")).containsExactlyInAnyOrderElementsOf(ids(1, 3));
        assertThat(restoredAcks.of("ks/80-")).containsExactlyElementsOf(ids(2));
        assertThat(restored.snapshotState(4))
                .extracting(MessageSplit::unacknowledged)
                .as("confirmed acknowledgements leave the state")
                .containsOnly(Collections.emptyList());
    }

    @Test
    void acknowledgesOnlyCompletedCheckpoints() throws Exception {
        ScriptedSplitReader splits = new ScriptedSplitReader();
        RecordingAcknowledger acks = new RecordingAcknowledger();
        MessageSourceReader<String> reader = reader(splits, acks, "checkpoint");
        reader.addSplits(Collections.singletonList(MessageSplit.of("ks", "queue", "-80")));
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        splits.pending.add(message("-80", 1, 0));
        pollUntil(reader, output, 1);
        reader.snapshotState(1);
        splits.pending.add(message("-80", 2, 0));
        pollUntil(reader, output, 2);
        reader.snapshotState(2);
        reader.notifyCheckpointComplete(1);
        assertThat(reader.drainAcks(5_000)).isTrue();
        assertThat(acks.of("ks/-80")).containsExactlyElementsOf(ids(1));
        reader.notifyCheckpointComplete(2);
        assertThat(reader.drainAcks(5_000)).isTrue();
        assertThat(acks.of("ks/-80")).containsExactlyElementsOf(ids(1, 2));
    }

    @Test
    void onEmitAcknowledgesWithoutCheckpoints() throws Exception {
        ScriptedSplitReader splits = new ScriptedSplitReader();
        RecordingAcknowledger acks = new RecordingAcknowledger();
        MessageSourceReader<String> reader = reader(splits, acks, "on-emit");
        reader.addSplits(Collections.singletonList(MessageSplit.of("ks", "queue", "-80")));
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        splits.pending.addAll(Arrays.asList(message("-80", 1, 0), message("-80", 2, 0)));
        pollUntil(reader, output, 2);
        reader.pollNext(output);
        assertThat(reader.drainAcks(5_000)).isTrue();
        assertThat(acks.of("ks/-80")).containsExactlyElementsOf(ids(1, 2));
    }

    @Test
    void failsWhenNoCheckpointComes() throws Exception {
        ScriptedSplitReader splits = new ScriptedSplitReader();
        Configuration options = config("checkpoint").options();
        options.setString("ack.checkpoint-timeout", "50 ms");
        MessageSourceReader<String> reader =
                new MessageSourceReader<>(
                        () -> splits,
                        new Text(),
                        new AckLedger(),
                        new RecordingAcknowledger(),
                        MessageSourceConfig.from(options),
                        new TestingReaderContext());
        readers.add(reader);
        reader.start();
        reader.addSplits(Collections.singletonList(MessageSplit.of("ks", "queue", "-80")));
        splits.pending.add(message("-80", 1, 0));
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        pollUntil(reader, output, 1);
        // A savepoint: snapshotted, never confirmed, so its messages are never acknowledged.
        reader.snapshotState(1);
        Thread.sleep(100);
        assertThatThrownBy(
                        () -> {
                            for (int i = 0; i < 100; i++) {
                                reader.pollNext(output);
                                Thread.sleep(10);
                            }
                        })
                .hasMessageContaining("No checkpoint completed")
                .hasMessageContaining("savepoints do not count")
                .hasMessageContaining("'ack.mode' = 'on-emit'");
    }

    /** Polls until the reader fails (within 10 s), and returns its failure. */
    private static Throwable pollUntilFailure(
            MessageSourceReader<String> reader, TestingReaderOutput<String> output)
            throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                reader.pollNext(output);
            } catch (VitessException e) {
                return e;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the reader did not fail within 10 s");
    }

    @Test
    void failsAtOnceWhenVtgateRefusesTheAcknowledgements() throws Exception {
        ScriptedSplitReader splits = new ScriptedSplitReader();
        RecordingAcknowledger acks = new RecordingAcknowledger();
        acks.refusal =
                new SQLException(
                        "UPDATE command denied to user 'reader'@'%' for table 'queue'",
                        "42000", 1142);
        MessageSourceReader<String> reader = reader(splits, acks, "on-emit");
        reader.addSplits(Collections.singletonList(MessageSplit.of("ks", "queue", "-80")));
        splits.pending.add(message("-80", 1, 0));
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        pollUntil(reader, output, 1);

        assertThat(pollUntilFailure(reader, output))
                .hasMessageContaining(
                        "Could not acknowledge 1 message(s) of table `ks`.`queue` on shard ks/-80:"
                                + " UPDATE command denied")
                .hasMessageContaining("that the user may update the message table")
                .hasMessageNotContaining("attempts in a row");
        assertThat(acks.attempts).as("no retry of a refusal").hasValue(1);
        // Vitess' overloads (RESOURCE_EXHAUSTED) have SQLState 42000 too: they pass, retried
        assertThat(
                        MessageAcker.refusedReason(
                                new SQLException(
                                        "resource exhausted: transaction pool", "42000", 1203)))
                .isNull();
    }

    @Test
    void failsWhenAcknowledgementsFailMoreThanTheReconnectAttemptsInARow() throws Exception {
        ScriptedSplitReader splits = new ScriptedSplitReader();
        RecordingAcknowledger acks = new RecordingAcknowledger();
        acks.failing = true;
        Configuration options = options("checkpoint");
        options.setString("reconnect.max-attempts", "1");
        MessageSourceReader<String> reader =
                reader(splits, acks, MessageSourceConfig.from(options));
        reader.addSplits(Collections.singletonList(MessageSplit.of("ks", "queue", "-80")));
        splits.pending.add(message("-80", 1, 0));
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        pollUntil(reader, output, 1);
        assertThat(reader.snapshotState(1))
                .extracting(MessageSplit::unacknowledged)
                .containsExactly(ids(1));
        reader.notifyCheckpointComplete(1);

        assertThat(pollUntilFailure(reader, output))
                .hasMessageContaining(
                        "Could not acknowledge 1 message(s) of table `ks`.`queue` on shard ks/-80"
                                + " in 2 attempts in a row ('reconnect.max-attempts' is 1):"
                                + " VTGate unreachable")
                .hasMessageContaining("Nothing is lost");
        assertThat(acks.attempts).hasValue(2);
        assertThat(acks.of("ks/-80")).isEmpty();
    }
}
