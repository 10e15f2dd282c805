package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.reader.deserializer.VStreamColumns;
import io.github.vstreamcdc.source.split.KnownTableSchema;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one shard's reader knows of the schemas of the tables it reads, to tell each schema change
 * exactly once, before the table's first row in the new shape: part of {@link ShardEventFramer},
 * without I/O.
 *
 * <p>A table's FIELD event that differs from what is known (or follows a DDL of the table) makes a
 * {@link SchemaChangeEvent}; the first description of a table is only recorded. What is learnt goes
 * to the split state with the first batch after it, so the state never knows a schema ahead of the
 * position it resumes from: a restore before the change tells it again, one after it does not.
 */
@Internal
final class SchemaTracker {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaTracker.class);

    private final ShardSplit split;

    /** Per table: its schema as told downstream (kept in the split state across restarts). */
    private final Map<String, KnownTableSchema> known;

    /**
     * What {@link #known} learnt that the split state does not have yet, with the schema changes to
     * tell: each goes with the first batch after it.
     */
    private final List<Learnt> learnt = new ArrayList<>();

    SchemaTracker(ShardSplit split) {
        this.split = split;
        this.known = new HashMap<>(split.schemas());
    }

    /** The tables a schema is known of. */
    Set<String> knownTables() {
        return Collections.unmodifiableSet(known.keySet());
    }

    /**
     * A table's columns as VStream describes them now.
     *
     * @param columns the description handed on with the table's rows (the change's new columns)
     * @param position the shard's safe position: where the new schema holds
     * @param batchIndex the number of batches of the current framing call so far
     */
    void fields(
            String table,
            List<Query.Field> fields,
            List<ColumnDescription> columns,
            String position,
            long seconds,
            int batchIndex) {
        KnownTableSchema before = known.get(table);
        if (before != null && before.pendingDdl() == null && before.sameColumns(fields)) {
            return;
        }
        KnownTableSchema now = KnownTableSchema.of(fields);
        known.put(table, now);
        SchemaChangeEvent change = null;
        if (before != null) {
            change =
                    new SchemaChangeEvent(
                            split.keyspace(),
                            split.shard(),
                            table,
                            before.pendingDdl(),
                            before.fields() == null ? null : VStreamColumns.of(before.fields()),
                            columns,
                            position,
                            seconds * 1000);
            LOG.info(
                    "Shard {}: the schema of table {} changed at {}{}: {} -> {}",
                    split.splitId(),
                    table,
                    position,
                    before.pendingDdl() == null ? "" : " (" + before.pendingDdl() + ")",
                    change.previousColumns(),
                    columns);
        }
        learnt.add(new Learnt(batchIndex, change, Collections.singletonMap(table, now)));
    }

    /**
     * A DDL statement of these read tables: each gets a schema change told at its next FIELD event,
     * with the statement (it may change no column, e.g. a new default).
     */
    void ddl(String statement, Collection<String> tables, int batchIndex) {
        Map<String, KnownTableSchema> changed = new HashMap<>();
        for (String table : tables) {
            changed.put(
                    table, known.getOrDefault(table, KnownTableSchema.UNKNOWN).withDdl(statement));
        }
        if (!changed.isEmpty()) {
            known.putAll(changed);
            learnt.add(new Learnt(batchIndex, null, changed));
        }
    }

    /** The DDL statements read since each table's last FIELD event, by table. */
    Map<String, String> pendingDdl() {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, KnownTableSchema> entry : known.entrySet()) {
            if (entry.getValue().pendingDdl() != null) {
                out.put(entry.getKey(), entry.getValue().pendingDdl());
            }
        }
        return out;
    }

    /**
     * Hands what was learnt over with the first batch after it, if there is one; the rest waits for
     * the next call's batches.
     */
    void attach(List<ChangeBatch> out) {
        int attached = 0;
        while (attached < learnt.size() && learnt.get(attached).from < out.size()) {
            int from = learnt.get(attached).from;
            List<SchemaChangeEvent> changes = new ArrayList<>();
            Map<String, KnownTableSchema> schemas = new HashMap<>();
            while (attached < learnt.size() && learnt.get(attached).from == from) {
                Learnt item = learnt.get(attached++);
                if (item.change != null) {
                    changes.add(item.change);
                }
                schemas.putAll(item.schemas);
            }
            out.set(from, out.get(from).withSchemas(changes, schemas));
        }
        List<Learnt> waiting = new ArrayList<>(learnt.subList(attached, learnt.size()));
        learnt.clear();
        for (Learnt item : waiting) {
            learnt.add(new Learnt(0, item.change, item.schemas)); // before the next batches
        }
    }

    /** A schema learnt while framing, and the index of the first batch after it in the call. */
    private static final class Learnt {
        final int from;
        @Nullable final SchemaChangeEvent change;
        final Map<String, KnownTableSchema> schemas;

        Learnt(
                int from,
                @Nullable SchemaChangeEvent change,
                Map<String, KnownTableSchema> schemas) {
            this.from = from;
            this.change = change;
            this.schemas = schemas;
        }
    }
}
