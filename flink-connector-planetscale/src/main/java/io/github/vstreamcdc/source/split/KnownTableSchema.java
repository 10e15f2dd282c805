package io.github.vstreamcdc.source.split;

import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a shard's reader last knew of one table's schema, kept in the split state so that a schema
 * change is told downstream exactly once, also across a restore: the columns of the table's last
 * FIELD event, and the DDL statements of the table read since (a change not yet told).
 *
 * <p>Only the facts that decide how values are read are kept and compared (name, type, {@code
 * column_type}, character set, NOT NULL and UNSIGNED), so that the same table described by the copy
 * phase and by the binlog compares equal.
 */
@Internal
public final class KnownTableSchema {

    /** MySQL's {@code NOT_NULL_FLAG} and {@code UNSIGNED_FLAG}. */
    private static final int KEPT_FLAGS = 1 | 32;

    /** Nothing known: no FIELD event read, no DDL pending. */
    public static final KnownTableSchema UNKNOWN = new KnownTableSchema(null, null);

    @Nullable private final List<Query.Field> fields;
    @Nullable private final String pendingDdl;

    private KnownTableSchema(@Nullable List<Query.Field> fields, @Nullable String pendingDdl) {
        this.fields = fields == null ? null : Collections.unmodifiableList(new ArrayList<>(fields));
        this.pendingDdl = pendingDdl;
    }

    /** The schema a FIELD event describes, with no DDL pending. */
    public static KnownTableSchema of(List<Query.Field> fields) {
        List<Query.Field> kept = new ArrayList<>(fields.size());
        for (Query.Field field : fields) {
            kept.add(essentials(field));
        }
        return new KnownTableSchema(kept, null);
    }

    /** A schema as serialized: fields already reduced to their essentials. */
    static KnownTableSchema restored(@Nullable List<Query.Field> fields, @Nullable String ddl) {
        return new KnownTableSchema(fields, ddl);
    }

    /** This schema, with a DDL statement of the table read (after those read before, if any). */
    public KnownTableSchema withDdl(String ddl) {
        if (pendingDdl == null) {
            return new KnownTableSchema(fields, ddl);
        }
        // A replay after a restart reads the same statement again: keep it once.
        return pendingDdl.equals(ddl) || pendingDdl.endsWith(";\n" + ddl)
                ? this
                : new KnownTableSchema(fields, pendingDdl + ";\n" + ddl);
    }

    /** The fields of the table's last FIELD event (essentials only); null if none was read. */
    @Nullable
    public List<Query.Field> fields() {
        return fields;
    }

    /** DDL statements of the table read since its last FIELD event; null if none. */
    @Nullable
    public String pendingDdl() {
        return pendingDdl;
    }

    /** Whether a FIELD event with these fields describes the same columns as this schema. */
    public boolean sameColumns(List<Query.Field> other) {
        if (fields == null || fields.size() != other.size()) {
            return false;
        }
        for (int i = 0; i < fields.size(); i++) {
            if (!same(fields.get(i), essentials(other.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** A fact one side does not give (no column_type, no character set) is not a difference. */
    private static boolean same(Query.Field a, Query.Field b) {
        return a.getName().equals(b.getName())
                && a.getType() == b.getType()
                && a.getFlags() == b.getFlags()
                && (a.getColumnType().isEmpty()
                        || b.getColumnType().isEmpty()
                        || a.getColumnType().equalsIgnoreCase(b.getColumnType()))
                && (a.getCharset() == 0 || b.getCharset() == 0 || a.getCharset() == b.getCharset());
    }

    private static Query.Field essentials(Query.Field field) {
        return Query.Field.newBuilder()
                .setName(field.getName())
                .setType(field.getType())
                .setColumnType(field.getColumnType())
                .setCharset(field.getCharset())
                .setFlags(field.getFlags() & KEPT_FLAGS)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KnownTableSchema)) {
            return false;
        }
        KnownTableSchema that = (KnownTableSchema) o;
        return Objects.equals(fields, that.fields) && Objects.equals(pendingDdl, that.pendingDdl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fields, pendingDdl);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("[");
        if (fields != null) {
            for (Query.Field field : fields) {
                text.append(text.length() > 1 ? ", " : "")
                        .append(field.getName())
                        .append(' ')
                        .append(field.getColumnType());
            }
        }
        text.append(']');
        return pendingDdl == null ? text.toString() : text + " + DDL " + pendingDdl;
    }
}
