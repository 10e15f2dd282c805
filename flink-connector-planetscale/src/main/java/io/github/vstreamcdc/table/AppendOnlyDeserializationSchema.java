package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.SourceOutputCollector;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * Makes every row of another deserialization schema an INSERT, for {@code
 * scan.read-changelog-as-append-only.enabled} (a {@code row_kind} metadata column keeps the
 * original kind: it is written before).
 */
@Internal
final class AppendOnlyDeserializationSchema implements VStreamDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final VStreamDeserializationSchema<RowData> delegate;

    private transient InsertingCollector collector;

    AppendOnlyDeserializationSchema(VStreamDeserializationSchema<RowData> delegate) {
        this.delegate = delegate;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        delegate.open(context);
    }

    @Override
    public void deserialize(RowChangeEvent change, Collector<RowData> out) throws Exception {
        if (collector == null) {
            collector = new InsertingCollector();
        }
        collector.out = out;
        delegate.deserialize(change, collector);
    }

    @Override
    public void deserializeSchemaChange(SchemaChangeEvent change, Collector<RowData> out)
            throws Exception {
        delegate.deserializeSchemaChange(change, out);
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return delegate.getProducedType();
    }

    private static final class InsertingCollector implements SourceOutputCollector<RowData> {
        private Collector<RowData> out;

        @Override
        public boolean reachesSourceOutput() {
            return SourceOutputCollector.reusesRecords(out);
        }

        @Override
        public void collect(RowData row) {
            row.setRowKind(RowKind.INSERT);
            out.collect(row);
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
