package io.github.vstreamcdc.source.client;

import io.grpc.Status;
import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;
import javax.net.ssl.SSLException;

import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.Collection;
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
        Throwable tls = tlsFailure(status.getCause());
        if ((tls != null && isTlsSetupProblem(tls)) || unknownHost(status.getCause()) != null) {
            // a certificate, a TLS setting or a host name: no retry changes these
            return false;
        }
        String description = lower(status);
        if (isPurgedBinlog(description)
                || isBadPosition(description)
                || isMessageTooLarge(description)
                || isShardGone(description)
                || description.contains("access denied")) {
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
                        // a tablet racing another's schema reload after a DDL
                        || description.contains("failed to reload schema")
                        || description.contains("context canceled");
            default:
                return false;
        }
    }

    /**
     * Whether VTGate gave up finding a tablet for the shard. It skips tablets that reject the
     * position (binlogs purged, GTIDs unknown to them) and then reports only this.
     */
    public static boolean isNoTabletFound(Status status) {
        return lower(status).contains("failed to find a");
    }

    /**
     * The one of these tables that the failure says does not exist (VTTablet: "table t is not
     * present in the database", or MySQL's "Table 'db.t' doesn't exist"); null if none.
     */
    @Nullable
    public static String missingTable(Status status, Collection<String> tables) {
        String text = status.getDescription() == null ? "" : status.getDescription();
        for (String table : tables) {
            if (text.contains("table " + table + " is not present in the database")
                    || text.contains("." + table + "' doesn't exist")) {
                return table;
            }
        }
        return null;
    }

    /** Whether the stream failed because the binlog no longer holds its position. */
    public static boolean isPurgedBinlog(Status status) {
        return isPurgedBinlog(lower(status));
    }

    /**
     * What a stream that failed because the binlog no longer holds its position lost, without
     * advice ({@link #isPurgedBinlog(Status)}).
     */
    public static String describePurged(
            Status status, String keyspace, String shard, String position) {
        return "VStream of shard "
                + keyspace
                + "/"
                + shard
                + " at position '"
                + position
                + "' cannot resume: the binlog it needs was purged from the tablets ("
                + details(status)
                + ").";
    }

    /** A message for a failure that ends the job: what happened, on which shard, from where. */
    public static String describe(
            Status status, String target, String keyspace, String shard, String position) {
        String description = details(status);
        String lower = lower(status);
        String where =
                "VStream of shard " + keyspace + "/" + shard + " at position '" + position + "'";
        if (isPurgedBinlog(lower)) {
            return describePurged(status, keyspace, shard, position)
                    + " Restart the job from a new snapshot ('initial' startup mode) or keep"
                    + " binlogs longer (binlog_expire_logs_seconds).";
        }
        if (isBadPosition(lower)) {
            return where
                    + " was rejected: the position is not a GTID position this shard can stream"
                    + " from (check 'scan.startup.specific-offset' if you gave it; positions look"
                    + " like 'MySQL56/<server uuid>:1-42'): "
                    + description;
        }
        if (isMessageTooLarge(lower)) {
            return where
                    + ": a VStream message exceeded a gRPC size limit. Raise the connector's"
                    + " maximum inbound message size (option 'grpc.max-inbound-message-size',"
                    + " builder maxInboundMessageBytes) or, if VTGate reports it, VTGate's"
                    + " --grpc-max-message-size: "
                    + description;
        }
        if (isShardGone(lower)) {
            return where
                    + " cannot resume: the shard no longer exists in keyspace '"
                    + keyspace
                    + "' (a reshard replaced it and its old shards were deleted before the job"
                    + " read them to the end). The changes between this position and the"
                    + " reshard are gone; start the job from a new snapshot ('initial' startup"
                    + " mode). To restore across a reshard, keep the old shards until every job"
                    + " reading them has passed the reshard. VTGate "
                    + target
                    + ": "
                    + description;
        }
        if (isNoTabletFound(status)) {
            return where
                    + ": VTGate "
                    + target
                    + " found no tablet to stream from. VTGate skips tablets that are down and"
                    + " tablets that cannot serve the position (binlogs purged, or GTIDs they"
                    + " never executed); its log tells which: "
                    + description;
        }
        String connection = describeConnectionFailure(status, target);
        if (connection != null) {
            return where + ": " + connection;
        }
        switch (status.getCode()) {
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

    /**
     * A message for a failure to connect or authenticate that names the endpoint and what to check
     * (credentials, TLS trust, host name), or null if the status is none of these.
     */
    public static String describeConnectionFailure(Status status, String target) {
        Throwable tls = tlsFailure(status.getCause());
        if (tls != null) {
            return describeTls(tls, target);
        }
        Throwable host = unknownHost(status.getCause());
        if (host != null) {
            return "the host of VTGate "
                    + target
                    + " cannot be resolved ("
                    + VitessException.firstLine(host.getMessage())
                    + "): check the 'hostname' option";
        }
        switch (status.getCode()) {
            case UNAUTHENTICATED:
            case PERMISSION_DENIED:
                String description = details(status);
                return "VTGate at "
                        + target
                        + " refused the credentials of "
                        + (description.isEmpty() ? "the connection" : description)
                        + " ("
                        + status.getCode()
                        + "): check 'username' and 'password', and 'auth.method' (basic for the"
                        + " PlanetScale edge and HTTP proxies, vitess-static for VTGate's"
                        + " --grpc-auth-mode static)";
            default:
                return null;
        }
    }

    private enum TlsProblem {
        UNTRUSTED,
        WRONG_HOST,
        CLIENT_CERTIFICATE,
        NOT_TLS,
        OTHER
    }

    /**
     * Whether a TLS failure comes from the settings or certificates (no retry helps), rather than
     * from a connection lost during the handshake.
     */
    static boolean isTlsSetupProblem(Throwable tls) {
        return tlsProblem(tls) != TlsProblem.OTHER
                || tls instanceof GeneralSecurityException
                || (tls.getCause() instanceof GeneralSecurityException);
    }

    private static TlsProblem tlsProblem(Throwable tls) {
        String lower = allMessages(tls);
        if (lower.contains("pkix")
                || lower.contains("certification path")
                || lower.contains("certpathvalidator")
                || lower.contains("unable to find valid")
                || lower.contains("signature check failed")
                || lower.contains("trust anchor")) {
            return TlsProblem.UNTRUSTED;
        }
        if (lower.contains("no subject alternative")
                || lower.contains("no name matching")
                || lower.contains("hostname")) {
            return TlsProblem.WRONG_HOST;
        }
        if (lower.contains("certificate_required")
                || lower.contains("bad_certificate")
                || lower.contains("unknown_ca")
                || lower.contains("certificate_unknown")) {
            return TlsProblem.CLIENT_CERTIFICATE;
        }
        if (lower.contains("not an ssl/tls record")
                || lower.contains("unrecognized ssl message")
                || lower.contains("plaintext connection")) {
            return TlsProblem.NOT_TLS;
        }
        return TlsProblem.OTHER;
    }

    /** Explains a TLS handshake failure with the endpoint: untrusted certificate or the like. */
    static String describeTls(Throwable tls, String target) {
        String cause = VitessException.firstLine(deepestMessage(tls));
        TlsProblem problem = tlsProblem(tls);
        if (problem == TlsProblem.UNTRUSTED) {
            return "TLS handshake with "
                    + target
                    + " failed: the server certificate is not trusted ("
                    + cause
                    + "); set 'tls.ca-cert' to a PEM file of the CA that signed it (unset, the"
                    + " JVM's trust store is used)";
        }
        if (problem == TlsProblem.WRONG_HOST) {
            return "TLS handshake with "
                    + target
                    + " failed: the server certificate is not issued for this host ("
                    + cause
                    + "); connect by a name the certificate lists";
        }
        if (problem == TlsProblem.CLIENT_CERTIFICATE) {
            return "TLS handshake with "
                    + target
                    + " failed: the server did not accept the client certificate ("
                    + cause
                    + "); check 'tls.client-cert' and 'tls.client-key'";
        }
        if (problem == TlsProblem.NOT_TLS) {
            return "TLS handshake with "
                    + target
                    + " failed: the server does not speak TLS on this port ("
                    + cause
                    + "); check the port, or set 'tls.enabled' = false";
        }
        return "TLS handshake with " + target + " failed (" + cause + "); check the TLS options";
    }

    /** The TLS failure among the causes, or null. */
    static Throwable tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof GeneralSecurityException) {
                return t;
            }
        }
        return null;
    }

    private static Throwable unknownHost(Throwable cause) {
        for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return t;
            }
        }
        return null;
    }

    private static String deepestMessage(Throwable t) {
        String message = t.toString();
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }

    private static String allMessages(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            out.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** The description plus, when gRPC only says "io exception", what the network said. */
    static String details(Status status) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        Throwable cause = status.getCause();
        if (cause != null && cause.getMessage() != null) {
            String causeText = VitessException.firstLine(cause.getMessage());
            if (!description.contains(causeText)) {
                description =
                        description.isEmpty() ? causeText : description + " (" + causeText + ")";
            }
        }
        return description;
    }

    private static boolean isPurgedBinlog(String description) {
        return description.contains("purged")
                || description.contains("could not find gtid")
                || description.contains("required binary logs");
    }

    private static boolean isBadPosition(String description) {
        return description.contains("could not decode position")
                || description.contains("gtidset mismatch")
                || description.contains("unknown gtidset flavor");
    }

    /** VTGate's answer to a VGtid naming a shard that was deleted (after a reshard). */
    private static boolean isShardGone(String description) {
        return description.contains("shard provided in vgtid") && description.contains("not found");
    }

    private static boolean isMessageTooLarge(String description) {
        return description.contains("exceeds maximum") || description.contains("larger than max");
    }

    private static String lower(Status status) {
        return status.getDescription() == null
                ? ""
                : status.getDescription().toLowerCase(Locale.ROOT);
    }
}
