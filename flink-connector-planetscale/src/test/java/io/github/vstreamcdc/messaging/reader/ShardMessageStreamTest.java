package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.source.client.VitessException;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures of a message stream end it at once, and with which words. */
class ShardMessageStreamTest {

    private static final String TARGET = "vtgate.example:15991";

    @Test
    void refusedCredentialsAreFatal() {
        assertThat(
                        ShardMessageStream.fatalReason(
                                Status.UNAUTHENTICATED
                                        .withDescription("user 'app'")
                                        .asRuntimeException(),
                                TARGET))
                .startsWith("VTGate at " + TARGET + " refused the credentials of user 'app'")
                .contains("check 'username' and 'password'");
        assertThat(
                        ShardMessageStream.fatalReason(
                                new VitessException(
                                        "query failed",
                                        new SQLException(
                                                "Access denied for user 'app'", "28000", 1045)),
                                TARGET))
                .startsWith("VTGate's MySQL port refused the credentials (Access denied");
    }

    @Test
    void lostConnectionsAndReparentsAreRetried() {
        assertThat(
                        ShardMessageStream.fatalReason(
                                Status.UNAVAILABLE
                                        .withDescription("io exception")
                                        .asRuntimeException(),
                                TARGET))
                .isNull();
        assertThat(
                        ShardMessageStream.fatalReason(
                                new SQLException("VTGate ended the message stream"), TARGET))
                .isNull();
        assertThat(ShardMessageStream.fatalReason(new IOException("reset"), TARGET)).isNull();
        // What a tablet answers during a reparent, or while it reloads its message tables.
        assertThat(
                        ShardMessageStream.fatalReason(
                                Status.INVALID_ARGUMENT
                                        .withDescription("message table t not found")
                                        .asRuntimeException(),
                                TARGET))
                .isNull();
        assertThat(
                        ShardMessageStream.fatalReason(
                                Status.UNKNOWN
                                        .withDescription(
                                                "operation not allowed in state NOT_SERVING")
                                        .asRuntimeException(),
                                TARGET))
                .isNull();
    }
}
