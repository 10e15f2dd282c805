package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.RowImage;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.source.types.MySqlTypeMapping;
import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.Query.Type;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.SmallIntType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.TinyIntType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

import static io.github.vstreamcdc.source.types.FieldEvents.BINARY;
import static io.github.vstreamcdc.source.types.FieldEvents.BLOB;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_BINARY;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_UTF8MB4;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_UTF8MB4_BIN;
import static io.github.vstreamcdc.source.types.FieldEvents.ENUM;
import static io.github.vstreamcdc.source.types.FieldEvents.NOT_NULL;
import static io.github.vstreamcdc.source.types.FieldEvents.NUM;
import static io.github.vstreamcdc.source.types.FieldEvents.PRI_KEY;
import static io.github.vstreamcdc.source.types.FieldEvents.SET;
import static io.github.vstreamcdc.source.types.FieldEvents.TIMESTAMP;
import static io.github.vstreamcdc.source.types.FieldEvents.UNSIGNED;
import static io.github.vstreamcdc.source.types.FieldEvents.columns;
import static io.github.vstreamcdc.source.types.FieldEvents.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests {@link RowDataConverter} with the edge values of every MySQL type. */
class RowDataConverterTest {

    private static final String KEYSPACE = "commerce";
    private static final String TABLE = "orders";
    private static final String SHARD = "-80";
    private static final String WHERE = "of table 'commerce.orders' (shard -80)";

    // One column of each type, with the metadata a MySQL 8 server reports.
    static final Query.Field BOOL = field("flag", Type.INT8, "tinyint(1)", 1, CS_BINARY, 0, NUM);
    static final Query.Field TINY = field("tiny", Type.INT8, "tinyint", 4, CS_BINARY, 0, NUM);
    static final Query.Field UTINY =
            field("utiny", Type.UINT8, "tinyint unsigned", 3, CS_BINARY, 0, UNSIGNED | NUM);
    static final Query.Field SMALL = field("small", Type.INT16, "smallint", 6, CS_BINARY, 0, NUM);
    static final Query.Field USMALL =
            field("usmall", Type.UINT16, "smallint unsigned", 5, CS_BINARY, 0, UNSIGNED | NUM);
    static final Query.Field MEDIUM =
            field("medium", Type.INT24, "mediumint", 9, CS_BINARY, 0, NUM);
    static final Query.Field UMEDIUM =
            field("umedium", Type.UINT24, "mediumint unsigned", 8, CS_BINARY, 0, UNSIGNED | NUM);
    static final Query.Field INT = field("i", Type.INT32, "int", 11, CS_BINARY, 0, NUM);
    static final Query.Field UINT =
            field("ui", Type.UINT32, "int unsigned", 10, CS_BINARY, 0, UNSIGNED | NUM);
    static final Query.Field BIG = field("big", Type.INT64, "bigint", 20, CS_BINARY, 0, NUM);
    static final Query.Field UBIG =
            field("ubig", Type.UINT64, "bigint unsigned", 20, CS_BINARY, 0, UNSIGNED | NUM);
    static final Query.Field FLOAT = field("f", Type.FLOAT32, "float", 12, CS_BINARY, 31, NUM);
    static final Query.Field DOUBLE = field("d", Type.FLOAT64, "double", 22, CS_BINARY, 31, NUM);
    static final Query.Field DEC =
            field("amount", Type.DECIMAL, "decimal(10,2)", 12, CS_BINARY, 2, NUM);
    static final Query.Field DEC65 =
            field("huge", Type.DECIMAL, "decimal(65,30)", 67, CS_BINARY, 30, NUM);
    static final Query.Field DATE = field("day", Type.DATE, "date", 10, CS_BINARY, 0, BINARY);
    static final Query.Field TIME0 = field("t0", Type.TIME, "time", 10, CS_BINARY, 0, BINARY);
    static final Query.Field TIME6 = field("t6", Type.TIME, "time(6)", 17, CS_BINARY, 6, BINARY);
    static final Query.Field DATETIME0 =
            field("dt0", Type.DATETIME, "datetime", 19, CS_BINARY, 0, BINARY);
    static final Query.Field DATETIME6 =
            field("dt6", Type.DATETIME, "datetime(6)", 26, CS_BINARY, 6, BINARY);
    static final Query.Field TIMESTAMP6 =
            field("ts6", Type.TIMESTAMP, "timestamp(6)", 26, CS_BINARY, 6, BINARY | TIMESTAMP);
    static final Query.Field YEAR = field("y", Type.YEAR, "year", 4, CS_BINARY, 0, UNSIGNED | NUM);
    static final Query.Field CHAR = field("code", Type.CHAR, "char(10)", 40, CS_UTF8MB4, 0, 0);
    static final Query.Field VARCHAR =
            field("name", Type.VARCHAR, "varchar(255)", 1020, CS_UTF8MB4, 0, 0);
    static final Query.Field TEXT =
            field("body", Type.TEXT, "mediumtext", 67108860, CS_UTF8MB4, 0, BLOB);
    static final Query.Field VARCHAR_BIN =
            field("tag", Type.VARBINARY, "varchar(20)", 80, CS_UTF8MB4_BIN, 0, BINARY);
    static final Query.Field BINARY4 =
            field("bin", Type.BINARY, "binary(4)", 4, CS_BINARY, 0, BINARY);
    static final Query.Field VARBINARY =
            field("vbin", Type.VARBINARY, "varbinary(16)", 16, CS_BINARY, 0, BINARY);
    static final Query.Field BLOB_COL =
            field("data", Type.BLOB, "blob", 65535, CS_BINARY, 0, BLOB | BINARY);
    static final Query.Field BIT1 = field("b1", Type.BIT, "bit(1)", 1, CS_BINARY, 0, UNSIGNED);
    static final Query.Field BIT3 = field("b3", Type.BIT, "bit(3)", 3, CS_BINARY, 0, UNSIGNED);
    static final Query.Field BIT10 = field("b10", Type.BIT, "bit(10)", 10, CS_BINARY, 0, UNSIGNED);
    static final Query.Field BIT63 = field("b63", Type.BIT, "bit(63)", 63, CS_BINARY, 0, UNSIGNED);
    static final Query.Field BIT64 = field("b64", Type.BIT, "bit(64)", 64, CS_BINARY, 0, UNSIGNED);
    static final Query.Field ENUM_COL =
            field("status", Type.ENUM, "enum('a','b')", 4, CS_UTF8MB4, 0, ENUM);
    static final Query.Field SET_COL =
            field("flags", Type.SET, "set('x','y','z')", 20, CS_UTF8MB4, 0, SET);
    static final Query.Field JSON =
            field("doc", Type.JSON, "json", -1, CS_BINARY, 0, BLOB | BINARY);
    static final Query.Field POINT =
            field("location", Type.GEOMETRY, "point", -1, CS_BINARY, 0, BLOB | BINARY);
    static final Query.Field VECTOR =
            field("embedding", Type.VECTOR, "vector(3)", 12, CS_BINARY, 0, BINARY);

