package io.github.vstreamcdc.source.reader;

import org.apache.flink.annotation.Internal;

/**
 * When one shard's failed VStream is opened again, and when to give up: after more than {@code
 * maxAttempts} failures in a row without progress, with a backoff that doubles from the initial to
 * the maximum one. One instance per shard; times are passed in.
 */
@Internal
final class ReconnectPolicy {

    static final long DEFAULT_INITIAL_BACKOFF_MS = 500;
    static final long DEFAULT_MAX_BACKOFF_MS = 5_000;

    /**
     * A stream that stayed open this long counts as healthy even if it delivered nothing (an idle
     * shard). Longer than VTGate's 90 s search for a tablet, which ends a stream from a position no
     * tablet serves.
     */
    static final long STABLE_STREAM_MS = 5 * 60_000;

    private final int maxAttempts;
    private final long initialBackoffMs;
    private final long maxBackoffMs;

    /** Failed streams in a row without progress. */
    private int attempts;

    private long openedAtMillis;

    ReconnectPolicy(int maxAttempts, long initialBackoffMs, long maxBackoffMs) {
        this.maxAttempts = maxAttempts;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
    }

    void streamOpened(long nowMillis) {
        openedAtMillis = nowMillis;
    }

    /** The stream delivered rows or moved the position: failures count from zero again. */
    void progressed() {
        attempts = 0;
    }

    /**
     * Counts a transient failure (or end) of the stream.
     *
     * @param noTabletFound VTGate gave up looking for a tablet: a long-open stream is no sign of
     *     health then
     * @return whether another attempt is allowed
     */
    boolean streamFailed(long nowMillis, boolean noTabletFound) {
        if (nowMillis - openedAtMillis >= STABLE_STREAM_MS && !noTabletFound) {
            attempts = 0; // an idle stream that ran fine for a long time
        }
        attempts++;
        return attempts <= maxAttempts;
    }

    /** How long to wait before the next attempt. */
    long backoffMillis() {
        return Math.min(maxBackoffMs, initialBackoffMs << Math.min(Math.max(attempts - 1, 0), 20));
    }

    /** Failures in a row so far. */
    int attempts() {
        return attempts;
    }

    int maxAttempts() {
        return maxAttempts;
    }
}
