package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.reader.deserializer.RowChangeEvent;
import io.github.vstreamcdc.source.split.ShardPosition;

import org.apache.flink.annotation.Internal;

import java.util.List;

/**
 * What the split reader hands to the emitter for one shard: row changes, and, when they end at a
 * safe point, the position to resume from after them. Copy-phase batches always end at a safe point
 * (their rows cannot be replayed identically); binlog rows may come without one.
 */
@Internal
final class ChangeBatch {

    final List<RowChangeEvent> rows;
    final ShardPosition positionAfter;

    /** Binlog time of the newest event seen, epoch millis, for lag metrics; 0 if none. */
    final long eventTimeMillis;

    ChangeBatch(List<RowChangeEvent> rows, ShardPosition positionAfter, long eventTimeMillis) {
        this.rows = rows;
        this.positionAfter = positionAfter;
        this.eventTimeMillis = eventTimeMillis;
    }
}
