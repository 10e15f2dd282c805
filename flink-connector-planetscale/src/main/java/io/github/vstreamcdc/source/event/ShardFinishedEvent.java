package io.github.vstreamcdc.source.event;

import io.github.vstreamcdc.vitess.proto.Binlogdata;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reader to enumerator: a shard's split has ended, at a reshard's JOURNAL (which names the shards
 * that replace it and where they start) or, for a bounded read, at the end of its copy phase.
 *
 * <p>Readers send it again after a restore for every finished split still in their state, so a lost
 * event cannot stall the shards that replace it.
 */
@Internal
public final class ShardFinishedEvent implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final String splitId;

    /** The JOURNAL event's journal, as protobuf bytes (a SourceEvent must be Serializable). */
    @Nullable private final byte[] journal;

    public ShardFinishedEvent(String splitId, @Nullable Binlogdata.Journal journal) {
        this.splitId = Objects.requireNonNull(splitId);
        this.journal = journal == null ? null : journal.toByteArray();
    }

    public String splitId() {
        return splitId;
    }

    /** The reshard journal that ended the split; null if it ended for another reason. */
    @Nullable
    public Binlogdata.Journal journal() {
        if (journal == null) {
            return null;
        }
        try {
            return Binlogdata.Journal.parseFrom(journal);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Corrupt journal in " + this, e);
        }
    }

    /**
     * A journal's identity. Vitess derives journal ids from the workflow, so a split, the merge
     * back and a second split under the same workflow name share an id: the participants and the
     * new shards' start positions tell them apart. (Each participant's copy of the journal differs
     * in its own local position, which is left out.)
     */
    public static String journalKey(Binlogdata.Journal journal) {
        List<String> participants = new ArrayList<>();
        for (Binlogdata.KeyspaceShard participant : journal.getParticipantsList()) {
            participants.add(participant.getKeyspace() + "/" + participant.getShard());
        }
        participants.sort(String::compareTo);
        List<String> children = new ArrayList<>();
        for (Binlogdata.ShardGtid child : journal.getShardGtidsList()) {
            children.add(child.getKeyspace() + "/" + child.getShard() + "@" + child.getGtid());
        }
        children.sort(String::compareTo);
        return journal.getId()
                + ":"
                + String.join(",", participants)
                + ">"
                + String.join(",", children);
    }

    @Override
    public String toString() {
        return "ShardFinishedEvent{" + splitId + (journal == null ? "" : ", at a journal") + '}';
    }
}
