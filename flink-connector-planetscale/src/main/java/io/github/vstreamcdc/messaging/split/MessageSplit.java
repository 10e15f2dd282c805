package io.github.vstreamcdc.messaging.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One shard of a message table: the reader subscribes to the shard's messages and acknowledges them
 * there. The split also carries the ids that were emitted before the checkpoint it was taken in but
 * not acknowledged yet; a reader that gets it back from a restored checkpoint acknowledges them at
 * once, because that checkpoint completed.
 */
@Internal
public final class MessageSplit implements SourceSplit {

    private final String keyspace;
    private final String table;
    private final String shard;
    private final List<MessageId> unacknowledged;

    public MessageSplit(
            String keyspace, String table, String shard, List<MessageId> unacknowledged) {
        this.keyspace = Objects.requireNonNull(keyspace, "keyspace");
        this.table = Objects.requireNonNull(table, "table");
        this.shard = Objects.requireNonNull(shard, "shard");
        this.unacknowledged = Collections.unmodifiableList(new ArrayList<>(unacknowledged));
    }

    public static MessageSplit of(String keyspace, String table, String shard) {
        return new MessageSplit(keyspace, table, shard, Collections.emptyList());
    }

    /** {@code keyspace/shard}: unique within one source (one table). */
    @Override
    public String splitId() {
        return keyspace + "/" + shard;
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

    /** Ids emitted before this split's checkpoint and not known to be acknowledged. */
    public List<MessageId> unacknowledged() {
        return unacknowledged;
    }

    public MessageSplit withUnacknowledged(List<MessageId> ids) {
        return new MessageSplit(keyspace, table, shard, ids);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MessageSplit)) {
            return false;
        }
        MessageSplit that = (MessageSplit) o;
        return keyspace.equals(that.keyspace)
                && table.equals(that.table)
                && shard.equals(that.shard)
                && unacknowledged.equals(that.unacknowledged);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyspace, table, shard, unacknowledged);
    }

    @Override
    public String toString() {
        return "MessageSplit{"
                + splitId()
                + ", table="
                + table
                + ", unacknowledged="
                + unacknowledged.size()
                + '}';
    }
}
