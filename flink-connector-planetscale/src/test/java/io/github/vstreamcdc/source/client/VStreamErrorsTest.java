package io.github.vstreamcdc.source.client;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which VStream failures are retried, and what the others say. */
class VStreamErrorsTest {

    private static final String TARGET = "vtgate.example:15991";
    private static final String POSITION = "MySQL56/1bac46be-e961-11f1-843f-02fc00000001:1-10";

    private static String describe(Status status) {
        return VStreamErrors.describe(status, TARGET, "ks", "-80", POSITION);
    }

    @Test
    void connectionTroubleIsTransient() {
        assertThat(VStreamErrors.isTransient(Status.UNAVAILABLE.withDescription("io exception")))
                .isTrue();
        assertThat(VStreamErrors.isTransient(Status.CANCELLED)).isTrue();
        assertThat(VStreamErrors.isTransient(Status.DEADLINE_EXCEEDED)).isTrue();
        assertThat(VStreamErrors.isTransient(Status.FAILED_PRECONDITION)).isTrue();
        assertThat(
                        VStreamErrors.isTransient(
                                Status.UNKNOWN.withDescription(
                                        "vttablet: rpc error: code = Unavailable desc = error"
                                                + " reading from server: EOF")))
                .isTrue();
        assertThat(VStreamErrors.isTransient(Status.INTERNAL.withDescription("connection refused")))
                .isTrue();
        // VTGate gave up looking for a tablet: tablets may come back, so it is worth a retry.
        Status noTablet =
                Status.CANCELLED.withDescription(
                        "error starting stream from shard GTID keyspace:\"ks\" shard:\"-80\":"
                                + " failed to find a PRIMARY tablet for VStream in ks/-80 within"
                                + " the test cell(s): context has expired");
        assertThat(VStreamErrors.isTransient(noTablet)).isTrue();
        assertThat(VStreamErrors.isNoTabletFound(noTablet)).isTrue();
        assertThat(
                        VStreamErrors.isTransient(
                                Status.UNKNOWN.withDescription(
                                        "vttablet: failed to reload schema after DDL encountered"
                                                + " in stream (Unknown column 'r')")))
                .isTrue();
        assertThat(describe(noTablet))
                .contains("ks/-80")
                .contains(POSITION)
                .contains("found no tablet")
                .contains("binlogs purged");
    }

    @Test
    void badInputIsFatal() {
        assertThat(VStreamErrors.isTransient(Status.INVALID_ARGUMENT.withDescription("bad")))
                .isFalse();
        assertThat(VStreamErrors.isTransient(Status.UNAUTHENTICATED)).isFalse();
        assertThat(VStreamErrors.isTransient(Status.PERMISSION_DENIED)).isFalse();
        assertThat(VStreamErrors.isTransient(Status.INTERNAL.withDescription("panic"))).isFalse();
        assertThat(
                        VStreamErrors.isTransient(
                                Status.UNAVAILABLE.withDescription("Access denied for user 'x'")))
                .isFalse();
    }

    @Test
    void purgedBinlogIsFatalWithAdvice() {
        Status purged =
                Status.UNKNOWN.withDescription(
                        "vttablet: Cannot replicate because the source purged required binary"
                                + " logs. Replicate the missing transactions from elsewhere"
                                + " (errno 1236)");
        assertThat(VStreamErrors.isTransient(purged)).isFalse();
        // Even when a retriable code carries it.
        assertThat(VStreamErrors.isTransient(Status.UNAVAILABLE.withDescription("binlogs purged")))
                .isFalse();
        assertThat(describe(purged))
                .startsWith("VStream of shard ks/-80 at position '" + POSITION + "'")
                .contains("purged")
                .contains("'initial'")
                .contains("binlog_expire_logs_seconds");
    }

