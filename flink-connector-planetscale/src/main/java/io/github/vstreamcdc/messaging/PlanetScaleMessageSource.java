package io.github.vstreamcdc.messaging;

import io.github.vstreamcdc.messaging.enumerator.MessageEnumeratorState;
import io.github.vstreamcdc.messaging.enumerator.MessageEnumeratorStateSerializer;
import io.github.vstreamcdc.messaging.enumerator.MessageSplitEnumerator;
import io.github.vstreamcdc.messaging.reader.MessageSourceReader;
import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.messaging.split.MessageSplitSerializer;
import io.github.vstreamcdc.source.client.VtgateSqlClient;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.ArrayList;
import java.util.List;

/**
 * A Flink source of the messages of a Vitess message table (a table with the {@code vitess_message}
 * comment), read through VTGate: one split per shard, each a {@code stream * from} subscription on
 * that shard. Delivery is at-least-once: a message is acknowledged (Vitess stops redelivering it)
 * only after the checkpoint that covers it completed, or, with {@link AckMode#ON_EMIT}, as soon as
 * it was emitted (no guarantee: a failure may lose or repeat messages). Build it with {@link
 * #builder()}.
 *
 * @param <T> the type of the records it produces
 */
@PublicEvolving
public final class PlanetScaleMessageSource<T>
        implements Source<T, MessageSplit, MessageEnumeratorState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final MessageSourceConfig config;
    private final MessageDeserializationSchema<T> deserializer;

    PlanetScaleMessageSource(
            MessageSourceConfig config, MessageDeserializationSchema<T> deserializer) {
        this.config = config;
        this.deserializer = deserializer;
    }

    public static <T> PlanetScaleMessageSourceBuilder<T> builder() {
        return new PlanetScaleMessageSourceBuilder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, MessageSplit> createReader(SourceReaderContext readerContext) {
        return MessageSourceReader.create(config, deserializer, readerContext);
    }

    @Override
    public SplitEnumerator<MessageSplit, MessageEnumeratorState> createEnumerator(
            SplitEnumeratorContext<MessageSplit> enumContext) {
        return restoreEnumerator(enumContext, MessageEnumeratorState.initial());
    }

    @Override
    public SplitEnumerator<MessageSplit, MessageEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<MessageSplit> enumContext, MessageEnumeratorState checkpoint) {
        MessageSourceConfig c = config;
        return new MessageSplitEnumerator(enumContext, () -> discoverSplits(c), checkpoint);
    }

    /** One split per shard: the configured shards, checked to exist, or all of them. */
    static List<MessageSplit> discoverSplits(MessageSourceConfig config) {
        VtgateSqlClient sql = new VtgateSqlClient(config.connection());
        return discoverSplits(
                config, sql.listShards(config.keyspace()), MessageTableCheck.vtgate(sql));
    }

    /**
     * The splits of the shards {@code existing}, once the table is known to be a message table: a
     * stream of another table would fail only after its reconnect attempts.
     */
    static List<MessageSplit> discoverSplits(
            MessageSourceConfig config, List<String> existing, MessageTableCheck.Lookup table) {
        MessageTableCheck.check(table, config.keyspace(), config.table());
        List<String> wanted = config.shards().isEmpty() ? existing : config.shards();
        List<MessageSplit> splits = new ArrayList<>();
        for (String shard : wanted) {
            if (!existing.contains(shard)) {
                throw new IllegalArgumentException(
                        "Shard '"
                                + shard
                                + "' of option 'shards' does not exist in keyspace '"
                                + config.keyspace()
                                + "' (it has "
                                + existing
                                + ")");
            }
            splits.add(MessageSplit.of(config.keyspace(), config.table(), shard));
        }
        return splits;
    }

    @Override
    public SimpleVersionedSerializer<MessageSplit> getSplitSerializer() {
        return MessageSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<MessageEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new MessageEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    /** The validated configuration; for the table source and tests. */
    MessageSourceConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "PlanetScaleMessageSource{" + config + '}';
    }
}
