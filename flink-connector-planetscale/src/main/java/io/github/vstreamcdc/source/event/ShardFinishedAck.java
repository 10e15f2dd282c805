package io.github.vstreamcdc.source.event;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.Objects;

/**
 * Enumerator to reader: a completed checkpoint holds the enumerator's record of a split that ended
 * at a reshard journal or at its stop, so the reader need not keep the split in its own state any
 * longer. Every later restore starts from that checkpoint or a newer one.
 */
@Internal
public final class ShardFinishedAck implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final String splitId;

    /**
     * The rendered {@link JournalKey} of the journal the split ended at, or {@link
     * ShardFinishedEvent#STOP_KEY}: a plain string, so that the event is Serializable without more.
     */
    private final String journalKey;

    public ShardFinishedAck(String splitId, String journalKey) {
        this.splitId = Objects.requireNonNull(splitId);
        this.journalKey = Objects.requireNonNull(journalKey);
    }

    public ShardFinishedAck(String splitId, JournalKey journalKey) {
        this(splitId, journalKey.toString());
    }

    public String splitId() {
        return splitId;
    }

    public String journalKey() {
        return journalKey;
    }

    @Override
    public String toString() {
        return "ShardFinishedAck{" + splitId + '}';
    }
}
