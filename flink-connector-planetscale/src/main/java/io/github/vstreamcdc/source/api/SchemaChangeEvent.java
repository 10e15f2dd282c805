package io.github.vstreamcdc.source.api;

import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import java.util.List;

/**
 * The schema of a read table changed on a shard: handed to {@link
 * VStreamDeserializationSchema#deserializeSchemaChange} before the table's first row in the new
 * shape, at the position of the change, once per shard (also across failures and restores).
 *
 * <p>It is seen when VStream describes the table's columns differently than before (a column added,
 * dropped, renamed, or changed in type, nullability or character set), or after a DDL statement of
 * the table that leaves the columns as they were (such as a new default): then {@link #ddl()} is
 * set and the two column lists are equal. A Vitess Online DDL migration ends in a rename of its
 * shadow table over the table, and is seen the same way.
 */
@PublicEvolving
public final class SchemaChangeEvent {

    private final String keyspace;
    private final String shard;
    private final String table;
    @Nullable private final String ddl;
    @Nullable private final List<ColumnDescription> previousColumns;
    private final List<ColumnDescription> columns;
    private final String position;
    private final long commitTimeMillis;

    public SchemaChangeEvent(
            String keyspace,
            String shard,
            String table,
            @Nullable String ddl,
            @Nullable List<ColumnDescription> previousColumns,
            List<ColumnDescription> columns,
            String position,
            long commitTimeMillis) {
        this.keyspace = keyspace;
        this.shard = shard;
        this.table = table;
        this.ddl = ddl;
        this.previousColumns = previousColumns;
        this.columns = columns;
        this.position = position;
        this.commitTimeMillis = commitTimeMillis;
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

    /**
     * The DDL statement as the binlog holds it, if VStream sent it on this shard since the table's
     * last row (Vitess rewrites some, e.g. an Online DDL's cut-over is a {@code RENAME TABLE});
     * null when the columns changed without a DDL event read (e.g. a restore just after the DDL, or
     * the change happened while the shard was not read).
     */
    @Nullable
    public String ddl() {
        return ddl;
    }

    /** The columns before the change; null if the shard's state did not know them. */
    @Nullable
    public List<ColumnDescription> previousColumns() {
        return previousColumns;
    }

    /** The columns from now on: those of the rows that follow. */
    public List<ColumnDescription> columns() {
        return columns;
    }

    /**
     * The shard's GTID set at which the new schema holds: after the transaction that changed it
     * (the DDL, or an Online DDL's cut-over).
     */
    public String position() {
        return position;
    }

    /** Commit time of the first event in the new shape, epoch millis; 0 if unknown. */
    public long commitTimeMillis() {
        return commitTimeMillis;
    }

    /** Names of the columns that were there before and are gone now (dropped or renamed away). */
    public List<String> droppedColumns() {
        return ColumnDiff.missingFrom(previousColumns, columns);
    }

    /** Names of the columns that are new (added, or renamed to). */
    public List<String> addedColumns() {
        return ColumnDiff.missingFrom(columns, previousColumns);
    }

    @Override
    public String toString() {
        return "schema change of "
                + keyspace
                + "."
                + table
                + "@"
                + shard
                + " at "
                + position
                + (ddl == null ? "" : " (" + ddl + ")")
                + ": "
                + previousColumns
                + " -> "
                + columns;
    }
}
