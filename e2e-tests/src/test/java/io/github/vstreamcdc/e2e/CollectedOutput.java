package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.CloseableIterator;

import java.util.function.Function;

/** Runs a job of RowData records and drains its output (see {@link CollectedRecords}). */
final class CollectedOutput extends CollectedRecords<RowData> {

    private CollectedOutput(CloseableIterator<RowData> iterator) {
        super(iterator);
    }

    static CollectedOutput run(
            PlanetScaleSource<RowData> source,
            int parallelism,
            long checkpointMillis,
            Function<DataStream<RowData>, DataStream<RowData>> pipeline)
            throws Exception {
        return new CollectedOutput(execute(source, parallelism, checkpointMillis, pipeline));
    }
}
