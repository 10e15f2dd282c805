package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.config.ConnectionSecurity;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import io.grpc.CallOptions;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
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
        ClientCall<String, String> call = channel.newCall(METHOD, CallOptions.DEFAULT);
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
        return closed.get(10, TimeUnit.SECONDS);
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
