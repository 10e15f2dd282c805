package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.SplitBounds;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * The rules of one split's {@link SplitBounds}, without I/O: which transactions a timestamp start
 * skips, and when the split has reached its stop. The {@link ShardEventFramer} asks it at every
 * transaction's first timed event, at every safe position and at every heartbeat.
 *
 * <p>Binlog times have whole seconds, so times are compared by their second: a transaction belongs
 * to the range if the second of its first event is at or after the start's second and before the
 * stop's. The range is cut where the binlog first reaches such a second, so that a stop at time T
 * and a start at the same T meet at the same place.
 */
@Internal
final class BoundsCheck {

    private static final Logger LOG = LoggerFactory.getLogger(BoundsCheck.class);

    /** How many skipped transactions between two progress lines. */
    static final long SKIP_LOG_EVERY = 10_000;

    /** What to do with a transaction. */
    enum Verdict {
        READ,
        SKIP,
        STOP
    }

    private final String splitId;
    private SplitBounds bounds;
    private long skipped;

    /** A heartbeat showed the stop time has come; the shard's current position was asked for. */
    private boolean positionWanted;

    BoundsCheck(String splitId, SplitBounds bounds) {
        this.splitId = splitId;
        this.bounds = bounds;
    }

    SplitBounds bounds() {
        return bounds;
    }

    boolean skipping() {
        return bounds.skipsBeforeStart();
    }

    /**
     * A transaction (or DDL) begins with an event of this binlog time, at this safe position.
     * Reaching the start time drops it from the bounds.
     */
    Verdict transactionAt(long seconds, ShardPosition safe) {
        if (bounds.stopTimestampMillis() != SplitBounds.NO_TIME
                && seconds >= secondOf(bounds.stopTimestampMillis())) {
            LOG.info(
                    "Shard {} reached its stop time {} at {}: a transaction of {} follows",
                    splitId,
                    Instant.ofEpochMilli(bounds.stopTimestampMillis()),
                    safe,
                    Instant.ofEpochSecond(seconds));
            return Verdict.STOP;
        }
        if (!bounds.skipsBeforeStart()) {
            return Verdict.READ;
        }
        if (seconds >= secondOf(bounds.startTimestampMillis())) {
            LOG.info(
                    "Shard {} reached its start time {} at {} (a transaction of {}), after"
                            + " skipping {} earlier transactions",
                    splitId,
                    Instant.ofEpochMilli(bounds.startTimestampMillis()),
                    safe,
                    Instant.ofEpochSecond(seconds),
                    skipped);
            bounds = bounds.startReached();
            return Verdict.READ;
        }
        skipped++;
        if (skipped == 1 || skipped % SKIP_LOG_EVERY == 0) {
            LOG.info(
                    "Shard {} is skipping changes committed before {}: {} transactions skipped,"
                            + " now at {} (committed {})",
                    splitId,
                    Instant.ofEpochMilli(bounds.startTimestampMillis()),
                    skipped,
                    safe,
                    Instant.ofEpochSecond(seconds));
        }
        return Verdict.SKIP;
    }

    /** Whether the split ends at this safe position: it contains the stop position. */
    boolean stopReachedAt(ShardPosition safe) {
        String stop = bounds.stopGtid();
        if (stop == null || safe.isCopying() || !GtidSet.contains(safe.gtid(), stop)) {
            return false;
        }
        LOG.info("Shard {} reached its stop position {} at {}", splitId, stop, safe);
        return true;
    }

    /** The copy phase ended here: after a stop position, the snapshot holds more than asked. */
    void snapshotEndedAt(String gtid) {
        String stop = bounds.stopGtid();
        if (stop != null && GtidSet.isBefore(stop, gtid)) {
            LOG.warn(
                    "The snapshot of {} ended at {}, after its stop position {}: its output holds"
                            + " the changes up to {}",
                    splitId,
                    gtid,
                    stop,
                    gtid);
        }
    }

    /**
     * A heartbeat of this time came between transactions.
     *
     * @return whether to ask for the shard's current position: the stop time has come, and the
     *     split ends once it has read all the shard had by then
     */
    boolean heartbeatAt(long seconds) {
        if (bounds.stopTimestampMillis() == SplitBounds.NO_TIME
                || seconds < secondOf(bounds.stopTimestampMillis())
                || bounds.stopGtid() != null
                || positionWanted) {
            return false;
        }
        positionWanted = true;
        LOG.info(
                "Shard {} is idle past its stop time {}: it stops at the shard's current position",
                splitId,
                Instant.ofEpochMilli(bounds.stopTimestampMillis()));
        return true;
    }

    /** The current position could not be had: the next heartbeat past the stop time asks again. */
    void positionFailed() {
        positionWanted = false;
    }

    /** The shard's current position, asked for at the split's start or past the stop time. */
    void stopAt(String gtid) {
        positionWanted = false;
        bounds = bounds.withStopGtid(gtid);
    }

    private static long secondOf(long epochMillis) {
        return Math.floorDiv(epochMillis, 1000);
    }
}
