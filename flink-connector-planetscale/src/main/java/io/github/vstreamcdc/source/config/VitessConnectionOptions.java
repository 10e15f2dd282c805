package io.github.vstreamcdc.source.config;

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

    private VitessConnectionOptions(Builder b) {
        this.hostname = Objects.requireNonNull(b.hostname, "hostname");
        this.grpcPort = b.grpcPort;
        this.mysqlPort = b.mysqlPort;
        this.username = b.username;
        this.password = b.password;
        this.tabletType = Objects.requireNonNull(b.tabletType, "tabletType");
        this.cells = b.cells;
        this.maxInboundMessageBytes = b.maxInboundMessageBytes;
        this.connectTimeout = Objects.requireNonNull(b.connectTimeout, "connectTimeout");
        this.reconnectMaxAttempts = b.reconnectMaxAttempts;
        this.security = Objects.requireNonNull(b.security, "security");
        this.keepAliveInterval = Objects.requireNonNull(b.keepAliveInterval, "keepAliveInterval");
    }

    /**
     * Options with the defaults of {@link PlanetScaleSourceOptions} (a self-hosted, plaintext
     * VTGate); {@link PlanetScaleSourceConfig} fills them in from validated options, tests set what
     * they need.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link VitessConnectionOptions}; checks nothing but presence. */
    public static final class Builder {
        private String hostname;
        private int grpcPort = PlanetScaleSourceOptions.PORT.defaultValue();
        private int mysqlPort = PlanetScaleSourceOptions.MYSQL_PORT.defaultValue();
        private String username;
        private String password;
        private Topodata.TabletType tabletType =
                PlanetScaleSourceOptions.TABLET_TYPE.defaultValue().toProto();
        private String cells;
        private int maxInboundMessageBytes =
                (int)
                        PlanetScaleSourceOptions.GRPC_MAX_INBOUND_MESSAGE_SIZE
                                .defaultValue()
                                .getBytes();
        private Duration connectTimeout = PlanetScaleSourceOptions.CONNECT_TIMEOUT.defaultValue();
        private int reconnectMaxAttempts =
                PlanetScaleSourceOptions.RECONNECT_MAX_ATTEMPTS.defaultValue();
        private ConnectionSecurity security = ConnectionSecurity.plaintext();
        private Duration keepAliveInterval =
                PlanetScaleSourceOptions.GRPC_KEEPALIVE_INTERVAL.defaultValue();

        private Builder() {}

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder grpcPort(int grpcPort) {
            this.grpcPort = grpcPort;
            return this;
        }

        public Builder mysqlPort(int mysqlPort) {
            this.mysqlPort = mysqlPort;
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder tabletType(Topodata.TabletType tabletType) {
            this.tabletType = tabletType;
            return this;
        }

        public Builder cells(String cells) {
            this.cells = cells;
            return this;
        }

        public Builder maxInboundMessageBytes(int bytes) {
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder reconnectMaxAttempts(int attempts) {
            this.reconnectMaxAttempts = attempts;
            return this;
        }

        public Builder security(ConnectionSecurity security) {
            this.security = security;
            return this;
        }

        public Builder keepAliveInterval(Duration interval) {
            this.keepAliveInterval = interval;
            return this;
        }

        public VitessConnectionOptions build() {
            return new VitessConnectionOptions(this);
        }
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
        return authority(grpcPort);
    }

    /** {@code host:port}, an IPv6 address in brackets ({@code [::1]:15991}). */
    public String authority(int port) {
        boolean ipv6 = hostname.indexOf(':') >= 0 && !hostname.startsWith("[");
        return (ipv6 ? "[" + hostname + "]" : hostname) + ":" + port;
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
