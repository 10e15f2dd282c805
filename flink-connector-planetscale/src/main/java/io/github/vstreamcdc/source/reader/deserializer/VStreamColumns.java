package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The columns of a VStream FIELD event, as {@link RowChangeEvent#columns()} hands them on. */
@Internal
public final class VStreamColumns {

    private VStreamColumns() {}

    /**
     * Describes the fields of one FIELD event. Call it once per FIELD event and share the result
     * among the event's rows: deserializers cache their converters by the list's identity.
     */
    public static List<ColumnDescription> of(List<Query.Field> fields) {
        List<ColumnDescription> columns = new ArrayList<>(fields.size());
        for (Query.Field field : fields) {
            columns.add(ColumnDescription.of(MySqlColumn.of(field)));
        }
        return Collections.unmodifiableList(columns);
    }

    /** The parsed columns of a change's column list. */
    public static List<MySqlColumn> parsed(List<ColumnDescription> columns) {
        List<MySqlColumn> out = new ArrayList<>(columns.size());
        for (ColumnDescription column : columns) {
            out.add(column.mysqlColumn());
        }
        return out;
    }
}
