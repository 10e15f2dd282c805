package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.types.ColumnText;
import io.github.vstreamcdc.source.types.MySqlBinaryValues;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.source.types.MySqlJson;
import io.github.vstreamcdc.source.types.MySqlKind;
import io.github.vstreamcdc.source.types.MySqlTextBytes;
import io.github.vstreamcdc.source.types.MySqlTextValues;
import io.github.vstreamcdc.source.types.MySqlTypeMapping;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.data.writer.BinaryWriter;
import org.apache.flink.table.runtime.typeutils.InternalSerializers;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * The conversions of one MySQL column's values (VStream's text encodings) into Flink's internal
 * data structures of one logical type: which declared types can hold a column's values exactly
 * (there is a converter) and how. The accepted conversions are listed in {@code
 * docs/type-mapping.md}.
 */
@Internal
final class FieldConverters {

    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private FieldConverters() {}

    /** A hint for a message that a column cannot be converted to a target type. */
    static String hint(MySqlColumn column, LogicalType target) {
        switch (column.kind()) {
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
                return column.bitLength() == 64
                        ? "; use BYTES, DECIMAL(20, 0) or STRING"
                        : "; use BOOLEAN (BIT(1)), BYTES, a wide enough integer or STRING";
            default:
                return column.kind().isInteger()
                        ? "; integers convert to integer types that hold every value, DECIMAL with"
                                + " enough integer digits, or STRING"
                        : "";
        }
    }

    /** Converts one non-null value of a column; returns null only for zero dates. */
    @FunctionalInterface
    interface FieldConverter {
        Object convert(byte[] value);

        /** Converts the value at {@code bytes[offset, offset + length)}. */
        default Object convert(byte[] bytes, int offset, int length) {
            return convert(Arrays.copyOfRange(bytes, offset, offset + length));
        }
    }

    /** A converter that reads the value in place, in the row's bytes (the hot path). */
    @FunctionalInterface
    interface InPlaceConverter extends FieldConverter {
        @Override
        Object convert(byte[] bytes, int offset, int length);

        @Override
        default Object convert(byte[] value) {
            return convert(value, 0, value.length);
        }
    }

    private static FieldConverter inPlace(InPlaceConverter converter) {
        return converter;
    }

    /**
     * Writes one non-null value of a column into a {@link BinaryRowWriter}: the path of rows in
     * Flink's binary format, where a record is one array (cheap to copy between chained operators
     * and to serialize) instead of an object per field.
     */
    @FunctionalInterface
    interface FieldWriter {
        /** Returns false, writing nothing, when the value converts to NULL (zero dates). */
        boolean write(BinaryRowWriter writer, int pos, byte[] bytes, int offset, int length);
    }

    /**
     * The writer of a converter's values into a field of type {@code target}: compact decimals as
     * their unscaled long, other values through the converter's object. (Integers and text take the
     * {@link #writeKind} path, which does not call it.)
     */
    static FieldWriter writer(FieldConverter converter, LogicalType target) {
        ValueWriter setter = valueWriter(target);
        if (converter instanceof DecimalText) {
            DecimalText decimal = (DecimalText) converter;
            return (w, pos, b, o, n) -> {
                long unscaled = decimal.compact(b, o, n);
                if (unscaled != MySqlTextBytes.NOT_PARSED) {
                    // A compact DECIMAL is its unscaled long (BinaryRowData's layout).
                    w.writeLong(pos, unscaled);
                } else {
                    setter.write(w, pos, converter.convert(b, o, n));
                }
                return true;
            };
        }
        return (w, pos, b, o, n) -> {
            Object value = converter.convert(b, o, n);
            if (value == null) {
                return false;
            }
            setter.write(w, pos, value);
            return true;
        };
    }

    /** Writes a non-null value of Flink's internal data structures into a binary row. */
    @FunctionalInterface
    interface ValueWriter {
        void write(BinaryRowWriter writer, int pos, Object value);
    }

    /** The writer of values of a type (Flink's own, as its serializers write rows). */
    static ValueWriter valueWriter(LogicalType type) {
        // The common ones without Flink's switch over the type per value.
        switch (type.getTypeRoot()) {
            case DECIMAL:
                int decimalPrecision = ((DecimalType) type).getPrecision();
                return (w, pos, value) ->
                        w.writeDecimal(pos, (DecimalData) value, decimalPrecision);
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                int timestampPrecision = LogicalTypeChecks.getPrecision(type);
                return (w, pos, value) ->
                        w.writeTimestamp(pos, (TimestampData) value, timestampPrecision);
            default:
                break;
        }
        TypeSerializer<?> serializer = InternalSerializers.create(type);
        return (w, pos, value) -> BinaryWriter.write(w, pos, value, type, serializer);
    }

