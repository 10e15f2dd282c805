package io.github.vstreamcdc.messaging;

import io.github.vstreamcdc.messaging.reader.MessageColumns;
import io.github.vstreamcdc.messaging.split.MessageId;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One message as a shard's message stream delivered it: the streamed columns' values in their MySQL
 * text encoding, and where it came from. A message can arrive more than once (at-least-once
 * delivery); {@link #epoch()} tells a redelivery when the table streams its {@code epoch} column.
 */
@PublicEvolving
public final class VitessMessage {

    private final String keyspace;
    private final String table;
    private final String shard;
    private final MessageColumns columns;
    private final byte[][] values;
    private final MessageId id;
    private final long receivedAtMillis;

    @Internal
    public VitessMessage(
            String keyspace,
            String table,
            String shard,
            MessageColumns columns,
            byte[][] values,
            long receivedAtMillis) {
        this.keyspace = keyspace;
        this.table = table;
        this.shard = shard;
        this.columns = columns;
        this.values = values;
        this.receivedAtMillis = receivedAtMillis;
        this.id = MessageId.of(values[columns.idIndex()], columns.numericId());
    }

    public String keyspace() {
        return keyspace;
    }

    public String table() {
        return table;
    }

    public String shard() {
        return shard;
    }

    /** The message's {@code id} as text: the key to deduplicate redeliveries by. */
    public String id() {
        return id.text();
    }

    @Internal
    public MessageId messageId() {
        return id;
    }

    /** The streamed column names, {@code id} first. */
    public List<String> columnNames() {
        return columns.names();
    }

    /** A column's value in MySQL's text encoding; null for SQL NULL. */
    public byte[] rawValue(int index) {
        return values[index];
    }

    /** A column's value as text (UTF-8); null for SQL NULL or an unknown column. */
    public String text(String column) {
        int index = indexOf(column);
        return index < 0 || values[index] == null
                ? null
                : new String(values[index], StandardCharsets.UTF_8);
    }

    /**
     * How many times Vitess had sent this message before (0 for the first delivery), if the table
     * streams its {@code epoch} column ({@code vt_message_cols} lists it); null otherwise.
     */
    public Long epoch() {
        return number(columns.epochIndex());
    }

    /** Whether this is a redelivery: {@code epoch() > 0}; null when the epoch is not streamed. */
    public Boolean redelivered() {
        Long epoch = epoch();
        return epoch == null ? null : epoch > 0;
    }

    /** A streamed {@code time_created} column (Unix nanoseconds, Vitess' convention), or null. */
    public Long timeCreatedNanos() {
        return number(columns.timeCreatedIndex());
    }

    /** When the reader received the message (local clock, epoch millis). */
    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    @Internal
    public List<MySqlColumn> columns() {
        return columns.columns();
    }

    @Internal
    public MessageColumns layout() {
        return columns;
    }

    @Internal
    public byte[][] values() {
        return values;
    }

    private int indexOf(String column) {
        List<String> names = columns.names();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }

    private Long number(int index) {
        if (index < 0 || values[index] == null) {
            return null;
        }
        try {
            return Long.parseLong(new String(values[index], StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "VitessMessage{" + keyspace + "/" + shard + " " + table + " id=" + id + '}';
    }
}
