package io.github.vstreamcdc.source.client;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.Set;
import java.util.TreeSet;

/**
 * Tells whether a shard can stream from a position: every transaction of the position must be in
 * the shard's history. VTGate answers a position that is not with silence (it skips the tablet and
 * looks for another one for a minute and a half, then reports only that it found none), so the
 * reader checks this itself.
 */
@Internal
public final class PositionCheck {

    private PositionCheck() {}

    /**
     * Why the shard cannot stream from {@code wanted}, given its {@code current} position; null
     * when it can, or when either is not a MySQL GTID set this check understands.
     */
    @Nullable
    public static String problem(String keyspace, String shard, String wanted, String current) {
        GtidSet want = GtidSet.parseMysql56(wanted);
        GtidSet have = GtidSet.parseMysql56(current);
        if (want == null || have == null) {
            return null;
        }
        GtidSet missing = want.minus(have);
        if (missing.isEmpty()) {
            return null;
        }
        Set<String> unknown = new TreeSet<>(missing.sources());
        unknown.removeAll(have.sources());
        String where =
                "Position '" + wanted + "' of shard " + keyspace + "/" + shard + " cannot be read";
        if (!unknown.isEmpty()) {
            return where
                    + ": it names server UUID(s) "
                    + unknown
                    + " that the shard has no transactions of (its current position is '"
                    + current
                    + "'). The position belongs to another database or shard; check"
                    + " 'scan.startup.specific-offset' if you gave it.";
        }
        return where
                + ": it is ahead of the shard, whose current position '"
                + current
                + "' lacks transactions "
                + missing
                + ". The position belongs to another shard, or the shard lost transactions"
                + " (restored from a backup, failed over to a lagging replica).";
    }

    /**
     * Why a shard would never reach stop position {@code stop}, given its {@code current} position:
     * the stop names servers the shard has no transactions of. Null when it can be reached (a stop
     * ahead of the shard is reached once the shard gets there), or when either is not a MySQL GTID
     * set.
     */
    @Nullable
    public static String stopProblem(String keyspace, String shard, String stop, String current) {
        GtidSet want = GtidSet.parseMysql56(stop);
        GtidSet have = GtidSet.parseMysql56(current);
        if (want == null || have == null) {
            return null;
        }
        Set<String> unknown = new TreeSet<>(want.minus(have).sources());
        unknown.removeAll(have.sources());
        if (unknown.isEmpty()) {
            return null;
        }
        return "Stop position '"
                + stop
                + "' of shard "
                + keyspace
                + "/"
                + shard
                + " would never be reached: it names server UUID(s) "
                + unknown
                + " that the shard has no transactions of (its current position is '"
                + current
                + "'). The position belongs to another database or shard; check"
                + " 'scan.bounded.specific-offset'.";
    }
}
