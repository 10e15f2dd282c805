package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * MySQL's {@code column_type} text, parsed: {@code decimal(12,2) unsigned}, {@code enum('a','b')},
 * {@code varchar(20)}, {@code bit(3)}. The same text comes from {@code information_schema} (and
 * {@code SHOW FULL COLUMNS}) at planning time and in the {@code column_type} of the fields of a
 * VStream FIELD event at runtime; both are read by this one parser.
 *
 * <p>Parsing is lenient: arguments that are not numbers fall back to MySQL's defaults, and a type
 * name this connector does not know has no {@link #kind()}.
 */
@Internal
public final class MySqlColumnType {

    private static final MySqlColumnType EMPTY = new MySqlColumnType("");

    private final String text;
    private final String baseName;
    @Nullable private final String args;
    private final boolean unsigned;

    private MySqlColumnType(String text) {
        this.text = text;
        String lower = text.toLowerCase(Locale.ROOT);
        this.baseName = baseName(lower);
        this.args = args(lower);
        this.unsigned = lower.contains(" unsigned");
    }

    /** Parses a {@code column_type}; null or blank gives the empty type. */
    public static MySqlColumnType parse(@Nullable String columnType) {
        String text = columnType == null ? "" : columnType.trim();
        return text.isEmpty() ? EMPTY : new MySqlColumnType(text);
    }

    /** The text as given, trimmed. */
    public String text() {
        return text;
    }

    /** No text: the server sent no {@code column_type}. */
    public boolean isEmpty() {
        return text.isEmpty();
    }

    /** The type name in lower case, without arguments or attributes: {@code decimal}. */
    public String baseName() {
        return baseName;
    }

    /** The text between the first parentheses, in lower case; null without parentheses. */
    @Nullable
    public String args() {
        return args;
    }

    /** Whether the type has the {@code unsigned} attribute. */
    public boolean isUnsigned() {
        return unsigned;
    }

    /**
     * The kind the type name stands for, integers signed or unsigned as the text says; null for a
     * name this connector does not know (and for the empty type).
     */
    @Nullable
    public MySqlKind kind() {
        switch (baseName) {
            case "tinyint":
                return unsigned ? MySqlKind.TINYINT_UNSIGNED : MySqlKind.TINYINT;
            case "smallint":
                return unsigned ? MySqlKind.SMALLINT_UNSIGNED : MySqlKind.SMALLINT;
            case "mediumint":
                return unsigned ? MySqlKind.MEDIUMINT_UNSIGNED : MySqlKind.MEDIUMINT;
            case "int":
            case "integer":
                return unsigned ? MySqlKind.INT_UNSIGNED : MySqlKind.INT;
            case "bigint":
                return unsigned ? MySqlKind.BIGINT_UNSIGNED : MySqlKind.BIGINT;
            case "year":
                return MySqlKind.YEAR;
            case "float":
                return MySqlKind.FLOAT;
            case "double":
            case "real":
                return MySqlKind.DOUBLE;
            case "decimal":
            case "numeric":
                return MySqlKind.DECIMAL;
            case "date":
                return MySqlKind.DATE;
            case "time":
                return MySqlKind.TIME;
            case "datetime":
                return MySqlKind.DATETIME;
            case "timestamp":
                return MySqlKind.TIMESTAMP;
            case "bit":
                return MySqlKind.BIT;
            case "char":
            case "varchar":
            case "tinytext":
            case "text":
            case "mediumtext":
            case "longtext":
                return MySqlKind.TEXT;
            case "binary":
            case "varbinary":
            case "tinyblob":
            case "blob":
            case "mediumblob":
            case "longblob":
                return MySqlKind.BINARY;
            case "enum":
                return MySqlKind.ENUM;
            case "set":
                return MySqlKind.SET;
            case "json":
                return MySqlKind.JSON;
            case "vector":
                return MySqlKind.VECTOR;
            case "geometry":
            case "point":
            case "linestring":
            case "polygon":
            case "multipoint":
            case "multilinestring":
            case "multipolygon":
            case "geometrycollection":
            case "geomcollection":
                return MySqlKind.GEOMETRY;
            default:
                return null;
        }
    }

    /** TINYINT(1), MySQL's BOOL. */
    public boolean isTinyIntOne() {
        return ("tinyint".equals(baseName) && "1".equals(args))
                || "bool".equals(baseName)
                || "boolean".equals(baseName);
    }

    /** The first argument as a number ({@code 3} of {@code bit(3)}), or the fallback. */
    public int intArg(int fallback) {
        return parseInt(args, fallback);
    }

    /** The precision of {@code decimal(p,s)}: MySQL's default 10 without it. */
    public int decimalPrecision() {
        String[] ps = decimalArgs();
        return ps.length > 0 ? parseInt(ps[0], 10) : 10;
    }

    /** The scale of {@code decimal(p,s)}: 0 without it. */
    public int decimalScale() {
        String[] ps = decimalArgs();
        return ps.length > 1 ? parseInt(ps[1], 0) : 0;
    }

    private String[] decimalArgs() {
        return args == null ? new String[0] : args.split(",");
    }

    /**
     * The members of {@code enum('a','b')} or {@code set('a','b')}: quoted SQL strings, with {@code
     * ''} and backslash escapes. Empty if there are none.
     */
    public List<String> members() {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            return Collections.emptyList();
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = null;
        for (int i = open + 1; i < close; i++) {
            char c = text.charAt(i);
            if (current == null) {
                if (c == '\'') {
                    current = new StringBuilder();
                }
                continue;
            }
            if (c == '\\' && i + 1 < close) {
                current.append(unescape(text.charAt(++i)));
            } else if (c == '\'') {
                if (i + 1 < close && text.charAt(i + 1) == '\'') {
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

    @Override
    public String toString() {
        return text;
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

    private static String baseName(String lower) {
        int end = 0;
        while (end < lower.length() && lower.charAt(end) != '(' && lower.charAt(end) != ' ') {
            end++;
        }
        return lower.substring(0, end);
    }

    /** The text between the first parentheses, or null. */
    @Nullable
    private static String args(String lower) {
        int open = lower.indexOf('(');
        int close = lower.indexOf(')', open + 1);
        return open < 0 || close < 0 ? null : lower.substring(open + 1, close).trim();
    }

    private static int parseInt(@Nullable String text, int fallback) {
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
