package io.github.vstreamcdc.source.types;

import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.Collections;
import java.util.List;

/**
 * What this connector needs to know about one column: its kind and the facts of its type that the
 * conversions depend on. Built from a VStream FIELD event's {@link Query.Field} at runtime, or from
 * {@code information_schema}'s name, {@code column_type} and nullability at planning time; both
 * read the type through {@link MySqlColumnType}, so they describe a column alike.
 *
 * <p>A column of a type this connector does not support is still described (tables may have such
 * columns as long as they are not read); {@link #checkSupported()} fails where its values are
 * needed.
 */
@Internal
public final class MySqlColumn {

    /** MySQL's {@code NOT_NULL_FLAG}. */
    static final int FLAG_NOT_NULL = 1;

    /** MySQL's {@code UNSIGNED_FLAG}. */
    static final int FLAG_UNSIGNED = 32;

    /** The collation id of MySQL's {@code binary} character set. */
    static final int CHARSET_BINARY = 63;

    private final String name;
    @Nullable private final MySqlKind kind;
    private final String typeName;
    private final String unsupportedType;
    private final boolean notNull;
    private final int charset;
    private final boolean tinyIntOne;
    private final int precision;
    private final int scale;
    private final int fsp;
    private final int bitLength;
    private final MySqlColumnType columnType;
    private List<String> members;

    private MySqlColumn(
            String name,
            @Nullable MySqlKind kind,
            String typeName,
            String unsupportedType,
            boolean notNull,
            int charset,
            boolean tinyIntOne,
            int precision,
            int scale,
            int fsp,
            int bitLength,
            MySqlColumnType columnType) {
        this.name = name;
        this.kind = kind;
        this.typeName = typeName;
        this.unsupportedType = unsupportedType;
        this.notNull = notNull;
        this.charset = charset;
        this.tinyIntOne = tinyIntOne;
        this.precision = precision;
        this.scale = scale;
        this.fsp = fsp;
        this.bitLength = bitLength;
        this.columnType = columnType;
    }

    /** A column as a VStream FIELD event describes it. */
    public static MySqlColumn of(Query.Field field) {
        MySqlColumnType type = MySqlColumnType.parse(field.getColumnType());
        boolean unsigned =
                (field.getFlags() & FLAG_UNSIGNED) != 0
                        || type.isUnsigned()
                        || (field.getTypeValue() & Query.Flag.ISUNSIGNED_VALUE) != 0;
        return describe(
                field.getName(),
                kindOf(field, type, unsigned),
                type,
                type.isEmpty() ? field.getType().name() : type.text(),
                "Vitess type " + field.getType(),
                (field.getFlags() & FLAG_NOT_NULL) != 0,
                unsigned,
                field.getCharset(),
                field.getColumnLength(),
                field.getDecimals());
    }

    /**
     * A column as {@code information_schema} describes it: MySQL's {@code column_type} text and
     * whether it is nullable. The character set is unknown (0).
     */
    public static MySqlColumn of(String name, String columnType, boolean nullable) {
        return of(name, columnType, nullable, 0);
    }

    /**
     * A column as {@code information_schema} describes it, with a collation id of its character set
     * ({@link MySqlCharsets#collationId}; 0 if unknown).
     */
    public static MySqlColumn of(
            String name, String columnType, boolean nullable, int collationId) {
        MySqlColumnType type = MySqlColumnType.parse(columnType);
        return describe(
                name,
                type.kind(),
                type,
                type.text(),
                "MySQL type " + type.text(),
                !nullable,
                type.isUnsigned(),
                collationId,
                0,
                0);
    }

    /**
     * @param columnLength and {@code decimals}: what decides the type's facts when the server sent
     *     no {@code column_type}
     */
    private static MySqlColumn describe(
            String name,
            @Nullable MySqlKind kind,
            MySqlColumnType type,
            String typeName,
            String unsupportedType,
            boolean notNull,
            boolean unsigned,
            int charset,
            int columnLength,
            int decimals) {
        boolean tinyIntOne = false;
        int precision = 0;
        int scale = 0;
        int fsp = 0;
        int bitLength = 0;
        if (kind != null) {
            switch (kind) {
                case TINYINT:
                case TINYINT_UNSIGNED:
                    tinyIntOne = type.isEmpty() ? columnLength == 1 : type.isTinyIntOne();
                    break;
                case DECIMAL:
                    if (!type.isEmpty()) {
                        precision = type.decimalPrecision();
                        scale = type.decimalScale();
                    } else {
                        // MySQL's column length counts the sign and the decimal point.
                        scale = decimals;
                        precision = columnLength - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
                    }
                    precision = Math.max(1, Math.max(precision, scale));
                    break;
                case TIME:
                case DATETIME:
                case TIMESTAMP:
                    fsp = type.isEmpty() ? decimals : type.intArg(0);
                    fsp = Math.max(0, Math.min(6, fsp));
                    break;
                case BIT:
                    bitLength = type.isEmpty() ? columnLength : type.intArg(1);
                    bitLength = Math.max(1, Math.min(64, bitLength));
                    break;
                default:
                    break;
            }
        }
        return new MySqlColumn(
                name,
                kind,
                typeName,
                unsupportedType,
                notNull,
                charset,
                tinyIntOne,
                precision,
                scale,
                fsp,
                bitLength,
                type);
    }

