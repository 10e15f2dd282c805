package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.config.ConnectionSecurity;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import org.apache.flink.annotation.Internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Builds the gRPC channel to VTGate: TLS, credentials, message size, connect timeout and keepalive.
 */
@Internal
public final class VStreamChannels {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    // the keys of Vitess' grpcclient static credentials (go/vt/grpcclient/client_auth_static.go)
    static final Metadata.Key<String> VITESS_USERNAME =
            Metadata.Key.of("username", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> VITESS_PASSWORD =
            Metadata.Key.of("password", Metadata.ASCII_STRING_MARSHALLER);

    private VStreamChannels() {}

    public static ManagedChannel open(VitessConnectionOptions options) {
        ChannelCredentials credentials = credentials(options);
        try {
            NettyChannelBuilder builder =
                    NettyChannelBuilder.forTarget(options.grpcTarget(), credentials)
                            // Copy-phase batches exceed gRPC's 4 MiB default.
                            .maxInboundMessageSize(options.maxInboundMessageBytes())
                            .intercept(new CredentialsInterceptor(options))
                            // A host that never answers (a firewall dropping the SYNs) is
                            // given up after connect.timeout, not Netty's own 30 s.
                            .withOption(
                                    ChannelOption.CONNECT_TIMEOUT_MILLIS,
                                    (int)
                                            Math.min(
                                                    Integer.MAX_VALUE,
                                                    options.connectTimeout().toMillis()));
            long keepAliveMs = options.keepAliveInterval().toMillis();
            if (keepAliveMs > 0) {
                // Idle shards send nothing for long stretches: keep NATs and proxies from
                // silently dropping the connection.
                builder.keepAliveTime(keepAliveMs, TimeUnit.MILLISECONDS)
                        .keepAliveTimeout(20, TimeUnit.SECONDS)
                        .keepAliveWithoutCalls(true);
            }
            return builder.build();
        } catch (VitessException e) {
            throw e;
        } catch (RuntimeException e) {
            // gRPC reads the TLS files' contents and the target only here, and says so in its
            // own terms (a provider "not found", "does not contain valid certificates").
            throw new VitessException(cannotOpen(options, e), e);
        }
    }

    private static String cannotOpen(VitessConnectionOptions options, RuntimeException e) {
        ConnectionSecurity security = options.security();
        StringBuilder message =
                new StringBuilder("Cannot open a gRPC channel to VTGate ")
                        .append(options.grpcTarget())
                        .append(": ")
                        .append(VitessException.firstLine(e.getMessage()));
        if (security.tls()) {
            message.append(". Check the TLS files ('tls.ca-cert' = ")
                    .append(security.caCertPath())
                    .append(", 'tls.client-cert' = ")
                    .append(security.clientCertPath())
                    .append(", 'tls.client-key' = ")
                    .append(security.clientKeyPath())
                    .append("): PEM certificates and a PKCS#8 PEM key are expected");
        }
        return message.append("; and that 'hostname' is a host name or an IP address").toString();
    }

    public static void close(ManagedChannel channel) {
        if (channel == null) {
            return;
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ChannelCredentials credentials(VitessConnectionOptions options) {
        ConnectionSecurity security = options.security();
        if (!security.tls()) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        try {
            if (security.caCertPath() != null) {
                tls.trustManager(readable(security.caCertPath(), "tls.ca-cert"));
            }
            if (security.clientCertPath() != null) {
                tls.keyManager(
                        readable(security.clientCertPath(), "tls.client-cert"),
                        readable(security.clientKeyPath(), "tls.client-key"));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof VitessException) {
                throw (VitessException) e;
            }
            throw new VitessException(
                    "Cannot use the TLS files for VTGate "
                            + options.grpcTarget()
                            + " ('tls.ca-cert' = "
                            + security.caCertPath()
                            + ", 'tls.client-cert' = "
                            + security.clientCertPath()
                            + ", 'tls.client-key' = "
                            + security.clientKeyPath()
                            + "): expected PEM certificates and a PKCS#8 PEM key: "
                            + e.getMessage(),
                    e);
        }
        return tls.build();
    }

    private static File readable(String path, String option) {
        File file = new File(path);
        if (!file.isFile() || !file.canRead()) {
            throw new VitessException(
                    "Option '"
                            + option
                            + "' = '"
                            + path
                            + "': no readable file there (it must exist on every machine that"
                            + " runs the job)");
        }
        return file;
    }

    /** The header value of HTTP Basic auth. */
    static String basicAuthorization(String username, String password) {
        String pair = (username == null ? "" : username) + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds the credentials to every call, and names the user and the auth method in the status of a
     * call the server refused, so that the error tells which credentials were wrong (the password
     * itself is never put in a status).
     */
    static final class CredentialsInterceptor implements ClientInterceptor {

        private final AuthMethod method;
        private final String username;
        private final String authorization;
        private final String password;

        CredentialsInterceptor(VitessConnectionOptions options) {
            this.method = options.security().authMethod();
            this.username = options.username();
            this.password = options.password();
            this.authorization =
                    method == AuthMethod.BASIC
                            ? basicAuthorization(options.username(), options.password())
                            : null;
        }

        @Override
        public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
                MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT>(
                    next.newCall(method, callOptions)) {
                @Override
                public void start(Listener<RespT> listener, Metadata headers) {
                    addCredentials(headers);
                    super.start(
                            new ForwardingClientCallListener.SimpleForwardingClientCallListener<
                                    RespT>(listener) {
                                @Override
                                public void onClose(Status status, Metadata trailers) {
                                    super.onClose(withWho(status), trailers);
                                }
                            },
                            headers);
                }
            };
        }

        private void addCredentials(Metadata headers) {
            switch (method) {
                case BASIC:
                    headers.put(AUTHORIZATION, authorization);
                    break;
                case VITESS_STATIC:
                    headers.put(VITESS_USERNAME, username == null ? "" : username);
                    headers.put(VITESS_PASSWORD, password == null ? "" : password);
                    break;
                default:
                    break;
            }
        }

        private Status withWho(Status status) {
            if (status.getCode() != Status.Code.UNAUTHENTICATED
                    && status.getCode() != Status.Code.PERMISSION_DENIED) {
                return status;
            }
            String who =
                    method == AuthMethod.NONE || username == null
                            ? "no credentials (auth.method " + method.value() + ")"
                            : "user '" + username + "' (auth.method " + method.value() + ")";
            String description = status.getDescription();
            // a proxy's refusal carries its HTML page after the first line
            return status.withDescription(
                    who
                            + (description == null
                                    ? ""
                                    : ": " + scrub(VitessException.firstLine(description))));
        }

        /** A server may echo what it got; never let the password into a message. */
        private String scrub(String text) {
            String out = text;
            if (password != null && !password.isEmpty()) {
                out = out.replace(password, "******");
            }
            if (authorization != null) {
                out = out.replace(authorization.substring("Basic ".length()), "******");
            }
            return out;
        }
    }
}
