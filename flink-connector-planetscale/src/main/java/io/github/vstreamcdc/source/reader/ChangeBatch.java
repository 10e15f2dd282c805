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
 */
@Internal
final class ChangeBatch {

    final List<RowChangeEvent> rows;
    final ShardPosition positionAfter;

    /** Binlog time of the newest event seen, epoch millis, for lag metrics; 0 if none. */
    final long eventTimeMillis;

    /** The reshard journal the shard's reading ended at: the split's last batch. */
    @Nullable final Binlogdata.Journal journal;

    /** The split's new bounds (start time reached, stop position resolved); null if unchanged. */
    @Nullable final SplitBounds bounds;

    /** The shard's reading ended at its stop: the split's last batch. */
    final boolean stopped;

    /** The tables the split's stream reads from this safe position on; null if unchanged. */
    @Nullable final Set<String> tables;

    /**
     * A VTGate heartbeat found the shard idle, outside any transaction: its time in epoch millis
     * (whole seconds, as commit times); 0 otherwise.
     */
    final long idleAtMillis;

    /** Schema changes to tell downstream before the batch's rows, in order; often none. */
    final List<SchemaChangeEvent> schemaChanges;

    /** What is now known of these tables' schemas, for the split state; null if unchanged. */
    @Nullable final Map<String, KnownTableSchema> schemas;

    ChangeBatch(List<RowChangeEvent> rows, ShardPosition positionAfter, long eventTimeMillis) {
        this(rows, positionAfter, eventTimeMillis, null, null, false, null, 0, null, null);
    }

    private ChangeBatch(
            List<RowChangeEvent> rows,
            ShardPosition positionAfter,
            long eventTimeMillis,
            @Nullable Binlogdata.Journal journal,
            @Nullable SplitBounds bounds,
            boolean stopped,
            @Nullable Set<String> tables,
            long idleAtMillis,
            @Nullable List<SchemaChangeEvent> schemaChanges,
            @Nullable Map<String, KnownTableSchema> schemas) {
        this.idleAtMillis = idleAtMillis;
        this.schemaChanges = schemaChanges == null ? Collections.emptyList() : schemaChanges;
        this.schemas = schemas;
        this.rows = rows;
        this.positionAfter = positionAfter;
        this.eventTimeMillis = eventTimeMillis;
        this.journal = journal;
        this.bounds = bounds;
        this.stopped = stopped;
        this.tables = tables;
    }

    /** The last batch of a shard that ended at a reshard journal. */
    static ChangeBatch endOfShard(
            ShardPosition position, Binlogdata.Journal journal, long eventTimeMillis) {
        return new ChangeBatch(
                Collections.emptyList(),
                position,
                eventTimeMillis,
                journal,
                null,
                false,
                null,
                0,
                null,
                null);
    }

    /** The split's bounds changed at this safe position. */
    static ChangeBatch boundsChanged(
            ShardPosition position, SplitBounds bounds, long eventTimeMillis) {
        return new ChangeBatch(
                Collections.emptyList(),
                position,
                eventTimeMillis,
                null,
                bounds,
                false,
                null,
                0,
                null,
                null);
    }

    /** A heartbeat found the shard idle at this time (epoch millis). */
    static ChangeBatch idleAt(long heartbeatMillis) {
        return new ChangeBatch(
                Collections.emptyList(),
                null,
                heartbeatMillis,
                null,
                null,
                false,
                null,
                heartbeatMillis,
                Collections.emptyList(),
                null);
    }

    /** The last batch of a shard that reached its stop at this safe position. */
    static ChangeBatch stoppedAt(ShardPosition position, long eventTimeMillis) {
        return new ChangeBatch(
                Collections.emptyList(),
                position,
                eventTimeMillis,
                null,
                null,
                true,
                null,
                0,
                null,
                null);
    }

    /** The split's stream reads these tables from this safe position on. */
    static ChangeBatch tablesChanged(
            ShardPosition position, Set<String> tables, long eventTimeMillis) {
        return new ChangeBatch(
                Collections.emptyList(),
                position,
                eventTimeMillis,
                null,
                null,
                false,
                tables,
                0,
                null,
                null);
    }

    /**
     * This batch, also telling these schema changes (before its rows) and recording what is now
     * known of these tables' schemas.
     */
    ChangeBatch withSchemas(
            List<SchemaChangeEvent> changes, Map<String, KnownTableSchema> newSchemas) {
        return new ChangeBatch(
                rows,
                positionAfter,
                eventTimeMillis,
                journal,
                bounds,
                stopped,
                tables,
                idleAtMillis,
                changes,
                newSchemas);
    }
}
