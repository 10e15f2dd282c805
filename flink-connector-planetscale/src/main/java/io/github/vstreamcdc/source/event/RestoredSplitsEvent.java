package io.github.vstreamcdc.source.event;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Reader to enumerator, once when the reader starts: how many shards it reads from its restored
 * state (0 on a fresh start, or when it holds none). The enumerator's own count of splits per
 * reader starts empty after a restore; it waits for every reader's report before it assigns, or it
 * would hand splits to readers that already hold the most.
 */
@Internal
public final class RestoredSplitsEvent implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final int splits;

    public RestoredSplitsEvent(int splits) {
        this.splits = splits;
    }

    public int splits() {
        return splits;
    }

    @Override
    public String toString() {
        return "RestoredSplitsEvent{" + splits + '}';
    }
}
