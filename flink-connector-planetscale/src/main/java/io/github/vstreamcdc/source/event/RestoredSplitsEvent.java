package io.github.vstreamcdc.source.event;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Reader to enumerator, once after a restore: how many shards the reader reads from its restored
 * state. The enumerator's own count of splits per reader starts empty after a restore; without this
 * it would hand a reshard's new shards to readers that already hold the most.
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
