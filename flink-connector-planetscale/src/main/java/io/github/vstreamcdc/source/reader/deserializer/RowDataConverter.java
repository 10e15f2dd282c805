package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.RowImage;
import io.github.vstreamcdc.source.reader.deserializer.FieldConverters.FieldConverter;
import io.github.vstreamcdc.source.reader.deserializer.FieldConverters.FieldWriter;
import io.github.vstreamcdc.source.types.ColumnText;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.source.types.MySqlKind;
import io.github.vstreamcdc.source.types.MySqlTextBytes;
import io.github.vstreamcdc.source.types.MySqlTypeMapping;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import javax.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Converts the values of VStream ROW events of one table on one shard (MySQL text encodings, one
 * {@code byte[]} per column, null for SQL NULL) into Flink's internal data structures of a target
 * row type.
 *
 * <p>Target fields match source columns by name, ignoring case. One converter per target field is
 * chosen at construction, which fails with a {@link ValidationException} when a target field has no
 * source column (unless asked to fill it with null) or when its type cannot hold the column's
 * values exactly. {@link #convert} fails with an {@link IllegalArgumentException} naming the table,
 * shard, column and value when a value does not fit. The accepted conversions are listed in {@code
 * docs/type-mapping.md}.
 *
 * <p>A converter keeps no mutable state: threads may share it.
 */
@Internal
public final class RowDataConverter {

    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final int MAX_VALUE_IN_MESSAGE = 100;

    /** For {@link RowImage#spans}: no scratch array, the image keeps its decoded spans. */
    private static final int[] NO_SCRATCH = new int[0];

    private final RowType targetType;
    private final List<MySqlColumn> sourceColumns;
    private final String tableName;
    private final String shard;

    /** Per target field: the index of its source column, or -1 to fill with null. */
    private final int[] sourceIndex;

    private final FieldConverter[] converters;

    /** Per target field with a source column: its writer for rows in the binary format. */
    private final FieldWriter[] writers;

    /**
     * Per target field: how {@link #write} writes it, one of the {@code FieldConverters.WRITE_}
     * kinds. The common ones are written in the loop itself, without a call through the writer that
     * the other fields' writers make megamorphic.
     */
    private final int[] writeKinds;

    /** Per field: its value lives in its slot of a binary row (not a byte string). */
    private final boolean[] inSlot;

    /**
     * The target fields with a source column whose value may take room in a binary row's variable
     * part (text and other kinds), so that sizing a row reads only their lengths.
     */
    private final int[] variableFields;

    /** Whether every field's type is one {@link BinaryRowBuilder} writes: see {@link #isSimple}. */
    private final boolean simple;

    /**
     * Builds a converter that fails on target fields missing from the source columns.
     *
     * @see #RowDataConverter(RowType, List, String, String, String, ZoneId, boolean)
     */
    public RowDataConverter(
            RowType targetType,
            List<MySqlColumn> sourceColumns,
            String keyspace,
            String table,
            String shard,
            ZoneId serverTimeZone) {
        this(targetType, sourceColumns, keyspace, table, shard, serverTimeZone, false);
    }

    /**
     * Builds a converter.
     *
     * @param targetType the row type to produce: the one the user declared, or {@link
     *     MySqlTypeMapping#toRowType}
     * @param sourceColumns the columns of the table, in the order of the row values
     * @param keyspace the keyspace, for messages (may be empty if {@code table} is qualified)
     * @param table the table name, for messages
     * @param shard the shard, for messages
     * @param serverTimeZone the MySQL server's time zone; used only to turn a MySQL TIMESTAMP into
     *     a Flink TIMESTAMP (without time zone), as the server's local date-time
     * @param fillMissingColumnsWithNull whether a nullable target field without a source column is
     *     filled with null instead of failing
     * @throws ValidationException if a target field has no source column, or its type cannot hold
     *     the column's values
     */
    public RowDataConverter(
            RowType targetType,
            List<MySqlColumn> sourceColumns,
            String keyspace,
            String table,
            String shard,
            ZoneId serverTimeZone,
            boolean fillMissingColumnsWithNull) {
        this.targetType = targetType;
        this.sourceColumns = new ArrayList<>(sourceColumns);
        this.tableName = qualify(keyspace, table);
        this.shard = shard;

        Map<String, Integer> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < sourceColumns.size(); i++) {
            byName.putIfAbsent(sourceColumns.get(i).name(), i);
        }
        int arity = targetType.getFieldCount();
        this.sourceIndex = new int[arity];
        this.converters = new FieldConverter[arity];
        this.writers = new FieldWriter[arity];
        this.writeKinds = new int[arity];
        this.inSlot = new boolean[arity];
        boolean allSimple = true;
        for (int i = 0; i < arity; i++) {
            String name = targetType.getFieldNames().get(i);
            LogicalType target = targetType.getTypeAt(i);
            Integer index = byName.get(name);
            if (index == null) {
                sourceIndex[i] = -1;
                checkMissing(name, target, fillMissingColumnsWithNull);
                continue;
            }
            sourceIndex[i] = index;
            MySqlColumn column = describe(sourceColumns.get(index));
            FieldConverter converter = FieldConverters.create(column, target, serverTimeZone);
            if (converter == null) {
                throw new ValidationException(
                        String.format(
                                "%s has MySQL type %s, which cannot be converted to Flink type %s%s",
                                where(column.name()),
                                column.typeName(),
                                target.asSummaryString(),
                                FieldConverters.hint(column, target)));
            }
            converters[i] = converter;
            writers[i] = FieldConverters.writer(converter, target);
            writeKinds[i] = FieldConverters.writeKind(converter, target);
            allSimple &= BinaryRowBuilder.isSimple(target);
            inSlot[i] = !BinaryRowBuilder.isByteString(target);
        }
        this.simple = allSimple;
        this.variableFields =
                IntStream.range(0, arity)
                        .filter(
                                i ->
                                        sourceIndex[i] >= 0
                                                && (writeKinds[i] == FieldConverters.WRITE_TEXT
                                                        || writeKinds[i]
                                                                == FieldConverters.WRITE_OTHER))
                        .toArray();
    }

    /**
     * Whether rows can be written with {@link #write(RowImage, BinaryRowBuilder)}: every field's
     * type fits a binary row's slot or is a byte string (no wide decimals or timestamps, no
     * arrays).
     */
    boolean isSimple() {
        return simple;
    }

    /** The row type this converter produces. */
    public RowType getTargetType() {
        return targetType;
    }

    /**
     * Converts the values of one row image.
     *
     * @param values the values indexed like the source fields; null for SQL NULL. The arrays are
     *     referenced by the result, not copied: do not reuse them.
     * @return a row of the target type's arity, with {@link org.apache.flink.types.RowKind#INSERT}
     * @throws IllegalArgumentException if a value cannot be converted exactly, or is null for a NOT
     *     NULL target field
     */
    public GenericRowData convert(byte[][] values) {
        checkSize(values.length);
        GenericRowData row = new GenericRowData(converters.length);
        for (int i = 0; i < converters.length; i++) {
            int index = sourceIndex[i];
            if (index >= 0) {
                byte[] value = values[index];
                row.setField(
                        i,
                        value == null
                                ? checkNull(i, index, null, 0, 0)
                                : convertField(i, index, value, 0, value.length, true));
            }
        }
        return row;
    }

    /**
     * Converts the values of one row image, read in place.
     *
     * @see #convert(byte[][])
     */
    public GenericRowData convert(RowImage values) {
        checkSize(values.size());
        byte[] bytes = values.bytes();
        GenericRowData row = new GenericRowData(converters.length);
        for (int i = 0; i < converters.length; i++) {
            int index = sourceIndex[i];
            if (index >= 0) {
                int length = values.length(index);
                row.setField(
                        i,
                        length < 0
                                ? checkNull(i, index, null, 0, 0)
                                : convertField(
                                        i, index, bytes, values.offset(index), length, false));
            }
        }
        return row;
    }

    /**
     * Writes the values of one row image into fields {@code 0} to {@code arity - 1} of a binary
     * row: the same values, checks and errors as {@link #convert(RowImage)}, without an object per
     * field. The caller resets the writer before and completes it after.
     */
    public void write(RowImage values, BinaryRowWriter writer) {
        checkSize(values.size());
        byte[] bytes = values.bytes();
        for (int i = 0; i < writers.length; i++) {
            int index = sourceIndex[i];
            if (index < 0) {
                writer.setNullAt(i);
                continue;
            }
            int offset = values.offset(index);
            int length = values.length(index);
            if (length < 0) {
                checkNull(i, index, null, 0, 0);
                writer.setNullAt(i);
            } else if (!writeField(i, index, bytes, offset, length, writer)) {
                checkNull(i, index, bytes, offset, length);
                writer.setNullAt(i);
            }
        }
    }

    /**
     * The size of the variable-length part that {@link #write(byte[], int[], BinaryRowBuilder,
     * byte[], int[], BinaryRowBuilder)} needs for a row image, from its checked {@link
     * RowImage#spans}: exact for text written as it is, an estimate for values the converters
     * change (the builder grows if needed). An exact size saves zeroing bytes no one reads.
     */
    int variableBytes(int[] spans) {
        int bytes = 0;
        for (int i : variableFields) {
            int length = spans[2 * sourceIndex[i] + 1];
            if (writeKinds[i] == FieldConverters.WRITE_TEXT) {
                bytes += length > 7 ? (length + 7) & ~7 : 0;
            } else if (length >= 0) {
                bytes += (length + 15) & ~7;
            }
        }
        return bytes;
    }

    /**
     * Writes the values of one row image into fields {@code 0} to {@code arity - 1} of a row of
     * {@link #isSimple} types: the same values, checks and errors as {@link #convert(RowImage)}.
     */
    void write(RowImage values, BinaryRowBuilder out) {
        checkSize(values.size());
        write(values.bytes(), values.spans(NO_SCRATCH), out, null, null, null);
    }

    /**
     * Checks that an image has a value per source column, so that its {@link RowImage#spans} may be
     * handed to {@link #variableBytes(int[])} and {@link #write(byte[], int[], BinaryRowBuilder,
     * byte[], int[], BinaryRowBuilder)}.
     */
    void check(RowImage values) {
        checkSize(values.size());
    }

    /**
     * {@link #write(RowImage, BinaryRowBuilder)} from an image's bytes and checked spans; for an
     * update's after image whose before image was written into {@code before}, a field that lives
     * in its slot and whose text is the same in both images (most of an update's columns) takes the
     * before row's slot instead of being parsed again.
     */
    void write(
            byte[] bytes,
            int[] spans,
            BinaryRowBuilder out,
            @Nullable byte[] beforeBytes,
            @Nullable int[] beforeSpans,
            @Nullable BinaryRowBuilder before) {
        for (int i = 0; i < writeKinds.length; i++) {
            int index = sourceIndex[i];
            if (index < 0) {
                out.setNull(i);
                continue;
            }
            int offset = spans[2 * index];
            int length = spans[2 * index + 1];
            if (before != null
                    && inSlot[i]
                    && length >= 0
                    && !before.isNull(i)
                    && sameText(bytes, offset, length, beforeBytes, beforeSpans, index)) {
                out.copySlot(i, before);
            } else if (length < 0) {
                checkNull(i, index, null, 0, 0);
                out.setNull(i);
            } else if (!writeField(i, index, bytes, offset, length, out)) {
                checkNull(i, index, bytes, offset, length);
                out.setNull(i);
            }
        }
    }

    private static boolean sameText(
            byte[] bytes, int offset, int length, byte[] other, int[] otherSpans, int index) {
        return otherSpans[2 * index + 1] == length
                && BinaryRowBuilder.sameBytes(bytes, offset, other, otherSpans[2 * index], length);
    }

    /** Returns false, writing nothing, when the value converts to NULL (zero dates). */
    private boolean writeField(
            int target, int index, byte[] bytes, int offset, int length, BinaryRowBuilder out) {
        try {
            switch (writeKinds[target]) {
                case FieldConverters.WRITE_LONG:
                    out.writeLong(target, FieldConverters.parseLong(bytes, offset, length));
                    return true;
                case FieldConverters.WRITE_INT:
                    out.writeInt(target, (int) FieldConverters.parseLong(bytes, offset, length));
                    return true;
                case FieldConverters.WRITE_SHORT:
                    out.writeShort(
                            target, (short) FieldConverters.parseLong(bytes, offset, length));
                    return true;
                case FieldConverters.WRITE_BYTE:
                    out.writeByte(target, (byte) FieldConverters.parseLong(bytes, offset, length));
                    return true;
                case FieldConverters.WRITE_TEXT:
                    out.writeBytes(target, bytes, offset, length);
                    return true;
                case FieldConverters.WRITE_DECIMAL:
                    long unscaled =
                            FieldConverters.decimalUnscaled(
                                    converters[target], bytes, offset, length);
                    if (unscaled != MySqlTextBytes.NOT_PARSED) {
                        out.writeLong(target, unscaled);
                        return true;
                    }
                    break;
                case FieldConverters.WRITE_TIMESTAMP_MILLIS:
                    long micros =
                            FieldConverters.dateTimeMicros(
                                    converters[target], bytes, offset, length);
                    if (micros != MySqlTextBytes.NOT_PARSED) {
                        out.writeLong(target, Math.floorDiv(micros, 1_000L));
                        return true;
                    }
                    break;
                default:
                    break;
            }
            // The general path: the converter's value (or error).
            Object value = converters[target].convert(bytes, offset, length);
            if (value == null) {
                return false;
            }
            out.writeValue(target, targetType.getTypeAt(target), value);
            return true;
        } catch (RuntimeException e) {
            throw cannotConvert(target, index, bytes, offset, length, e);
        }
    }

    private boolean writeField(
            int target, int index, byte[] bytes, int offset, int length, BinaryRowWriter writer) {
        try {
            switch (writeKinds[target]) {
                case FieldConverters.WRITE_LONG:
                    writer.writeLong(target, FieldConverters.parseLong(bytes, offset, length));
                    return true;
                case FieldConverters.WRITE_INT:
                    writer.writeInt(target, (int) FieldConverters.parseLong(bytes, offset, length));
                    return true;
                case FieldConverters.WRITE_SHORT:
                    writer.writeShort(
                            target, (short) FieldConverters.parseLong(bytes, offset, length));
                    return true;
                case FieldConverters.WRITE_BYTE:
                    writer.writeByte(
                            target, (byte) FieldConverters.parseLong(bytes, offset, length));
                    return true;
                case FieldConverters.WRITE_TEXT:
                    // The writer copies the bytes into the row: no copy of its own first.
                    writer.writeString(target, BinaryStringData.fromBytes(bytes, offset, length));
                    return true;
                default:
                    return writers[target].write(writer, target, bytes, offset, length);
            }
        } catch (RuntimeException e) {
            throw cannotConvert(target, index, bytes, offset, length, e);
        }
    }

    private void checkSize(int size) {
        if (size != sourceColumns.size()) {
            throw new IllegalArgumentException(
                    String.format(
                            "A row of table '%s' (shard %s) has %d values, but its FIELD event"
                                    + " has %d columns",
                            tableName, shard, size, sourceColumns.size()));
        }
    }

    /**
     * @param ownArray whether {@code bytes} is the value's own array (all of it), which a converter
     *     may return as is
     */
    private Object convertField(
            int target, int index, byte[] bytes, int offset, int length, boolean ownArray) {
        Object converted;
        try {
            converted =
                    ownArray
                            ? converters[target].convert(bytes)
                            : converters[target].convert(bytes, offset, length);
        } catch (RuntimeException e) {
            throw cannotConvert(target, index, bytes, offset, length, e);
        }
        return converted == null ? checkNull(target, index, bytes, offset, length) : converted;
    }

    private IllegalArgumentException cannotConvert(
            int target, int index, byte[] bytes, int offset, int length, RuntimeException e) {
        return new IllegalArgumentException(
                String.format(
                        "%s, MySQL type %s: cannot convert value %s to Flink type %s: %s",
                        where(sourceColumns.get(index).name()),
                        sourceColumns.get(index).typeName(),
                        show(index, Arrays.copyOfRange(bytes, offset, offset + length)),
                        targetType.getTypeAt(target).asSummaryString(),
                        e.getMessage()),
                e);
    }

    /** Null for a NULL value or a zero date, if the target field is nullable. */
    private Object checkNull(int target, int index, byte[] bytes, int offset, int length) {
        if (!targetType.getTypeAt(target).isNullable()) {
            throw nullInNotNull(
                    target,
                    index,
                    bytes == null ? null : Arrays.copyOfRange(bytes, offset, offset + length));
        }
        return null;
    }

    private IllegalArgumentException nullInNotNull(int target, int index, byte[] value) {
        String type = targetType.getTypeAt(target).asSummaryString();
        String column = where(sourceColumns.get(index).name());
        if (value == null) {
            return new IllegalArgumentException(
                    String.format("%s is NULL, but its Flink type %s is NOT NULL", column, type));
        }
        return new IllegalArgumentException(
                String.format(
                        "%s has the zero date %s, which converts to NULL, but its Flink type %s"
                                + " is NOT NULL; declare the column nullable",
                        column, show(index, value), type));
    }

    private void checkMissing(String name, LogicalType target, boolean fill) {
        List<String> names = new ArrayList<>();
        for (MySqlColumn column : sourceColumns) {
            names.add(column.name());
        }
        if (!fill) {
            throw new ValidationException(
                    String.format(
                            "%s is declared in the Flink schema but the VStream FIELD event has no"
                                    + " such column (columns: %s)",
                            where(name), String.join(", ", names)));
        }
        if (!target.isNullable()) {
            throw new ValidationException(
                    String.format(
                            "%s is missing from the VStream FIELD event (columns: %s) and cannot"
                                    + " be filled with NULL: its Flink type %s is NOT NULL",
                            where(name), String.join(", ", names), target.asSummaryString()));
        }
    }

    private MySqlColumn describe(MySqlColumn column) {
        try {
            column.checkSupported();
            return column;
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    String.format(
                            "%s has %s, which is not a supported column type",
                            where(column.name()), column.unsupportedType()),
                    e);
        }
    }

    private String where(String column) {
        return String.format("Column '%s' of table '%s' (shard %s)", column, tableName, shard);
    }

    private String show(int index, byte[] value) {
        MySqlKind kind = sourceColumns.get(index).kind();
        if (kind == MySqlKind.BINARY
                || kind == MySqlKind.BIT
                || kind == MySqlKind.GEOMETRY
                || kind == MySqlKind.VECTOR
                || !ColumnText.isUtf8(value)) {
            StringBuilder hex = new StringBuilder("0x");
            for (int i = 0; i < Math.min(value.length, MAX_VALUE_IN_MESSAGE / 2); i++) {
                hex.append(String.format("%02X", value[i] & 0xFF));
            }
            return value.length > MAX_VALUE_IN_MESSAGE / 2 ? hex + "..." : hex.toString();
        }
        String text = new String(value, StandardCharsets.UTF_8);
        return text.length() > MAX_VALUE_IN_MESSAGE
                ? "'" + text.substring(0, MAX_VALUE_IN_MESSAGE) + "...'"
                : "'" + text + "'";
    }

    private static String qualify(String keyspace, String table) {
        if (keyspace == null || keyspace.isEmpty() || table.startsWith(keyspace + ".")) {
            return table;
        }
        return keyspace + "." + table;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "RowDataConverter{table=%s, shard=%s, type=%s}",
                tableName,
                shard,
                targetType.asSummaryString());
    }
}
