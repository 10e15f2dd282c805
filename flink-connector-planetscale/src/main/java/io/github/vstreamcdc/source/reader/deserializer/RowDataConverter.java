package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.reader.deserializer.MySqlTypeMapping.Column;
import io.github.vstreamcdc.source.reader.deserializer.MySqlTypeMapping.Kind;
import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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

    private final RowType targetType;
    private final List<Query.Field> sourceFields;
    private final String tableName;
    private final String shard;

    /** Per target field: the index of its source column, or -1 to fill with null. */
    private final int[] sourceIndex;

    private final FieldConverter[] converters;

    /**
     * Builds a converter that fails on target fields missing from the source columns.
     *
     * @see #RowDataConverter(RowType, List, String, String, String, ZoneId, boolean)
     */
    public RowDataConverter(
            RowType targetType,
            List<Query.Field> sourceFields,
            String keyspace,
            String table,
            String shard,
            ZoneId serverTimeZone) {
        this(targetType, sourceFields, keyspace, table, shard, serverTimeZone, false);
    }

    /**
     * Builds a converter.
     *
     * @param targetType the row type to produce: the one the user declared, or {@link
     *     MySqlTypeMapping#toRowType}
     * @param sourceFields the columns of the table's FIELD event, in the order of the row values
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
            List<Query.Field> sourceFields,
            String keyspace,
            String table,
            String shard,
            ZoneId serverTimeZone,
            boolean fillMissingColumnsWithNull) {
        this.targetType = targetType;
        this.sourceFields = new ArrayList<>(sourceFields);
        this.tableName = qualify(keyspace, table);
        this.shard = shard;

        Map<String, Integer> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < sourceFields.size(); i++) {
            byName.putIfAbsent(sourceFields.get(i).getName(), i);
        }
        int arity = targetType.getFieldCount();
        this.sourceIndex = new int[arity];
        this.converters = new FieldConverter[arity];
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
            Column column = describe(sourceFields.get(index));
            FieldConverter converter = create(column, target, serverTimeZone);
            if (converter == null) {
                throw new ValidationException(
                        String.format(
                                "%s has MySQL type %s, which cannot be converted to Flink type %s%s",
                                where(column.name),
                                column.typeName,
                                target.asSummaryString(),
                                hint(column, target)));
            }
            converters[i] = converter;
        }
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
        if (values.length != sourceFields.size()) {
            throw new IllegalArgumentException(
                    String.format(
                            "A row of table '%s' (shard %s) has %d values, but its FIELD event"
                                    + " has %d columns",
                            tableName, shard, values.length, sourceFields.size()));
        }
        GenericRowData row = new GenericRowData(converters.length);
        for (int i = 0; i < converters.length; i++) {
            int index = sourceIndex[i];
            if (index < 0) {
                continue;
            }
            byte[] value = values[index];
            Object converted = null;
            if (value != null) {
                try {
                    converted = converters[i].convert(value);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "%s, MySQL type %s: cannot convert value %s to Flink type"
                                            + " %s: %s",
                                    where(sourceFields.get(index).getName()),
                                    describe(sourceFields.get(index)).typeName,
                                    show(index, value),
                                    targetType.getTypeAt(i).asSummaryString(),
                                    e.getMessage()),
                            e);
                }
            }
            if (converted == null && !targetType.getTypeAt(i).isNullable()) {
                throw nullInNotNull(i, index, value);
            }
            row.setField(i, converted);
        }
        return row;
    }

    private IllegalArgumentException nullInNotNull(int target, int index, byte[] value) {
        String type = targetType.getTypeAt(target).asSummaryString();
        String column = where(sourceFields.get(index).getName());
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
        for (Query.Field field : sourceFields) {
            names.add(field.getName());
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

    private Column describe(Query.Field field) {
        try {
            return Column.of(field);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    String.format(
                            "%s has Vitess type %s, which is not a supported column type",
                            where(field.getName()), field.getType()),
                    e);
        }
    }

    private String where(String column) {
        return String.format("Column '%s' of table '%s' (shard %s)", column, tableName, shard);
    }

    private String show(int index, byte[] value) {
        Kind kind = describe(sourceFields.get(index)).kind;
        if (kind == Kind.BINARY
                || kind == Kind.BIT
                || kind == Kind.GEOMETRY
                || kind == Kind.VECTOR) {
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

    private static String hint(Column column, LogicalType target) {
        switch (column.kind) {
            case TIME:
                return "; a MySQL TIME converts to TIME, STRING, BIGINT (microseconds) or, for"
                        + " TIME(0), INT (seconds)";
            case DATETIME:
                return target.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE
                        ? "; a MySQL DATETIME has no time zone: use TIMESTAMP or STRING"
                        : "";
            case BIGINT_UNSIGNED:
                return "; use DECIMAL(20, 0), BIGINT (values above 9223372036854775807 then fail)"
                        + " or STRING";
            case BIT:
                return column.bitLength == 64
                        ? "; use BYTES, DECIMAL(20, 0) or STRING"
                        : "; use BOOLEAN (BIT(1)), BYTES, a wide enough integer or STRING";
            default:
                return column.kind.isInteger()
                        ? "; integers convert to integer types that hold every value, DECIMAL with"
                                + " enough integer digits, or STRING"
                        : "";
        }
    }

    // ------------------------------------------------------------------------------------------
    // Converters
    // ------------------------------------------------------------------------------------------

    /** Converts one non-null value; returns null only for zero dates. */
    @FunctionalInterface
    private interface FieldConverter {
        Object convert(byte[] value);
    }

    /** The converter of a column to a target type, or null when there is no exact conversion. */
    private static FieldConverter create(Column column, LogicalType target, ZoneId serverZone) {
        switch (target.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return toStringConverter(column);
            case BOOLEAN:
                if ((column.kind == Kind.TINYINT || column.kind == Kind.TINYINT_UNSIGNED)
                        && column.tinyIntOne) {
                    return v -> Long.parseLong(text(v)) != 0;
                }
                if (column.kind == Kind.BIT && column.bitLength == 1) {
                    return v -> MySqlTypeMapping.bitsToLong(v) != 0;
                }
                return null;
            case TINYINT:
                return toInteger(column, 8, v -> (byte) v);
            case SMALLINT:
                return toInteger(column, 16, v -> (short) v);
            case INTEGER:
                if (column.kind == Kind.TIME) {
                    return column.fsp == 0
                            ? v -> (int) (MySqlTypeMapping.parseTimeMicros(text(v)) / 1_000_000L)
                            : null;
                }
                return toInteger(column, 32, v -> (int) v);
            case BIGINT:
                if (column.kind == Kind.TIME) {
                    return v -> MySqlTypeMapping.parseTimeMicros(text(v));
                }
                if (column.kind == Kind.BIGINT_UNSIGNED) {
                    return v -> {
                        String text = text(v);
                        long value = Long.parseUnsignedLong(text);
                        if (value < 0) {
                            throw new IllegalArgumentException(
                                    "the value exceeds BIGINT's maximum 9223372036854775807");
                        }
                        return value;
                    };
                }
                return toInteger(column, 64, v -> v);
            case FLOAT:
                if (column.kind == Kind.FLOAT) {
                    return v -> Float.parseFloat(text(v));
                }
                // Integers of at most 24 significant bits are exact floats.
                return column.kind.isInteger() && column.kind.signedBits <= 25
                        ? v -> (float) Long.parseLong(text(v))
                        : null;
            case DOUBLE:
                if (column.kind == Kind.DOUBLE) {
                    return v -> Double.parseDouble(text(v));
                }
                if (column.kind == Kind.FLOAT) {
                    return v -> (double) Float.parseFloat(text(v));
                }
                // Integers of at most 53 significant bits are exact doubles.
                return column.kind.isInteger() && column.kind.signedBits <= 54
                        ? v -> (double) Long.parseLong(text(v))
                        : null;
            case DECIMAL:
                return toDecimalConverter(column, (DecimalType) target);
            case DATE:
                if (column.kind != Kind.DATE) {
                    return null;
                }
                return v -> {
                    LocalDate date = MySqlTypeMapping.parseDate(text(v));
                    return date == null ? null : (int) date.toEpochDay();
                };
            case TIME_WITHOUT_TIME_ZONE:
                return column.kind == Kind.TIME
                        ? toTimeConverter(((TimeType) target).getPrecision())
                        : null;
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return toTimestampConverter(
                        column, ((TimestampType) target).getPrecision(), serverZone);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                if (column.kind != Kind.TIMESTAMP) {
                    return null;
                }
                int precision = ((LocalZonedTimestampType) target).getPrecision();
                return v -> {
                    LocalDateTime utc = MySqlTypeMapping.parseDateTime(text(v));
                    return utc == null
                            ? null
                            : TimestampData.fromInstant(
                                    truncate(utc, precision).toInstant(ZoneOffset.UTC));
                };
            case BINARY:
            case VARBINARY:
                switch (column.kind) {
                    case JSON:
                        return v ->
                                MySqlTypeMapping.canonicalJson(text(v))
                                        .getBytes(StandardCharsets.UTF_8);
                    case BINARY:
                    case BIT:
                    case GEOMETRY:
                    case VECTOR:
                    case TEXT:
                        return v -> v;
                    default:
                        return null;
                }
            case ARRAY:
                return toArrayConverter(column, ((ArrayType) target).getElementType());
            default:
                return null;
        }
    }

    /** Any column into a character string, in its text form. */
    private static FieldConverter toStringConverter(Column column) {
        switch (column.kind) {
            case FLOAT:
                // Binlog events carry "1.5E+00", the copy phase "1.5": print both the same.
                return v -> StringData.fromString(Float.toString(Float.parseFloat(text(v))));
            case DOUBLE:
                return v -> StringData.fromString(Double.toString(Double.parseDouble(text(v))));
            case ENUM:
                return v -> StringData.fromString(MySqlTypeMapping.enumText(column, text(v)));
            case SET:
                return v -> StringData.fromString(MySqlTypeMapping.setText(column, text(v)));
            case BINARY:
                return v -> StringData.fromString(strictUtf8(v));
            case JSON:
                // The copy phase and binlog events order object keys differently: print as MySQL.
                return v -> StringData.fromString(MySqlTypeMapping.canonicalJson(text(v)));
            case BIT:
                return v -> StringData.fromString(MySqlTypeMapping.bitsToText(v, column.bitLength));
            case GEOMETRY:
                return v -> StringData.fromString(MySqlTypeMapping.geometryJson(v));
            case VECTOR:
                return v -> {
                    StringBuilder out = new StringBuilder("[");
                    for (float f : MySqlTypeMapping.vectorToFloats(v)) {
                        out.append(out.length() > 1 ? "," : "").append(f);
                    }
                    return StringData.fromString(out.append(']').toString());
                };
            default:
                // Integers, DECIMAL, YEAR, temporal types (as MySQL prints them, TIMESTAMP in
                // UTC, zero dates included), CHAR/VARCHAR/TEXT: the UTF-8 text as is.
                return StringData::fromBytes;
        }
    }

    /** An integer column (or BIT(n)) into a Flink integer type that holds every value. */
    private static FieldConverter toInteger(Column column, int targetBits, LongBox box) {
        if (column.kind.isInteger() && column.kind.signedBits <= targetBits) {
            return v -> box.box(Long.parseLong(text(v)));
        }
        if (column.kind == Kind.BIT && column.bitLength < targetBits) {
            return v -> box.box(MySqlTypeMapping.bitsToLong(v));
        }
        return null;
    }

    @FunctionalInterface
    private interface LongBox {
        Object box(long value);
    }

    private static FieldConverter toDecimalConverter(Column column, DecimalType target) {
        int precision = target.getPrecision();
        int scale = target.getScale();
        int integerDigits = precision - scale;
        if (column.kind == Kind.DECIMAL) {
            // Checked per value: a value fits exactly or fails, it is never rounded.
            return v -> toDecimal(new BigDecimal(text(v)), precision, scale);
        }
        if (column.kind.isInteger() && column.kind.digits <= integerDigits) {
            return v -> toDecimal(new BigDecimal(text(v)), precision, scale);
        }
        if (column.kind == Kind.BIT) {
            BigInteger max = BigInteger.ONE.shiftLeft(column.bitLength).subtract(BigInteger.ONE);
            return max.toString().length() <= integerDigits
                    ? v -> toDecimal(new BigDecimal(new BigInteger(1, v)), precision, scale)
                    : null;
        }
        return null;
    }

    private static DecimalData toDecimal(BigDecimal value, int precision, int scale) {
        BigDecimal scaled;
        try {
            scaled = value.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "it has more than %d fractional digits and would be rounded", scale),
                    e);
        }
        if (scaled.precision() > precision) {
            throw new IllegalArgumentException(
                    String.format(
                            "it does not fit DECIMAL(%d, %d): it has %d integer digits",
                            precision, scale, scaled.precision() - scaled.scale()));
        }
        return DecimalData.fromBigDecimal(scaled, precision, scale);
    }

    private static FieldConverter toTimeConverter(int precision) {
        int unit = pow10(MySqlTypeMapping.MAX_FLINK_TIME_PRECISION - Math.min(precision, 3));
        return v -> {
            long micros = MySqlTypeMapping.parseTimeMicros(text(v));
            if (micros < 0 || micros >= MICROS_PER_DAY) {
                throw new IllegalArgumentException(
                        "Flink's TIME holds 00:00:00 to 23:59:59.999 only; declare the column as"
                                + " STRING or BIGINT (microseconds) to read MySQL TIME values"
                                + " that are negative or 24 hours and more");
            }
            int millis = (int) (micros / 1_000L);
            return millis - millis % unit;
        };
    }

    private static FieldConverter toTimestampConverter(
            Column column, int precision, ZoneId serverZone) {
        switch (column.kind) {
            case DATETIME:
                return v -> {
                    LocalDateTime dateTime = MySqlTypeMapping.parseDateTime(text(v));
                    return dateTime == null
                            ? null
                            : TimestampData.fromLocalDateTime(truncate(dateTime, precision));
                };
            case DATE:
                return v -> {
                    LocalDate date = MySqlTypeMapping.parseDate(text(v));
                    return date == null
                            ? null
                            : TimestampData.fromLocalDateTime(date.atStartOfDay());
                };
            case TIMESTAMP:
                return v -> {
                    LocalDateTime utc = MySqlTypeMapping.parseDateTime(text(v));
                    if (utc == null) {
                        return null;
                    }
                    LocalDateTime local =
                            utc.atOffset(ZoneOffset.UTC)
                                    .atZoneSameInstant(serverZone)
                                    .toLocalDateTime();
                    return TimestampData.fromLocalDateTime(truncate(local, precision));
                };
            default:
                return null;
        }
    }

    private static FieldConverter toArrayConverter(Column column, LogicalType element) {
        if (column.kind == Kind.SET && MySqlTypeMapping.isCharacterString(element)) {
            return v -> {
                String members = MySqlTypeMapping.setText(column, text(v));
                if (members.isEmpty()) {
                    return new GenericArrayData(new StringData[0]);
                }
                String[] parts = members.split(",", -1);
                StringData[] out = new StringData[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    out[i] = StringData.fromString(parts[i]);
                }
                return new GenericArrayData(out);
            };
        }
        if (column.kind == Kind.VECTOR && element.getTypeRoot() == LogicalTypeRoot.FLOAT) {
            return v -> new GenericArrayData(MySqlTypeMapping.vectorToFloats(v));
        }
        return null;
    }

    private static LocalDateTime truncate(LocalDateTime value, int precision) {
        if (precision >= 9) {
            return value;
        }
        int unit = pow10(9 - precision);
        return value.withNano(value.getNano() - value.getNano() % unit);
    }

    private static int pow10(int exponent) {
        int out = 1;
        for (int i = 0; i < exponent; i++) {
            out *= 10;
        }
        return out;
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }

    private static String strictUtf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    "the bytes are not valid UTF-8 text; declare the column as BYTES", e);
        }
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
