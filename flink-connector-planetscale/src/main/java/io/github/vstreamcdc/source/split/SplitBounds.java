package io.github.vstreamcdc.source.split;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.time.Instant;
import java.util.Objects;

/**
 * The time a split still skips changes before, and where it stops. Immutable, kept in the split's
 * state so that a restore neither passes a stop nor re-reads what it skipped.
 *
 * <ul>
 *   <li>A start time: transactions whose binlog time (whole seconds) is before its second are
 *       skipped, up to the first that is not; from there on nothing is skipped and the start time
 *       is dropped from the state.
 *   <li>A stop position: the split ends at the first transaction boundary whose GTID set contains
 *       it (at once if the start does).
 *   <li>Stop at latest: the stop position is the shard's current position when the split starts (a
 *       reshard's new shards under a bounded latest-offset or specific-offset job).
 *   <li>A stop time: the split ends before its first transaction from that second on, or, when a
 *       heartbeat shows that the second has come, at the shard's then current position.
 * </ul>
 */
@Internal
public final class SplitBounds {

    /** No time set. */
    public static final long NO_TIME = -1;

    public static final SplitBounds NONE = new SplitBounds(NO_TIME, null, false, NO_TIME);

    private final long startTimestampMillis;
    @Nullable private final String stopGtid;
    private final boolean stopAtLatest;
    private final long stopTimestampMillis;

    public SplitBounds(
            long startTimestampMillis,
            @Nullable String stopGtid,
            boolean stopAtLatest,
            long stopTimestampMillis) {
        this.startTimestampMillis = startTimestampMillis;
        this.stopGtid = stopGtid;
        this.stopAtLatest = stopAtLatest && stopGtid == null;
        this.stopTimestampMillis = stopTimestampMillis;
    }

    /** The time before which changes are still skipped; {@link #NO_TIME} when none are. */
    public long startTimestampMillis() {
        return startTimestampMillis;
    }

    public boolean skipsBeforeStart() {
        return startTimestampMillis != NO_TIME;
    }

    /** The GTID position to stop at (inclusive); null if none. */
    @Nullable
    public String stopGtid() {
        return stopGtid;
    }

    /** The stop position is the shard's current position when the split starts, still unknown. */
    public boolean stopAtLatest() {
        return stopAtLatest;
    }

    /** The time from whose second on changes are not read; {@link #NO_TIME} when none. */
    public long stopTimestampMillis() {
        return stopTimestampMillis;
    }

    /** Whether the split stops by itself. */
    public boolean hasStop() {
        return stopGtid != null || stopAtLatest || stopTimestampMillis != NO_TIME;
    }

    /** These bounds once the first change at or after the start time was reached. */
    public SplitBounds startReached() {
        return new SplitBounds(NO_TIME, stopGtid, stopAtLatest, stopTimestampMillis);
    }

    /** These bounds with a resolved stop position (replacing stop-at-latest). */
    public SplitBounds withStopGtid(String gtid) {
        return new SplitBounds(startTimestampMillis, gtid, false, stopTimestampMillis);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SplitBounds)) {
            return false;
        }
        SplitBounds that = (SplitBounds) o;
        return startTimestampMillis == that.startTimestampMillis
                && stopAtLatest == that.stopAtLatest
                && stopTimestampMillis == that.stopTimestampMillis
                && Objects.equals(stopGtid, that.stopGtid);
    }

    @Override
    public int hashCode() {
        return Objects.hash(startTimestampMillis, stopGtid, stopAtLatest, stopTimestampMillis);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (skipsBeforeStart()) {
            sb.append("from ").append(Instant.ofEpochMilli(startTimestampMillis));
        }
        if (stopGtid != null) {
            sb.append(sb.length() == 0 ? "" : ", ").append("stop at ").append(stopGtid);
        }
        if (stopAtLatest) {
            sb.append(sb.length() == 0 ? "" : ", ").append("stop at latest");
        }
        if (stopTimestampMillis != NO_TIME) {
            sb.append(sb.length() == 0 ? "" : ", ")
                    .append("stop at ")
                    .append(Instant.ofEpochMilli(stopTimestampMillis));
        }
        return sb.length() == 0 ? "unbounded" : sb.toString();
    }
}
