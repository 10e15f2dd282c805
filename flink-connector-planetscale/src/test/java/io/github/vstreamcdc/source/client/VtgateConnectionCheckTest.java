package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.config.ConnectionSecurity;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gRPC half of the connection check, against gRPC servers on this machine. */
class VtgateConnectionCheckTest {

    private static final String PASSWORD = "pw-0815-secret";

    private Server server;
    private final List<Vtgate.ExecuteRequest> requests = new ArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    private static VitessConnectionOptions options(String host, int port) {
        return VitessConnectionOptions.builder()
                .hostname(host)
                .grpcPort(port)
                .username("flink")
                .password(PASSWORD)
                .connectTimeout(Duration.ofSeconds(5))
                .security(new ConnectionSecurity(false, null, null, null, AuthMethod.BASIC))
                .build();
    }

    /** A VTGate whose Execute answers, or fails with the given status. */
    private int serve(Status failure) throws IOException {
        server =
                Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                        .addService(
                                new VitessGrpc.VitessImplBase() {
                                    @Override
                                    public void execute(
                                            Vtgate.ExecuteRequest request,
                                            StreamObserver<Vtgate.ExecuteResponse> out) {
                                        synchronized (requests) {
                                            requests.add(request);
                                        }
                                        if (failure != null) {
                                            out.onError(failure.asRuntimeException());
                                            return;
                                        }
                                        out.onNext(Vtgate.ExecuteResponse.getDefaultInstance());
                                        out.onCompleted();
                                    }
                                })
                        .build()
                        .start();
        return server.getPort();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    @Test
    void aVtgateThatAnswersPasses() throws Exception {
        int port = serve(null);
        VtgateConnectionCheck.checkGrpc(options("127.0.0.1", port));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getQuery().getSql()).isEqualTo("select 1");
    }

    @Test
    void aGrpcServerWithoutExecuteStillPasses() throws Exception {
        // an edge may allow VStream but not Execute: it answered, and took the credentials
        server =
                Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                        .addService(new VitessGrpc.VitessImplBase() {})
                        .build()
                        .start();
        assertThatCode(
                        () ->
                                VtgateConnectionCheck.checkGrpc(
                                        options("127.0.0.1", server.getPort())))
                .doesNotThrowAnyException();
    }

    @Test
    void refusedCredentialsNameTheUserButNotThePassword() throws Exception {
        int port = serve(Status.UNAUTHENTICATED.withDescription("bad password"));
        assertThatThrownBy(() -> VtgateConnectionCheck.checkGrpc(options("127.0.0.1", port)))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("VTGate gRPC endpoint 127.0.0.1:" + port)
                .hasMessageContaining("refused the credentials of user 'flink' (auth.method basic)")
                .hasMessageContaining("check 'username' and 'password'")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int port = closedPort();
        assertThatThrownBy(() -> VtgateConnectionCheck.checkGrpc(options("127.0.0.1", port)))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("VTGate gRPC endpoint 127.0.0.1:" + port + " is unreachable")
                .hasMessageContaining("'port'");
    }

    @Test
    void anUnknownHostIsNamed() {
        assertThatThrownBy(
                        () -> VtgateConnectionCheck.checkGrpc(options("no-such-host.invalid", 1)))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("no-such-host.invalid:1")
                .hasMessageContaining("cannot be resolved")
                .hasMessageContaining("'hostname'");
    }

    @Test
    void aServerThatIsNotGrpcIsNamed() {
        VitessConnectionOptions options = options("127.0.0.1", 8080);
        assertThat(
                        VtgateConnectionCheck.problem(
                                Status.UNIMPLEMENTED.withDescription(
                                        "HTTP status code 404\\ninvalid content-type: text/html"),
                                options))
                .contains("127.0.0.1:8080 does not answer as VTGate's gRPC service")
                .contains("check that 'port' is VTGate's gRPC port");
        assertThat(
                        VtgateConnectionCheck.problem(
                                Status.INTERNAL.withDescription(
                                        "First received frame was not SETTINGS"),
                                options))
                .contains("does not answer as VTGate's gRPC service (INTERNAL");
        assertThat(VtgateConnectionCheck.problem(Status.DEADLINE_EXCEEDED, options))
                .contains("did not answer within 5000 ms ('connect.timeout'");
        assertThat(VtgateConnectionCheck.problem(Status.INVALID_ARGUMENT, options)).isNull();
    }
}
