package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.config.DroppedColumnHandling;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.util.FlinkRuntimeException;

import javax.annotation.Nullable;

/**
 * The failure when a table's rows, in their current shape, no longer fit the declared row type: it
 * names the table, shard, position and change, and says what the user can do.
 */
@Internal
final class SchemaMismatch {

    private SchemaMismatch() {}

    static FlinkRuntimeException of(
            ValidationException cause,
            String keyspace,
            String table,
            String shard,
            @Nullable String position,
            @Nullable SchemaChangeEvent change,
            DroppedColumnHandling droppedColumns) {
        StringBuilder message = new StringBuilder();
        if (change != null) {
            message.append(
                    String.format(
                            "The schema of table '%s.%s' changed on shard %s at position %s%s. ",
                            keyspace,
                            table,
                            shard,
                            position,
                            change.ddl() == null ? "" : " (" + change.ddl() + ")"));
        } else {
            message.append(
                    String.format(
                            "The rows of table '%s.%s' on shard %s at position %s no longer fit the"
                                    + " declared columns. ",
                            keyspace, table, shard, position == null ? "(unknown)" : position));
        }
        message.append(cause.getMessage()).append(". ");
        message.append(
                "Declared columns are matched to the table's columns by name. To go on, declare"
                        + " the table as it is now (a renamed column under its new name, a"
                        + " changed type with a Flink type that holds it) and start the job again");
        if (droppedColumns == DroppedColumnHandling.FAIL) {
            message.append(
                    String.format(
                            "; or, to read a dropped column as NULL from here on, declare it"
                                    + " nullable and set '%s' = '%s'",
                            PlanetScaleSourceOptions.SCHEMA_CHANGE_DROPPED_COLUMN.key(),
                            DroppedColumnHandling.NULL.value()));
        }
        message.append('.');
        return new FlinkRuntimeException(message.toString(), cause);
    }
}
