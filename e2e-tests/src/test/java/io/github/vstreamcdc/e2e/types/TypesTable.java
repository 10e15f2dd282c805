package io.github.vstreamcdc.e2e.types;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
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

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table {@code it_types}: one column of every MySQL type, and rows with the edge values of
 * each, written as SQL literals next to the exact Flink value (Flink's internal data structures)
 * each must convert to.
 *
 * <p>The rows are inserted in a session with {@code time_zone = '+05:30'} and {@code sql_mode = ''}
 * (zero dates allowed): TIMESTAMP literals are local times of +05:30, and the expected values are
 * the instants they denote.
 */
public final class TypesTable {

    public static final String NAME = "it_types";

    /** Where a row image comes from: the values' text encodings differ. */
    public enum Phase {
        /** The VStream copy phase: MySQL's result-set text of a SELECT. */
        COPY,
        /** Binlog events, as Vitess' vstreamer renders them. */
        BINLOG
    }

    /** The session settings the rows are written with. */
    public static final String[] SESSION = {"SET time_zone = '+05:30'", "SET sql_mode = ''"};

    private static final LogicalType STRING = new VarCharType(VarCharType.MAX_LENGTH);
    private static final LogicalType BYTES = new VarBinaryType(VarBinaryType.MAX_LENGTH);

    /** A column: its SQL type, the Flink type the connector derives, and the type tests read. */
    public static final class Column {
        public final String name;
        public final String sqlType;
        public final LogicalType defaultType;
        public final LogicalType declaredType;

        Column(String name, String sqlType, LogicalType defaultType, LogicalType declaredType) {
            this.name = name;
            this.sqlType = sqlType;
            this.defaultType = defaultType;
            this.declaredType = declaredType;
        }
    }

    public static final List<Column> COLUMNS = new ArrayList<>();

    static {
        column("id", "BIGINT PRIMARY KEY", new BigIntType(false));
        column("c_bool", "BOOL", new BooleanType());
        column("c_tinyint", "TINYINT", new TinyIntType());
        column("c_tinyint_u", "TINYINT UNSIGNED", new SmallIntType());
        column("c_smallint", "SMALLINT", new SmallIntType());
        column("c_smallint_u", "SMALLINT UNSIGNED", new IntType());
        column("c_mediumint", "MEDIUMINT", new IntType());
        column("c_mediumint_u", "MEDIUMINT UNSIGNED", new IntType());
        column("c_int", "INT", new IntType());
        column("c_int_u", "INT UNSIGNED", new BigIntType());
        column("c_bigint", "BIGINT", new BigIntType());
        column("c_bigint_u", "BIGINT UNSIGNED", new DecimalType(20, 0));
        column("c_dec", "DECIMAL(10,2)", new DecimalType(10, 2));
        column("c_dec65", "DECIMAL(65,30)", STRING);
        column("c_float", "FLOAT", new FloatType());
        column("c_double", "DOUBLE", new DoubleType());
        column("c_date", "DATE", new DateType());
        // Flink's TIME holds a time of day only: the edge values of MySQL's TIME are read as
        // STRING and BIGINT (microseconds), as docs/type-mapping.md says.
        column("c_time", "TIME", new TimeType(0), STRING);
        column("c_time6", "TIME(6)", new TimeType(3), new BigIntType());
        column("c_time_of_day", "TIME(6)", new TimeType(3));
        column("c_datetime", "DATETIME", new TimestampType(0));
        column("c_datetime6", "DATETIME(6)", new TimestampType(6));
        column("c_ts", "TIMESTAMP NULL", new LocalZonedTimestampType(0));
        column("c_ts6", "TIMESTAMP(6) NULL", new LocalZonedTimestampType(6));
        column("c_year", "YEAR", new IntType());
        column("c_char", "CHAR(10)", STRING);
        column("c_varchar", "VARCHAR(255)", STRING);
        column("c_varchar_bin", "VARCHAR(32) COLLATE utf8mb4_bin", STRING);
        column("c_text", "TEXT", STRING);
        column("c_mediumtext", "MEDIUMTEXT", STRING);
        column("c_binary", "BINARY(4)", BYTES);
        column("c_varbinary", "VARBINARY(16)", BYTES);
        column("c_blob", "BLOB", BYTES);
        column("c_bit1", "BIT(1)", new BooleanType());
        column("c_bit5", "BIT(5)", BYTES);
        column("c_bit64", "BIT(64)", BYTES);
        column("c_enum", "ENUM('small','medium','large')", STRING);
        column("c_set", "SET('a','b','c','d')", STRING);
        column("c_json", "JSON", STRING);
        column("c_geometry", "GEOMETRY", STRING);
        column("c_point", "POINT", STRING);
        column("c_polygon", "POLYGON", STRING);
        column("c_notnull", "INT NOT NULL DEFAULT 0", new IntType(false));
    }

    private static void column(String name, String sqlType, LogicalType type) {
        column(name, sqlType, type, type);
    }

    private static void column(
            String name, String sqlType, LogicalType defaultType, LogicalType declaredType) {
        COLUMNS.add(new Column(name, sqlType, defaultType, declaredType));
    }

    /** The column definitions for {@code CREATE TABLE}. */
    public static String ddl() {
        List<String> parts = new ArrayList<>();
        for (Column column : COLUMNS) {
            parts.add(column.name + " " + column.sqlType);
        }
        return String.join(", ", parts);
    }

    /** The row type {@code MySqlTypeMapping} must derive from the table's FIELD events. */
    public static RowType defaultRowType() {
        List<RowType.RowField> fields = new ArrayList<>();
        for (Column column : COLUMNS) {
            fields.add(new RowType.RowField(column.name, column.defaultType));
        }
        return new RowType(false, fields);
    }

    /** The row type the tests read: the default one, with MySQL TIME edges as STRING/BIGINT. */
    public static RowType declaredRowType() {
        List<RowType.RowField> fields = new ArrayList<>();
        for (Column column : COLUMNS) {
            fields.add(new RowType.RowField(column.name, column.declaredType));
        }
        return new RowType(false, fields);
    }

    // ------------------------------------------------------------------------------------------
    // Rows
    // ------------------------------------------------------------------------------------------

    /** A row: per column, the SQL literal written and the Flink value expected back. */
    public static final class Row {
        public final long id;
        private final Map<String, String> literals = new LinkedHashMap<>();
        private final Map<String, Object> expected = new LinkedHashMap<>();
        private final Map<String, Object> expectedInCopy = new LinkedHashMap<>();

        Row(long id) {
            this.id = id;
            literals.put("id", Long.toString(id));
            expected.put("id", id);
            // The default of the NOT NULL column, unless the row sets it.
            expected.put("c_notnull", 0);
        }

        Row set(String column, String literal, Object value) {
            if (COLUMNS.stream().noneMatch(c -> c.name.equals(column))) {
                throw new IllegalArgumentException("No column " + column);
            }
            literals.put(column, literal);
            expected.put(column, value);
            return this;
        }

        /** A value that the copy phase delivers differently (see {@link Phase}). */
        Row inCopyPhase(String column, Object value) {
            expectedInCopy.put(column, value);
            return this;
        }

        /** The same row with other values: what an UPDATE makes of it. */
        Row with(String column, String literal, Object value) {
            Row copy = new Row(id);
            copy.literals.putAll(literals);
            copy.expected.putAll(expected);
            copy.expectedInCopy.putAll(expectedInCopy);
            copy.expectedInCopy.remove(column);
            return copy.set(column, literal, value);
        }

        /** The expected Flink value of a column: null for columns the row does not set. */
        public Object expected(String column, Phase phase) {
            if (phase == Phase.COPY && expectedInCopy.containsKey(column)) {
                return expectedInCopy.get(column);
            }
            return expected.get(column);
        }

        public String insertSql() {
            return "INSERT INTO "
                    + NAME
                    + " ("
                    + String.join(", ", literals.keySet())
                    + ") VALUES ("
                    + String.join(", ", literals.values())
                    + ")";
        }

        /** {@code UPDATE} of the columns in which {@code after} differs from this row. */
        public String updateSql(Row after) {
            List<String> sets = new ArrayList<>();
            for (Map.Entry<String, String> e : after.literals.entrySet()) {
                if (!e.getValue().equals(literals.get(e.getKey()))) {
                    sets.add(e.getKey() + " = " + e.getValue());
                }
            }
            return "UPDATE " + NAME + " SET " + String.join(", ", sets) + " WHERE id = " + id;
        }

        @Override
        public String toString() {
            return "row " + id;
        }
    }

    /** The JSON document of row 1: decimals (inside nested arrays too), unicode, big integers. */
    public static final String JSON_NUMBERS =
            "{\"big\": 12345678901234567890.123456789, \"dbl\": 1.5e300, \"i64\":"
                    + " -9223372036854775808, \"u64\": 18446744073709551615, \"earr\": [],"
                    + " \"name\": \"Zoë 😀\", \"empty\": {}, \"price\": 12.50, \"small\":"
                    + " 0.0000001, \"nested\": [[1, 2.0, [3.25]], {\"f\": false, \"k\": null, \"t\":"
                    + " true}]}";

    /** The JSON document of row 2 as written: escapes, and keys MySQL reorders. */
    static final String JSON_KEYS_WRITTEN =
            "{\"esc\": \"<a href=\\\"x\\\">&\\n\\t\\\\\\/\\u0001é€😀\", \"key with \\\"quote\\\"\": 1,"
                    + " \"ä\": 2, \"b\": 3, \"aa\": 4, \"\": 5}";

    /** ... and as MySQL prints it: keys by length then bytes, {@code \/} as {@code /}. */
    public static final String JSON_KEYS =
            "{\"\": 5, \"b\": 3, \"aa\": 4, \"ä\": 2, \"esc\": \"<a href=\\\"x\\\">&\\n\\t\\\\/\\u0001é€😀\","
                    + " \"key with \\\"quote\\\"\": 1}";

    /** Row 1: the smallest value of every type. */
    public static final Row MIN =
            new Row(1)
                    .set("c_bool", "0", false)
                    .set("c_tinyint", "-128", (byte) -128)
                    .set("c_tinyint_u", "0", (short) 0)
                    .set("c_smallint", "-32768", (short) -32768)
                    .set("c_smallint_u", "0", 0)
                    .set("c_mediumint", "-8388608", -8388608)
                    .set("c_mediumint_u", "0", 0)
                    .set("c_int", "-2147483648", Integer.MIN_VALUE)
                    .set("c_int_u", "0", 0L)
                    .set("c_bigint", "-9223372036854775808", Long.MIN_VALUE)
                    .set("c_bigint_u", "0", dec("0", 20, 0))
                    .set("c_dec", "-99999999.99", dec("-99999999.99", 10, 2))
                    .set(
                            "c_dec65",
                            "-99999999999999999999999999999999999.999999999999999999999999999999",
                            str(
                                    "-99999999999999999999999999999999999"
                                            + ".999999999999999999999999999999"))
                    .set("c_float", "-3.4028235e38", -Float.MAX_VALUE)
                    // MySQL prints a FLOAT with 6 significant digits: the copy phase rounds.
                    .inCopyPhase("c_float", -3.40282e38f)
                    .set("c_double", "-1.7976931348623157e308", -Double.MAX_VALUE)
                    .set("c_date", "'1000-01-01'", date("1000-01-01"))
                    .set("c_time", "'-838:59:59'", str("-838:59:59"))
                    .set("c_time6", "'-838:59:59.000000'", -3_020_399_000_000L)
                    .set("c_time_of_day", "'00:00:00'", millisOfDay("00:00:00"))
                    .set("c_datetime", "'1000-01-01 00:00:00'", ts("1000-01-01T00:00:00"))
                    .set("c_datetime6", "'1000-01-01 00:00:00.000000'", ts("1000-01-01T00:00:00"))
                    // TIMESTAMP's range starts at 1970-01-01 00:00:01 UTC, 05:30:01 in +05:30.
                    .set("c_ts", "'1970-01-01 05:30:01'", instant("1970-01-01T00:00:01Z"))
                    .set("c_ts6", "'1970-01-01 05:30:01.000000'", instant("1970-01-01T00:00:01Z"))
                    .set("c_year", "1901", 1901)
                    // MySQL drops a CHAR's trailing spaces, not a VARCHAR's.
                    .set("c_char", "'ab  '", str("ab"))
                    .set("c_varchar", "'trailing  '", str("trailing  "))
                    .set("c_varchar_bin", "'Bin'", str("Bin"))
                    .set("c_text", "'multi\\nline\\ttext'", str("multi\nline\ttext"))
                    .set("c_mediumtext", "REPEAT('😀', 20000)", str(repeat("😀", 20000)))
                    // BINARY(4) pads with zero bytes, in binlog events too.
                    .set("c_binary", "x'0102'", hex("01020000"))
                    .set("c_varbinary", "x'00FF10'", hex("00FF10"))
                    .set("c_blob", "x'DEADBEEF00'", hex("DEADBEEF00"))
                    .set("c_bit1", "b'0'", false)
                    .set("c_bit5", "b'00000'", hex("00"))
                    .set("c_bit64", "b'1" + repeat("0", 63) + "'", hex("8000000000000000"))
                    .set("c_enum", "'small'", str("small"))
                    .set("c_set", "'d,a'", str("a,d"))
                    .set(
                            "c_json",
                            "JSON_OBJECT('price', CAST('12.50' AS DECIMAL(10,2)), 'big',"
                                    + " CAST('12345678901234567890.123456789' AS DECIMAL(30,9)),"
                                    + " 'name', 'Zoë 😀', 'nested', JSON_ARRAY(JSON_ARRAY(1,"
                                    + " CAST('2.0' AS DECIMAL(3,1)), JSON_ARRAY(CAST('3.25' AS"
                                    + " DECIMAL(4,2)))), JSON_OBJECT('k', NULL, 't', TRUE, 'f',"
                                    + " FALSE)), 'dbl', 1.5e300, 'small', 1e-7, 'u64',"
                                    + " 18446744073709551615, 'i64', -9223372036854775808, 'empty',"
                                    + " JSON_OBJECT(), 'earr', JSON_ARRAY())",
                            str(JSON_NUMBERS))
                    .set("c_geometry", "ST_GeomFromText('POINT(1 2)')", geo(0, point(1, 2)))
                    .set("c_point", "ST_GeomFromText('POINT(1.5 -2.5)')", geo(0, point(1.5, -2.5)))
                    .set(
                            "c_polygon",
                            "ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))')",
                            geo(0, polygon(new double[] {0, 0, 10, 0, 10, 10, 0, 10, 0, 0})))
                    .set("c_notnull", "-1", -1);

    /** Row 2: the largest value of every type. */
    public static final Row MAX =
            new Row(2)
                    .set("c_bool", "1", true)
                    .set("c_tinyint", "127", (byte) 127)
                    .set("c_tinyint_u", "255", (short) 255)
                    .set("c_smallint", "32767", (short) 32767)
                    .set("c_smallint_u", "65535", 65535)
                    .set("c_mediumint", "8388607", 8388607)
                    .set("c_mediumint_u", "16777215", 16777215)
                    .set("c_int", "2147483647", Integer.MAX_VALUE)
                    .set("c_int_u", "4294967295", 4294967295L)
                    .set("c_bigint", "9223372036854775807", Long.MAX_VALUE)
                    .set("c_bigint_u", "18446744073709551615", dec("18446744073709551615", 20, 0))
                    .set("c_dec", "99999999.99", dec("99999999.99", 10, 2))
                    .set(
                            "c_dec65",
                            "99999999999999999999999999999999999.999999999999999999999999999999",
                            str(
                                    "99999999999999999999999999999999999"
                                            + ".999999999999999999999999999999"))
                    .set("c_float", "3.4028235e38", Float.MAX_VALUE)
                    .inCopyPhase("c_float", 3.40282e38f)
                    .set("c_double", "1.7976931348623157e308", Double.MAX_VALUE)
                    .set("c_date", "'9999-12-31'", date("9999-12-31"))
                    .set("c_time", "'838:59:59'", str("838:59:59"))
                    .set("c_time6", "'838:59:59.000000'", 3_020_399_000_000L)
                    // TIME(3) in Flink: microseconds are truncated.
                    .set("c_time_of_day", "'23:59:59.999999'", millisOfDay("23:59:59.999"))
                    .set("c_datetime", "'9999-12-31 23:59:59'", ts("9999-12-31T23:59:59"))
                    .set(
                            "c_datetime6",
                            "'9999-12-31 23:59:59.999999'",
                            ts("9999-12-31T23:59:59.999999"))
                    // TIMESTAMP's range ends at 2038-01-19 03:14:07.999999 UTC.
                    .set("c_ts", "'2038-01-19 08:44:07'", instant("2038-01-19T03:14:07Z"))
                    .set(
                            "c_ts6",
                            "'2038-01-19 08:44:07.999999'",
                            instant("2038-01-19T03:14:07.999999Z"))
                    .set("c_year", "2155", 2155)
                    .set("c_char", "'😀é'", str("😀é"))
                    .set("c_varchar", "REPEAT('😀', 255)", str(repeat("😀", 255)))
                    .set("c_varchar_bin", "'Y'", str("Y"))
                    .set("c_text", "REPEAT('x', 65535)", str(repeat("x", 65535)))
                    .set("c_mediumtext", "'z'", str("z"))
                    .set("c_binary", "x'01020304'", hex("01020304"))
                    .set(
                            "c_varbinary",
                            "x'000102030405060708090A0B0C0D0EFF'",
                            hex("000102030405060708090A0B0C0D0EFF"))
                    .set("c_blob", "x'" + repeat("00FF", 1000) + "'", hex(repeat("00FF", 1000)))
                    .set("c_bit1", "b'1'", true)
                    .set("c_bit5", "b'11111'", hex("1F"))
                    .set("c_bit64", "b'" + repeat("1", 64) + "'", hex("FFFFFFFFFFFFFFFF"))
                    .set("c_enum", "'large'", str("large"))
                    .set("c_set", "'a,b,c,d'", str("a,b,c,d"))
                    .set("c_json", sqlString(JSON_KEYS_WRITTEN), str(JSON_KEYS))
                    // MySQL reads SRID 4326 coordinates latitude first and stores them longitude
                    // first: POINT(1 2) is stored as x = 2, y = 1.
                    .set(
                            "c_geometry",
                            "ST_GeomFromText('POINT(1 2)', 4326)",
                            geo(4326, point(2, 1)))
                    .set("c_point", "ST_GeomFromText('POINT(3 4)', 4326)", geo(4326, point(4, 3)))
                    .set(
                            "c_polygon",
                            "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')",
                            geo(0, polygon(new double[] {0, 0, 1, 0, 1, 1, 0, 0})))
                    .set("c_notnull", "2147483647", Integer.MAX_VALUE);

    /** Row 3: NULL in every nullable column. */
    public static final Row NULLS = new Row(3);

    /** Row 4: zeros, zero dates, empty strings. */
    public static final Row ZEROS =
            new Row(4)
                    // Any non-zero TINYINT(1) is TRUE, as in MySQL.
                    .set("c_bool", "5", true)
                    .set("c_tinyint", "0", (byte) 0)
                    .set("c_tinyint_u", "0", (short) 0)
                    .set("c_smallint", "0", (short) 0)
                    .set("c_smallint_u", "0", 0)
                    .set("c_mediumint", "0", 0)
                    .set("c_mediumint_u", "0", 0)
                    .set("c_int", "0", 0)
                    .set("c_int_u", "0", 0L)
                    .set("c_bigint", "0", 0L)
                    .set("c_bigint_u", "0", dec("0", 20, 0))
                    .set("c_dec", "0", dec("0.00", 10, 2))
                    // DECIMAL keeps its scale's trailing zeros.
                    .set("c_dec65", "1.5", str("1.500000000000000000000000000000"))
                    .set("c_float", "0.1", 0.1f)
                    .set("c_double", "0.1", 0.1d)
                    // Zero dates (allowed by sql_mode '') convert to NULL.
                    .set("c_date", "'0000-00-00'", null)
                    .set("c_time", "'00:00:00'", str("00:00:00"))
                    .set("c_time6", "'-00:00:00.000001'", -1L)
                    .set("c_time_of_day", "'12:34:56.5'", millisOfDay("12:34:56.5"))
                    .set("c_datetime", "'0000-00-00 00:00:00'", null)
                    .set("c_datetime6", "'2024-00-15 10:00:00'", null)
                    .set("c_ts", "'0000-00-00 00:00:00'", null)
                    .set("c_ts6", "'0000-00-00 00:00:00'", null)
                    .set("c_year", "'0000'", 0)
                    .set("c_char", "''", str(""))
                    .set("c_varchar", "''", str(""))
                    .set("c_varchar_bin", "''", str(""))
                    .set("c_text", "''", str(""))
                    .set("c_mediumtext", "''", str(""))
                    .set("c_binary", "x''", hex("00000000"))
                    .set("c_varbinary", "x'00'", hex("00"))
                    .set("c_blob", "x''", hex(""))
                    .set("c_bit1", "b'0'", false)
                    .set("c_bit5", "b'1'", hex("01"))
                    .set("c_bit64", "b'0'", hex("0000000000000000"))
                    // An invalid ENUM value is stored as the empty string (index 0).
                    .set("c_enum", "''", str(""))
                    .set("c_set", "''", str(""))
                    .set(
                            "c_json",
                            "'[0.1, 3.0, -0.0, 1e20, 1.0E-5, 123456789012345678, -1, true, null]'",
                            str(
                                    "[0.1, 3.0, -0.0, 1e20, 0.00001, 123456789012345678, -1, true, null]"))
                    .set("c_geometry", "ST_GeomFromText('POINT(0 0)')", geo(0, point(0, 0)))
                    .set("c_point", "ST_GeomFromText('POINT(0 0)')", geo(0, point(0, 0)))
                    .set(
                            "c_polygon",
                            "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')",
                            geo(0, polygon(new double[] {0, 0, 1, 0, 1, 1, 0, 0})))
                    .set("c_notnull", "0", 0);

    /** Row 5: ordinary values, with fractional seconds and a day boundary in UTC. */
    public static final Row TYPICAL =
            new Row(5)
                    .set("c_bool", "-1", true)
                    .set("c_tinyint", "42", (byte) 42)
                    .set("c_tinyint_u", "200", (short) 200)
                    .set("c_smallint", "-1234", (short) -1234)
                    .set("c_smallint_u", "40000", 40000)
                    .set("c_mediumint", "-1", -1)
                    .set("c_mediumint_u", "9000000", 9000000)
                    .set("c_int", "123456789", 123456789)
                    .set("c_int_u", "3000000000", 3000000000L)
                    .set("c_bigint", "1234567890123", 1234567890123L)
                    .set("c_bigint_u", "9223372036854775808", dec("9223372036854775808", 20, 0))
                    .set("c_dec", "1234.5", dec("1234.50", 10, 2))
                    .set(
                            "c_dec65",
                            "-0.000000000000000000000000000001",
                            str("-0.000000000000000000000000000001"))
                    .set("c_float", "1.2345678", 1.2345678f)
                    .inCopyPhase("c_float", 1.23457f)
                    .set("c_double", "3.141592653589793", 3.141592653589793d)
                    .set("c_date", "'2024-02-29'", date("2024-02-29"))
                    .set("c_time", "'-01:02:03'", str("-01:02:03"))
                    .set("c_time6", "'100:00:00.123456'", 360_000_123_456L)
                    .set("c_time_of_day", "'12:34:56.789'", millisOfDay("12:34:56.789"))
                    .set("c_datetime", "'2024-02-29 13:14:15'", ts("2024-02-29T13:14:15"))
                    .set(
                            "c_datetime6",
                            "'2024-02-29 13:14:15.123456'",
                            ts("2024-02-29T13:14:15.123456"))
                    .set("c_ts", "'2024-02-29 18:44:15'", instant("2024-02-29T13:14:15Z"))
                    .set(
                            "c_ts6",
                            "'2024-02-29 05:29:59.000001'",
                            instant("2024-02-28T23:59:59.000001Z"))
                    .set("c_year", "2024", 2024)
                    .set("c_char", "'x y'", str("x y"))
                    .set(
                            "c_varchar",
                            sqlString("O'Reilly \"q\" \\ end"),
                            str("O'Reilly \"q\" \\ end"))
                    .set("c_varchar_bin", "'MiXeD'", str("MiXeD"))
                    .set("c_text", "'line1\\r\\nline2'", str("line1\r\nline2"))
                    .set("c_mediumtext", "'𝄞 clef'", str("𝄞 clef"))
                    .set("c_binary", "x'FF'", hex("FF000000"))
                    .set("c_varbinary", "x'CAFE'", hex("CAFE"))
                    .set("c_blob", "x'00'", hex("00"))
                    .set("c_bit1", "b'1'", true)
                    .set("c_bit5", "b'00110'", hex("06"))
                    .set("c_bit64", "b'101'", hex("0000000000000005"))
                    .set("c_enum", "'medium'", str("medium"))
                    .set("c_set", "'c,b'", str("b,c"))
                    .set(
                            "c_json",
                            "JSON_OBJECT('d', DATE '2024-01-31', 't', TIME '10:11:12.5', 'dt',"
                                    + " TIMESTAMP '2024-01-31 10:11:12.123456', 'bin', CAST(x'ABCD'"
                                    + " AS JSON))",
                            str(
                                    "{\"d\": \"2024-01-31\", \"t\": \"10:11:12.500000\", \"dt\":"
                                            + " \"2024-01-31 10:11:12.123456\", \"bin\":"
                                            + " \"base64:type15:q80=\"}"))
                    .set(
                            "c_geometry",
                            "ST_GeomFromText('LINESTRING(0 0,1 1,2 1)')",
                            geo(0, lineString(new double[] {0, 0, 1, 1, 2, 1})))
                    .set(
                            "c_point",
                            "ST_GeomFromText('POINT(-122.4194 37.7749)')",
                            geo(0, point(-122.4194, 37.7749)))
                    .set(
                            "c_polygon",
                            "ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 3,3 3,2 2))')",
                            geo(
                                    0,
                                    polygon(
                                            new double[] {0, 0, 10, 0, 10, 10, 0, 10, 0, 0},
                                            new double[] {2, 2, 2, 3, 3, 3, 2, 2})))
                    .set("c_notnull", "5", 5);

    public static final List<Row> ROWS =
            Collections.unmodifiableList(java.util.Arrays.asList(MIN, MAX, NULLS, ZEROS, TYPICAL));

    /** Row 2 after an UPDATE through the binlog. */
    public static final Row MAX_UPDATED =
            MAX.with("c_int", "42", 42)
                    .with("c_float", "2.5", 2.5f)
                    .with("c_ts6", "'2000-01-01 05:30:00.5'", instant("2000-01-01T00:00:00.500Z"))
                    .with(
                            "c_json",
                            "JSON_SET(c_json, '$.b', 33)",
                            str(JSON_KEYS.replace("\"b\": 3,", "\"b\": 33,")))
                    .with("c_bit64", "b'0'", hex("0000000000000000"))
                    .with("c_varchar", "NULL", null);

    private TypesTable() {}

    // ------------------------------------------------------------------------------------------
    // Expected values in Flink's internal data structures
    // ------------------------------------------------------------------------------------------

    static StringData str(String value) {
        return StringData.fromString(value);
    }

    static DecimalData dec(String value, int precision, int scale) {
        return DecimalData.fromBigDecimal(new BigDecimal(value), precision, scale);
    }

    /** A DATE: days since 1970-01-01. */
    static int date(String iso) {
        return (int) LocalDate.parse(iso).toEpochDay();
    }

    /** A TIME: milliseconds of the day. */
    static int millisOfDay(String iso) {
        return (int) (LocalTime.parse(iso).toNanoOfDay() / 1_000_000L);
    }

    static TimestampData ts(String isoLocal) {
        return TimestampData.fromLocalDateTime(LocalDateTime.parse(isoLocal));
    }

    static TimestampData instant(String iso) {
        return TimestampData.fromInstant(Instant.parse(iso));
    }

    static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static String repeat(String s, int times) {
        StringBuilder out = new StringBuilder(s.length() * times);
        for (int i = 0; i < times; i++) {
            out.append(s);
        }
        return out.toString();
    }

    /** A SQL string literal (backslash escapes are on: sql_mode has no NO_BACKSLASH_ESCAPES). */
    static String sqlString(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The connector's text of a spatial value: its SRID and base64 of its standard WKB. */
    static StringData geo(int srid, byte[] wkb) {
        return str(
                "{\"srid\":"
                        + srid
                        + ",\"wkb\":\""
                        + Base64.getEncoder().encodeToString(wkb)
                        + "\"}");
    }

    /** Little-endian WKB of a point. */
    static byte[] point(double x, double y) {
        return wkb(1, 16).putDouble(x).putDouble(y).array();
    }

    /** Little-endian WKB of a line string of x, y pairs. */
    static byte[] lineString(double[] xy) {
        ByteBuffer out = wkb(2, 4 + 8 * xy.length).putInt(xy.length / 2);
        for (double v : xy) {
            out.putDouble(v);
        }
        return out.array();
    }

    /** Little-endian WKB of a polygon: rings of x, y pairs, the outer one first. */
    static byte[] polygon(double[]... rings) {
        int size = 4;
        for (double[] ring : rings) {
            size += 4 + 8 * ring.length;
        }
        ByteBuffer out = wkb(3, size).putInt(rings.length);
        for (double[] ring : rings) {
            out.putInt(ring.length / 2);
            for (double v : ring) {
                out.putDouble(v);
            }
        }
        return out.array();
    }

    private static ByteBuffer wkb(int geometryType, int bodyBytes) {
        return ByteBuffer.allocate(5 + bodyBytes)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 1)
                .putInt(geometryType);
    }
}
