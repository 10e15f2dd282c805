package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Maps the columns Vitess describes in a VStream FIELD event ({@link Query.Field}) to Flink SQL
 * types, following Flink CDC's {@code mysql-cdc} mapping (see {@code docs/type-mapping.md}).
 *
 * <p>It also holds what the other converters of this package share: the parsed facts of a column
 * ({@link Column}) and the parsers of the MySQL text encodings in which VStream delivers row
 * values.
 */
@Internal
public final class MySqlTypeMapping {

    /** MySQL's {@code NOT_NULL_FLAG}. */
    static final int FLAG_NOT_NULL = 1;

    /** MySQL's {@code UNSIGNED_FLAG}. */
    static final int FLAG_UNSIGNED = 32;

    /** The collation id of MySQL's {@code binary} character set. */
    static final int CHARSET_BINARY = 63;

    /** Flink's largest DECIMAL precision. */
    static final int MAX_FLINK_DECIMAL_PRECISION = 38;

    /** The largest precision Flink's TIME keeps at runtime (it stores milliseconds of the day). */
    static final int MAX_FLINK_TIME_PRECISION = 3;

    /** MySQL's limit on the nesting of JSON documents. */
    private static final int MAX_JSON_DEPTH = 100;

    private static final Pattern JSON_NUMBER =
            Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

    private MySqlTypeMapping() {}

    /**
     * The Flink type a user expects for a MySQL column, with {@code NOT NULL} when the column has
     * MySQL's {@code NOT_NULL_FLAG}.
     *
     * @throws IllegalArgumentException for Vitess types that are not column types (such as {@code
     *     TUPLE} or {@code EXPRESSION})
     */
    public static DataType toDataType(Query.Field field) {
        Column column = Column.of(field);
        DataType type = defaultType(column);
        return column.notNull ? type.notNull() : type.nullable();
    }

    /** The default Flink row type of the columns of a FIELD event, in their order. */
    public static RowType toRowType(List<Query.Field> fields) {
        List<RowType.RowField> rowFields = new ArrayList<>(fields.size());
        for (Query.Field field : fields) {
            rowFields.add(
                    new RowType.RowField(field.getName(), toDataType(field).getLogicalType()));
        }
        return new RowType(false, rowFields);
    }

    /**
     * The physical row data type (as a {@code ROW<...> NOT NULL}) of the columns of a FIELD event.
     */
    public static DataType toRowDataType(List<Query.Field> fields) {
        List<DataTypes.Field> rowFields = new ArrayList<>(fields.size());
        for (Query.Field field : fields) {
            rowFields.add(DataTypes.FIELD(field.getName(), toDataType(field)));
        }
        return DataTypes.ROW(rowFields.toArray(new DataTypes.Field[0])).notNull();
    }

