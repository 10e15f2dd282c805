package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.RowImage;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.config.DroppedColumnHandling;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Produces Flink {@link RowData} changelog records: a snapshot row or an insert as {@code +I}, an
 * update as {@code -U} and {@code +U}, a delete as {@code -D}. Columns are matched by name to the
 * declared row type; metadata columns, if any, follow the physical ones.
 */
@PublicEvolving
public final class RowDataDeserializationSchema implements VStreamDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    /** Reads one metadata column's value from a change. */
    @PublicEvolving
    public interface MetadataReader extends Serializable {
        Object read(RowChangeEvent change);
    }

    private final RowType physicalType;
    private final List<MetadataReader> metadata;
    private final TypeInformation<RowData> producedType;
    private final String serverTimeZone;
    private final DroppedColumnHandling droppedColumns;

    private transient SchemaCache<RowDataConverter> converters;

    public RowDataDeserializationSchema(
            RowType physicalType, TypeInformation<RowData> producedType) {
        this(physicalType, new ArrayList<>(), producedType, ZoneOffset.UTC);
    }

    public RowDataDeserializationSchema(
            RowType physicalType,
            List<MetadataReader> metadata,
            TypeInformation<RowData> producedType,
            ZoneId serverTimeZone) {
        this(physicalType, metadata, producedType, serverTimeZone, DroppedColumnHandling.FAIL);
    }

    /**
     * @param droppedColumns what a declared column becomes when a schema change drops it or renames
     *     it away: the job fails, or it is NULL from then on
     */
    public RowDataDeserializationSchema(
            RowType physicalType,
            List<MetadataReader> metadata,
            TypeInformation<RowData> producedType,
            ZoneId serverTimeZone,
            DroppedColumnHandling droppedColumns) {
        this.droppedColumns = droppedColumns;
        this.physicalType = physicalType;
        this.metadata = new ArrayList<>(metadata);
        this.producedType = producedType;
        this.serverTimeZone = serverTimeZone.getId();
    }

    @Override
    public void deserialize(RowChangeEvent change, Collector<RowData> out) {
        RowDataConverter converter = converterFor(change);
        switch (change.op()) {
            case READ:
            case INSERT:
                out.collect(row(converter, change, change.afterImage(), RowKind.INSERT));
                break;
            case UPDATE:
                out.collect(row(converter, change, change.beforeImage(), RowKind.UPDATE_BEFORE));
                out.collect(row(converter, change, change.afterImage(), RowKind.UPDATE_AFTER));
                break;
            case DELETE:
                out.collect(row(converter, change, change.beforeImage(), RowKind.DELETE));
                break;
            default:
                throw new IllegalStateException("Unknown change " + change.op());
        }
    }

    private RowData row(
            RowDataConverter converter, RowChangeEvent change, RowImage values, RowKind kind) {
        GenericRowData physical = converter.convert(values);
        GenericRowData row;
        if (metadata.isEmpty()) {
            row = physical;
        } else {
            int arity = physical.getArity();
            row = new GenericRowData(arity + metadata.size());
            for (int i = 0; i < arity; i++) {
                row.setField(i, physical.getField(i));
            }
            for (int i = 0; i < metadata.size(); i++) {
                row.setField(arity + i, metadata.get(i).read(change));
            }
        }
        row.setRowKind(kind);
        return row;
    }

    /**
     * Checks at once that the declared columns can still be read in the new shape: the job fails
     * here, at the position of the change, rather than at the table's next row.
     */
    @Override
    public void deserializeSchemaChange(SchemaChangeEvent change, Collector<RowData> out) {
        converterFor(
                change.keyspace(),
                change.table(),
                change.shard(),
                change.columns(),
                change.position(),
                change);
    }

    private RowDataConverter converterFor(RowChangeEvent change) {
        RowDataConverter last =
                converters == null
                        ? null
                        : converters.last(change.shard(), change.table(), change.columns());
        if (last != null) {
            return last; // the common case, without a supplier per row
        }
        return converterFor(
                change.keyspace(),
                change.table(),
                change.shard(),
                change.columns(),
                change.position(),
                null);
    }

    private RowDataConverter converterFor(
            String keyspace,
            String table,
            String shard,
            List<ColumnDescription> columns,
            @Nullable String position,
            @Nullable SchemaChangeEvent schemaChange) {
        if (converters == null) {
            converters = new SchemaCache<>();
        }
        return converters.get(
                shard,
                table,
                columns,
                () -> {
                    try {
                        return new RowDataConverter(
                                physicalType,
                                VStreamColumns.parsed(columns),
                                keyspace,
                                table,
                                shard,
                                ZoneId.of(serverTimeZone),
                                droppedColumns == DroppedColumnHandling.NULL);
                    } catch (ValidationException e) {
                        throw SchemaMismatch.of(
                                e, keyspace, table, shard, position, schemaChange, droppedColumns);
                    }
                });
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