    /** How {@link RowDataConverter#write} writes a field: through its {@link FieldWriter}. */
    static final int WRITE_OTHER = 0;

    /** How {@link RowDataConverter#write} writes a field: the {@code WRITE_} kinds in place. */
    static final int WRITE_BYTE = 1;

    static final int WRITE_SHORT = 2;
    static final int WRITE_INT = 3;
    static final int WRITE_LONG = 4;
    static final int WRITE_TEXT = 5;

    /** Compact DECIMALs ({@link DecimalText#compact}); rows of {@link BinaryRowBuilder} only. */
    static final int WRITE_DECIMAL = 6;

    /**
     * DATETIME and TIMESTAMP values as the millis of a compact timestamp ({@link
     * DateTimeText#micros}); rows of {@link BinaryRowBuilder} only.
     */
    static final int WRITE_TIMESTAMP_MILLIS = 7;

    /**
     * Which of the common writes the converter's values take in a binary row, written in place
     * without a call through the field's {@link FieldWriter}: integer columns into integer types
     * ({@link #parseLong}), text into strings. {@link #WRITE_OTHER} for the rest.
     */
    static int writeKind(FieldConverter converter, LogicalType target) {
        if (converter instanceof IntegerText) {
            switch (target.getTypeRoot()) {
                case TINYINT:
                    return WRITE_BYTE;
                case SMALLINT:
                    return WRITE_SHORT;
                case INTEGER:
                    return WRITE_INT;
                case BIGINT:
                    return WRITE_LONG;
                default:
                    return WRITE_OTHER;
            }
        }
        if (converter instanceof DecimalText
                && DecimalData.isCompact(((DecimalText) converter).precision)) {
            return WRITE_DECIMAL;
        }
        if (converter instanceof DateTimeText
                && TimestampData.isCompact(LogicalTypeChecks.getPrecision(target))) {
            return WRITE_TIMESTAMP_MILLIS;
        }
        return converter instanceof TextString ? WRITE_TEXT : WRITE_OTHER;
    }

    /**
     * The unscaled value of a {@link #WRITE_DECIMAL} converter's plain text, or NOT_PARSED for its
     * general path.
     */
    static long decimalUnscaled(FieldConverter decimal, byte[] bytes, int offset, int length) {
        return ((DecimalText) decimal).compact(bytes, offset, length);
    }

    /**
     * The micros (cut to the target precision) of a {@link #WRITE_TIMESTAMP_MILLIS} converter's
     * plain text, or NOT_PARSED for its general path.
     */
    static long dateTimeMicros(FieldConverter dateTime, byte[] bytes, int offset, int length) {
        return ((DateTimeText) dateTime).micros(bytes, offset, length);
    }

    /** An integer column's text into a Flink integer type that holds every value. */
    private static final class IntegerText implements InPlaceConverter {
        private final LongBox box;

        IntegerText(LongBox box) {
            this.box = box;
        }

        @Override
        public Object convert(byte[] bytes, int offset, int length) {
            return box.box(parseLong(bytes, offset, length));
        }
    }

    /**
     * A DECIMAL or integer column's text into a DECIMAL: checked per value, a value fits exactly or
     * fails, it is never rounded.
     */
    private static final class DecimalText implements InPlaceConverter {
        private final int precision;
        private final int scale;

        DecimalText(int precision, int scale) {
            this.precision = precision;
            this.scale = scale;
        }

        /** The unscaled value of a compact DECIMAL, or NOT_PARSED for the general path. */
        long compact(byte[] bytes, int offset, int length) {
            if (!DecimalData.isCompact(precision)) {
                return MySqlTextBytes.NOT_PARSED;
            }
            long unscaled = MySqlTextBytes.decimalUnscaled(bytes, offset, length, scale);
            return unscaled != MySqlTextBytes.NOT_PARSED
                            && MySqlTextBytes.fitsPrecision(unscaled, precision)
                    ? unscaled
                    : MySqlTextBytes.NOT_PARSED;
        }