    @Test
    void undecodablePositionIsFatal() {
        Status garbage =
                Status.INTERNAL.withDescription(
                        "error starting stream from shard GTID keyspace:\"ks\" shard:\"-80\""
                                + " gtid:\"MySQL56/garbage\": vttablet: rpc error: code = Internal"
                                + " desc = could not decode position: invalid MySQL 5.6 GTID set"
                                + " (\"garbage\"): expected uuid:interval");
        assertThat(VStreamErrors.isTransient(garbage)).isFalse();
        assertThat(VStreamErrors.describe(garbage, TARGET, "ks", "-80", "MySQL56/garbage"))
                .contains("ks/-80")
                .contains("'MySQL56/garbage'")
                .contains("scan.startup.specific-offset")
                .contains("could not decode position");
    }

    @Test
    void oversizedMessageIsFatalAndNamesTheLimit() {
        Status tooLarge =
                Status.RESOURCE_EXHAUSTED.withDescription(
                        "gRPC message exceeds maximum size 4194304: 5000000");
        assertThat(VStreamErrors.isTransient(tooLarge)).isFalse();
        assertThat(describe(tooLarge))
                .contains("option 'grpc.max-inbound-message-size'")
                .contains("maxInboundMessageBytes");
        // Other RESOURCE_EXHAUSTED (VTGate overloaded) is retried.
        assertThat(VStreamErrors.isTransient(Status.RESOURCE_EXHAUSTED)).isTrue();
    }

    @Test
    void unreachableNamesTheEndpointAndTheNetworkError() {
        Status refused =
                Status.UNAVAILABLE
                        .withDescription("io exception")
                        .withCause(new ConnectException("Connection refused: /127.0.0.1:1"));
        assertThat(describe(refused))
                .contains("ks/-80")
                .contains(POSITION)
                .contains("VTGate " + TARGET + " is unreachable")
                .contains("check the host and port")
                .contains("Connection refused: /127.0.0.1:1");
    }

    @Test
    void credentialsAndInvalidArgumentsSayWhatHappened() {
        assertThat(describe(Status.UNAUTHENTICATED.withDescription("bad password")))
                .contains("refused the credentials")
                .contains("bad password");
        assertThat(describe(Status.INVALID_ARGUMENT.withDescription("bad position")))
                .contains("rejected as invalid by VTGate " + TARGET)
                .contains("bad position");
        assertThat(describe(Status.INTERNAL.withDescription("boom")))
                .contains("failed (INTERNAL): boom");
    }

    @Test
    void tlsFailuresAreFatalAndSayWhatToCheck() {
        Status untrusted =
                Status.UNAVAILABLE
                        .withDescription("io exception")
                        .withCause(
                                new javax.net.ssl.SSLHandshakeException(
                                        "PKIX path building failed: unable to find valid"
                                                + " certification path to requested target"));
        assertThat(VStreamErrors.isTransient(untrusted)).isFalse();
        assertThat(describe(untrusted))
                .contains("TLS handshake with " + TARGET + " failed")
                .contains("the server certificate is not trusted")
                .contains("'tls.ca-cert'");

        Status plaintextServer =
                Status.UNAVAILABLE.withCause(
                        new javax.net.ssl.SSLException("not an SSL/TLS record: 0000"));
        assertThat(VStreamErrors.isTransient(plaintextServer)).isFalse();
        assertThat(describe(plaintextServer))
                .contains("does not speak TLS")
                .contains("tls.enabled");
    }

    @Test
    void aConnectionLostDuringTheHandshakeIsRetried() {
        Status status =
                Status.UNAVAILABLE.withCause(
                        new javax.net.ssl.SSLHandshakeException(
                                "Remote host terminated the handshake"));
        assertThat(VStreamErrors.isTransient(status)).isTrue();
    }

    @Test
    void unknownHostIsFatal() {
        Status status =
                Status.UNAVAILABLE
                        .withDescription("Unable to resolve host nope.invalid")
                        .withCause(new java.net.UnknownHostException("nope.invalid"));
        assertThat(VStreamErrors.isTransient(status)).isFalse();
        assertThat(describe(status)).contains("cannot be resolved").contains("'hostname'");
    }
}
