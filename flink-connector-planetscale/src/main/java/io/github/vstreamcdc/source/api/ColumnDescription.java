package io.github.vstreamcdc.source.api;

import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.source.types.MySqlTypeMapping;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.types.DataType;

/**
 * One column of a changed row ({@link RowChangeEvent#columns()}), as MySQL describes it: its name,
 * its type as MySQL's {@code column_type} spells it ({@code decimal(12,2) unsigned}, {@code
 * enum('a','b')}), whether it is nullable and its character set.
 */
@PublicEvolving
public final class ColumnDescription {

    private final MySqlColumn column;

    private ColumnDescription(MySqlColumn column) {
        this.column = column;
    }

    /**
     * A column as {@code information_schema.COLUMNS} describes it, for tests of deserializers: the
     * same description the connector builds from a VStream FIELD event, without the character set.
     *
     * @param columnType MySQL's {@code COLUMN_TYPE}, such as {@code varchar(20)} or {@code int
     *     unsigned}
     */
    public static ColumnDescription of(String name, String columnType, boolean nullable) {
        return new ColumnDescription(MySqlColumn.of(name, columnType, nullable));
    }

    /** The description of a column the connector has parsed. */
    @Internal
    public static ColumnDescription of(MySqlColumn column) {
        return new ColumnDescription(column);
    }

    public String name() {
        return column.name();
    }

    /**
     * The type as MySQL's {@code column_type} spells it, such as {@code decimal(12,2) unsigned};
     * Vitess' type name (such as {@code INT64}) when the server does not send {@code column_type}.
     */
    public String columnType() {
        return column.typeName();
    }

    /** Whether the column may hold SQL NULL. */
    public boolean nullable() {
        return !column.notNull();
    }

    /** MySQL's collation id of the column's character set (63 for binary); 0 if unknown. */
    public int charset() {
        return column.charset();
    }

    /**
     * The Flink type of the column's values when none is declared (see {@code
     * docs/type-mapping.md}).
     *
     * @throws IllegalArgumentException for a type the connector does not support
     */
    public DataType defaultDataType() {
        return MySqlTypeMapping.toDataType(column);
    }

    /** The parsed column, for the connector's own converters. */
    @Internal
    public MySqlColumn mysqlColumn() {
        return column;
    }

    @Override
    public String toString() {
        return column.toString();
    }
}