        @Override
        public Object convert(byte[] bytes, int offset, int length) {
            long unscaled = compact(bytes, offset, length);
            return unscaled != MySqlTextBytes.NOT_PARSED
                    ? DecimalData.fromUnscaledLong(unscaled, precision, scale)
                    : toDecimal(new BigDecimal(text(bytes, offset, length)), precision, scale);
        }
    }

    /** A column's UTF-8 text as a string, as it is. */
    private static final class TextString implements InPlaceConverter {
        @Override
        public Object convert(byte[] bytes, int offset, int length) {
            // A copy: the bytes may be the whole VStream message, which the string must not keep
            // alive.
            return StringData.fromBytes(Arrays.copyOfRange(bytes, offset, offset + length));
        }
    }

    /**
     * A DATETIME or TIMESTAMP column's text into a timestamp: the plain form parsed from the bytes
     * ({@link #micros}), the rest (zero dates, other time zones' rules) by the general path.
     */
    private static final class DateTimeText implements InPlaceConverter {
        /** Added to the parsed micros: the server zone's fixed offset for TIMESTAMP, else 0. */
        private final long offsetMicros;

        private final long unit;
        private final InPlaceConverter general;

        DateTimeText(long offsetMicros, long unit, InPlaceConverter general) {
            this.offsetMicros = offsetMicros;
            this.unit = unit;
            this.general = general;
        }

        /** The micros cut to the target precision, or NOT_PARSED for the general path. */
        long micros(byte[] bytes, int offset, int length) {
            long micros = MySqlTextBytes.dateTimeMicros(bytes, offset, length);
            if (micros == MySqlTextBytes.NOT_PARSED) {
                return micros;
            }
            micros += offsetMicros;
            // Whole seconds (19 characters) need no cut: a unit divides a second.
            return unit == 1 || length == 19 ? micros : micros - Math.floorMod(micros, unit);
        }

        @Override
        public Object convert(byte[] bytes, int offset, int length) {
            long micros = micros(bytes, offset, length);
            return micros != MySqlTextBytes.NOT_PARSED
                    ? TimestampData.fromEpochMillis(
                            Math.floorDiv(micros, 1_000L),
                            (int) Math.floorMod(micros, 1_000L) * 1_000)
                    : general.convert(bytes, offset, length);
        }
    }

