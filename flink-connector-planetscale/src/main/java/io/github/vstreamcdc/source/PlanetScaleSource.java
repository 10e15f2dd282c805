package io.github.vstreamcdc.source;

import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.enumerator.PlanetScaleEnumeratorState;
import io.github.vstreamcdc.source.enumerator.PlanetScaleEnumeratorStateSerializer;
import io.github.vstreamcdc.source.enumerator.PlanetScaleSourceEnumerator;
import io.github.vstreamcdc.source.enumerator.VitessShardDiscovery;
import io.github.vstreamcdc.source.reader.PlanetScaleSourceReader;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.ShardSplitSerializer;

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
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * A Flink source of the row changes of a Vitess or PlanetScale keyspace, read through VTGate's
 * VStream API: one split per shard, positioned by its GTID set, checkpointed so that a restore
 * neither loses nor repeats a change. Build it with {@link #builder()}.
 *
 * @param <T> the type of the records it produces
 */
@PublicEvolving
public final class PlanetScaleSource<T>
        implements Source<T, ShardSplit, PlanetScaleEnumeratorState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final PlanetScaleSourceConfig config;
    private final VStreamDeserializationSchema<T> deserializer;

    PlanetScaleSource(
            PlanetScaleSourceConfig config, VStreamDeserializationSchema<T> deserializer) {
        this.config = config;
        this.deserializer = deserializer;
    }

    public static <T> PlanetScaleSourceBuilder<T> builder() {
        return new PlanetScaleSourceBuilder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return config.readRange().isBounded()
                ? Boundedness.BOUNDED
                : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, ShardSplit> createReader(SourceReaderContext readerContext)
            throws Exception {
        deserializer.open(
                new org.apache.flink.api.common.serialization.DeserializationSchema
                        .InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return readerContext.metricGroup().addGroup("deserializer");
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return readerContext.getUserCodeClassLoader();
                    }
                });
        return PlanetScaleSourceReader.create(config, deserializer, readerContext);
    }

    @Override
    public SplitEnumerator<ShardSplit, PlanetScaleEnumeratorState> createEnumerator(
            SplitEnumeratorContext<ShardSplit> enumContext) {
        return restoreEnumerator(enumContext, PlanetScaleEnumeratorState.empty());
    }

    @Override
    public SplitEnumerator<ShardSplit, PlanetScaleEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<ShardSplit> enumContext, PlanetScaleEnumeratorState checkpoint) {
        return new PlanetScaleSourceEnumerator(
                enumContext,
                new VitessShardDiscovery(config),
                getBoundedness(),
                config.shardDiscoveryInterval(),
                checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<ShardSplit> getSplitSerializer() {
        return ShardSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<PlanetScaleEnumeratorState>
            getEnumeratorCheckpointSerializer() {
        return new PlanetScaleEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    /** The validated configuration; for tests and the table source. */
    PlanetScaleSourceConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "PlanetScaleSource{" + config + '}';
    }
}
