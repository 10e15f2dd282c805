package io.github.vstreamcdc.source.client;

import io.grpc.Status;
import org.apache.flink.annotation.Internal;

import java.util.Locale;

/**
 * Sorts VStream failures into those worth a reconnect from the last safe position and those that no
 * retry can fix, and words the latter so that a user knows what to do.
 */
@Internal
public final class VStreamErrors {

    private VStreamErrors() {}

    /** Whether reconnecting from the same position may succeed. */
    public static boolean isTransient(Status status) {
        String description = lower(status);
        if (isPurgedBinlog(description) || description.contains("access denied")) {
            return false;
        }
        switch (status.getCode()) {
            case UNAVAILABLE:
            case DEADLINE_EXCEEDED:
            case ABORTED:
            case RESOURCE_EXHAUSTED:
            case FAILED_PRECONDITION:
            case CANCELLED:
                return true;
            case UNKNOWN:
            case INTERNAL:
                // vtgate reports lost tablet connections and restarts this way.
                return description.contains("connection")
                        || description.contains("eof")
                        || description.contains("closing")
                        || description.contains("shutting down")
                        || description.contains("rst_stream")
                        || description.contains("no healthy tablet")
                        || description.contains("context canceled");
            default:
                return false;
        }
    }

    /** A message for a failure that ends the job: what happened, on which shard, from where. */
    public static String describe(
            Status status, String target, String keyspace, String shard, String position) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        String where =
                "VStream of shard " + keyspace + "/" + shard + " at position '" + position + "'";
        if (isPurgedBinlog(lower(status))) {
            return where
                    + " cannot resume: the binlog it needs was purged from the tablets ("
                    + description
                    + "). Restart the job from a new snapshot ('initial' startup mode) or keep"
                    + " binlogs longer (binlog_expire_logs_seconds).";
        }
        switch (status.getCode()) {
            case UNAUTHENTICATED:
            case PERMISSION_DENIED:
                return where + ": VTGate " + target + " refused the credentials: " + description;
            case UNAVAILABLE:
                return where
                        + ": VTGate "
                        + target
                        + " is unreachable (check the host and port, and that VTGate runs): "
                        + description;
            case INVALID_ARGUMENT:
                return where + " was rejected as invalid by VTGate " + target + ": " + description;
            default:
                return where + " failed (" + status.getCode() + "): " + description;
        }
    }

    private static boolean isPurgedBinlog(String description) {
        return description.contains("purged")
                || description.contains("could not find gtid")
                || description.contains("required binary logs");
    }

    private static String lower(Status status) {
        return status.getDescription() == null
                ? ""
                : status.getDescription().toLowerCase(Locale.ROOT);
    }
}
