package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.split.ShardSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;

/**
 * Deserializes a batch's rows into records and moves the split's position with them: to the batch's
 * safe point if it has one, else by the number of rows emitted.
 */
@Internal
public final class PlanetScaleRecordEmitter<T>
        implements RecordEmitter<ChangeBatch, T, ShardSplitState> {

    private final VStreamDeserializationSchema<T> deserializer;
    private final OutputCollector<T> collector = new OutputCollector<>();

    public PlanetScaleRecordEmitter(VStreamDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void emitRecord(ChangeBatch batch, SourceOutput<T> output, ShardSplitState state)
            throws Exception {
        collector.output = output;
        for (RowChangeEvent row : batch.rows) {
            collector.timestamp = row.commitTimeMillis();
            deserializer.deserialize(row, collector);
        }
        if (batch.positionAfter != null) {
            state.advanceTo(batch.positionAfter);
        } else {
            state.rowsEmitted(batch.rows.size());
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
    }

    private static final class OutputCollector<T> implements Collector<T> {
        SourceOutput<T> output;
        long timestamp;

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
