package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.VStreamMessage;

import io.grpc.Status;
import org.apache.flink.annotation.Internal;

/**
 * What wakes the split reader's fetch loop: a response or the end of a shard's stream, a failure
 * found on the side, or just a wake-up. The variants below are all there are.
 */
@Internal
abstract class ReaderSignal {

    /** Nothing happened, but {@code fetch()} should return or look at its shards again. */
    static final ReaderSignal WAKE_UP = new WakeUp();

    private ReaderSignal() {}

    /** A response of a shard's stream. */
    static final class Response extends ReaderSignal {
        final ShardStream source;
        final VStreamMessage response;

        Response(ShardStream source, VStreamMessage response) {
            this.source = source;
            this.response = response;
        }
    }

    /** The end of a shard's stream, with its status (OK when VTGate ended it). */
    static final class Closed extends ReaderSignal {
        final ShardStream source;
        final Status status;

        Closed(ShardStream source, Status status) {
            this.source = source;
            this.status = status;
        }
    }

    /** A failure found on the side (e.g. a position the shard cannot serve), for a split. */
    static final class Failed extends ReaderSignal {
        final String splitId;
        final RuntimeException failure;

        Failed(String splitId, RuntimeException failure) {
            this.splitId = splitId;
            this.failure = failure;
        }
    }

    /**
     * Found on the side: the binlog no longer holds a split's position (the changes after it were
     * purged). The reader fails, or copies the shard anew (option {@code
     * scan.purged-binlog.handling}).
     */
    static final class PositionPurged extends ReaderSignal {
        final String splitId;

        /** The position checked; the signal is void once the split's stream moved past it. */
        final String gtid;

        /** What was lost, without advice. */
        final String problem;

        PositionPurged(String splitId, String gtid, String problem) {
            this.splitId = splitId;
            this.gtid = gtid;
            this.problem = problem;
        }
    }

    /** A shard's current position, asked for as its stop. */
    static final class StopPosition extends ReaderSignal {
        final String splitId;

        /** The position; null if VTGate could not tell it (see {@link #failure}). */
        final String gtid;

        final Status failure;

        StopPosition(String splitId, String gtid, Status failure) {
            this.splitId = splitId;
            this.gtid = gtid;
            this.failure = failure;
        }
    }

    /** A shard's executed GTID set, asked for to tell whether its silent stream is stalled. */
    static final class ShardExecuted extends ReaderSignal {
        final ShardStream stream;
        final long token;

        /** Null if the query failed. */
        final String executed;

        ShardExecuted(ShardStream stream, long token, String executed) {
            this.stream = stream;
            this.token = token;
            this.executed = executed;
        }
    }

    private static final class WakeUp extends ReaderSignal {}
}
