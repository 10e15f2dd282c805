package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.SourceOutputCollector;
import io.github.vstreamcdc.source.split.ShardSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

import javax.annotation.Nullable;

import java.time.Duration;

/**
 * Deserializes a batch's rows into records and moves the split's position with them: to the batch's
 * safe point if it has one, else by the number of rows emitted.
 *
 * <p>Records carry their commit time as timestamp, so the watermark strategy's generator runs per
 * shard (the split's own output). A heartbeat of an idle shard moves that shard's watermark to the
 * heartbeat's time minus the configured delay, if one is: an idle shard then no longer holds back
 * the combined watermark.
 */
@Internal
public final class PlanetScaleRecordEmitter<T>
        implements RecordEmitter<ChangeBatch, T, ShardSplitState> {

    private final VStreamDeserializationSchema<T> deserializer;
    private final OutputCollector<T> collector = new OutputCollector<>();

    /** Heartbeat watermark delay in millis; negative for no heartbeat watermarks. */
    private final long heartbeatDelayMillis;

    public PlanetScaleRecordEmitter(VStreamDeserializationSchema<T> deserializer) {
        this(deserializer, null);
    }

    /**
     * @param heartbeatDelay how far below a heartbeat's time an idle shard's watermark moves; null
     *     for not at all
     */
    public PlanetScaleRecordEmitter(
            VStreamDeserializationSchema<T> deserializer, @Nullable Duration heartbeatDelay) {
        this.deserializer = deserializer;
        this.heartbeatDelayMillis = heartbeatDelay == null ? -1 : heartbeatDelay.toMillis();
    }

    @Override
    public void emitRecord(ChangeBatch batch, SourceOutput<T> output, ShardSplitState state)
            throws Exception {
        collector.output = output;
        for (SchemaChangeEvent change : batch.schemaChanges) {
            collector.timestamp = change.commitTimeMillis();
            deserializer.deserializeSchemaChange(change, collector);
        }
        for (RowChangeEvent row : batch.rows) {
            collector.timestamp = row.commitTimeMillis();
            deserializer.deserialize(row, collector);
        }
        recordInState(batch, state);
        if (batch.idleAtMillis > 0 && heartbeatDelayMillis >= 0) {
            // Commit times are whole seconds: a transaction still open at the heartbeat may
            // carry the heartbeat's second; the watermark stays below it.
            output.emitWatermark(new Watermark(batch.idleAtMillis - 1 - heartbeatDelayMillis));
        }
    }

    /** What an emitted batch changes in its split's state (position, counts, bounds, ...). */
    static void recordInState(ChangeBatch batch, ShardSplitState state) {
        if (batch.schemas != null) {
            state.schemasChanged(batch.schemas);
        }
        if (batch.positionAfter != null) {
            state.advanceTo(batch.positionAfter);
        } else {
            state.rowsEmitted(batch.rows.size() + batch.hiddenRows);
        }
        if (batch.bounds != null) {
            state.boundsChanged(batch.bounds);
        }
        if (batch.tables != null) {
            state.tablesChanged(batch.tables);
        }
        if (batch.journal != null) {
            state.finishAt(batch.journal);
        }
        if (batch.stopped) {
            state.stop();
        }
        if (batch.catchUpDone) {
            state.catchUpDone();
        }
    }

    /** Hands each record to the source output at once (see {@link SourceOutputCollector}). */
    private static final class OutputCollector<T> implements SourceOutputCollector<T> {
        SourceOutput<T> output;
        long timestamp;

        @Override
        public boolean reachesSourceOutput() {
            return true;
        }

        @Override
        public void collect(T record) {
            if (timestamp > 0) {
                output.collect(record, timestamp);
            } else {
                output.collect(record);
            }
        }

        @Override
        public void close() {}
    }
}
