package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.reader.deserializer.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.ShardSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import java.util.Map;
import java.util.function.Supplier;

/** Reads the shards assigned to one parallel instance of the source. */
@Internal
public final class PlanetScaleSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<ChangeBatch, T, ShardSplit, ShardSplitState> {

    /** A reader of the configured keyspace that deserializes with the given schema. */
    public static <T> PlanetScaleSourceReader<T> create(
            PlanetScaleSourceConfig config,
            VStreamDeserializationSchema<T> deserializer,
            SourceReaderContext context) {
        ShardReaderMetrics metrics = new ShardReaderMetrics(context.metricGroup());
        return new PlanetScaleSourceReader<>(
                () -> new VStreamSplitReader(config, metrics),
                new PlanetScaleRecordEmitter<>(deserializer),
                new Configuration(),
                context);
    }

    PlanetScaleSourceReader(
            Supplier<SplitReader<ChangeBatch, ShardSplit>> splitReaderSupplier,
            RecordEmitter<ChangeBatch, T, ShardSplitState> recordEmitter,
            Configuration config,
            SourceReaderContext context) {
        super(splitReaderSupplier, recordEmitter, config, context);
    }

    @Override
    protected void onSplitFinished(Map<String, ShardSplitState> finishedSplitIds) {
        // Bounded (snapshot) splits end here; nothing to hand back.
    }

    @Override
    protected ShardSplitState initializedState(ShardSplit split) {
        return new ShardSplitState(split);
    }

    @Override
    protected ShardSplit toSplitType(String splitId, ShardSplitState state) {
        return state.toSplit();
    }
}
