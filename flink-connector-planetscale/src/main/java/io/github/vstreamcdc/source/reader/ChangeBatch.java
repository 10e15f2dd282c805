package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.split.KnownTableSchema;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.SplitBounds;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the split reader hands to the emitter for one shard: row changes, and, when they end at a
 * safe point, the position to resume from after them. Copy-phase batches always end at a safe point
 * (their rows cannot be replayed identically); binlog rows may come without one.
 *
 * <p>The optional parts (a journal, bounds, tables, ...) are set only by this class's factories,
 * before the batch is handed on.
 */
@Internal
final class ChangeBatch {

    final List<RowChangeEvent> rows;
    @Nullable final ShardPosition positionAfter;

    /** Binlog time of the newest event seen, epoch millis, for lag metrics; 0 if none. */
    final long eventTimeMillis;

    /** The reshard journal the shard's reading ended at: the split's last batch. */
    @Nullable Binlogdata.Journal journal;

    /** The split's new bounds (start time reached, stop position resolved); null if unchanged. */
    @Nullable SplitBounds bounds;

    /** The shard's reading ended at its stop: the split's last batch. */
    boolean stopped;

    /** The tables the split's stream reads from this safe position on; null if unchanged. */
    @Nullable Set<String> tables;

    /**
     * A VTGate heartbeat found the shard idle, outside any transaction: its time in epoch millis
     * (whole seconds, as commit times); 0 otherwise.
     */
    long idleAtMillis;

    /**
     * Row changes the stream delivered after the safe point that are not handed over (of a table no
     * longer selected): they count towards the rows to skip after a restart.
     */
    int hiddenRows;

    /** The shard's stream passed every high watermark of its incremental snapshot here. */
    boolean catchUpDone;

    /** Schema changes to tell downstream before the batch's rows, in order; often none. */
    List<SchemaChangeEvent> schemaChanges = Collections.emptyList();

    /** What is now known of these tables' schemas, for the split state; null if unchanged. */
    @Nullable Map<String, KnownTableSchema> schemas;

    ChangeBatch(
            List<RowChangeEvent> rows,
            @Nullable ShardPosition positionAfter,
            long eventTimeMillis) {
        this.rows = rows;
        this.positionAfter = positionAfter;
        this.eventTimeMillis = eventTimeMillis;
    }

    private static ChangeBatch empty(@Nullable ShardPosition position, long eventTimeMillis) {
        return new ChangeBatch(Collections.emptyList(), position, eventTimeMillis);
    }

    /** The last batch of a shard that ended at a reshard journal. */
    static ChangeBatch endOfShard(
            ShardPosition position, Binlogdata.Journal journal, long eventTimeMillis) {
        ChangeBatch batch = empty(position, eventTimeMillis);
        batch.journal = journal;
        return batch;
    }

    /** The split's bounds changed at this safe position (null: where the split's state is). */
    static ChangeBatch boundsChanged(
            @Nullable ShardPosition position, SplitBounds bounds, long eventTimeMillis) {
        ChangeBatch batch = empty(position, eventTimeMillis);
        batch.bounds = bounds;
        return batch;
    }

    /** A heartbeat found the shard idle at this time (epoch millis). */
    static ChangeBatch idleAt(long heartbeatMillis) {
        ChangeBatch batch = empty(null, heartbeatMillis);
        batch.idleAtMillis = heartbeatMillis;
        return batch;
    }

    /** The last batch of a shard that reached its stop at this safe position. */
    static ChangeBatch stoppedAt(ShardPosition position, long eventTimeMillis) {
        ChangeBatch batch = empty(position, eventTimeMillis);
        batch.stopped = true;
        return batch;
    }

    /** The split's stream reads these tables from this safe position on. */
    static ChangeBatch tablesChanged(
            ShardPosition position, Set<String> tables, long eventTimeMillis) {
        ChangeBatch batch = empty(position, eventTimeMillis);
        batch.tables = tables;
        return batch;
    }

    /**
     * The rows of one chunk of an incremental snapshot as of its high watermark: the chunk split's
     * one and last batch, handed over whole so that no checkpoint falls inside it.
     */
    static ChangeBatch chunkRead(List<RowChangeEvent> rows, ShardPosition highWatermark) {
        ChangeBatch batch = new ChangeBatch(rows, highWatermark, 0);
        batch.stopped = true;
        return batch;
    }

    /**
     * A chunk of an incremental snapshot that cannot be read (its shard no longer serves): the
     * chunk split's one and last batch, without rows; the split keeps its unread position, which
     * tells the enumerator.
     */
    static ChangeBatch chunkGivenUp() {
        ChangeBatch batch = empty(null, 0);
        batch.stopped = true;
        return batch;
    }

    /** Row changes of a table no longer selected, counted but not handed over. */
    static ChangeBatch hiddenRows(int count, long eventTimeMillis) {
        ChangeBatch batch = empty(null, eventTimeMillis);
        batch.hiddenRows = count;
        return batch;
    }

    /**
     * This batch, also telling these schema changes (before its rows) and recording what is now
     * known of these tables' schemas.
     */
    ChangeBatch withSchemas(
            List<SchemaChangeEvent> changes, Map<String, KnownTableSchema> newSchemas) {
        this.schemaChanges = changes;
        this.schemas = newSchemas;
        return this;
    }
}
