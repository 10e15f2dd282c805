package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.vitess.proto.Topodata;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach VTGate: its gRPC endpoint for VStream and its MySQL-protocol endpoint for
 * discovery. The password never appears in {@link #toString()}.
 */
@Internal
public final class VitessConnectionOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Failed (re)connects of a shard's VStream in a row before the reader gives up. */
    public static final int DEFAULT_RECONNECT_MAX_ATTEMPTS = 10;

    /** gRPC keepalive ping interval: keeps NATs and proxies from dropping idle streams. */
    public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(30);

    private final String hostname;
    private final int grpcPort;
    private final int mysqlPort;
    private final String username;
    private final String password;
    private final Topodata.TabletType tabletType;
    private final String cells;
    private final int maxInboundMessageBytes;
    private final Duration connectTimeout;
    private final int reconnectMaxAttempts;
    private final ConnectionSecurity security;
    private final Duration keepAliveInterval;

    /** Options with the default reconnect budget ({@value #DEFAULT_RECONNECT_MAX_ATTEMPTS}). */
    public VitessConnectionOptions(
            String hostname,
            int grpcPort,
            int mysqlPort,
            String username,
            String password,
            Topodata.TabletType tabletType,
            String cells,
            int maxInboundMessageBytes,
            Duration connectTimeout) {
        this(
                hostname,
                grpcPort,
                mysqlPort,
                username,
                password,
                tabletType,
                cells,
                maxInboundMessageBytes,
                connectTimeout,
                DEFAULT_RECONNECT_MAX_ATTEMPTS);
    }

    public VitessConnectionOptions(
            String hostname,
            int grpcPort,
            int mysqlPort,
            String username,
            String password,
            Topodata.TabletType tabletType,
            String cells,
            int maxInboundMessageBytes,
            Duration connectTimeout,
            int reconnectMaxAttempts) {
        this(
                hostname,
                grpcPort,
                mysqlPort,
                username,
                password,
                tabletType,
                cells,
                maxInboundMessageBytes,
                connectTimeout,
                reconnectMaxAttempts,
                ConnectionSecurity.plaintext(),
                DEFAULT_KEEPALIVE_INTERVAL);
    }

    /**
     * All options.
     *
     * @param security TLS and how the gRPC calls carry the credentials
     * @param keepAliveInterval gRPC keepalive ping interval; zero for none
     */
    public VitessConnectionOptions(
            String hostname,
            int grpcPort,
            int mysqlPort,
            String username,
            String password,
            Topodata.TabletType tabletType,
            String cells,
            int maxInboundMessageBytes,
            Duration connectTimeout,
            int reconnectMaxAttempts,
            ConnectionSecurity security,
            Duration keepAliveInterval) {
        if (reconnectMaxAttempts < 0) {
            throw new IllegalArgumentException(
                    "reconnectMaxAttempts must be >= 0: " + reconnectMaxAttempts);
        }
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        this.grpcPort = grpcPort;
        this.mysqlPort = mysqlPort;
        this.username = username;
        this.password = password;
        this.tabletType = Objects.requireNonNull(tabletType, "tabletType");
        this.cells = cells;
        this.maxInboundMessageBytes = maxInboundMessageBytes;
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.reconnectMaxAttempts = reconnectMaxAttempts;
        this.security = Objects.requireNonNull(security, "security");
        this.keepAliveInterval = Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
    }

    public String hostname() {
        return hostname;
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int mysqlPort() {
        return mysqlPort;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public Topodata.TabletType tabletType() {
        return tabletType;
    }

    public String cells() {
        return cells;
    }

    public int maxInboundMessageBytes() {
        return maxInboundMessageBytes;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How many times in a row a shard's VStream may fail with a transient error (VTGate
     * unreachable, connection lost) before the reader fails; 0 fails on the first error. The count
     * restarts once a stream makes progress.
     */
    public int reconnectMaxAttempts() {
        return reconnectMaxAttempts;
    }

    public ConnectionSecurity security() {
        return security;
    }

    /** gRPC keepalive ping interval; zero for none. */
    public Duration keepAliveInterval() {
        return keepAliveInterval;
    }

    public String grpcTarget() {
        return hostname + ":" + grpcPort;
    }

    @Override
    public String toString() {
        return "VitessConnectionOptions{grpc="
                + grpcTarget()
                + ", mysqlPort="
                + mysqlPort
                + ", username="
                + username
                + ", password="
                + (password == null ? "<none>" : "******")
                + ", tabletType="
                + tabletType
                + (cells == null ? "" : ", cells=" + cells)
                + ", security="
                + security
                + ", reconnectMaxAttempts="
                + reconnectMaxAttempts
                + '}';
    }
}
