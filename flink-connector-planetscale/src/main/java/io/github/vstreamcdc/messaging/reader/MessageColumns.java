package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.source.types.MySqlKind;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The columns a message stream sends ({@code id} first, then the table's other columns or those of
 * its {@code vt_message_cols}), described as the table declares them. One instance per stream
 * connection: records share it, so converters can be cached per instance.
 */
@Internal
public final class MessageColumns {

    static final String ID = "id";
    static final String EPOCH = "epoch";
    static final String TIME_CREATED = "time_created";

    private final List<String> names;
    private final List<MySqlColumn> columns;
    private final int idIndex;
    private final int epochIndex;
    private final int timeCreatedIndex;
    private final boolean numericId;

    /**
     * @param streamed the names the stream's result set has, in order
     * @param declared the table's columns ({@code SHOW FULL COLUMNS})
     * @throws IllegalStateException if the stream has no {@code id} or a column the table lacks
     */
    public MessageColumns(List<String> streamed, List<MySqlColumn> declared, String table) {
        Map<String, MySqlColumn> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (MySqlColumn column : declared) {
            byName.put(column.name(), column);
        }
        List<MySqlColumn> described = new ArrayList<>();
        for (String name : streamed) {
            MySqlColumn column = byName.get(name);
            if (column == null) {
                throw new IllegalStateException(
                        "The message stream of '"
                                + table
                                + "' sends column '"
                                + name
                                + "', which SHOW FULL COLUMNS does not list; was the table"
                                + " altered?");
            }
            described.add(column);
        }
        this.names = Collections.unmodifiableList(new ArrayList<>(streamed));
        this.columns = Collections.unmodifiableList(described);
        this.idIndex = indexOf(ID);
        if (idIndex < 0) {
            throw new IllegalStateException(
                    "The message stream of '" + table + "' has no 'id' column: " + names);
        }
        this.epochIndex = indexOf(EPOCH);
        this.timeCreatedIndex = indexOf(TIME_CREATED);
        this.numericId = isInteger(columns.get(idIndex));
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).toLowerCase(Locale.ROOT).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isInteger(MySqlColumn column) {
        MySqlKind kind = column.kind();
        return kind != null && kind.isInteger() && kind != MySqlKind.YEAR;
    }

    public List<String> names() {
        return names;
    }

    public List<MySqlColumn> columns() {
        return columns;
    }

    public int idIndex() {
        return idIndex;
    }

    /** Index of a streamed {@code epoch} column; -1 if the table does not stream it. */
    public int epochIndex() {
        return epochIndex;
    }

    /** Index of a streamed {@code time_created} column; -1 if none. */
    public int timeCreatedIndex() {
        return timeCreatedIndex;
    }

    public boolean numericId() {
        return numericId;
    }

    @Override
    public String toString() {
        return names.toString();
    }
}
