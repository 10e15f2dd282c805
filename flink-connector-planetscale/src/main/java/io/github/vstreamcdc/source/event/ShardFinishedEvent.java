package io.github.vstreamcdc.source.event;

import io.github.vstreamcdc.vitess.proto.Binlogdata;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.Objects;

/**
 * Reader to enumerator: a shard's split has ended at a reshard's JOURNAL, which names the shards
 * that replace it and where they start. (Splits that end for another reason, a bounded read's copy
 * phase, are not reported.)
 *
 * <p>Readers send it again after a restore for every finished split still in their state, so a lost
 * event cannot stall the shards that replace it.
 */
@Internal
public final class ShardFinishedEvent implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final String splitId;

    /** The JOURNAL event's journal, as protobuf bytes (a SourceEvent must be Serializable). */
    private final byte[] journal;

    public ShardFinishedEvent(String splitId, Binlogdata.Journal journal) {
        this.splitId = Objects.requireNonNull(splitId);
        this.journal = journal.toByteArray();
    }

    public String splitId() {
        return splitId;
    }

    /** The reshard journal that ended the split. */
    public Binlogdata.Journal journal() {
        try {
            return Binlogdata.Journal.parseFrom(journal);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Corrupt journal in " + this, e);
        }
    }

    /**
     * The rendered {@link JournalKey} of a journal, as {@link ShardFinishedAck#journalKey()}
     * carries it.
     */
    public static String journalKey(Binlogdata.Journal journal) {
        return JournalKey.of(journal).toString();
    }

    @Override
    public String toString() {
        return "ShardFinishedEvent{" + splitId + ", at a journal}";
    }
}
