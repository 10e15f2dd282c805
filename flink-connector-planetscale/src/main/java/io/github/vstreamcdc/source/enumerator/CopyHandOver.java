package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reshard's new shard reads and copies: the tables its old shards read, and, for the tables
 * still to copy, per table the key the copy got to. VStream then copies the rest of each table from
 * the new shard's own rows (those of its key range) and streams the rows up to that key from the
 * journal on, as it resumes any copy.
 *
 * <p>A split's single old shard hands its state over as it is: nothing is lost or repeated. The old
 * shards of a merge may have got to different points in a table (one finished it, another had not
 * begun it, or did not read it at all: a table added to the source while the reshard cut over): the
 * table is copied from the key every old shard still copying it had got to, if that is one key and
 * every other one had finished it, else from its start; the rows of the old shards that had copied
 * further come again as snapshot rows (logged). Nothing is lost.
 */
final class CopyHandOver {

    private static final Logger LOG = LoggerFactory.getLogger(CopyHandOver.class);

    private final Set<String> tables;
    private final List<Binlogdata.TableLastPK> tablePKs;
    private final Set<String> remaining;

    private CopyHandOver(
            Set<String> tables, List<Binlogdata.TableLastPK> tablePKs, Set<String> remaining) {
        this.tables = tables;
        this.tablePKs = tablePKs;
        this.remaining = remaining;
    }

    /**
     * @param copies each old shard's copy state when it ended, null for one that was not copying
     * @param tablesRead each old shard's tables, null for one that did not tell (a state of before
     *     version 6): the new shard then reads the source's tables, copying none of them
     */
    static CopyHandOver of(
            long journalId,
            Map<String, ShardPosition> copies,
            Map<String, Set<String>> tablesRead) {
        Set<String> tables = new TreeSet<>();
        Set<String> remaining = new TreeSet<>();
        boolean allTold = !tablesRead.isEmpty();
        for (Set<String> read : tablesRead.values()) {
            if (read == null) {
                allTold = false;
            } else {
                tables.addAll(read);
            }
        }
        for (ShardPosition copy : copies.values()) {
            if (copy != null) {
                remaining.addAll(copy.remainingTables());
            }
        }
        if (allTold) {
            // A table that one old shard did not read is copied: its rows of that key range
            // have not been read by anyone.
            for (Set<String> read : tablesRead.values()) {
                tables.stream().filter(table -> !read.contains(table)).forEach(remaining::add);
            }
            remaining.retainAll(tables);
        } else {
            tables.clear();
        }
        List<Binlogdata.TableLastPK> pks = new ArrayList<>();
        Set<String> again = new TreeSet<>();
        for (String table : remaining) {
            boolean copiedSomewhere = false;
            boolean notBegunSomewhere = false;
            Set<Binlogdata.TableLastPK> keys = new LinkedHashSet<>();
            for (Map.Entry<String, ShardPosition> parent : copies.entrySet()) {
                ShardPosition copy = parent.getValue();
                Set<String> read = tablesRead.get(parent.getKey());
                if (allTold && !read.contains(table)) {
                    notBegunSomewhere = true;
                } else if (copy == null || !copy.remainingTables().contains(table)) {
                    copiedSomewhere = true;
                } else {
                    Binlogdata.TableLastPK key = lastKey(copy, table);
                    if (key == null) {
                        notBegunSomewhere = true;
                    } else {
                        keys.add(key);
                    }
                }
            }
            if (!notBegunSomewhere && keys.size() == 1) {
                pks.add(keys.iterator().next());
                if (copiedSomewhere) {
                    again.add(table);
                }
            } else if (copiedSomewhere || !keys.isEmpty()) {
                again.add(table); // copied from its start
            }
        }
        if (!again.isEmpty()) {
            LOG.warn(
                    "Reshard journal {}: its old shards had copied {} to different points or"
                            + " had not all read them ({}; tables read: {}); the new shard copies"
                            + " them from the same key of those still copying them or from their"
                            + " start, so rows that some had copied further come again as snapshot"
                            + " rows",
                    journalId,
                    again,
                    copies,
                    tablesRead);
        }
        return new CopyHandOver(tables, pks, remaining);
    }

    /** The tables the new shard reads; empty if an old shard did not tell (the source's). */
    Set<String> tables() {
        return tables;
    }

    @Nullable
    private static Binlogdata.TableLastPK lastKey(ShardPosition copy, String table) {
        for (Binlogdata.TableLastPK pk : copy.tablePKs()) {
            if (pk.getTableName().equals(table) && pk.hasLastpk()) {
                return pk;
            }
        }
        return null;
    }

    /** A new shard's start: its position in the journal, with the copy still to do. */
    ShardPosition positionAt(String gtid) {
        return remaining.isEmpty()
                ? ShardPosition.of(gtid)
                : new ShardPosition(gtid, tablePKs, remaining);
    }
}
