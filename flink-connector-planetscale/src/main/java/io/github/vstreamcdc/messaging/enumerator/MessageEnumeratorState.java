package io.github.vstreamcdc.messaging.enumerator;

import io.github.vstreamcdc.messaging.split.MessageSplit;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the enumerator checkpoints: whether the shards were discovered, and the splits not assigned
 * to a reader yet (assigned ones live in the readers' state).
 */
@Internal
public final class MessageEnumeratorState {

    private final boolean discovered;
    private final List<MessageSplit> unassigned;

    public MessageEnumeratorState(boolean discovered, List<MessageSplit> unassigned) {
        this.discovered = discovered;
        this.unassigned = Collections.unmodifiableList(new ArrayList<>(unassigned));
    }

    public static MessageEnumeratorState initial() {
        return new MessageEnumeratorState(false, Collections.emptyList());
    }

    public boolean discovered() {
        return discovered;
    }

    public List<MessageSplit> unassigned() {
        return unassigned;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MessageEnumeratorState)) {
            return false;
        }
        MessageEnumeratorState that = (MessageEnumeratorState) o;
        return discovered == that.discovered && unassigned.equals(that.unassigned);
    }

    @Override
    public int hashCode() {
        return unassigned.hashCode() * 31 + (discovered ? 1 : 0);
    }

    @Override
    public String toString() {
        return "MessageEnumeratorState{discovered="
                + discovered
                + ", unassigned="
                + unassigned
                + '}';
    }
}
