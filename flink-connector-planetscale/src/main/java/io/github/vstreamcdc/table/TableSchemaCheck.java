package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.RowType;

/**
 * Checks, while a query is planned, that what a {@code planetscale-cdc} table declares matches the
 * database: shards, tables, columns and their types.
 */
@Internal
public interface TableSchemaCheck {

    /**
     * @param table the Flink table, for messages
     * @param options the table's options
     * @param declaredType the declared physical columns
     * @throws ValidationException naming the option, table or column that does not match
     */
    void check(String table, PlanetScaleSourceConfig options, RowType declaredType);
}