    static final List<Query.Field> ALL =
            Arrays.asList(
                    BOOL,
                    TINY,
                    UTINY,
                    SMALL,
                    USMALL,
                    MEDIUM,
                    UMEDIUM,
                    INT,
                    UINT,
                    BIG,
                    UBIG,
                    FLOAT,
                    DOUBLE,
                    DEC,
                    DEC65,
                    DATE,
                    TIME0,
                    TIME6,
                    DATETIME0,
                    DATETIME6,
                    TIMESTAMP6,
                    YEAR,
                    CHAR,
                    VARCHAR,
                    TEXT,
                    VARCHAR_BIN,
                    BINARY4,
                    VARBINARY,
                    BLOB_COL,
                    BIT1,
                    BIT3,
                    BIT10,
                    BIT63,
                    BIT64,
                    ENUM_COL,
                    SET_COL,
                    JSON,
                    POINT,
                    VECTOR);

    /** POINT(1 2) in MySQL's internal format: SRID 0 (little-endian), then WKB. */
    static final byte[] POINT_1_2 =
            hex("00000000" + "01" + "01000000" + "000000000000F03F" + "0000000000000040");

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    private static RowDataConverter converter(RowType target, Query.Field... fields) {
        return new RowDataConverter(
                target, columns(fields), KEYSPACE, TABLE, SHARD, ZoneOffset.UTC);
    }

    private static RowType rowOf(String name, LogicalType type) {
        return RowType.of(new LogicalType[] {type}, new String[] {name});
    }

    /** Converts one value of a column to the column's default Flink type. */
    private static Object convert(Query.Field field, byte[] value) {
        return convert(
                field, MySqlTypeMapping.toDataType(MySqlColumn.of(field)).getLogicalType(), value);
    }

    private static Object convert(Query.Field field, String value) {
        return convert(field, b(value));
    }

    /**
     * Converts one value of a column to a declared Flink type, from its own array and, with the
     * same result or error, in place in a row image (after another column's value) and into a
     * binary row.
     */
    private static Object convert(Query.Field field, LogicalType target, byte[] value) {
        RowType type = rowOf(field.getName(), target);
        Object whole;
        try {
            whole = converter(type, field).convert(new byte[][] {value}).getField(0);
        } catch (RuntimeException e) {
            assertThatThrownBy(() -> convertInPlace(type, field, value))
                    .isInstanceOf(e.getClass())
                    .hasMessage(e.getMessage());
            assertThatThrownBy(() -> convertBinary(type, field, value))
                    .isInstanceOf(e.getClass())
                    .hasMessage(e.getMessage());
            throw e;
        }
        assertThat(convertInPlace(type, field, value)).isEqualTo(whole);
        Object binary = convertBinary(type, field, value);
        if (whole instanceof ArrayData) {
            LogicalType element = ((ArrayType) target).getElementType();
            assertThat(elements((ArrayData) binary, element))
                    .isEqualTo(elements((ArrayData) whole, element));
        } else {
            assertThat(binary).isEqualTo(whole);
        }
        return whole;
    }

    /**
     * The value as read from a binary row written by {@link RowDataConverter#write}; for simple
     * types also by its {@link BinaryRowBuilder} path, which must give the same row byte for byte
     * (or the same error).
     */
    private static Object convertBinary(RowType type, Query.Field field, byte[] value) {
        Query.Field other = field("other_column", Type.VARCHAR, "varchar(9)", 36, CS_UTF8MB4, 0, 0);
        RowDataConverter converter = converter(type, other, field);
        assertThat(converter.isSimple()).isEqualTo(BinaryRowBuilder.isSimple(type.getTypeAt(0)));
        BinaryRowData row = new BinaryRowData(1);
        BinaryRowWriter writer = new BinaryRowWriter(row);
        try {
            converter.write(image(value), writer);
        } catch (RuntimeException e) {
            if (converter.isSimple()) {
                assertThatThrownBy(() -> converter.write(image(value), new BinaryRowBuilder(1, 0)))
                        .isInstanceOf(e.getClass())
                        .hasMessage(e.getMessage());
            }
            throw e;
        }
        writer.complete();
        if (converter.isSimple()) {
            BinaryRowBuilder builder = new BinaryRowBuilder(1, 0);
            converter.write(image(value), builder);
            assertThat(builder.build(RowKind.INSERT)).isEqualTo(row);
        }
        return RowData.createFieldGetter(type.getTypeAt(0), 0).getFieldOrNull(row);
    }

