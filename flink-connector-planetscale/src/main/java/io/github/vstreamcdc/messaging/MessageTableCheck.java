package io.github.vstreamcdc.messaging;

import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that a table is a Vitess message table before any message stream is opened: the stream of
 * another table fails only after its reconnect attempts. The rule is Vitess' own (its tablet schema
 * engine, {@code tabletserver/schema/load_table.go}): the table comment contains {@code
 * vitess_message}, and the table has the columns the message manager needs. A comment that cannot
 * be read leaves the columns to decide, so that a real message table is never refused.
 */
@Internal
public final class MessageTableCheck {

    private static final Logger LOG = LoggerFactory.getLogger(MessageTableCheck.class);

    /** What a message table's comment contains. */
    static final String MARKER = "vitess_message";

    /** The columns Vitess' message manager requires of a message table. */
    static final List<String> REQUIRED_COLUMNS =
            Collections.unmodifiableList(
                    Arrays.asList("id", "priority", "time_next", "epoch", "time_acked"));

    /** What the check asks VTGate: {@link #vtgate} in production, a fake in tests. */
    public interface Lookup {

        /** The table's columns; empty (or a {@link VitessException}) when it does not exist. */
        List<MySqlColumn> listColumns(String keyspace, String table);

        /** The table's comment; null when it cannot be read. */
        @Nullable
        String tableComment(String keyspace, String table);
    }

    private MessageTableCheck() {}

    /** The lookup over VTGate's MySQL protocol. */
    public static Lookup vtgate(VtgateSqlClient sql) {
        return new Lookup() {
            @Override
            public List<MySqlColumn> listColumns(String keyspace, String table) {
                return sql.listColumns(keyspace, table);
            }

            @Override
            public String tableComment(String keyspace, String table) {
                try {
                    return sql.tableComment(keyspace, table);
                } catch (VitessException e) {
                    // the columns, read just before over the same endpoint, still decide
                    LOG.warn(
                            "Cannot read the comment of {}.{}; checking its columns only: {}",
                            keyspace,
                            table,
                            e.getMessage());
                    return null;
                }
            }
        };
    }

    /**
     * Checks the table and returns its columns.
     *
     * @throws IllegalArgumentException if the table does not exist or is not a message table,
     *     naming it and what makes a message table
     */
    public static List<MySqlColumn> check(Lookup lookup, String keyspace, String table) {
        String qualified = "'" + keyspace + "." + table + "'";
        List<MySqlColumn> columns = lookup.listColumns(keyspace, table);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(
                    "Table "
                            + qualified
                            + " does not exist (option 'table-name' names a message table of"
                            + " keyspace '"
                            + keyspace
                            + "')");
        }
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (MySqlColumn column : columns) {
            names.add(column.name());
        }
        List<String> missing = new ArrayList<>();
        for (String required : REQUIRED_COLUMNS) {
            if (!names.contains(required)) {
                missing.add(required);
            }
        }
        String comment = lookup.tableComment(keyspace, table);
        boolean marked = comment == null || comment.contains(MARKER);
        if (marked && missing.isEmpty()) {
            return columns;
        }
        List<String> reasons = new ArrayList<>();
        if (!marked) {
            reasons.add(
                    comment.isEmpty()
                            ? "it has no table comment"
                            : "its comment '" + abbreviate(comment) + "' lacks '" + MARKER + "'");
        }
        if (!missing.isEmpty()) {
            reasons.add("it lacks the columns " + String.join(", ", missing));
        }
        throw new IllegalArgumentException(
                "Table "
                        + qualified
                        + " is not a Vitess message table: "
                        + String.join(", and ", reasons)
                        + ". A message table has a comment starting with '"
                        + MARKER
                        + "' (e.g. COMMENT 'vitess_message,vt_ack_wait=30,vt_purge_after=86400,"
                        + "vt_batch_size=10,vt_cache_size=10000,vt_poller_interval=30') and the"
                        + " columns "
                        + String.join(", ", REQUIRED_COLUMNS));
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
