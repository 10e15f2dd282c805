package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.config.ConnectionSecurity;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The credentials the channel sends, and what a refusal says. */
class VStreamChannelsTest {

    private static final String PASSWORD = "s3cret-pw-4711";

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    private static VitessConnectionOptions options(AuthMethod method, String user) {
        return VitessConnectionOptions.builder()
                .hostname("localhost")
                .grpcPort(1)
                .mysqlPort(2)
                .username(user)
                .password(PASSWORD)
                .maxInboundMessageBytes(4 << 20)
                .connectTimeout(Duration.ofSeconds(5))
                .reconnectMaxAttempts(0)
                .security(new ConnectionSecurity(false, null, null, null, method))
                .build();
    }

    private static final MethodDescriptor.Marshaller<String> STRING =
            new MethodDescriptor.Marshaller<String>() {
                @Override
                public InputStream stream(String value) {
                    return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public String parse(InputStream stream) {
                    return "";
                }
            };

    private static final MethodDescriptor<String, String> METHOD =
            MethodDescriptor.<String, String>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("test/Call")
                    .setRequestMarshaller(STRING)
                    .setResponseMarshaller(STRING)
                    .build();

    /** Calls a server that records the headers and refuses with the given status. */
    private Status call(
            VitessConnectionOptions options, Status refusal, AtomicReference<Metadata> seen)
            throws Exception {
        String name = InProcessServerBuilder.generateName();
        ServerCallHandler<String, String> handler =
                (call, headers) -> {
                    call.close(refusal, new Metadata());
                    return new ServerCall.Listener<String>() {};
                };
        ServerInterceptor recorder =
                new ServerInterceptor() {
                    @Override
                    public <Q, R> ServerCall.Listener<Q> interceptCall(
                            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                        seen.set(headers);
                        return next.startCall(call, headers);
                    }
                };
        server =
                InProcessServerBuilder.forName(name)
                        .addService(
                                ServerInterceptors.intercept(
                                        ServerServiceDefinition.builder("test")
                                                .addMethod(METHOD, handler)
                                                .build(),
                                        recorder))
                        .build()
                        .start();
        channel =
                InProcessChannelBuilder.forName(name)
                        .intercept(new VStreamChannels.CredentialsInterceptor(options))
                        .build();
        return callOnce(channel, CallOptions.DEFAULT);
    }

    private static Status callOnce(Channel channel, CallOptions options) throws Exception {
        ClientCall<String, String> call = channel.newCall(METHOD, options);
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(
                new ClientCall.Listener<String>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                    }
                },
                new Metadata());
        call.sendMessage("x");
        call.halfClose();
        call.request(1);
        return closed.get(30, TimeUnit.SECONDS);
    }

    /**
     * A host that never answers the connection (here: a port whose accept queue is full, so the
     * kernel drops further SYNs, as a firewall would) is given up after 'connect.timeout', not
     * after Netty's own 30 s: the call's 20 s deadline would end it otherwise.
     */
    @Test
    void aHostThatNeverAnswersIsGivenUpAfterTheConnectTimeout() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                fillAcceptQueue(full, queued);
                VitessConnectionOptions options =
                        VitessConnectionOptions.builder()
                                .hostname("127.0.0.1")
                                .grpcPort(full.getLocalPort())
                                .mysqlPort(2)
                                .username("u")
                                .password(PASSWORD)
                                .maxInboundMessageBytes(4 << 20)
                                .connectTimeout(Duration.ofMillis(1500))
                                .reconnectMaxAttempts(0)
                                .security(
                                        new ConnectionSecurity(
                                                false, null, null, null, AuthMethod.NONE))
                                .build();
                channel = VStreamChannels.open(options);
                Status status =
                        callOnce(
                                channel,
                                CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
                assertThat(status.getCode()).as("%s", status).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(String.valueOf(status.getCause()))
                        .as("%s", status)
                        .contains("connection timed out after 1500 ms");
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    /** Connects until a connection is not accepted within half a second: the queue is full. */
    private static void fillAcceptQueue(ServerSocket server, List<Socket> queued) throws Exception {
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            queued.add(socket);
            try {
                socket.connect(server.getLocalSocketAddress(), 500);
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        throw new IllegalStateException("the accept queue of " + server + " never filled");
    }

    @Test
    void basicAuthSendsAnAuthorizationHeader() throws Exception {
        AtomicReference<Metadata> seen = new AtomicReference<>();
        call(options(AuthMethod.BASIC, "alice"), Status.OK, seen);
        String expected =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        ("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(seen.get().get(VStreamChannels.AUTHORIZATION)).isEqualTo(expected);
        assertThat(seen.get().get(VStreamChannels.VITESS_USERNAME)).isNull();
    }

    @Test
    void vitessStaticAuthSendsUsernameAndPasswordMetadata() throws Exception {
        AtomicReference<Metadata> seen = new AtomicReference<>();
        call(options(AuthMethod.VITESS_STATIC, "alice"), Status.OK, seen);
        assertThat(seen.get().get(VStreamChannels.VITESS_USERNAME)).isEqualTo("alice");
        assertThat(seen.get().get(VStreamChannels.VITESS_PASSWORD)).isEqualTo(PASSWORD);
        assertThat(seen.get().get(VStreamChannels.AUTHORIZATION)).isNull();
    }

    @Test
    void noAuthSendsNothing() throws Exception {
        AtomicReference<Metadata> seen = new AtomicReference<>();
        call(options(AuthMethod.NONE, null), Status.OK, seen);
        assertThat(seen.get().get(VStreamChannels.AUTHORIZATION)).isNull();
        assertThat(seen.get().get(VStreamChannels.VITESS_PASSWORD)).isNull();
    }

    @Test
    void aRefusalNamesTheUserAndNeverThePassword() throws Exception {
        AtomicReference<Metadata> seen = new AtomicReference<>();
        Status status =
                call(
                        options(AuthMethod.VITESS_STATIC, "alice"),
                        Status.PERMISSION_DENIED.withDescription(
                                "auth failure: caller \"alice\" provided invalid credentials "
                                        + PASSWORD),
                        seen);
        assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(status.getDescription())
                .contains("user 'alice' (auth.method vitess-static)")
                .doesNotContain(PASSWORD);
        String message = VStreamErrors.describe(status, "h:1", "ks", "0", "current");
        assertThat(message)
                .contains("VTGate at h:1 refused the credentials of user 'alice'")
                .contains("PERMISSION_DENIED")
                .contains("check 'username' and 'password'")
                .doesNotContain(PASSWORD);
        assertThat(VStreamErrors.isTransient(status)).isFalse();
    }

    @Test
    void unreadableTlsFilesAreNamed() {
        VitessConnectionOptions options = withTls("/does/not/exist.pem", null, null);
        assertThatThrownBy(() -> VStreamChannels.open(options))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("'tls.ca-cert' = '/does/not/exist.pem'");
    }

    private static VitessConnectionOptions withTls(String caCert, String clientCert, String key) {
        return VitessConnectionOptions.builder()
                .hostname("localhost")
                .grpcPort(1)
                .mysqlPort(2)
                .maxInboundMessageBytes(4 << 20)
                .connectTimeout(Duration.ofSeconds(5))
                .reconnectMaxAttempts(0)
                .security(new ConnectionSecurity(true, caCert, clientCert, key, AuthMethod.NONE))
                .keepAliveInterval(Duration.ZERO)
                .build();
    }

    @Test
    void aTlsFileThatIsNotPemIsNamedNotLeftToGrpc(@TempDir Path dir) throws Exception {
        Path notPem = dir.resolve("ca.pem");
        Files.write(notPem, "not a certificate".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> VStreamChannels.open(withTls(notPem.toString(), null, null)))
                .isInstanceOf(VitessException.class)
                .hasMessageStartingWith("Cannot open a gRPC channel to VTGate localhost:1: ")
                .hasMessageContaining("'tls.ca-cert' = " + notPem)
                .hasMessageContaining("PEM certificates and a PKCS#8 PEM key are expected");
    }

    @Test
    void aKeyWithoutItsEndLineIsToldAsSuch(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("client.key");
        Files.write(key, "-----BEGIN PRIVATE KEY-----\nMIIE\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> PemKeyStores.privateKey(key.toString()))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining(key + " is not a PKCS#8 PEM private key");
    }
}