    /** The converter of a column to a target type, or null when there is no exact conversion. */
    static FieldConverter create(MySqlColumn column, LogicalType target, ZoneId serverZone) {
        switch (target.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return toStringConverter(column);
            case BOOLEAN:
                if ((column.kind() == MySqlKind.TINYINT
                                || column.kind() == MySqlKind.TINYINT_UNSIGNED)
                        && column.tinyIntOne()) {
                    return inPlace((b, o, n) -> parseLong(b, o, n) != 0);
                }
                if (column.kind() == MySqlKind.BIT && column.bitLength() == 1) {
                    return v -> MySqlBinaryValues.bitsToLong(v) != 0;
                }
                return null;
            case TINYINT:
                return toInteger(column, 8, v -> (byte) v);
            case SMALLINT:
                return toInteger(column, 16, v -> (short) v);
            case INTEGER:
                if (column.kind() == MySqlKind.TIME) {
                    return column.fsp() == 0
                            ? inPlace(
                                    (b, o, n) ->
                                            (int)
                                                    (MySqlTextValues.parseTimeMicros(text(b, o, n))
                                                            / 1_000_000L))
                            : null;
                }
                return toInteger(column, 32, v -> (int) v);
            case BIGINT:
                if (column.kind() == MySqlKind.TIME) {
                    return inPlace((b, o, n) -> MySqlTextValues.parseTimeMicros(text(b, o, n)));
                }
                if (column.kind() == MySqlKind.BIGINT_UNSIGNED) {
                    return inPlace(
                            (b, o, n) -> {
                                String text = text(b, o, n);
                                long value = Long.parseUnsignedLong(text);
                                if (value < 0) {
                                    throw new IllegalArgumentException(
                                            "the value exceeds BIGINT's maximum 9223372036854775807");
                                }
                                return value;
                            });
                }
                return toInteger(column, 64, v -> v);
            case FLOAT:
                if (column.kind() == MySqlKind.FLOAT) {
                    return inPlace((b, o, n) -> Float.parseFloat(text(b, o, n)));
                }
                // Integers of at most 24 significant bits are exact floats.
                return column.kind().isInteger() && column.kind().signedBits() <= 25
                        ? inPlace((b, o, n) -> (float) parseLong(b, o, n))
                        : null;
            case DOUBLE:
                if (column.kind() == MySqlKind.DOUBLE) {
                    return inPlace((b, o, n) -> Double.parseDouble(text(b, o, n)));
                }
                if (column.kind() == MySqlKind.FLOAT) {
                    return inPlace((b, o, n) -> (double) Float.parseFloat(text(b, o, n)));
                }
                // Integers of at most 53 significant bits are exact doubles.
                return column.kind().isInteger() && column.kind().signedBits() <= 54
                        ? inPlace((b, o, n) -> (double) parseLong(b, o, n))
                        : null;
            case DECIMAL:
                return toDecimalConverter(column, (DecimalType) target);
            case DATE:
                if (column.kind() != MySqlKind.DATE) {
                    return null;
                }
                return inPlace(
                        (b, o, n) -> {
                            long day = MySqlTextBytes.dateEpochDay(b, o, n);
                            if (day != MySqlTextBytes.NOT_PARSED) {
                                return (int) day;
                            }
                            LocalDate date = MySqlTextValues.parseDate(text(b, o, n));
                            return date == null ? null : (int) date.toEpochDay();
                        });
            case TIME_WITHOUT_TIME_ZONE:
                return column.kind() == MySqlKind.TIME
                        ? toTimeConverter(((TimeType) target).getPrecision())
                        : null;
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return toTimestampConverter(
                        column, ((TimestampType) target).getPrecision(), serverZone);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                if (column.kind() != MySqlKind.TIMESTAMP) {
                    return null;
                }
                int precision = ((LocalZonedTimestampType) target).getPrecision();
                return new DateTimeText(
                        0,
                        microsUnit(precision),
                        (b, o, n) -> {
                            LocalDateTime utc = MySqlTextValues.parseDateTime(text(b, o, n));
                            return utc == null
                                    ? null
                                    : TimestampData.fromInstant(
                                            truncate(utc, precision).toInstant(ZoneOffset.UTC));
                        });
            case BINARY:
            case VARBINARY:
                switch (column.kind()) {
                    case JSON:
                        return v ->
                                MySqlJson.canonicalJson(text(v)).getBytes(StandardCharsets.UTF_8);
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
    private static FieldConverter toStringConverter(MySqlColumn column) {
        switch (column.kind()) {
            case FLOAT:
                // Binlog events carry "1.5E+00", the copy phase "1.5": print both the same.
                return v -> StringData.fromString(Float.toString(Float.parseFloat(text(v))));
            case DOUBLE:
                return v -> StringData.fromString(Double.toString(Double.parseDouble(text(v))));
            case ENUM:
                ColumnText enumText = ColumnText.of(column);
                return v ->
                        StringData.fromString(MySqlTextValues.enumText(column, enumText.member(v)));
            case SET:
                ColumnText setText = ColumnText.of(column);
                return v ->
                        StringData.fromString(MySqlTextValues.setText(column, setText.member(v)));
            case TEXT:
                ColumnText text = ColumnText.of(column);
                // UTF-8 text is written as it is; other character sets are decoded.
                return text.isUtf8() ? new TextString() : v -> StringData.fromString(text.text(v));
            case BINARY:
                return v ->
                        StringData.fromString(
                                ColumnText.strictUtf8(
                                        v,
                                        "the bytes are not valid UTF-8 text; declare the column as"
                                                + " BYTES"));
            case JSON:
                // The copy phase and binlog events order object keys differently: print as MySQL.
                return v -> StringData.fromString(MySqlJson.canonicalJson(text(v)));
            case BIT:
                return v ->
                        StringData.fromString(MySqlBinaryValues.bitsToText(v, column.bitLength()));
            case GEOMETRY:
                return v -> StringData.fromString(MySqlBinaryValues.geometryJson(v));
            case VECTOR:
                return v -> {
                    StringBuilder out = new StringBuilder("[");
                    for (float f : MySqlBinaryValues.vectorToFloats(v)) {
                        out.append(out.length() > 1 ? "," : "").append(f);
                    }
                    return StringData.fromString(out.append(']').toString());
                };
            default:
                // Integers, DECIMAL, YEAR, temporal types (as MySQL prints them, TIMESTAMP in
                // UTC, zero dates included): their ASCII text as is.
                return new TextString();
        }
    }

    /** An integer column (or BIT(n)) into a Flink integer type that holds every value. */
    private static FieldConverter toInteger(MySqlColumn column, int targetBits, LongBox box) {
        if (column.kind().isInteger() && column.kind().signedBits() <= targetBits) {
            return new IntegerText(box);
        }
        if (column.kind() == MySqlKind.BIT && column.bitLength() < targetBits) {
            return v -> box.box(MySqlBinaryValues.bitsToLong(v));
        }
        return null;
    }

    @FunctionalInterface
    private interface LongBox {
        Object box(long value);
    }

    private static FieldConverter toDecimalConverter(MySqlColumn column, DecimalType target) {
        int precision = target.getPrecision();
        int scale = target.getScale();
        int integerDigits = precision - scale;
        if (column.kind() == MySqlKind.DECIMAL
                || (column.kind().isInteger() && column.kind().digits() <= integerDigits)) {
            return new DecimalText(precision, scale);
        }
        if (column.kind() == MySqlKind.BIT) {
            BigInteger max = BigInteger.ONE.shiftLeft(column.bitLength()).subtract(BigInteger.ONE);
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
            long micros = MySqlTextValues.parseTimeMicros(text(v));
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
            MySqlColumn column, int precision, ZoneId serverZone) {
        long unit = microsUnit(precision);
        switch (column.kind()) {
            case DATETIME:
                return new DateTimeText(
                        0,
                        unit,
                        (b, o, n) -> {
                            LocalDateTime dateTime = MySqlTextValues.parseDateTime(text(b, o, n));
                            return dateTime == null
                                    ? null
                                    : TimestampData.fromLocalDateTime(
                                            truncate(dateTime, precision));
                        });
            case DATE:
                return inPlace(
                        (b, o, n) -> {
                            long day = MySqlTextBytes.dateEpochDay(b, o, n);
                            if (day != MySqlTextBytes.NOT_PARSED) {
                                return TimestampData.fromEpochMillis(day * MILLIS_PER_DAY);
                            }
                            LocalDate date = MySqlTextValues.parseDate(text(b, o, n));
                            return date == null
                                    ? null
                                    : TimestampData.fromLocalDateTime(date.atStartOfDay());
                        });
            case TIMESTAMP:
                // A fixed offset (UTC, the default) is added to the micros; other zones need
                // their rules.
                long offsetMicros =
                        serverZone.getRules().isFixedOffset()
                                ? serverZone.getRules().getOffset(Instant.EPOCH).getTotalSeconds()
                                        * 1_000_000L
                                : Long.MIN_VALUE;
                InPlaceConverter general =
                        (b, o, n) -> {
                            LocalDateTime utc = MySqlTextValues.parseDateTime(text(b, o, n));
                            if (utc == null) {
                                return null;
                            }
                            LocalDateTime local =
                                    utc.atOffset(ZoneOffset.UTC)
                                            .atZoneSameInstant(serverZone)
                                            .toLocalDateTime();
                            return TimestampData.fromLocalDateTime(truncate(local, precision));
                        };
                return offsetMicros == Long.MIN_VALUE
                        ? general
                        : new DateTimeText(offsetMicros, unit, general);
            default:
                return null;
        }
    }

    private static FieldConverter toArrayConverter(MySqlColumn column, LogicalType element) {
        if (column.kind() == MySqlKind.SET && isCharacterString(element)) {
            ColumnText setText = ColumnText.of(column);
            return v -> {
                String members = MySqlTextValues.setText(column, setText.member(v));
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
        if (column.kind() == MySqlKind.VECTOR && element.getTypeRoot() == LogicalTypeRoot.FLOAT) {
            return v -> new GenericArrayData(MySqlBinaryValues.vectorToFloats(v));
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

    private static String text(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    /** Long.parseLong of the text, without the String for the plain form. */
    static long parseLong(byte[] bytes, int offset, int length) {
        long value = MySqlTextBytes.parseLong(bytes, offset, length);
        return value != MySqlTextBytes.NOT_PARSED
                ? value
                : Long.parseLong(text(bytes, offset, length));
    }

    /** The microseconds a TIMESTAMP's precision counts in: 1 for 6 and more, 10^6 for 0. */
    private static long microsUnit(int precision) {
        return precision >= 6 ? 1 : pow10(6 - precision);
    }

    /** Whether a logical type is one of Flink's character string types. */
    private static boolean isCharacterString(LogicalType type) {
        switch (type.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return true;
            default:
                return false;
        }
    }
}
