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

    private final String hostname;
    private final int grpcPort;
    private final int mysqlPort;
    private final String username;
    private final String password;
    private final Topodata.TabletType tabletType;
    private final String cells;
    private final int maxInboundMessageBytes;
    private final Duration connectTimeout;

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
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        this.grpcPort = grpcPort;
        this.mysqlPort = mysqlPort;
        this.username = username;
        this.password = password;
        this.tabletType = Objects.requireNonNull(tabletType, "tabletType");
        this.cells = cells;
        this.maxInboundMessageBytes = maxInboundMessageBytes;
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
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
                + '}';
    }
}
