package io.github.vstreamcdc.source.split;

import org.apache.flink.annotation.Internal;

/** The reader's mutable progress of one {@link ShardSplit}; updated only by the record emitter. */
@Internal
public final class ShardSplitState {

    private final ShardSplit split;
    private ShardPosition position;
    private long rowsToSkip;

    public ShardSplitState(ShardSplit split) {
        this.split = split;
        this.position = split.position();
        this.rowsToSkip = split.rowsToSkip();
    }

    public ShardSplit split() {
        return split;
    }

    public ShardPosition position() {
        return position;
    }

    /** A safe point (commit, DDL, copy batch end) was passed: resume from here. */
    public void advanceTo(ShardPosition newPosition) {
        this.position = newPosition;
        this.rowsToSkip = 0;
    }

    /** Row changes emitted since the last safe point. */
    public void rowsEmitted(int count) {
        this.rowsToSkip += count;
    }

    public ShardSplit toSplit() {
        return split.withPosition(position, rowsToSkip);
    }
}
