package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.GtidSet;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

/**
 * Notices a shard's stream that VTGate keeps open but that no longer delivers the shard's
 * transactions. After a failover VTGate retries the stream inside itself, and when its tablet
 * picker finds no serving tablet it sleeps 30 s (a constant in Vitess, no flag) before it looks
 * again, though the new PRIMARY serves a second later; a new VStream picks it at once.
 *
 * <p>A stream in its binlog phase that has delivered nothing (heartbeats aside) for the stall
 * timeout, with no response waiting in the reader's own queue, is checked: the shard's executed
 * GTID set is asked for, and if {@link #CONFIRM_MS} after the answer the stream has still delivered
 * nothing and its position lacks transactions of that set, it is stalled: the reader opens it again
 * from its position. A stream that every transaction of the shard reaches (VTTablet sends even the
 * transactions of other tables, as a GTID and a COMMIT) moves on within a second, so an idle shard
 * is never judged stalled. A stream can also be silent for a reason a reopen does not cure: VTGate
 * holds a transaction's events until its COMMIT, and VTTablet sends nothing while it reads a huge
 * transaction of other tables. So the next check after a reopen waits twice as long, and after
 * {@link #MAX_REOPENS} reopens without progress the stream is left alone until it makes progress.
 * One instance per shard; times are passed in.
 */
@Internal
final class StreamStallWatch {

    /** How long after the answer the stream must still be silent and behind it. */
    static final long CONFIRM_MS = 2_000;

    /** Reopens without progress in between; the first one cures VTGate's wait for a tablet. */
    static final int MAX_REOPENS = 2;

    private final long timeoutMs;

    /** Since when the stream has delivered nothing (or was last checked). */
    private long quietSince;

    /** When the stream last delivered something (or was opened). */
    private long lastHeard;

    /** When the answer came; the confirmation counts from it (the query ran before). */
    private long answeredAt;

    /** When the executed set was asked for; -1 if not asked. */
    private long askedAt = -1;

    /** The answer to that ask; null until it comes. */
    @Nullable private GtidSet executed;

    /** Reopens since the stream last made progress. */
    private int reopens;

    /**
     * @param timeoutMs the stall timeout; 0 or less: never judge a stream stalled
     */
    StreamStallWatch(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /** A stream was opened, or it delivered something: it is not silent. */
    void heard(long nowMillis) {
        lastHeard = nowMillis;
        checkOver(nowMillis);
    }

    /** A check is over (or void): the next one after another timeout of silence. */
    private void checkOver(long nowMillis) {
        quietSince = nowMillis;
        askedAt = -1;
        executed = null;
    }

    /** The stream made progress (rows, or a new position): the timeout is back to its start. */
    void progressed() {
        reopens = 0;
    }

    /** How long the stream has been silent. */
    long silentMillis(long nowMillis) {
        return nowMillis - lastHeard;
    }

    /** The silence after which the stream is checked now. */
    long currentTimeoutMs() {
        return timeoutMs << Math.min(reopens, MAX_REOPENS);
    }

    /**
     * Whether to ask for the shard's executed GTID set now (then call {@link #asked}).
     *
     * @param watched whether the stream is open and in its binlog phase, with no response waiting
     *     in the reader's queue; otherwise its silence says nothing and is not counted
     */
    boolean shouldAsk(long nowMillis, boolean watched) {
        if (!watched) {
            heard(nowMillis);
            return false;
        }
        return timeoutMs > 0
                && reopens < MAX_REOPENS
                && askedAt < 0
                && nowMillis - quietSince >= currentTimeoutMs();
    }

    /** Whether the stream is left alone until it makes progress: it was reopened enough. */
    boolean exhausted() {
        return reopens >= MAX_REOPENS;
    }

    /**
     * @return the ask's token, to be passed back with its answer
     */
    long asked(long nowMillis) {
        askedAt = nowMillis;
        return nowMillis;
    }

    /** The answer to the ask of {@code token}; null if it failed (the next silence asks again). */
    void answered(long token, long nowMillis, @Nullable String executedGtid) {
        if (token != askedAt) {
            return; // the stream spoke or was reopened since: a stale answer
        }
        GtidSet set = GtidSet.parseMysql56(executedGtid);
        if (set == null) {
            checkOver(nowMillis);
        } else {
            executed = set;
            answeredAt = nowMillis;
        }
    }

    /**
     * Whether the stream is stalled: silent since the ask, and its position lacks transactions the
     * shard had executed then. Either way the check is over (a stalled stream is counted as
     * reopened).
     */
    boolean stalled(long nowMillis, String position) {
        if (executed == null || nowMillis - answeredAt < CONFIRM_MS) {
            return false;
        }
        GtidSet at = GtidSet.parseMysql56(position);
        boolean behind = at != null && !at.contains(executed);
        checkOver(nowMillis);
        if (behind) {
            reopens++;
        }
        return behind;
    }
}
