package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

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
                out.collect(row(converter, change, change.after(), RowKind.INSERT));
                break;
            case UPDATE:
                out.collect(row(converter, change, change.before(), RowKind.UPDATE_BEFORE));
                out.collect(row(converter, change, change.after(), RowKind.UPDATE_AFTER));
                break;
            case DELETE:
                out.collect(row(converter, change, change.before(), RowKind.DELETE));
                break;
            default:
                throw new IllegalStateException("Unknown change " + change.op());
        }
    }

    private RowData row(
            RowDataConverter converter, RowChangeEvent change, byte[][] values, RowKind kind) {
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

    private RowDataConverter converterFor(RowChangeEvent change) {
        if (converters == null) {
            converters = new SchemaCache<>();
        }
        return converters.get(
                change,
                c ->
                        new RowDataConverter(
                                physicalType,
                                VStreamColumns.parsed(c.columns()),
                                c.keyspace(),
                                c.table(),
                                c.shard(),
                                ZoneId.of(serverTimeZone)));
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
