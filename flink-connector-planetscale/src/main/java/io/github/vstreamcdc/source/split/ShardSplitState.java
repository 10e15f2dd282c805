package io.github.vstreamcdc.source.split;

import io.github.vstreamcdc.source.snapshot.SnapshotCatchUp;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The reader's mutable progress of one {@link ShardSplit}; updated only by the record emitter. */
@Internal
public final class ShardSplitState {

    private final ShardSplit split;
    private ShardPosition position;
    private long rowsToSkip;
    @Nullable private Binlogdata.Journal finishedAt;
    private SplitBounds bounds;
    private boolean stopped;
    private Set<String> tables;
    private Map<String, KnownTableSchema> schemas;
    @Nullable private SnapshotCatchUp catchUp;

    public ShardSplitState(ShardSplit split) {
        this.split = split;
        this.position = split.position();
        this.rowsToSkip = split.rowsToSkip();
        this.bounds = split.bounds();
        this.tables = split.tables();
        this.schemas = split.schemas();
        this.catchUp = split.catchUp();
    }

    /** The shard's stream passed every high watermark of its incremental snapshot. */
    public void catchUpDone() {
        this.catchUp = null;
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

    /** The shard's reading ended at this reshard journal. */
    public void finishAt(Binlogdata.Journal journal) {
        this.finishedAt = journal;
    }

    @Nullable
    public Binlogdata.Journal finishedAt() {
        return finishedAt;
    }

    /** The skipping or the stop changed: the first change after the start time, a resolved stop. */
    public void boundsChanged(SplitBounds newBounds) {
        this.bounds = newBounds;
    }

    /** The stream reads these tables from now on (new ones are being copied). */
    public void tablesChanged(Set<String> newTables) {
        this.tables = newTables;
    }

    /** What is known of these tables' schemas changed (a FIELD or DDL event was read). */
    public void schemasChanged(Map<String, KnownTableSchema> changed) {
        Map<String, KnownTableSchema> merged = new TreeMap<>(schemas);
        merged.putAll(changed);
        this.schemas = merged;
    }

    /** The shard's reading ended at its stop. */
    public void stop() {
        this.stopped = true;
    }

    public boolean stopped() {
        return stopped;
    }

    public ShardSplit toSplit() {
        ShardSplit current =
                split.withPosition(position, rowsToSkip)
                        .withBounds(bounds)
                        .withTables(tables)
                        .withSchemas(schemas)
                        .withCatchUp(catchUp);
        if (finishedAt != null) {
            return current.finishedAt(finishedAt);
        }
        return stopped ? current.stoppedHere() : current;
    }
}
