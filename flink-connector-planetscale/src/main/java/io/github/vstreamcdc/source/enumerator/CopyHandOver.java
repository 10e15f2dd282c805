package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reshard's new shards copy when old shards reached its journal while copying: the tables
 * still to copy and, per table, the key the copy got to. VStream then copies the rest of each table
 * from the new shard's own rows (those of its key range) and streams the rows up to that key from
 * the journal on, as it resumes any copy.
 *
 * <p>A split's single old shard hands its state over as it is: nothing is lost or repeated. The old
 * shards of a merge may have got to different points in a table (one finished it, another had not
 * begun it): the table is copied from the key every old shard still copying it had got to, if that
 * is one key, else from its start; the rows of the old shards that had copied further come again as
 * snapshot rows (logged). Nothing is lost.
 */
final class CopyHandOver {

    private static final Logger LOG = LoggerFactory.getLogger(CopyHandOver.class);

    private static final CopyHandOver NONE =
            new CopyHandOver(Collections.emptyList(), Collections.emptySet());

    private final List<Binlogdata.TableLastPK> tablePKs;
    private final Set<String> remaining;

    private CopyHandOver(List<Binlogdata.TableLastPK> tablePKs, Set<String> remaining) {
        this.tablePKs = tablePKs;
        this.remaining = remaining;
    }

    /**
     * @param copies each old shard's copy state when it ended, null for one that was not copying
     * @param childTables the tables the new shards read (empty: not known, all of them)
     */
    static CopyHandOver of(
            long journalId, Map<String, ShardPosition> copies, Set<String> childTables) {
        Set<String> remaining = new TreeSet<>();
        for (ShardPosition copy : copies.values()) {
            if (copy != null) {
                remaining.addAll(copy.remainingTables());
            }
        }
        if (!childTables.isEmpty()) {
            remaining.retainAll(childTables);
        }
        if (remaining.isEmpty()) {
            return NONE;
        }
        List<Binlogdata.TableLastPK> pks = new ArrayList<>();
        Set<String> again = new TreeSet<>();
        for (String table : remaining) {
            boolean copiedSomewhere = false;
            boolean notBegunSomewhere = false;
            Set<Binlogdata.TableLastPK> keys = new LinkedHashSet<>();
            for (ShardPosition copy : copies.values()) {
                if (copy == null || !copy.remainingTables().contains(table)) {
                    copiedSomewhere = true;
                    continue;
                }
                Binlogdata.TableLastPK key = lastKey(copy, table);
                if (key == null) {
                    notBegunSomewhere = true;
                } else {
                    keys.add(key);
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
                    "Reshard journal {}: its old shards had copied {} to different points ({});"
                            + " the new shard copies them from the same key of those still copying"
                            + " them or from their start, so rows that some had copied further come"
                            + " again as snapshot rows",
                    journalId,
                    again,
                    copies);
        }
        return new CopyHandOver(pks, remaining);
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