    private static List<Object> elements(ArrayData array, LogicalType elementType) {
        ArrayData.ElementGetter getter = ArrayData.createElementGetter(elementType);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(getter.getElementOrNull(array, i));
        }
        return out;
    }

    private static Object convertInPlace(RowType type, Query.Field field, byte[] value) {
        Query.Field other = field("other_column", Type.VARCHAR, "varchar(9)", 36, CS_UTF8MB4, 0, 0);
        return converter(type, other, field).convert(image(value)).getField(0);
    }

    /** A row image of another column's value, then {@code value}. */
    private static RowImage image(byte[] value) {
        Query.Row row =
                Query.Row.newBuilder()
                        .addLengths(3)
                        .addLengths(value == null ? -1 : value.length)
                        .setValues(
                                com.google.protobuf.ByteString.copyFrom(b("abc"))
                                        .concat(
                                                com.google.protobuf.ByteString.copyFrom(
                                                        value == null ? new byte[0] : value)))
                        .build();
        return RowImage.of(row);
    }

    private static Object convert(Query.Field field, LogicalType target, String value) {
        return convert(field, target, b(value));
    }

    private static DecimalData decimal(String value, int precision, int scale) {
        return DecimalData.fromBigDecimal(new BigDecimal(value), precision, scale);
    }

    private static TimestampData timestamp(String localDateTime) {
        return TimestampData.fromLocalDateTime(LocalDateTime.parse(localDateTime));
    }

    private static int days(String date) {
        return (int) LocalDate.parse(date).toEpochDay();
    }

    @Test
    void integersAtTheirLimits() {
        assertThat(convert(BOOL, "1")).isEqualTo(true);
        assertThat(convert(BOOL, "0")).isEqualTo(false);
        assertThat(convert(BOOL, "-128")).as("MySQL: any non-zero is TRUE").isEqualTo(true);
        assertThat(convert(TINY, "-128")).isEqualTo((byte) -128);
        assertThat(convert(TINY, "127")).isEqualTo((byte) 127);
        assertThat(convert(UTINY, "255")).isEqualTo((short) 255);
        assertThat(convert(SMALL, "-32768")).isEqualTo((short) -32768);
        assertThat(convert(USMALL, "65535")).isEqualTo(65535);
        assertThat(convert(MEDIUM, "-8388608")).isEqualTo(-8388608);
        assertThat(convert(UMEDIUM, "16777215")).isEqualTo(16777215);
        assertThat(convert(INT, "-2147483648")).isEqualTo(Integer.MIN_VALUE);
        assertThat(convert(UINT, "4294967295")).isEqualTo(4294967295L);
        assertThat(convert(BIG, "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(convert(BIG, "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(convert(UBIG, "18446744073709551615"))
                .isEqualTo(decimal("18446744073709551615", 20, 0));
        assertThat(((DecimalData) convert(UBIG, "18446744073709551615")).toBigDecimal())
                .isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(convert(UBIG, "0")).isEqualTo(decimal("0", 20, 0));
    }

    @Test
    void floatingPoint() {
        // Binlog events carry Go's 'E' format, the copy phase MySQL's own text.
        assertThat(convert(FLOAT, "3.4028235E+38")).isEqualTo(Float.MAX_VALUE);
        assertThat(convert(FLOAT, "1.1754944E-38")).isEqualTo(Float.MIN_NORMAL);
        assertThat(convert(FLOAT, "1.5")).isEqualTo(1.5f);
        assertThat(convert(FLOAT, "-0E+00")).isEqualTo(-0.0f);
        assertThat(convert(DOUBLE, "1.7976931348623157E+308")).isEqualTo(Double.MAX_VALUE);
        assertThat(convert(DOUBLE, "5E-324")).isEqualTo(Double.MIN_VALUE);
        assertThat(convert(DOUBLE, "0.1")).isEqualTo(0.1d);
    }

    @Test
    void decimals() {
        assertThat(convert(DEC, "-12345678.90")).isEqualTo(decimal("-12345678.90", 10, 2));
        assertThat(convert(DEC, "99999999.99")).isEqualTo(decimal("99999999.99", 10, 2));
        assertThat(convert(DEC, "0.00")).isEqualTo(decimal("0.00", 10, 2));
        // DECIMAL(65,30) is beyond Flink's DECIMAL: STRING keeps all 65 digits.
        String max65 = "-99999999999999999999999999999999999.999999999999999999999999999999";
        assertThat(convert(DEC65, max65)).isEqualTo(StringData.fromString(max65));
        String tiny65 = "0.000000000000000000000000000001";
        assertThat(convert(DEC65, tiny65).toString()).isEqualTo(tiny65);

        // A declared DECIMAL(38, 10) takes the values that fit, exactly.
        DecimalType d38 = new DecimalType(38, 10);
        String max38 = "9999999999999999999999999999.9999999999";
        assertThat(((DecimalData) convert(DEC65, d38, max38)).toBigDecimal())
                .isEqualTo(new BigDecimal(max38));
        assertThat(
                        ((DecimalData) convert(DEC65, d38, "1.500000000000000000000000000000"))
                                .toBigDecimal())
                .isEqualTo(new BigDecimal("1.5000000000"));
    }

    @Test
    void decimalThatDoesNotFitFails() {
        DecimalType d52 = new DecimalType(5, 2);
        assertThat(convert(DEC, d52, "123.45")).isEqualTo(decimal("123.45", 5, 2));
        assertThatThrownBy(() -> convert(DEC, d52, "1234.56"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'amount' "
                                + WHERE
                                + ", MySQL type decimal(10,2): cannot convert value '1234.56'"
                                + " to Flink type DECIMAL(5, 2): it does not fit DECIMAL(5, 2):"
                                + " it has 4 integer digits");
        DecimalType d41 = new DecimalType(4, 1);
        assertThat(convert(DEC, d41, "1.50")).isEqualTo(decimal("1.5", 4, 1));
        assertThatThrownBy(() -> convert(DEC, d41, "1.55"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value '1.55'")
                .hasMessageEndingWith("it has more than 1 fractional digits and would be rounded");
        assertThatThrownBy(() -> convert(DEC65, new DecimalType(38, 10), "0.000000000000000001"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Column 'huge' " + WHERE);
    }

    @Test
    void datesAndZeroDates() {
        assertThat(convert(DATE, "2024-02-29")).isEqualTo(days("2024-02-29"));
        assertThat(convert(DATE, "1000-01-01")).isEqualTo(days("1000-01-01"));
        assertThat(convert(DATE, "9999-12-31")).isEqualTo(days("9999-12-31"));
        assertThat(convert(DATE, "1970-01-01")).isEqualTo(0);
        assertThat(convert(DATE, "0000-00-00")).isNull();
        assertThat(convert(DATE, "2024-00-15")).isNull();
        assertThat(convert(DATE, "2024-03-00")).isNull();
        assertThatThrownBy(() -> convert(DATE, "2023-02-29"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Column 'day' "
                                + WHERE
                                + ", MySQL type date: cannot convert value '2023-02-29' to Flink"
                                + " type DATE:");
    }

    @Test
    void dateTimes() {
        assertThat(convert(DATETIME6, "9999-12-31 23:59:59.999999"))
                .isEqualTo(timestamp("9999-12-31T23:59:59.999999"));
        assertThat(
                        ((TimestampData) convert(DATETIME6, "9999-12-31 23:59:59.999999"))
                                .toLocalDateTime()
                                .getNano())
                .isEqualTo(999_999_000);
        assertThat(convert(DATETIME6, "1000-01-01 00:00:00.000000"))
                .isEqualTo(timestamp("1000-01-01T00:00:00"));
        assertThat(convert(DATETIME6, "0000-00-00 00:00:00.000000")).isNull();
        assertThat(convert(DATETIME0, "0000-00-00 00:00:00")).isNull();
        assertThat(convert(DATETIME0, "2024-00-00 10:00:00")).isNull();
        assertThat(convert(DATETIME0, "2024-05-06 07:08:09"))
                .isEqualTo(timestamp("2024-05-06T07:08:09"));
        // A declared lower precision truncates, like Flink's CAST.
        assertThat(convert(DATETIME6, new TimestampType(3), "2024-01-01 10:00:00.123999"))
                .isEqualTo(timestamp("2024-01-01T10:00:00.123"));
        // Before 1970 too: the fraction is cut, not the instant rounded towards 1970.
        assertThat(convert(DATETIME6, new TimestampType(3), "1969-12-31 23:59:59.999999"))
                .isEqualTo(timestamp("1969-12-31T23:59:59.999"));
        assertThat(convert(DATETIME6, new TimestampType(0), "0001-01-01 00:00:00.5"))
                .isEqualTo(timestamp("0001-01-01T00:00:00"));
        assertThat(convert(DATETIME6, new TimestampType(9), "9999-12-31 23:59:59.999999"))
                .isEqualTo(timestamp("9999-12-31T23:59:59.999999"));
    }

    @Test
    void timestampsAreUtcInstants() {
        assertThat(convert(TIMESTAMP6, "2038-01-19 03:14:07.999999"))
                .isEqualTo(TimestampData.fromInstant(Instant.parse("2038-01-19T03:14:07.999999Z")));
        assertThat(convert(TIMESTAMP6, "1970-01-01 00:00:01.000000"))
                .isEqualTo(TimestampData.fromEpochMillis(1000));
        assertThat(convert(TIMESTAMP6, "0000-00-00 00:00:00")).isNull();
        assertThat(
                        convert(
                                TIMESTAMP6,
                                new LocalZonedTimestampType(3),
                                "2038-01-19 03:14:07.999999"))
                .isEqualTo(TimestampData.fromInstant(Instant.parse("2038-01-19T03:14:07.999Z")));

        // Declared as TIMESTAMP (no time zone): the server's local date-time.
        RowDataConverter newYork =
                new RowDataConverter(
                        rowOf("ts6", new TimestampType(6)),
                        columns(TIMESTAMP6),
                        KEYSPACE,
                        TABLE,
                        SHARD,
                        ZoneId.of("America/New_York"));
        assertThat(newYork.convert(new byte[][] {b("2024-01-01 00:00:00.000001")}).getField(0))
                .isEqualTo(timestamp("2023-12-31T19:00:00.000001"));
        // A fixed offset takes the parser's short path: the same local date-time.
        RowDataConverter plusFive =
                new RowDataConverter(
                        rowOf("ts6", new TimestampType(3)),
                        columns(TIMESTAMP6),
                        KEYSPACE,
                        TABLE,
                        SHARD,
                        ZoneId.of("+05:30"));
        assertThat(plusFive.convert(new byte[][] {b("1969-12-31 20:00:00.999999")}).getField(0))
                .isEqualTo(timestamp("1970-01-01T01:30:00.999"));
    }

    @Test
    void times() {
        assertThat(convert(TIME6, "12:34:56.789012")).isEqualTo(45_296_789);
        assertThat(convert(TIME6, "00:00:00.000000")).isEqualTo(0);
        assertThat(convert(TIME6, "23:59:59.999999")).isEqualTo(86_399_999);
        assertThat(convert(TIME0, "23:59:59")).isEqualTo(86_399_000);
        assertThat(convert(TIME6, new TimeType(0), "12:34:56.789012")).isEqualTo(45_296_000);

        for (String outOfRange :
                new String[] {"-838:59:59", "838:59:59.000000", "24:00:00", "-00:00:00.000001"}) {
            assertThatThrownBy(() -> convert(TIME6, outOfRange))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "Column 't6' "
                                    + WHERE
                                    + ", MySQL type time(6): cannot convert value '"
                                    + outOfRange
                                    + "' to Flink type TIME(3): Flink's TIME holds 00:00:00 to"
                                    + " 23:59:59.999 only; declare the column as STRING or BIGINT"
                                    + " (microseconds) to read MySQL TIME values that are negative"
                                    + " or 24 hours and more");
        }
    }

    @Test
    void timesOutsideADayAsStringOrNumber() {
        assertThat(convert(TIME0, VarCharType.STRING_TYPE, "-838:59:59").toString())
                .isEqualTo("-838:59:59");
        assertThat(convert(TIME6, VarCharType.STRING_TYPE, "838:59:59.000000").toString())
                .isEqualTo("838:59:59.000000");
        assertThat(convert(TIME0, new BigIntType(), "-838:59:59")).isEqualTo(-3_020_399_000_000L);
        assertThat(convert(TIME6, new BigIntType(), "838:59:59.000000"))
                .isEqualTo(3_020_399_000_000L);
        assertThat(convert(TIME6, new BigIntType(), "-00:00:00.000001")).isEqualTo(-1L);
        assertThat(convert(TIME0, new IntType(), "-838:59:59")).isEqualTo(-3_020_399);
        assertThatThrownBy(() -> converter(rowOf("t6", new IntType()), TIME6))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Column 't6' "
                                + WHERE
                                + " has MySQL type time(6), which cannot be converted to Flink"
                                + " type INT; a MySQL TIME converts to TIME, STRING, BIGINT"
                                + " (microseconds) or, for TIME(0), INT (seconds)");
    }

    @Test
    void years() {
        assertThat(convert(YEAR, "1901")).isEqualTo(1901);
        assertThat(convert(YEAR, "2155")).isEqualTo(2155);
        assertThat(convert(YEAR, "0000")).isEqualTo(0);
        assertThat(convert(YEAR, new SmallIntType(), "2155")).isEqualTo((short) 2155);
        assertThat(convert(YEAR, VarCharType.STRING_TYPE, "1901").toString()).isEqualTo("1901");
    }

    @Test
    void strings() {
        String text = "héllo 😀 𝄞 中文 \u0000 end";
        for (Query.Field field : Arrays.asList(CHAR, VARCHAR, TEXT, VARCHAR_BIN)) {
            Object value = convert(field, text);
            assertThat(value).isInstanceOf(StringData.class);
            assertThat(value.toString()).isEqualTo(text);
            assertThat(convert(field, "").toString()).isEmpty();
        }
        // CHAR(n) and VARCHAR(n) targets are strings too; Flink does not check their length.
        assertThat(convert(VARCHAR, new VarCharType(3), "😀😀😀😀").toString())
                .isEqualTo("😀😀😀😀");
    }

    @Test
    void textOfOtherCharacterSetsIsDecodedByTheSetTheFieldNames() {
        // VStream sends a text column's bytes in its own set: latin1 (collation 8) is cp1252.
        Query.Field latin1 = field("l", Type.VARCHAR, "varchar(20)", 20, 8, 0, 0);
        byte[] cafe = {'c', 'a', 'f', (byte) 0xE9, ' ', (byte) 0x80};
        assertThat(convert(latin1, cafe).toString()).isEqualTo("café €");
        assertThat(convert(latin1, VarCharType.STRING_TYPE, cafe).toString()).isEqualTo("café €");
        assertThat(convert(latin1, new byte[] {(byte) 0xC3, (byte) 0x81}).toString())
                .as("a byte cp1252 leaves undefined")
                .isEqualTo("Ã\u0081");
        // Into BYTES: the stored bytes, as they are.
        assertThat((byte[]) convert(latin1, new VarBinaryType(VarBinaryType.MAX_LENGTH), cafe))
                .containsExactly(cafe);
        Query.Field latin1Bin = field("lb", Type.VARBINARY, "varchar(20)", 20, 47, 0, BINARY);
        assertThat(convert(latin1Bin, cafe).toString()).isEqualTo("café €");
        Query.Field utf16 = field("w", Type.VARCHAR, "varchar(20)", 80, 54, 0, 0);
        assertThat(convert(utf16, new byte[] {0, 'h', 0, (byte) 0xE9}).toString()).isEqualTo("hé");

        // ENUM and SET: the stored bytes in the copy phase, UTF-8 in binlog events (Vitess
        // prints the member from the column's definition).
        Query.Field latin1Enum = field("e", Type.ENUM, "enum('é','b')", 1, 8, 0, ENUM);
        assertThat(convert(latin1Enum, new byte[] {(byte) 0xE9}).toString()).isEqualTo("é");
        assertThat(convert(latin1Enum, "é").toString()).isEqualTo("é");
        assertThat(convert(latin1Enum, "2").toString()).isEqualTo("b");
        Query.Field utf16Enum = field("w", Type.ENUM, "enum('a','ab')", 4, 54, 0, ENUM);
        assertThat(convert(utf16Enum, "ab").toString()).as("binlog events").isEqualTo("ab");
        assertThat(convert(utf16Enum, new byte[] {0, 'a', 0, 'b'}).toString())
                .as("copy phase")
                .isEqualTo("ab");
        Query.Field latin1Set = field("s", Type.SET, "set('é','b')", 3, 8, 0, SET);
        assertThat(convert(latin1Set, new byte[] {(byte) 0xE9, ',', 'b'}).toString())
                .isEqualTo("é,b");
        assertThat(convert(latin1Set, "é,b").toString()).isEqualTo("é,b");
        ArrayData members =
                (ArrayData)
                        convert(
                                latin1Set,
                                new ArrayType(VarCharType.STRING_TYPE),
                                new byte[] {(byte) 0xE9, ',', 'b'});
        assertThat(members.getString(0).toString()).isEqualTo("é");
        assertThat(members.getString(1).toString()).isEqualTo("b");

        // A set Vitess does not name (collation 0, e.g. gbk): UTF-8, or an error, never a wrong
        // string.
        Query.Field untold = field("g", Type.VARCHAR, "varchar(20)", 40, 0, 0, 0);
        assertThat(convert(untold, "中文").toString()).isEqualTo("中文");
        assertThatThrownBy(() -> convert(untold, new byte[] {(byte) 0xD6, (byte) 0xD0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Column 'g' " + WHERE)
                .hasMessageContaining("cannot convert value 0xD6D0")
                .hasMessageEndingWith(
                        "Vitess does not tell the column's character set (one it does not know),"
                                + " and the value is not UTF-8: VStream sends text in the column's"
                                + " own character set; convert the column to utf8mb4, or declare"
                                + " it BYTES");

        // A set without a Java decoder (armscii8): ASCII text only.
        Query.Field armenian = field("a", Type.VARCHAR, "varchar(20)", 20, 32, 0, 0);
        assertThat(convert(armenian, "plain").toString()).isEqualTo("plain");
        assertThatThrownBy(() -> convert(armenian, new byte[] {(byte) 0xA2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(
                        "the column's character set armscii8 has no decoder in this JVM; convert"
                                + " the column to utf8mb4, or declare it BYTES");
    }

    @Test
    void binaries() {
        byte[] padded = {1, 0, 0, 0};
        assertThat((byte[]) convert(BINARY4, padded)).containsExactly(1, 0, 0, 0);
        byte[] raw = {0, (byte) 0xFF, (byte) 0x80, 0x7F};
        assertThat((byte[]) convert(VARBINARY, raw)).containsExactly(raw);
        assertThat((byte[]) convert(BLOB_COL, raw)).containsExactly(raw);
        assertThat((byte[]) convert(BLOB_COL, new byte[0])).isEmpty();
        assertThat((byte[]) convert(TEXT, new VarBinaryType(VarBinaryType.MAX_LENGTH), "😀"))
                .containsExactly(b("😀"));

        // Into STRING: only when the bytes are UTF-8 text.
        assertThat(convert(BLOB_COL, VarCharType.STRING_TYPE, "😀 ok").toString())
                .isEqualTo("😀 ok");
        assertThatThrownBy(
                        () ->
                                convert(
                                        BLOB_COL,
                                        VarCharType.STRING_TYPE,
                                        new byte[] {(byte) 0xC3, 0x28}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'data' "
                                + WHERE
                                + ", MySQL type blob: cannot convert value 0xC328 to Flink type"
                                + " STRING: the bytes are not valid UTF-8 text; declare the column"
                                + " as BYTES");
    }

    @Test
    void bits() {
        assertThat(convert(BIT1, new byte[] {1})).isEqualTo(true);
        assertThat(convert(BIT1, new byte[] {0})).isEqualTo(false);
        assertThat((byte[]) convert(BIT3, new byte[] {5})).containsExactly(5);
        byte[] allOnes = hex("FFFFFFFFFFFFFFFF");
        assertThat((byte[]) convert(BIT64, allOnes)).containsExactly(allOnes);
        assertThat(convert(BIT64, new DecimalType(20, 0), allOnes))
                .isEqualTo(decimal("18446744073709551615", 20, 0));
        assertThat(convert(BIT63, new BigIntType(), hex("7FFFFFFFFFFFFFFF")))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(convert(BIT10, new SmallIntType(), hex("03FF"))).isEqualTo((short) 1023);
        assertThat(convert(BIT3, new TinyIntType(), new byte[] {5})).isEqualTo((byte) 5);
        assertThat(convert(BIT3, VarCharType.STRING_TYPE, new byte[] {5}).toString())
                .isEqualTo("101");
        assertThat(convert(BIT64, VarCharType.STRING_TYPE, allOnes).toString())
                .isEqualTo(String.join("", Collections.nCopies(64, "1")));

        assertThatThrownBy(() -> converter(rowOf("b64", new BigIntType()), BIT64))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Column 'b64' "
                                + WHERE
                                + " has MySQL type bit(64), which cannot be converted to Flink"
                                + " type BIGINT; use BYTES, DECIMAL(20, 0) or STRING");
        assertThatThrownBy(() -> converter(rowOf("b3", new BooleanType()), BIT3))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void enums() {
        assertThat(convert(ENUM_COL, "b").toString()).isEqualTo("b");
        assertThat(convert(ENUM_COL, "").toString()).as("MySQL's invalid value").isEmpty();
        // Older vtgate sends the 1-based index.
        assertThat(convert(ENUM_COL, "1").toString()).isEqualTo("a");
        assertThat(convert(ENUM_COL, "2").toString()).isEqualTo("b");
        assertThat(convert(ENUM_COL, "0").toString()).isEmpty();
        assertThatThrownBy(() -> convert(ENUM_COL, "3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("ENUM index 3 is out of range, the column has 2");

        Query.Field numbers =
                field("n", Type.ENUM, "enum('10','20','it''s 😀')", 4, CS_UTF8MB4, 0, ENUM);
        assertThat(convert(numbers, "10").toString()).as("a member wins").isEqualTo("10");
        assertThat(convert(numbers, "3").toString()).isEqualTo("it's 😀");

        Query.Field binaryCollation =
                field("e", Type.BINARY, "enum('a','b')", 1, CS_UTF8MB4_BIN, 0, ENUM | BINARY);
        assertThat(convert(binaryCollation, "b").toString()).isEqualTo("b");
    }

    @Test
    void sets() {
        assertThat(convert(SET_COL, "x,z").toString()).isEqualTo("x,z");
        assertThat(convert(SET_COL, "").toString()).isEmpty();
        assertThat(convert(SET_COL, "x,y,z").toString()).isEqualTo("x,y,z");
        // Older vtgate sends the bitmask.
        assertThat(convert(SET_COL, "5").toString()).isEqualTo("x,z");
        assertThat(convert(SET_COL, "7").toString()).isEqualTo("x,y,z");
        assertThat(convert(SET_COL, "0").toString()).isEmpty();
        assertThatThrownBy(() -> convert(SET_COL, "8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("SET bitmask 8 has bits beyond its 3 members");

        ArrayType strings = new ArrayType(VarCharType.STRING_TYPE);
        ArrayData array = (ArrayData) convert(SET_COL, strings, "x,z");
        assertThat(array.size()).isEqualTo(2);
        assertThat(array.getString(0).toString()).isEqualTo("x");
        assertThat(array.getString(1).toString()).isEqualTo("z");
        assertThat(((ArrayData) convert(SET_COL, strings, "")).size()).isZero();
    }

    @Test
    void json() {
        String doc =
                "{\"price\": 12.3400, \"n\": [1, 2.5e300, {\"deep\":"
                        + " 0.1000000000000000055511151231257827}], \"big\":"
                        + " 123456789012345678901234567890, \"s\": \"😀\"}";
        // Object members in MySQL's order (shorter keys first), scalars exactly as written.
        String mysql =
                "{\"n\": [1, 2.5e300, {\"deep\": 0.1000000000000000055511151231257827}], \"s\":"
                        + " \"😀\", \"big\": 123456789012345678901234567890, \"price\": 12.3400}";
        assertThat(convert(JSON, doc).toString()).isEqualTo(mysql);
        assertThat(convert(JSON, mysql).toString()).isEqualTo(mysql);
        assertThat(convert(JSON, "null").toString()).isEqualTo("null");
        assertThat((byte[]) convert(JSON, new VarBinaryType(VarBinaryType.MAX_LENGTH), doc))
                .isEqualTo(mysql.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> convert(JSON, "JSON_INSERT(`doc`, '$.a', 1)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Column 'doc' " + WHERE)
                .hasMessageContaining("not a JSON document");
    }

    @Test
    void spatial() {
        assertThat(convert(POINT, POINT_1_2).toString())
                .isEqualTo("{\"srid\":0,\"wkb\":\"AQEAAAAAAAAAAADwPwAAAAAAAABA\"}");
        assertThat(Base64.getDecoder().decode("AQEAAAAAAAAAAADwPwAAAAAAAABA"))
                .containsExactly(Arrays.copyOfRange(POINT_1_2, 4, POINT_1_2.length));
        byte[] wgs84 = POINT_1_2.clone();
        wgs84[0] = (byte) 0xE6;
        wgs84[1] = 0x10;
        assertThat(convert(POINT, wgs84).toString()).startsWith("{\"srid\":4326,");
        assertThat((byte[]) convert(POINT, new VarBinaryType(VarBinaryType.MAX_LENGTH), wgs84))
                .containsExactly(wgs84);
        assertThatThrownBy(() -> convert(POINT, new byte[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value 0x0000");
    }

    @Test
    void vectors() {
        byte[] value =
                ByteBuffer.allocate(12)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(1f)
                        .putFloat(-2.5f)
                        .putFloat(Float.MAX_VALUE)
                        .array();
        ArrayData array = (ArrayData) convert(VECTOR, value);
        assertThat(array.toFloatArray()).containsExactly(1f, -2.5f, Float.MAX_VALUE);
        assertThat(convert(VECTOR, VarCharType.STRING_TYPE, value).toString())
                .isEqualTo("[1.0,-2.5,3.4028235E38]");
        assertThat((byte[]) convert(VECTOR, new VarBinaryType(VarBinaryType.MAX_LENGTH), value))
                .containsExactly(value);
    }

    @Test
    void wholeRowWithNullInEveryColumn() {
        RowType type = MySqlTypeMapping.toRowType(columns(ALL));
        RowDataConverter converter = converter(type, ALL.toArray(new Query.Field[0]));
        GenericRowData row = converter.convert(new byte[ALL.size()][]);
        assertThat(row.getArity()).isEqualTo(ALL.size());
        for (int i = 0; i < ALL.size(); i++) {
            assertThat(row.isNullAt(i)).as(ALL.get(i).getName()).isTrue();
        }
        assertThat(converter.getTargetType()).isEqualTo(type);
    }

    @Test
    void wholeRowWithValues() {
        List<byte[]> values = new ArrayList<>(Collections.nCopies(ALL.size(), (byte[]) null));
        values.set(ALL.indexOf(BIG), b("42"));
        values.set(ALL.indexOf(VARCHAR), b("😀"));
        values.set(ALL.indexOf(DATETIME6), b("2024-01-01 00:00:00.000001"));
        GenericRowData row =
                converter(MySqlTypeMapping.toRowType(columns(ALL)), ALL.toArray(new Query.Field[0]))
                        .convert(values.toArray(new byte[0][]));
        assertThat(row.getField(ALL.indexOf(BIG))).isEqualTo(42L);
        assertThat(row.getField(ALL.indexOf(VARCHAR)).toString()).isEqualTo("😀");
        assertThat(row.getField(ALL.indexOf(DATETIME6)))
                .isEqualTo(timestamp("2024-01-01T00:00:00.000001"));
        assertThat(row.isNullAt(ALL.indexOf(TEXT))).isTrue();
    }

    @Test
    void matchesNamesIgnoringCaseAndOrder() {
        Query.Field id = field("ID", Type.INT64, "bigint", 20, CS_BINARY, 0, NOT_NULL | NUM);
        Query.Field name = field("Name", Type.VARCHAR, "varchar(10)", 40, CS_UTF8MB4, 0, 0);
        RowType target =
                RowType.of(
                        new LogicalType[] {VarCharType.STRING_TYPE, new BigIntType(false)},
                        new String[] {"name", "id"});
        GenericRowData row = converter(target, id, name).convert(new byte[][] {b("7"), b("x")});
        assertThat(row.getField(0).toString()).isEqualTo("x");
        assertThat(row.getField(1)).isEqualTo(7L);
    }

    @Test
    void missingColumn() {
        Query.Field id = field("id", Type.INT64, "bigint", 20, CS_BINARY, 0, NOT_NULL | NUM);
        Query.Field name = field("name", Type.VARCHAR, "varchar(10)", 40, CS_UTF8MB4, 0, 0);
        RowType target =
                RowType.of(
                        new LogicalType[] {new BigIntType(), new IntType()},
                        new String[] {"id", "extra"});
        assertThatThrownBy(() -> converter(target, id, name))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Column 'extra' "
                                + WHERE
                                + " is declared in the Flink schema but the VStream FIELD event"
                                + " has no such column (columns: id, name)");

        RowDataConverter filling =
                new RowDataConverter(
                        target, columns(id, name), KEYSPACE, TABLE, SHARD, ZoneOffset.UTC, true);
        GenericRowData row = filling.convert(new byte[][] {b("1"), b("a")});
        assertThat(row.getField(0)).isEqualTo(1L);
        assertThat(row.isNullAt(1)).isTrue();

        RowType notNull =
                RowType.of(
                        new LogicalType[] {new BigIntType(), new IntType(false)},
                        new String[] {"id", "extra"});
        assertThatThrownBy(
                        () ->
                                new RowDataConverter(
                                        notNull,
                                        columns(id, name),
                                        KEYSPACE,
                                        TABLE,
                                        SHARD,
                                        ZoneOffset.UTC,
                                        true))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Column 'extra' "
                                + WHERE
                                + " is missing from the VStream FIELD event (columns: id, name)"
                                + " and cannot be filled with NULL: its Flink type INT NOT NULL is"
                                + " NOT NULL");
    }

    @Test
    void notNullTargets() {
        Query.Field day = field("day", Type.DATE, "date", 10, CS_BINARY, 0, NOT_NULL | BINARY);
        assertThat(convert(day, "2024-01-01")).isEqualTo(days("2024-01-01"));
        assertThatThrownBy(() -> convert(day, "0000-00-00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'day' "
                                + WHERE
                                + " has the zero date '0000-00-00', which converts to NULL, but"
                                + " its Flink type DATE NOT NULL is NOT NULL; declare the column"
                                + " nullable");
        assertThatThrownBy(() -> convert(INT, new IntType(false), (byte[]) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'i' "
                                + WHERE
                                + " is NULL, but its Flink type INT NOT NULL is NOT NULL");
        // STRING keeps the zero date's text.
        assertThat(convert(day, VarCharType.STRING_TYPE, "0000-00-00").toString())
                .isEqualTo("0000-00-00");
    }

    @Test
    void wideningConversions() {
        assertThat(convert(TINY, new IntType(), "-128")).isEqualTo(-128);
        assertThat(convert(TINY, new BigIntType(), "-128")).isEqualTo(-128L);
        assertThat(convert(TINY, new DecimalType(3, 0), "-128")).isEqualTo(decimal("-128", 3, 0));
        assertThat(convert(TINY, new FloatType(), "-128")).isEqualTo(-128f);
        assertThat(convert(BOOL, new TinyIntType(), "5")).as("the exact value").isEqualTo((byte) 5);
        assertThat(convert(UINT, new DecimalType(12, 2), "4294967295"))
                .isEqualTo(decimal("4294967295.00", 12, 2));
        assertThat(convert(UINT, new DoubleType(), "4294967295")).isEqualTo(4294967295d);
        assertThat(convert(UMEDIUM, new FloatType(), "16777215")).isEqualTo(16777215f);
        assertThat(convert(FLOAT, new DoubleType(), "3.4028235E+38"))
                .isEqualTo((double) Float.MAX_VALUE);
        assertThat(convert(DATE, new TimestampType(0), "2024-02-29"))
                .isEqualTo(timestamp("2024-02-29T00:00:00"));
        assertThat(convert(UBIG, new BigIntType(), "9223372036854775807"))
                .isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> convert(UBIG, new BigIntType(), "18446744073709551615"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'ubig' "
                                + WHERE
                                + ", MySQL type bigint unsigned: cannot convert value"
                                + " '18446744073709551615' to Flink type BIGINT: the value exceeds"
                                + " BIGINT's maximum 9223372036854775807");
    }

    @Test
    void anythingIntoString() {
        LogicalType string = VarCharType.STRING_TYPE;
        assertThat(convert(UBIG, string, "18446744073709551615").toString())
                .isEqualTo("18446744073709551615");
        assertThat(convert(FLOAT, string, "1.5E+00").toString()).isEqualTo("1.5");
        assertThat(convert(FLOAT, string, "1.5").toString()).isEqualTo("1.5");
        assertThat(convert(DOUBLE, string, "1E+100").toString()).isEqualTo("1.0E100");
        assertThat(convert(DEC, string, "-0.50").toString()).isEqualTo("-0.50");
        assertThat(convert(DATETIME6, string, "9999-12-31 23:59:59.999999").toString())
                .isEqualTo("9999-12-31 23:59:59.999999");
        assertThat(convert(TIMESTAMP6, string, "2038-01-19 03:14:07.999999").toString())
                .as("MySQL's text, in UTC")
                .isEqualTo("2038-01-19 03:14:07.999999");
        assertThat(convert(BOOL, string, "1").toString()).isEqualTo("1");
        assertThat(convert(ENUM_COL, string, "1").toString()).isEqualTo("a");
    }

    @Test
    void conversionsWithoutExactMeaningFailAtConstruction() {
        assertThatThrownBy(() -> converter(rowOf("dt6", new LocalZonedTimestampType(6)), DATETIME6))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Column 'dt6' "
                                + WHERE
                                + " has MySQL type datetime(6), which cannot be converted to Flink"
                                + " type TIMESTAMP_LTZ(6); a MySQL DATETIME has no time zone: use"
                                + " TIMESTAMP or STRING");
        assertThatThrownBy(() -> converter(rowOf("i", new SmallIntType()), INT))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Column 'i' "
                                + WHERE
                                + " has MySQL type int, which cannot be converted to Flink type"
                                + " SMALLINT; integers convert to integer types that hold every"
                                + " value, DECIMAL with enough integer digits, or STRING");
        assertThatThrownBy(() -> converter(rowOf("ubig", new DecimalType(19, 0)), UBIG))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith(
                        "Column 'ubig' "
                                + WHERE
                                + " has MySQL type bigint unsigned, which cannot be converted to"
                                + " Flink type DECIMAL(19, 0)");
        assertThatThrownBy(() -> converter(rowOf("name", new IntType()), VARCHAR))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Column 'name' "
                                + WHERE
                                + " has MySQL type varchar(255), which cannot be converted to Flink"
                                + " type INT");
        assertThatThrownBy(() -> converter(rowOf("tiny", new BooleanType()), TINY))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> converter(rowOf("d", new DecimalType(38, 10)), DOUBLE))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> converter(rowOf("i", new FloatType()), INT))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> converter(rowOf("day", new TimeType()), DATE))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> converter(rowOf("ts6", new DateType()), TIMESTAMP6))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> converter(rowOf("t6", new TimestampType()), TIME6))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> converter(rowOf("doc", new IntType()), JSON))
                .isInstanceOf(ValidationException.class);

        Query.Field tuple = field("x", Type.TUPLE, "", 0, 0, 0, 0);
        assertThatThrownBy(() -> converter(rowOf("x", VarCharType.STRING_TYPE), tuple))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Column 'x' "
                                + WHERE
                                + " has Vitess type TUPLE, which is not a supported column type");
    }

    @Test
    void badValuesAndRows() {
        assertThatThrownBy(() -> convert(INT, "abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Column 'i' "
                                + WHERE
                                + ", MySQL type int: cannot convert value 'abc' to Flink type"
                                + " INT:");
        RowDataConverter converter =
                converter(MySqlTypeMapping.toRowType(columns(INT, BIG)), INT, BIG);
        assertThatThrownBy(() -> converter.convert(new byte[][] {b("1")}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "A row of table 'commerce.orders' (shard -80) has 1 values, but its FIELD"
                                + " event has 2 columns");
    }

    @Test
    void qualifiedTableName() {
        Query.Field pk = field("id", Type.INT64, "bigint", 20, CS_BINARY, 0, PRI_KEY | NUM);
        assertThatThrownBy(
                        () ->
                                new RowDataConverter(
                                        rowOf("id", new IntType()),
                                        columns(pk),
                                        "commerce",
                                        "commerce.orders",
                                        "80-",
                                        ZoneOffset.UTC))
                .hasMessageStartingWith("Column 'id' of table 'commerce.orders' (shard 80-)");
    }
}
