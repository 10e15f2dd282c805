package io.github.vstreamcdc.source.snapshot;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How the values of one primary-key column compare, so that the reader can tell which chunk a
 * binlog row's key falls into exactly as MySQL ordered the chunk boundaries. Only kinds whose order
 * Java reproduces exactly are chunked; a table with another key column type keeps the VStream copy.
 */
@Internal
public enum KeyKind {
    /** Integer types, signed or unsigned: numeric order. */
    INTEGER,
    /** DECIMAL: numeric order. */
    DECIMAL,
    /** DATE, DATETIME, TIMESTAMP, YEAR: fixed-width text, whose byte order is the time order. */
    TEMPORAL,
    /** BINARY, VARBINARY (and the binary charset): unsigned byte order. */
    BYTES,
    /**
     * Text with a {@code _bin} collation that pads with spaces: code point order, blanks trimmed.
     */
    TEXT_BIN_PAD,
    /** Text with a {@code _0900_bin} collation (no padding): code point order. */
    TEXT_BIN;

    /**
     * The kind of a column, from {@code SHOW FULL COLUMNS}' type and collation; null when its order
     * cannot be reproduced (floating point, TIME, ENUM, case-insensitive text, ...).
     */
    @Nullable
    public static KeyKind of(String columnType, @Nullable String collation) {
        String type = columnType.toLowerCase(Locale.ROOT).trim();
        int paren = type.indexOf('(');
        String base = (paren < 0 ? type.split(" ")[0] : type.substring(0, paren)).trim();
        switch (base) {
            case "tinyint":
            case "smallint":
            case "mediumint":
            case "int":
            case "integer":
            case "bigint":
                return INTEGER;
            case "decimal":
            case "numeric":
                return DECIMAL;
            case "date":
            case "datetime":
            case "timestamp":
            case "year":
                return TEMPORAL;
            case "binary":
            case "varbinary":
                return BYTES;
            case "char":
            case "varchar":
                if (collation == null) {
                    return null;
                }
                String c = collation.toLowerCase(Locale.ROOT);
                if (c.equals("binary")) {
                    return BYTES;
                }
                // UTF-8 (or ASCII) text only: its byte order is its code point order, and it is
                // the encoding in which both the chunk queries and VStream return the values.
                if (!(c.startsWith("utf8mb4_")
                        || c.startsWith("utf8mb3_")
                        || c.startsWith("utf8_")
                        || c.startsWith("ascii_"))) {
                    return null;
                }
                if (c.endsWith("_0900_bin")) {
                    return TEXT_BIN;
                }
                return c.endsWith("_bin") ? TEXT_BIN_PAD : null;
            default:
                return null;
        }
    }

    /** Compares two non-null values of this kind, as MySQL text values. */
    int compare(byte[] a, byte[] b) {
        switch (this) {
            case INTEGER:
                return compareIntegers(a, b);
            case DECIMAL:
                return new BigDecimal(ascii(a)).compareTo(new BigDecimal(ascii(b)));
            case TEXT_BIN_PAD:
                return comparePadded(a, b);
            default:
                // UTF-8's byte order is its code point order.
                return compareBytes(a, a.length, b, b.length);
        }
    }

    private static int compareIntegers(byte[] a, byte[] b) {
        if (a.length < 19 && b.length < 19) {
            return Long.compare(Long.parseLong(ascii(a)), Long.parseLong(ascii(b)));
        }
        return new BigInteger(ascii(a)).compareTo(new BigInteger(ascii(b)));
    }

    private static String ascii(byte[] value) {
        return new String(value, StandardCharsets.US_ASCII).trim();
    }

    /**
     * MySQL's PAD SPACE order: the shorter value compares as if padded with spaces, so {@code "a"}
     * equals {@code "a "} and sorts after {@code "a\t"} (a byte below the space).
     */
    private static int comparePadded(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int diff = (a[i] & 0xff) - (b[i] & 0xff);
            if (diff != 0) {
                return diff;
            }
        }
        byte[] longer = a.length > b.length ? a : b;
        for (int i = n; i < longer.length; i++) {
            int diff = (longer[i] & 0xff) - ' ';
            if (diff != 0) {
                return longer == a ? diff : -diff;
            }
        }
        return 0;
    }

    private static int compareBytes(byte[] a, int aLength, byte[] b, int bLength) {
        int n = Math.min(aLength, bLength);
        for (int i = 0; i < n; i++) {
            int diff = (a[i] & 0xff) - (b[i] & 0xff);
            if (diff != 0) {
                return diff;
            }
        }
        return Integer.compare(aLength, bLength);
    }
}
