package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * Fills the {@code row_kind} metadata column ({@code +I}, {@code -U}, {@code +U}, {@code -D}) of
 * the rows of another deserialization schema: one change can give rows of two kinds, so the value
 * is known only per row, not per change. For {@code scan.read-changelog-as-append-only.enabled} it
 * then makes every row an INSERT (the column keeps the original kind).
 */
@Internal
final class RowKindMetadataDeserializationSchema implements VStreamDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private static final StringData[] KINDS = new StringData[RowKind.values().length];

    static {
        for (RowKind kind : RowKind.values()) {
            KINDS[kind.ordinal()] = StringData.fromString(kind.shortString());
        }
    }

    private final VStreamDeserializationSchema<RowData> delegate;
    private final int position;
    private final boolean appendOnly;

    private transient FillingCollector collector;

    /**
     * @param delegate produces {@link GenericRowData} rows
     * @param position the index of the {@code row_kind} field in those rows; -1 if not read
     * @param appendOnly whether every row becomes an INSERT
     */
    RowKindMetadataDeserializationSchema(
            VStreamDeserializationSchema<RowData> delegate, int position, boolean appendOnly) {
        this.delegate = delegate;
        this.position = position;
        this.appendOnly = appendOnly;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        delegate.open(context);
    }

    @Override
    public void deserialize(RowChangeEvent change, Collector<RowData> out) throws Exception {
        if (collector == null) {
            collector = new FillingCollector(position, appendOnly);
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

    private static final class FillingCollector implements Collector<RowData> {
        private final int position;
        private final boolean appendOnly;
        private Collector<RowData> out;

        FillingCollector(int position, boolean appendOnly) {
            this.position = position;
            this.appendOnly = appendOnly;
        }

        @Override
        public void collect(RowData row) {
            if (position >= 0) {
                if (!(row instanceof GenericRowData)) {
                    throw new IllegalStateException(
                            "Expected GenericRowData to fill in the row kind, got "
                                    + row.getClass());
                }
                ((GenericRowData) row).setField(position, KINDS[row.getRowKind().ordinal()]);
            }
            if (appendOnly) {
                row.setRowKind(RowKind.INSERT);
            }
            out.collect(row);
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
