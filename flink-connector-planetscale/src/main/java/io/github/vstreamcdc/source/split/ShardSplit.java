package io.github.vstreamcdc.source.split;

import io.github.vstreamcdc.source.snapshot.SnapshotCatchUp;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One shard of a keyspace, read through its own VStream. Immutable: the reader tracks progress in a
 * {@link ShardSplitState} and turns it back into a split at each checkpoint.
 *
 * <p>A checkpoint can fall inside a binlog transaction. The position then stays at the last commit
 * and {@link #rowsToSkip()} counts the row changes of the next transaction that were already
 * emitted: the binlog replays that transaction identically, so skipping them is exact.
 *
 * <p>A split of a bounded read carries its {@link SplitBounds}. A split that has ended, at a
 * reshard journal or at its stop, stays in the reader's state until the enumerator acknowledges it.
 */
@Internal
public final class ShardSplit implements SourceSplit {

    private final String keyspace;
    private final String shard;
    private final ShardPosition position;
    private final long rowsToSkip;
    private final boolean snapshotOnly;
    private final List<String> parentShards;
    @Nullable private final Binlogdata.Journal finishedAt;
    private final SplitBounds bounds;
    private final boolean stopped;
    private final Set<String> tables;
    private final Map<String, KnownTableSchema> schemas;

    /** The chunk this split reads, for a chunk of an incremental snapshot; null for a shard. */
    @Nullable private final TableChunk chunk;

    /** The incremental snapshot's chunks the shard's binlog must not repeat; null if none. */
    @Nullable private final SnapshotCatchUp catchUp;

    /** Made once: the reader looks splits up by it for every response. */
    private final String splitId;

    public ShardSplit(
            String keyspace,
            String shard,
            ShardPosition position,
            long rowsToSkip,
            boolean snapshotOnly,
            List<String> parentShards) {
        this(keyspace, shard, position, rowsToSkip, snapshotOnly, parentShards, null);
    }

    public ShardSplit(
            String keyspace,
            String shard,
            ShardPosition position,
            long rowsToSkip,
            boolean snapshotOnly,
            List<String> parentShards,
            @Nullable Binlogdata.Journal finishedAt) {
        this(
                keyspace,
                shard,
                position,
                rowsToSkip,
                snapshotOnly,
                parentShards,
                finishedAt,
                SplitBounds.NONE,
                false);
    }

    public ShardSplit(
            String keyspace,
            String shard,
            ShardPosition position,
            long rowsToSkip,
            boolean snapshotOnly,
            List<String> parentShards,
            @Nullable Binlogdata.Journal finishedAt,
            SplitBounds bounds,
            boolean stopped) {
        this(
                keyspace,
                shard,
                position,
                rowsToSkip,
                snapshotOnly,
                parentShards,
                finishedAt,
                bounds,
                stopped,
                Collections.emptySet());
    }

    public ShardSplit(
            String keyspace,
            String shard,
            ShardPosition position,
            long rowsToSkip,
            boolean snapshotOnly,
            List<String> parentShards,
            @Nullable Binlogdata.Journal finishedAt,
            SplitBounds bounds,
            boolean stopped,
            Set<String> tables) {
        this(
                new Fields(
                        keyspace,
                        shard,
                        position,
                        rowsToSkip,
                        snapshotOnly,
                        parentShards,
                        finishedAt,
                        bounds,
                        stopped,
                        tables));
    }

    private ShardSplit(Fields f) {
        this.keyspace = Objects.requireNonNull(f.keyspace, "keyspace");
        this.shard = Objects.requireNonNull(f.shard, "shard");
        this.position = Objects.requireNonNull(f.position, "position");
        this.rowsToSkip = f.rowsToSkip;
        this.snapshotOnly = f.snapshotOnly;
        this.parentShards = Collections.unmodifiableList(new ArrayList<>(f.parentShards));
        this.finishedAt = f.finishedAt;
        this.bounds = Objects.requireNonNull(f.bounds, "bounds");
        this.stopped = f.stopped;
        this.tables = Collections.unmodifiableSet(new TreeSet<>(f.tables));
        this.schemas = Collections.unmodifiableMap(new TreeMap<>(f.schemas));
        this.chunk = f.chunk;
        this.catchUp = f.catchUp;
        String shardId = splitId(keyspace, shard);
        this.splitId = chunk == null ? shardId : chunk.splitId(shardId);
    }

    /** A split's fields, to copy it with some of them changed. */
    private static final class Fields {
        final String keyspace;
        final String shard;
        ShardPosition position;
        long rowsToSkip;
        final boolean snapshotOnly;
        final List<String> parentShards;
        @Nullable Binlogdata.Journal finishedAt;
        SplitBounds bounds;
        boolean stopped;
        Set<String> tables;
        Map<String, KnownTableSchema> schemas = Collections.emptyMap();
        @Nullable TableChunk chunk;
        @Nullable SnapshotCatchUp catchUp;

        Fields(
                String keyspace,
                String shard,
                ShardPosition position,
                long rowsToSkip,
                boolean snapshotOnly,
                List<String> parentShards,
                @Nullable Binlogdata.Journal finishedAt,
                SplitBounds bounds,
                boolean stopped,
                Set<String> tables) {
            this.keyspace = keyspace;
            this.shard = shard;
            this.position = position;
            this.rowsToSkip = rowsToSkip;
            this.snapshotOnly = snapshotOnly;
            this.parentShards = parentShards;
            this.finishedAt = finishedAt;
            this.bounds = bounds;
            this.stopped = stopped;
            this.tables = tables;
        }
    }

    /** This split's fields, to change some and build a copy. */
    private Fields fields() {
        Fields f =
                new Fields(
                        keyspace,
                        shard,
                        position,
                        rowsToSkip,
                        snapshotOnly,
                        parentShards,
                        finishedAt,
                        bounds,
                        stopped,
                        tables);
        f.schemas = schemas;
        f.chunk = chunk;
        f.catchUp = catchUp;
        return f;
    }

    public static String splitId(String keyspace, String shard) {
        return keyspace + "/" + shard;
    }

    @Override
    public String splitId() {
        return splitId;
    }

    /**
     * The chunk of an incremental snapshot this split reads with a SELECT (its position is the
     * chunk's high watermark once read); null for a split that reads the shard's VStream.
     */
    @Nullable
    public TableChunk chunk() {
        return chunk;
    }

    /** This split, reading one chunk of the shard's incremental snapshot. */
    public ShardSplit withChunk(TableChunk newChunk) {
        Fields f = fields();
        f.chunk = newChunk;
        return new ShardSplit(f);
    }

    /**
     * The chunks of the shard's incremental snapshot whose rows its binlog must not repeat, until
     * the stream passes their high watermarks; null if none.
     */
    @Nullable
    public SnapshotCatchUp catchUp() {
        return catchUp;
    }

    /** This split, joining an incremental snapshot's chunks (null: no more). */
    public ShardSplit withCatchUp(@Nullable SnapshotCatchUp newCatchUp) {
        Fields f = fields();
        f.catchUp = newCatchUp;
        return new ShardSplit(f);
    }

    public String keyspace() {
        return keyspace;
    }

    public String shard() {
        return shard;
    }

    public ShardPosition position() {
        return position;
    }

    public long rowsToSkip() {
        return rowsToSkip;
    }

    /** Bounded reading: the split ends when its copy phase completes. */
    public boolean snapshotOnly() {
        return snapshotOnly;
    }

    /** Ids of the shards this one was split or merged from (empty for an original shard). */
    public List<String> parentShards() {
        return parentShards;
    }

    /**
     * The reshard journal at which this shard's reading ended, for a split kept in the reader's
     * state until the checkpoint that saw it finish completes; null while the split is read.
     */
    @Nullable
    public Binlogdata.Journal finishedAt() {
        return finishedAt;
    }

    /**
     * Where the split starts skipping and where it stops; {@link SplitBounds#NONE} if unbounded.
     */
    public SplitBounds bounds() {
        return bounds;
    }

    /**
     * Whether this split's reading ended at its stop, for a split kept in the reader's state until
     * the enumerator acknowledged it.
     */
    public boolean stopped() {
        return stopped;
    }

    /**
     * The tables this shard's VStream reads, each by its own rule; empty for a split restored from
     * a state of before version 4, whose stream reads what {@code table-name} matches.
     */
    public Set<String> tables() {
        return tables;
    }

    /** This split, reading these tables (see {@link #tables()}). */
    public ShardSplit withTables(Set<String> newTables) {
        Fields f = fields();
        f.tables = newTables;
        return new ShardSplit(f);
    }

    /**
     * Per table: what the reader last knew of its schema on this shard (see {@link
     * KnownTableSchema}); empty for a split of a state before version 5, or before the first row.
     */
    public Map<String, KnownTableSchema> schemas() {
        return schemas;
    }

    /** This split, knowing these table schemas (see {@link #schemas()}). */
    public ShardSplit withSchemas(Map<String, KnownTableSchema> newSchemas) {
        Fields f = fields();
        f.schemas = newSchemas;
        return new ShardSplit(f);
    }

    /** Whether reading ended, at a reshard journal or at the stop. */
    public boolean isFinished() {
        return finishedAt != null || stopped;
    }

    public ShardSplit withPosition(ShardPosition newPosition, long newRowsToSkip) {
        Fields f = fields();
        f.position = newPosition;
        f.rowsToSkip = newRowsToSkip;
        return new ShardSplit(f);
    }

    public ShardSplit withBounds(SplitBounds newBounds) {
        Fields f = fields();
        f.bounds = newBounds;
        return new ShardSplit(f);
    }

    /** This split, ended at a reshard journal. */
    public ShardSplit finishedAt(Binlogdata.Journal journal) {
        Fields f = fields();
        f.rowsToSkip = 0;
        f.finishedAt = journal;
        f.stopped = false;
        return new ShardSplit(f);
    }

    /** This split, ended at its stop. */
    public ShardSplit stoppedHere() {
        Fields f = fields();
        f.rowsToSkip = 0;
        f.finishedAt = null;
        f.stopped = true;
        return new ShardSplit(f);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ShardSplit)) {
            return false;
        }
        ShardSplit that = (ShardSplit) o;
        return rowsToSkip == that.rowsToSkip
                && snapshotOnly == that.snapshotOnly
                && keyspace.equals(that.keyspace)
                && shard.equals(that.shard)
                && position.equals(that.position)
                && parentShards.equals(that.parentShards)
                && Objects.equals(finishedAt, that.finishedAt)
                && bounds.equals(that.bounds)
                && stopped == that.stopped
                && tables.equals(that.tables)
                && schemas.equals(that.schemas)
                && Objects.equals(chunk, that.chunk)
                && Objects.equals(catchUp, that.catchUp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                keyspace,
                shard,
                position,
                rowsToSkip,
                snapshotOnly,
                parentShards,
                finishedAt,
                bounds,
                stopped,
                tables,
                schemas,
                chunk,
                catchUp);
    }

    @Override
    public String toString() {
        return "ShardSplit{"
                + splitId()
                + " at "
                + position
                + (rowsToSkip > 0 ? " +" + rowsToSkip + " rows" : "")
                + (snapshotOnly ? ", snapshot only" : "")
                + (parentShards.isEmpty() ? "" : ", parents " + parentShards)
                + (finishedAt == null ? "" : ", finished at journal " + finishedAt.getId())
                + (bounds.equals(SplitBounds.NONE) ? "" : ", " + bounds)
                + (stopped ? ", stopped" : "")
                + (tables.isEmpty() ? "" : ", tables " + tables)
                + (schemas.isEmpty() ? "" : ", schemas of " + schemas.keySet())
                + (chunk == null ? "" : ", " + chunk)
                + (catchUp == null ? "" : ", after " + catchUp)
                + '}';
    }
}