    private static DataType defaultType(Column column) {
        switch (column.kind) {
            case TINYINT:
                return column.tinyIntOne ? DataTypes.BOOLEAN() : DataTypes.TINYINT();
            case TINYINT_UNSIGNED:
            case SMALLINT:
                return DataTypes.SMALLINT();
            case SMALLINT_UNSIGNED:
            case MEDIUMINT:
            case MEDIUMINT_UNSIGNED:
            case INT:
            case YEAR:
                return DataTypes.INT();
            case INT_UNSIGNED:
            case BIGINT:
                return DataTypes.BIGINT();
            case BIGINT_UNSIGNED:
                return DataTypes.DECIMAL(20, 0);
            case FLOAT:
                return DataTypes.FLOAT();
            case DOUBLE:
                return DataTypes.DOUBLE();
            case DECIMAL:
                return column.precision <= MAX_FLINK_DECIMAL_PRECISION
                        ? DataTypes.DECIMAL(column.precision, column.scale)
                        : DataTypes.STRING();
            case DATE:
                return DataTypes.DATE();
            case TIME:
                return DataTypes.TIME(Math.min(column.fsp, MAX_FLINK_TIME_PRECISION));
            case DATETIME:
                return DataTypes.TIMESTAMP(column.fsp);
            case TIMESTAMP:
                return DataTypes.TIMESTAMP_LTZ(column.fsp);
            case BIT:
                return column.bitLength == 1 ? DataTypes.BOOLEAN() : DataTypes.BYTES();
            case BINARY:
                return DataTypes.BYTES();
            case VECTOR:
                return DataTypes.ARRAY(DataTypes.FLOAT().notNull());
            case TEXT:
            case ENUM:
            case SET:
            case JSON:
            case GEOMETRY:
                return DataTypes.STRING();
            default:
                throw new IllegalStateException("Unhandled kind " + column.kind);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Column facts
    // ------------------------------------------------------------------------------------------

    /** The MySQL column types this connector tells apart. */
    enum Kind {
        TINYINT(8, 3),
        TINYINT_UNSIGNED(9, 3),
        SMALLINT(16, 5),
        SMALLINT_UNSIGNED(17, 5),
        MEDIUMINT(24, 7),
        MEDIUMINT_UNSIGNED(25, 8),
        INT(32, 10),
        INT_UNSIGNED(33, 10),
        BIGINT(64, 19),
        BIGINT_UNSIGNED(65, 20),
        /** YEAR: 0 or 1901..2155. */
        YEAR(13, 4),
        FLOAT,
        DOUBLE,
        DECIMAL,
        DATE,
        TIME,
        DATETIME,
        TIMESTAMP,
        /** CHAR, VARCHAR and the TEXT family (a character set other than binary). */
        TEXT,
        /** BINARY, VARBINARY and the BLOB family. */
        BINARY,
        BIT,
        ENUM,
        SET,
        JSON,
        /** GEOMETRY and its subtypes (POINT, POLYGON, ...). */
        GEOMETRY,
        VECTOR;

        /** For integers: bits of a signed two's complement integer that holds every value. */
        final int signedBits;

        /** For integers: decimal digits of the largest magnitude. */
        final int digits;

        Kind() {
            this(0, 0);
        }

        Kind(int signedBits, int digits) {
            this.signedBits = signedBits;
            this.digits = digits;
        }

        boolean isInteger() {
            return signedBits > 0;
        }
    }

    /** What this connector needs to know about one column of a FIELD event. */
    static final class Column {
        final String name;
        final Kind kind;

        /** The MySQL type for messages: {@code column_type} when Vitess sent it. */
        final String typeName;

        final boolean notNull;

        /** TINYINT(1), MySQL's BOOL. */
        final boolean tinyIntOne;

        /** DECIMAL precision and scale. */
        final int precision;

        final int scale;

        /** Fractional seconds of TIME, DATETIME and TIMESTAMP (0..6). */
        final int fsp;

        /** Bits of a BIT(n) column. */
        final int bitLength;

        private final String columnType;
        private List<String> members;

        private Column(
                String name,
                Kind kind,
                String typeName,
                boolean notNull,
                boolean tinyIntOne,
                int precision,
                int scale,
                int fsp,
                int bitLength,
                String columnType) {
            this.name = name;
            this.kind = kind;
            this.typeName = typeName;
            this.notNull = notNull;
            this.tinyIntOne = tinyIntOne;
            this.precision = precision;
            this.scale = scale;
            this.fsp = fsp;
            this.bitLength = bitLength;
            this.columnType = columnType;
        }

        static Column of(Query.Field field) {
            String columnType = field.getColumnType().trim();
            String lower = columnType.toLowerCase(Locale.ROOT);
            String base = baseName(lower);
            String args = args(lower);
            boolean unsigned =
                    (field.getFlags() & FLAG_UNSIGNED) != 0
                            || lower.contains(" unsigned")
                            || (field.getTypeValue() & Query.Flag.ISUNSIGNED_VALUE) != 0;
            Kind kind = kindOf(field, base, unsigned);

            boolean tinyIntOne = false;
            int precision = 0;
            int scale = 0;
            int fsp = 0;
            int bitLength = 0;
            switch (kind) {
                case TINYINT:
                case TINYINT_UNSIGNED:
                    tinyIntOne =
                            lower.isEmpty()
                                    ? field.getColumnLength() == 1
                                    : ("tinyint".equals(base) && "1".equals(args))
                                            || "bool".equals(base)
                                            || "boolean".equals(base);
                    break;
                case DECIMAL:
                    if (!lower.isEmpty()) {
                        String[] ps = args == null ? new String[0] : args.split(",");
                        precision = ps.length > 0 ? parseIntArg(ps[0], 10) : 10;
                        scale = ps.length > 1 ? parseIntArg(ps[1], 0) : 0;
                    } else {
                        // MySQL's column length counts the sign and the decimal point.
                        scale = field.getDecimals();
                        precision =
                                field.getColumnLength() - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
                    }
                    precision = Math.max(1, Math.max(precision, scale));
                    break;
                case TIME:
                case DATETIME:
                case TIMESTAMP:
                    fsp = lower.isEmpty() ? field.getDecimals() : parseIntArg(args, 0);
                    fsp = Math.max(0, Math.min(6, fsp));
                    break;
                case BIT:
                    bitLength = lower.isEmpty() ? field.getColumnLength() : parseIntArg(args, 1);
                    bitLength = Math.max(1, Math.min(64, bitLength));
                    break;
                default:
                    break;
            }
            String typeName = columnType.isEmpty() ? field.getType().name() : columnType;
            return new Column(
                    field.getName(),
                    kind,
                    typeName,
                    (field.getFlags() & FLAG_NOT_NULL) != 0,
                    tinyIntOne,
                    precision,
                    scale,
                    fsp,
                    bitLength,
                    columnType);
        }

        /** The members of an ENUM or SET, parsed from {@code column_type}; empty if unknown. */
        List<String> members() {
            if (members == null) {
                members =
                        kind == Kind.ENUM || kind == Kind.SET
                                ? parseMembers(columnType)
                                : Collections.emptyList();
            }
            return members;
        }

        private static Kind kindOf(Query.Field field, String base, boolean unsigned) {
            Query.Type type = field.getType();
            switch (type) {
                case INT8:
                case UINT8:
                    return unsigned ? Kind.TINYINT_UNSIGNED : Kind.TINYINT;
                case INT16:
                case UINT16:
                    return unsigned ? Kind.SMALLINT_UNSIGNED : Kind.SMALLINT;
                case INT24:
                case UINT24:
                    return unsigned ? Kind.MEDIUMINT_UNSIGNED : Kind.MEDIUMINT;
                case INT32:
                case UINT32:
                    return unsigned ? Kind.INT_UNSIGNED : Kind.INT;
                case INT64:
                case UINT64:
                    return unsigned ? Kind.BIGINT_UNSIGNED : Kind.BIGINT;
                case YEAR:
                    return Kind.YEAR;
                case FLOAT32:
                    return Kind.FLOAT;
                case FLOAT64:
                    return Kind.DOUBLE;
                case DECIMAL:
                    return Kind.DECIMAL;
                case DATE:
                    return Kind.DATE;
                case TIME:
                    return Kind.TIME;
                case DATETIME:
                    return Kind.DATETIME;
                case TIMESTAMP:
                    return Kind.TIMESTAMP;
                case BIT:
                    return Kind.BIT;
                case ENUM:
                    return Kind.ENUM;
                case SET:
                    return Kind.SET;
                case JSON:
                    return Kind.JSON;
                case GEOMETRY:
                    return Kind.GEOMETRY;
                case VECTOR:
                    return Kind.VECTOR;
                case CHAR:
                case VARCHAR:
                case TEXT:
                case BINARY:
                case VARBINARY:
                case BLOB:
                    return stringKind(field, base);
                default:
                    throw new IllegalArgumentException(
                            String.format(
                                    "Column '%s' has Vitess type %s, which is not a column type"
                                            + " this connector supports",
                                    field.getName(), type));
            }
        }

        /**
         * Vitess turns a text column with a binary collation ({@code utf8mb4_bin}) into VARBINARY
         * or BLOB, and an ENUM or SET with such a collation into BINARY: {@code column_type} and
         * the character set tell the real type.
         */
        private static Kind stringKind(Query.Field field, String base) {
            switch (base) {
                case "char":
                case "varchar":
                case "tinytext":
                case "text":
                case "mediumtext":
                case "longtext":
                    return Kind.TEXT;
                case "binary":
                case "varbinary":
                case "tinyblob":
                case "blob":
                case "mediumblob":
                case "longblob":
                    return Kind.BINARY;
                case "enum":
                    return Kind.ENUM;
                case "set":
                    return Kind.SET;
                case "json":
                    return Kind.JSON;
                case "vector":
                    return Kind.VECTOR;
                case "geometry":
                case "point":
                case "linestring":
                case "polygon":
                case "multipoint":
                case "multilinestring":
                case "multipolygon":
                case "geometrycollection":
                case "geomcollection":
                    return Kind.GEOMETRY;
                default:
                    break;
            }
            if (field.getCharset() == CHARSET_BINARY) {
                return Kind.BINARY;
            }
            if (field.getCharset() != 0) {
                return Kind.TEXT;
            }
            switch (field.getType()) {
                case BINARY:
                case VARBINARY:
                case BLOB:
                    return Kind.BINARY;
                default:
                    return Kind.TEXT;
            }
        }

        private static String baseName(String lower) {
            int end = 0;
            while (end < lower.length() && lower.charAt(end) != '(' && lower.charAt(end) != ' ') {
                end++;
            }
            return lower.substring(0, end);
        }

        /** The text between the first parentheses, or null. */
        private static String args(String lower) {
            int open = lower.indexOf('(');
            int close = lower.indexOf(')', open + 1);
            return open < 0 || close < 0 ? null : lower.substring(open + 1, close).trim();
        }

        private static int parseIntArg(String text, int fallback) {
            if (text == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
    }

    /**
     * The members of {@code enum('a','b')} or {@code set('a','b')}: quoted SQL strings, with {@code
     * ''} and backslash escapes.
     */
    static List<String> parseMembers(String columnType) {
        int open = columnType.indexOf('(');
        int close = columnType.lastIndexOf(')');
        if (open < 0 || close < open) {
            return Collections.emptyList();
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = null;
        for (int i = open + 1; i < close; i++) {
            char c = columnType.charAt(i);
            if (current == null) {
                if (c == '\'') {
                    current = new StringBuilder();
                }
                continue;
            }
            if (c == '\\' && i + 1 < close) {
                current.append(unescape(columnType.charAt(++i)));
            } else if (c == '\'') {
                if (i + 1 < close && columnType.charAt(i + 1) == '\'') {
                    current.append('\'');
                    i++;
                } else {
                    out.add(current.toString());
                    current = null;
                }
            } else {
                current.append(c);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static char unescape(char c) {
        switch (c) {
            case '0':
                return '\0';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'Z':
                return (char) 26;
            default:
                return c;
        }
    }

    // ------------------------------------------------------------------------------------------
    // The text encodings of VStream row values
    // ------------------------------------------------------------------------------------------

    /**
     * The value of an ENUM. Vitess v20+ sends the member itself; older servers send its 1-based
     * index as digits (0 is MySQL's empty string for invalid values). A value that is a member wins
     * over reading it as an index.
     */
    static String enumText(Column column, String raw) {
        List<String> members = column.members();
        if (members.isEmpty() || members.contains(raw) || !isDigits(raw)) {
            return raw;
        }
        long index = parseUnsigned(raw, "ENUM index");
        if (index == 0) {
            return "";
        }
        if (index > members.size()) {
            throw new IllegalArgumentException(
                    "ENUM index " + raw + " is out of range, the column has " + members.size());
        }
        return members.get((int) index - 1);
    }

    /**
     * The value of a SET as comma-separated members. Vitess v20+ sends that; older servers send the
     * bitmask as digits.
     */
    static String setText(Column column, String raw) {
        List<String> members = column.members();
        if (raw.isEmpty() || members.isEmpty() || !isDigits(raw)) {
            return raw;
        }
        if (members.contains(raw)) {
            return raw;
        }
        long mask = parseUnsigned(raw, "SET bitmask");
        StringBuilder out = new StringBuilder();
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) == 0) {
                continue;
            }
            if (bit >= members.size()) {
                throw new IllegalArgumentException(
                        "SET bitmask "
                                + raw
                                + " has bits beyond its "
                                + members.size()
                                + " members");
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(members.get(bit));
        }
        return out.toString();
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static long parseUnsigned(String digits, String what) {
        try {
            return Long.parseUnsignedLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " " + digits + " is out of range", e);
        }
    }

    /**
     * A DATE {@code YYYY-MM-DD}; null for a zero date or a date with a zero month or day ({@code
     * 0000-00-00}, {@code 2020-00-15}), which no calendar date represents.
     */
    static LocalDate parseDate(String text) {
        if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            throw new IllegalArgumentException("not a DATE in the form YYYY-MM-DD");
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        if (month == 0 || day == 0) {
            return null;
        }
        return LocalDate.of(year, month, day);
    }

    /**
     * A DATETIME or TIMESTAMP {@code YYYY-MM-DD HH:MM:SS[.ffffff]}; null when its date is zero (see
     * {@link #parseDate}).
     */
    static LocalDateTime parseDateTime(String text) {
        if (text.length() < 19 || (text.charAt(10) != ' ' && text.charAt(10) != 'T')) {
            throw new IllegalArgumentException(
                    "not a DATETIME in the form YYYY-MM-DD HH:MM:SS[.ffffff]");
        }
        LocalDate date = parseDate(text.substring(0, 10));
        if (text.charAt(13) != ':' || text.charAt(16) != ':') {
            throw new IllegalArgumentException(
                    "not a DATETIME in the form YYYY-MM-DD HH:MM:SS[.ffffff]");
        }
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = fraction(text, 19);
        if (date == null) {
            return null;
        }
        return date.atTime(hour, minute, second, nanos);
    }

    /**
     * A TIME {@code [-]H..H:MM:SS[.ffffff]} (MySQL's range is -838:59:59 to 838:59:59) as signed
     * microseconds.
     */
    static long parseTimeMicros(String text) {
        int pos = 0;
        boolean negative = text.startsWith("-");
        if (negative) {
            pos = 1;
        }
        int colon = text.indexOf(':', pos);
        if (colon <= pos
                || colon - pos > 4
                || text.length() < colon + 6
                || text.charAt(colon + 3) != ':') {
            throw new IllegalArgumentException("not a TIME in the form [-]HHH:MM:SS[.ffffff]");
        }
        long hours = digits(text, pos, colon);
        int minutes = digits(text, colon + 1, colon + 3);
        int seconds = digits(text, colon + 4, colon + 6);
        if (minutes > 59 || seconds > 59) {
            throw new IllegalArgumentException("minutes or seconds out of range");
        }
        long micros = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L;
        micros += fraction(text, colon + 6) / 1_000;
        return negative ? -micros : micros;
    }

    /** Nanoseconds of an optional {@code .f{1,9}} at {@code from} that ends the text. */
    private static int fraction(String text, int from) {
        if (from == text.length()) {
            return 0;
        }
        int digits = text.length() - from - 1;
        if (text.charAt(from) != '.' || digits < 1 || digits > 9) {
            throw new IllegalArgumentException("bad fractional seconds");
        }
        int value = digits(text, from + 1, text.length());
        for (int i = digits; i < 9; i++) {
            value *= 10;
        }
        return value;
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("unexpected character '" + c + "'");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * A JSON document in MySQL's text form, whichever phase it comes from: object members in the
     * order MySQL keeps them (shorter keys first, then by the bytes of their UTF-8 encoding),
     * {@code ", "} between members and elements, {@code ": "} after a key, and every scalar
     * (string, number, {@code true}, {@code false}, {@code null}) exactly as written.
     *
     * <p>The copy phase carries MySQL's own text of a JSON column; binlog events carry Vitess'
     * rendering of MySQL's binary JSON, which orders object keys by their bytes alone ({@code
     * {"aa": 1, "b": 2}} where MySQL prints {@code {"b": 2, "aa": 1}}). Both come out as MySQL
     * prints them.
     *
     * @throws IllegalArgumentException if the text is not one JSON document
     */
    static String canonicalJson(String text) {
        return new JsonText(text).document();
    }

    /** A recursive descent over one JSON text that rewrites it into MySQL's form. */
    private static final class JsonText {

        /** MySQL's order of object keys: by UTF-8 length, then by bytes (unsigned). */
        private static final Comparator<Member> MYSQL_KEY_ORDER =
                (a, b) -> {
                    if (a.keyBytes.length != b.keyBytes.length) {
                        return Integer.compare(a.keyBytes.length, b.keyBytes.length);
                    }
                    for (int i = 0; i < a.keyBytes.length; i++) {
                        int diff = (a.keyBytes[i] & 0xFF) - (b.keyBytes[i] & 0xFF);
                        if (diff != 0) {
                            return diff;
                        }
                    }
                    return 0;
                };

        private final String in;
        private int pos;

        JsonText(String in) {
            this.in = in;
        }

        String document() {
            StringBuilder out = new StringBuilder(in.length() + 16);
            value(out, 0);
            skipWhitespace();
            if (pos != in.length()) {
                throw error("unexpected text after the document");
            }
            return out.toString();
        }

        private void value(StringBuilder out, int depth) {
            if (depth > MAX_JSON_DEPTH) {
                throw error("the document nests deeper than " + MAX_JSON_DEPTH + " levels");
            }
            skipWhitespace();
            if (pos >= in.length()) {
                throw error("unexpected end of the text");
            }
            char c = in.charAt(pos);
            if (c == '{') {
                object(out, depth);
            } else if (c == '[') {
                array(out, depth);
            } else if (c == '"') {
                out.append(string());
            } else {
                out.append(scalar());
            }
        }

        private void object(StringBuilder out, int depth) {
            pos++;
            skipWhitespace();
            if (pos < in.length() && in.charAt(pos) == '}') {
                pos++;
                out.append("{}");
                return;
            }
            List<Member> members = new ArrayList<>();
            while (true) {
                skipWhitespace();
                if (pos >= in.length() || in.charAt(pos) != '"') {
                    throw error("expected an object key");
                }
                String key = string();
                skipWhitespace();
                expect(':');
                StringBuilder value = new StringBuilder();
                value(value, depth + 1);
                members.add(new Member(key, value));
                skipWhitespace();
                if (pos < in.length() && in.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                break;
            }
            members.sort(MYSQL_KEY_ORDER);
            out.append('{');
            for (int i = 0; i < members.size(); i++) {
                Member member = members.get(i);
                out.append(i == 0 ? "" : ", ").append(member.key).append(": ");
                out.append(member.value);
            }
            out.append('}');
        }

        private void array(StringBuilder out, int depth) {
            pos++;
            skipWhitespace();
            out.append('[');
            if (pos < in.length() && in.charAt(pos) == ']') {
                pos++;
                out.append(']');
                return;
            }
            while (true) {
                value(out, depth + 1);
                skipWhitespace();
                if (pos < in.length() && in.charAt(pos) == ',') {
                    pos++;
                    out.append(", ");
                    continue;
                }
                expect(']');
                out.append(']');
                return;
            }
        }

        /** A string literal, quotes and escapes included, as written. */
        private String string() {
            int start = pos++;
            while (pos < in.length()) {
                char c = in.charAt(pos++);
                if (c == '\\') {
                    pos++;
                } else if (c == '"') {
                    return in.substring(start, pos);
                }
            }
            throw error("unterminated string");
        }

        /** A number, true, false or null, as written. */
        private String scalar() {
            int start = pos;
            while (pos < in.length() && ",:]} \t\r\n".indexOf(in.charAt(pos)) < 0) {
                pos++;
            }
            String token = in.substring(start, pos);
            if (!"true".equals(token)
                    && !"false".equals(token)
                    && !"null".equals(token)
                    && !JSON_NUMBER.matcher(token).matches()) {
                pos = start;
                throw error("unexpected token");
            }
            return token;
        }

        private void expect(char c) {
            if (pos >= in.length() || in.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skipWhitespace() {
            while (pos < in.length() && " \t\r\n".indexOf(in.charAt(pos)) >= 0) {
                pos++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(
                    String.format(
                            "the value is not a JSON document (partial JSON updates, MySQL's"
                                    + " binlog_row_value_options=PARTIAL_JSON, are not"
                                    + " supported): %s at offset %d",
                            what, pos));
        }

        /** An object member: its key literal, the key's UTF-8 bytes and its rewritten value. */
        private static final class Member {
            final String key;
            final byte[] keyBytes;
            final CharSequence value;

            Member(String key, CharSequence value) {
                this.key = key;
                this.keyBytes = unescape(key).getBytes(StandardCharsets.UTF_8);
                this.value = value;
            }
        }

        /** The characters of a JSON string literal (with its quotes). */
        private static String unescape(String literal) {
            StringBuilder out = new StringBuilder(literal.length());
            int last = literal.length() - 1;
            for (int i = 1; i < last; i++) {
                char c = literal.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escaped = literal.charAt(++i);
                switch (escaped) {
                    case 'b':
                        out.append('\b');
                        break;
                    case 'f':
                        out.append('\f');
                        break;
                    case 'n':
                        out.append('\n');
                        break;
                    case 'r':
                        out.append('\r');
                        break;
                    case 't':
                        out.append('\t');
                        break;
                    case 'u':
                        try {
                            if (i + 5 > last) {
                                throw new NumberFormatException("short \\u escape");
                            }
                            out.append(
                                    (char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(
                                    "the value is not a JSON document: bad escape in the key "
                                            + literal,
                                    e);
                        }
                        i += 4;
                        break;
                    default:
                        // \" \\ \/
                        out.append(escaped);
                }
            }
            return out.toString();
        }
    }

    /** The unsigned big-endian value of a BIT(n) value (at most 8 bytes). */
    static long bitsToLong(byte[] value) {
        if (value.length > 8) {
            throw new IllegalArgumentException("a BIT value has at most 8 bytes");
        }
        long out = 0;
        for (byte b : value) {
            out = (out << 8) | (b & 0xFF);
        }
        return out;
    }

    /** A BIT(n) value as n binary digits, {@code b'0101'} as {@code 0101}. */
    static String bitsToText(byte[] value, int bitLength) {
        String digits = new BigInteger(1, value).toString(2);
        StringBuilder out = new StringBuilder(Math.max(bitLength, digits.length()));
        for (int i = digits.length(); i < bitLength; i++) {
            out.append('0');
        }
        return out.append(digits).toString();
    }

    /** MySQL's spatial value (4-byte little-endian SRID, then WKB) as its SRID. */
    static long geometrySrid(byte[] value) {
        checkGeometry(value);
        return ByteBuffer.wrap(value, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
    }

    /** MySQL's spatial value as base64 of its standard WKB (without the SRID). */
    static String geometryWkbBase64(byte[] value) {
        checkGeometry(value);
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(value, 4, value.length));
    }

    /** MySQL's spatial value as {@code {"srid":4326,"wkb":"<base64 of the WKB>"}}. */
    static String geometryJson(byte[] value) {
        return "{\"srid\":"
                + geometrySrid(value)
                + ",\"wkb\":\""
                + geometryWkbBase64(value)
                + "\"}";
    }

    private static void checkGeometry(byte[] value) {
        if (value.length < 5) {
            throw new IllegalArgumentException(
                    "a spatial value needs a 4-byte SRID and WKB, got " + value.length + " bytes");
        }
    }

    /** A VECTOR value (little-endian IEEE 754 floats) as floats. */
    static float[] vectorToFloats(byte[] value) {
        if (value.length % 4 != 0) {
            throw new IllegalArgumentException(
                    "a VECTOR value has 4 bytes per element, got " + value.length + " bytes");
        }
        float[] out = new float[value.length / 4];
        ByteBuffer buffer = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = buffer.getFloat();
        }
        return out;
    }

    /** Whether a logical type is one of Flink's character string types. */
    static boolean isCharacterString(LogicalType type) {
        switch (type.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
                return true;
            default:
                return false;
        }
    }
}
