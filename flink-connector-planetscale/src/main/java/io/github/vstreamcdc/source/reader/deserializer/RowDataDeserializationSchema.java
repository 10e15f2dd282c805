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
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.LogicalType;
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
 *
 * <p>Rows are {@link GenericRowData}, or with {@link #withBinaryRows()} {@link BinaryRowData}: a
 * row in one array, which costs less CPU to build, to copy between chained operators and to send
 * over the network, but prints no values ({@code toString}); the Table API uses binary rows. Binary
 * rows of simple types handed straight to Flink's source output (by the source's record emitter,
 * see {@link SourceOutputCollector}) are written into a reused row object (two for an update), as
 * Flink's columnar file readers do; rows collected anywhere else are rows of their own.
 */
@PublicEvolving
public final class RowDataDeserializationSchema implements VStreamDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    /** Reads one metadata column's value from a change. */
    @PublicEvolving
    public interface MetadataReader extends Serializable {
        Object read(RowChangeEvent change);

        /** The value for the record of {@code kind} made of the change (an update makes two). */
        default Object read(RowChangeEvent change, RowKind kind) {
            return read(change);
        }
    }

    private final RowType physicalType;
    private final List<MetadataReader> metadata;
    private final TypeInformation<RowData> producedType;
    private final String serverTimeZone;
    private final DroppedColumnHandling droppedColumns;
    private final boolean binaryRows;

    private transient SchemaCache<RowDataConverter> converters;

    private transient int physicalArity;
    private transient FieldConverters.ValueWriter[] metadataWriters;

    /** The metadata fields' types, when all are simple ({@link BinaryRowBuilder#isSimple}). */
    @Nullable private transient LogicalType[] simpleMetadataTypes;

    /** Bytes of the metadata values beyond their fixed part, as seen so far. */
    private transient int metadataBytes;

    /**
     * Where the spans of the images being written are decoded (two: an update's before image stays
     * readable while its after image is written); grown to the widest table's columns.
     */
    private transient int[] spansScratch;

    private transient int[] beforeSpansScratch;

    /**
     * Whether the rows being written go to a {@link SourceOutputCollector}: binary rows of simple
     * types are then written into the same two builders (an update's before row and every other
     * row) instead of an array and objects per row.
     */
    private transient boolean reuseRows;

    private transient BinaryRowBuilder reusedRow;
    private transient BinaryRowBuilder reusedBeforeRow;

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
        this(physicalType, metadata, producedType, serverTimeZone.getId(), droppedColumns, false);
    }

    private RowDataDeserializationSchema(
            RowType physicalType,
            List<MetadataReader> metadata,
            TypeInformation<RowData> producedType,
            String serverTimeZone,
            DroppedColumnHandling droppedColumns,
            boolean binaryRows) {
        this.droppedColumns = droppedColumns;
        this.physicalType = physicalType;
        this.metadata = new ArrayList<>(metadata);
        this.producedType = producedType;
        this.serverTimeZone = serverTimeZone;
        this.binaryRows = binaryRows;
        if (binaryRows) {
            metadataTypes(); // fails here, at the job's construction, rather than in the reader
        }
    }

    /**
     * The same deserializer producing {@link BinaryRowData} rows (see the class comment).
     *
     * @throws IllegalArgumentException if the produced type is not an {@link InternalTypeInfo} of a
     *     row type with a field per physical and metadata column
     */
    public RowDataDeserializationSchema withBinaryRows() {
        return new RowDataDeserializationSchema(
                physicalType, metadata, producedType, serverTimeZone, droppedColumns, true);
    }

    @Override
    public void deserialize(RowChangeEvent change, Collector<RowData> out) {
        RowDataConverter converter = converterFor(change);
        reuseRows = binaryRows && SourceOutputCollector.reusesRecords(out);
        switch (change.op()) {
            case READ:
            case INSERT:
                out.collect(row(converter, change, change.afterImage(), RowKind.INSERT));
                break;
            case UPDATE:
                if (binaryRows && simpleRows(converter)) {
                    // Both rows are built before either goes out: the after image takes the
                    // before's values of the columns the update left alone.
                    RowImage beforeImage = change.beforeImage();
                    int[] beforeImageSpans = checkedSpans(converter, beforeImage, true);
                    BinaryRowBuilder before =
                            simpleRow(
                                    converter,
                                    change,
                                    beforeImage,
                                    beforeImageSpans,
                                    RowKind.UPDATE_BEFORE,
                                    null,
                                    null,
                                    null);
                    RowImage afterImage = change.afterImage();
                    BinaryRowBuilder after =
                            simpleRow(
                                    converter,
                                    change,
                                    afterImage,
                                    checkedSpans(converter, afterImage, false),
                                    RowKind.UPDATE_AFTER,
                                    beforeImage.bytes(),
                                    beforeImageSpans,
                                    before);
                    out.collect(before.row());
                    out.collect(after.row());
                    break;
                }
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
        if (binaryRows) {
            return binaryRow(converter, change, values, kind);
        }
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
                row.setField(arity + i, metadata.get(i).read(change, kind));
            }
        }
        row.setRowKind(kind);
        return row;
    }

    /** Whether rows of this converter are {@link #simpleRow}s (and the metadata writers set). */
    private boolean simpleRows(RowDataConverter converter) {
        if (metadataWriters == null) {
            List<LogicalType> types = metadataTypes();
            metadataWriters = new FieldConverters.ValueWriter[types.size()];
            for (int i = 0; i < metadataWriters.length; i++) {
                metadataWriters[i] = FieldConverters.valueWriter(types.get(i));
            }
            physicalArity = physicalType.getFieldCount();
            if (types.stream().allMatch(BinaryRowBuilder::isSimple)) {
                simpleMetadataTypes = types.toArray(new LogicalType[0]);
            }
        }
        return converter.isSimple() && simpleMetadataTypes != null;
    }

    private RowData binaryRow(
            RowDataConverter converter, RowChangeEvent change, RowImage values, RowKind kind) {
        if (simpleRows(converter)) {
            return simpleRow(
                            converter,
                            change,
                            values,
                            checkedSpans(converter, values, false),
                            kind,
                            null,
                            null,
                            null)
                    .row();
        }
        int arity = physicalArity + metadataWriters.length;
        // Written straight into the record's own array, sized so that it rarely grows: a text
        // value takes at most its bytes (rounded up to 8), a wide decimal 16.
        int valueBytes = 0;
        for (int i = 0; i < values.size(); i++) {
            valueBytes += Math.max(values.length(i), 0);
        }
        int capacity = valueBytes + 16 * physicalArity + metadataBytes;
        BinaryRowData row = new BinaryRowData(arity);
        BinaryRowWriter writer = new BinaryRowWriter(row, capacity);
        converter.write(values, writer);
        writer.complete(); // (again below) to read the physical fields' size
        int physicalSize = row.getSizeInBytes();
        for (int i = 0; i < metadataWriters.length; i++) {
            Object value = metadata.get(i).read(change, kind);
            if (value == null) {
                writer.setNullAt(physicalArity + i);
            } else {
                metadataWriters[i].write(writer, physicalArity + i, value);
            }
        }
        writer.complete();
        learnRoom(row.getSizeInBytes() - physicalSize);
        row.setRowKind(kind);
        return row;
    }

    /**
     * {@link #binaryRow} of simple types, without Flink's writer (see {@link BinaryRowBuilder}).
     *
     * @param spans the image's {@link RowImage#spans}, its size checked
     * @param beforeBytes an update's before image's bytes, whose values this (after) image may take
     *     from {@code before}, where the before image was written; null for none
     * @return the builder, built (its {@link BinaryRowBuilder#row()})
     */
    private BinaryRowBuilder simpleRow(
            RowDataConverter converter,
            RowChangeEvent change,
            RowImage values,
            int[] spans,
            RowKind kind,
            @Nullable byte[] beforeBytes,
            @Nullable int[] beforeSpans,
            @Nullable BinaryRowBuilder before) {
        int arity = physicalArity + metadataWriters.length;
        int capacity = converter.variableBytes(spans) + metadataBytes;
        BinaryRowBuilder builder;
        if (!reuseRows) {
            builder = new BinaryRowBuilder(arity, capacity);
        } else if (kind == RowKind.UPDATE_BEFORE) {
            builder = reusedBeforeRow = restarted(reusedBeforeRow, arity, capacity);
        } else {
            builder = reusedRow = restarted(reusedRow, arity, capacity);
        }
        converter.write(values.bytes(), spans, builder, beforeBytes, beforeSpans, before);
        int physicalBytes = builder.variableBytes();
        for (int i = 0; i < simpleMetadataTypes.length; i++) {
            Object value = metadata.get(i).read(change, kind);
            if (value == null) {
                builder.setNull(physicalArity + i);
            } else {
                builder.writeValue(physicalArity + i, simpleMetadataTypes[i], value);
            }
        }
        builder.build(kind);
        learnRoom(builder.variableBytes() - physicalBytes);
        return builder;
    }

    /** {@code builder} restarted for a new row, or a new builder if none yet. */
    private static BinaryRowBuilder restarted(
            @Nullable BinaryRowBuilder builder, int arity, int variableBytes) {
        if (builder == null) {
            return new BinaryRowBuilder(arity, variableBytes);
        }
        builder.restart(variableBytes);
        return builder;
    }

    /**
     * An image's {@link RowImage#spans}, its size checked, decoded into the scratch array of before
     * images or into the other one (grown to the image's columns if needed).
     */
    private int[] checkedSpans(RowDataConverter converter, RowImage image, boolean beforeImage) {
        converter.check(image);
        int needed = 2 * image.size();
        if (beforeImage) {
            if (beforeSpansScratch == null || beforeSpansScratch.length < needed) {
                beforeSpansScratch = new int[needed];
            }
            return image.spans(beforeSpansScratch);
        }
        if (spansScratch == null || spansScratch.length < needed) {
            spansScratch = new int[needed];
        }
        return image.spans(spansScratch);
    }

    /**
     * Gives later rows more room for their metadata values when a row's metadata took {@code bytes}
     * in its variable part, more than the room it was given, so that rows rarely grow. Only the
     * metadata's room is learnt: a physical value larger than its estimate (text whose character
     * set grows in UTF-8) grows its own row only, so that one outlier does not size every later
     * row.
     */
    private void learnRoom(int bytes) {
        if (bytes > metadataBytes) {
            metadataBytes = bytes + 64;
        }
    }

    /** The types of the metadata fields, from the produced type. */
    private List<LogicalType> metadataTypes() {
        int arity = physicalType.getFieldCount();
        if (producedType instanceof InternalTypeInfo
                && ((InternalTypeInfo<?>) producedType).toLogicalType() instanceof RowType) {
            List<LogicalType> fields =
                    ((RowType) ((InternalTypeInfo<?>) producedType).toLogicalType()).getChildren();
            if (fields.size() == arity + metadata.size()) {
                return fields.subList(arity, fields.size());
            }
        }
        throw new IllegalArgumentException(
                String.format(
                        "Binary rows need the produced type as InternalTypeInfo.of(a row type of"
                                + " %d physical and %d metadata fields); got %s",
                        arity, metadata.size(), producedType));
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
