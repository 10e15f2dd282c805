package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import java.util.ArrayList;
import java.util.List;

/**
 * The Flink SQL type of a MySQL column, following Flink CDC's {@code mysql-cdc} mapping (see {@code
 * docs/type-mapping.md}): the type a table gets when the user declares none.
 */
@Internal
public final class MySqlTypeMapping {

    /** Flink's largest DECIMAL precision. */
    public static final int MAX_FLINK_DECIMAL_PRECISION = 38;

    /** The largest precision Flink's TIME keeps at runtime (it stores milliseconds of the day). */
    public static final int MAX_FLINK_TIME_PRECISION = 3;

    private MySqlTypeMapping() {}

    /**
     * The Flink type a user expects for a MySQL column, with {@code NOT NULL} when the column is
     * {@code NOT NULL}.
     *
     * @throws IllegalArgumentException for a type this connector does not support
     */
    public static DataType toDataType(MySqlColumn column) {
        DataType type = defaultType(column);
        return column.notNull() ? type.notNull() : type.nullable();
    }

    /** The default Flink row type of the columns of a table, in their order. */
    public static RowType toRowType(List<MySqlColumn> columns) {
        List<RowType.RowField> rowFields = new ArrayList<>(columns.size());
        for (MySqlColumn column : columns) {
            rowFields.add(new RowType.RowField(column.name(), toDataType(column).getLogicalType()));
        }
        return new RowType(false, rowFields);
    }

    /** The physical row data type (as a {@code ROW<...> NOT NULL}) of the columns of a table. */
    public static DataType toRowDataType(List<MySqlColumn> columns) {
        List<DataTypes.Field> rowFields = new ArrayList<>(columns.size());
        for (MySqlColumn column : columns) {
            rowFields.add(DataTypes.FIELD(column.name(), toDataType(column)));
        }
        return DataTypes.ROW(rowFields.toArray(new DataTypes.Field[0])).notNull();
    }

    private static DataType defaultType(MySqlColumn column) {
        switch (column.kind()) {
            case TINYINT:
                return column.tinyIntOne() ? DataTypes.BOOLEAN() : DataTypes.TINYINT();
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
                return column.precision() <= MAX_FLINK_DECIMAL_PRECISION
                        ? DataTypes.DECIMAL(column.precision(), column.scale())
                        : DataTypes.STRING();
            case DATE:
                return DataTypes.DATE();
            case TIME:
                return DataTypes.TIME(Math.min(column.fsp(), MAX_FLINK_TIME_PRECISION));
            case DATETIME:
                return DataTypes.TIMESTAMP(column.fsp());
            case TIMESTAMP:
                return DataTypes.TIMESTAMP_LTZ(column.fsp());
            case BIT:
                return column.bitLength() == 1 ? DataTypes.BOOLEAN() : DataTypes.BYTES();
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
                throw new IllegalStateException("Unhandled kind " + column.kind());
        }
    }
}
