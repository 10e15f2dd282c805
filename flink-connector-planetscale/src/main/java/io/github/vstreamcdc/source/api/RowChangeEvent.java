package io.github.vstreamcdc.source.api;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import java.util.List;

/**
 * One changed row as VStream delivered it: where it comes from, what kind of change it is, and the
 * row images as MySQL text values ({@code null} for SQL NULL), described by the table's columns.
 *
 * <p>The {@link #columns()} list is the same instance for all rows of a table on a shard until the
 * table's schema changes there, so deserializers may cache per-schema work by identity.
 */
@PublicEvolving
public final class RowChangeEvent {

    /** The kind of change, named as in Flink CDC's change events. */
    public enum Op {
        /** A row of the copy phase (the snapshot). */
        READ("r"),
        INSERT("c"),
        UPDATE("u"),
        DELETE("d");

        private final String code;

        Op(String code) {
            this.code = code;
        }

        /** Debezium/Flink CDC operation code: r, c, u or d. */
        public String code() {
            return code;
        }
    }

    private final String keyspace;
    private final String shard;
    private final String table;
    private final Op op;
    private final List<ColumnDescription> columns;

    /*
     * Each image is held as given, as a RowImage (read in place by the connector's deserializers)
     * or as one array per value (the public constructors, before() and after()); the other form is
     * made on first use. Racy but benign: both forms hold the same values.
     */
    @Nullable private RowImage beforeImage;
    @Nullable private RowImage afterImage;
    @Nullable private byte[][] before;
    @Nullable private byte[][] after;
    private final long commitTimeMillis;
    @Nullable private String position;

    /** Made by {@link #ofImages} and not positioned yet: {@link #withPosition} sets it in place. */
    private boolean positionInPlace;

    private final long transactionSeq;

    /** A change without its order in the transaction ({@link #transactionSeq()} 0). */
    public RowChangeEvent(
            String keyspace,
            String shard,
            String table,
            Op op,
            List<ColumnDescription> columns,
            byte[][] before,
            byte[][] after,
            long commitTimeMillis,
            @Nullable String position) {
        this(keyspace, shard, table, op, columns, before, after, commitTimeMillis, position, 0);
    }

    /**
     * @param columns the table's columns; the same list instance for rows of the same schema (see
     *     {@link #columns()})
     * @param position the shard's GTID set after the transaction
     * @param transactionSeq the row's order in its transaction, from 1
     */
    public RowChangeEvent(
            String keyspace,
            String shard,
            String table,
            Op op,
            List<ColumnDescription> columns,
            byte[][] before,
            byte[][] after,
            long commitTimeMillis,
            @Nullable String position,
            long transactionSeq) {
        this.keyspace = keyspace;
        this.shard = shard;
        this.table = table;
        this.op = op;
        this.columns = columns;
        this.before = before;
        this.after = after;
        this.commitTimeMillis = commitTimeMillis;
        this.position = position;
        this.transactionSeq = transactionSeq;
    }

    /** A change whose images are read in place (see {@link RowImage}). */
    @Internal
    public static RowChangeEvent ofImages(
            String keyspace,
            String shard,
            String table,
            Op op,
            List<ColumnDescription> columns,
            @Nullable RowImage before,
            @Nullable RowImage after,
            long commitTimeMillis,
            @Nullable String position,
            long transactionSeq) {
        RowChangeEvent event =
                new RowChangeEvent(
                        keyspace,
                        shard,
                        table,
                        op,
                        columns,
                        null,
                        null,
                        commitTimeMillis,
                        position,
                        transactionSeq);
        event.beforeImage = before;
        event.afterImage = after;
        event.positionInPlace = true;
        return event;
    }

    /**
     * This change with the position its transaction ended at, once that is known. A change made by
     * {@link #ofImages} takes its first position in place (the reader positions each of its rows
     * once, before handing it over): use the returned change, not this one.
     */
    @Internal
    public RowChangeEvent withPosition(@Nullable String newPosition) {
        if (positionInPlace) {
            positionInPlace = false;
            position = newPosition;
            return this;
        }
        return copy(op, true, true, newPosition);
    }

    /**
     * This change as another kind of change: an update that became an insert of its after image or
     * a delete of its before image.
     */
    @Internal
    public RowChangeEvent withOp(Op newOp) {
        return copy(newOp, newOp != Op.INSERT, newOp != Op.DELETE, position);
    }

    private RowChangeEvent copy(
            Op newOp, boolean keepBefore, boolean keepAfter, @Nullable String newPosition) {
        RowChangeEvent event =
                new RowChangeEvent(
                        keyspace,
                        shard,
                        table,
                        newOp,
                        columns,
                        keepBefore ? before : null,
                        keepAfter ? after : null,
                        commitTimeMillis,
                        newPosition,
                        transactionSeq);
        event.beforeImage = keepBefore ? beforeImage : null;
        event.afterImage = keepAfter ? afterImage : null;
        return event;
    }

    public String keyspace() {
        return keyspace;
    }

    public String shard() {
        return shard;
    }

    /** The table name, without the keyspace. */
    public String table() {
        return table;
    }

    public Op op() {
        return op;
    }

    /**
     * The columns of {@link #before()} and {@link #after()}, in order: the same list instance for
     * all rows of the table on the shard until its schema changes.
     */
    public List<ColumnDescription> columns() {
        return columns;
    }

    /** The row before the change; {@code null} for READ and INSERT. */
    @Nullable
    public byte[][] before() {
        if (before == null && beforeImage != null) {
            before = beforeImage.toArrays();
        }
        return before;
    }

    /** The row after the change; {@code null} for DELETE. */
    @Nullable
    public byte[][] after() {
        if (after == null && afterImage != null) {
            after = afterImage.toArrays();
        }
        return after;
    }

    /** {@link #before()} as one array of all values, read in place; null where that is. */
    @Internal
    @Nullable
    public RowImage beforeImage() {
        if (beforeImage == null && before != null) {
            beforeImage = RowImage.of(before);
        }
        return beforeImage;
    }

    /** {@link #after()} as one array of all values, read in place; null where that is. */
    @Internal
    @Nullable
    public RowImage afterImage() {
        if (afterImage == null && after != null) {
            afterImage = RowImage.of(after);
        }
        return afterImage;
    }

    /** Commit time of the transaction in epoch milliseconds; 0 for copy-phase rows. */
    public long commitTimeMillis() {
        return commitTimeMillis;
    }

    /**
     * The shard's GTID set after the transaction of this change (for a snapshot row: after the
     * snapshot batch it belongs to), in VStream's form such as {@code MySQL56/uuid:1-42}. With
     * {@link #transactionSeq()} it orders the changes of a shard: a later transaction's set
     * contains an earlier one's. Null only for the first rows of a transaction of more than 10,000
     * row changes, which are handed over before its end.
     */
    @Nullable
    public String position() {
        return position;
    }

    /**
     * The order of this row in its transaction, from 1 (among the rows of the tables read; for
     * snapshot rows the order in their snapshot batch); 0 if unknown.
     */
    public long transactionSeq() {
        return transactionSeq;
    }

    /** Whether the row comes from the snapshot (the copy phase): {@link Op#READ}. */
    public boolean isSnapshot() {
        return op == Op.READ;
    }

    @Override
    public String toString() {
        return op + " " + keyspace + "." + table + "@" + shard;
    }
}