    public String name() {
        return name;
    }

    /** Whether this connector can read the column's values. */
    public boolean isSupported() {
        return kind != null;
    }

    /**
     * @throws IllegalArgumentException if this connector cannot read the column's values
     */
    public void checkSupported() {
        if (kind == null) {
            throw new IllegalArgumentException(
                    String.format(
                            "Column '%s' has %s, which is not a column type this connector"
                                    + " supports",
                            name, unsupportedType));
        }
    }

    /**
     * The kind of the column's type.
     *
     * @throws IllegalArgumentException if the type is not supported
     */
    public MySqlKind kind() {
        checkSupported();
        return kind;
    }

    /** The MySQL type for messages: {@code column_type}, else the Vitess type name. */
    public String typeName() {
        return typeName;
    }

    /** What the unsupported type is, for messages: {@code Vitess type TUPLE}. */
    public String unsupportedType() {
        return unsupportedType;
    }

    public boolean notNull() {
        return notNull;
    }

    /** The collation id of the column's character set (63: binary); 0 if unknown. */
    public int charset() {
        return charset;
    }

    /** TINYINT(1), MySQL's BOOL. */
    public boolean tinyIntOne() {
        return tinyIntOne;
    }

    /** DECIMAL precision. */
    public int precision() {
        return precision;
    }

    /** DECIMAL scale. */
    public int scale() {
        return scale;
    }

    /** Fractional seconds of TIME, DATETIME and TIMESTAMP (0..6). */
    public int fsp() {
        return fsp;
    }

    /** Bits of a BIT(n) column. */
    public int bitLength() {
        return bitLength;
    }

    /** The members of an ENUM or SET, parsed from {@code column_type}; empty if unknown. */
    public List<String> members() {
        if (members == null) {
            members =
                    kind == MySqlKind.ENUM || kind == MySqlKind.SET
                            ? columnType.members()
                            : Collections.emptyList();
        }
        return members;
    }

    @Override
    public String toString() {
        return name + " " + typeName + (notNull ? " NOT NULL" : "");
    }

    @Nullable
    private static MySqlKind kindOf(Query.Field field, MySqlColumnType type, boolean unsigned) {
        switch (field.getType()) {
            case INT8:
            case UINT8:
                return unsigned ? MySqlKind.TINYINT_UNSIGNED : MySqlKind.TINYINT;
            case INT16:
            case UINT16:
                return unsigned ? MySqlKind.SMALLINT_UNSIGNED : MySqlKind.SMALLINT;
            case INT24:
            case UINT24:
                return unsigned ? MySqlKind.MEDIUMINT_UNSIGNED : MySqlKind.MEDIUMINT;
            case INT32:
            case UINT32:
                return unsigned ? MySqlKind.INT_UNSIGNED : MySqlKind.INT;
            case INT64:
            case UINT64:
                return unsigned ? MySqlKind.BIGINT_UNSIGNED : MySqlKind.BIGINT;
            case YEAR:
                return MySqlKind.YEAR;
            case FLOAT32:
                return MySqlKind.FLOAT;
            case FLOAT64:
                return MySqlKind.DOUBLE;
            case DECIMAL:
                return MySqlKind.DECIMAL;
            case DATE:
                return MySqlKind.DATE;
            case TIME:
                return MySqlKind.TIME;
            case DATETIME:
                return MySqlKind.DATETIME;
            case TIMESTAMP:
                return MySqlKind.TIMESTAMP;
            case BIT:
                return MySqlKind.BIT;
            case ENUM:
                return MySqlKind.ENUM;
            case SET:
                return MySqlKind.SET;
            case JSON:
                return MySqlKind.JSON;
            case GEOMETRY:
                return MySqlKind.GEOMETRY;
            case VECTOR:
                return MySqlKind.VECTOR;
            case CHAR:
            case VARCHAR:
            case TEXT:
            case BINARY:
            case VARBINARY:
            case BLOB:
                return stringKind(field, type);
            default:
                // TUPLE, EXPRESSION, ...: not column types.
                return null;
        }
    }

    /**
     * Vitess turns a text column with a binary collation ({@code utf8mb4_bin}) into VARBINARY or
     * BLOB, and an ENUM or SET with such a collation into BINARY: {@code column_type} and the
     * character set tell the real type.
     */
    private static MySqlKind stringKind(Query.Field field, MySqlColumnType type) {
        MySqlKind named = type.kind();
        if (named != null) {
            switch (named) {
                case TEXT:
                case BINARY:
                case ENUM:
                case SET:
                case JSON:
                case VECTOR:
                case GEOMETRY:
                    return named;
                default:
                    break;
            }
        }
        if (field.getCharset() == CHARSET_BINARY) {
            return MySqlKind.BINARY;
        }
        if (field.getCharset() != 0) {
            return MySqlKind.TEXT;
        }
        switch (field.getType()) {
            case BINARY:
            case VARBINARY:
            case BLOB:
                return MySqlKind.BINARY;
            default:
                return MySqlKind.TEXT;
        }
    }
}
