package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.Internal;

import java.util.Locale;

/**
 * The one place for the defaults that depend on the host. What a PlanetScale host implies: its edge
 * ({@code <region>.connect.psdb.cloud}) serves VStream over TLS on 443 with HTTP Basic auth of a
 * branch password, streams from the cell {@value #CELLS}, and has its MySQL endpoint on 3306 with
 * TLS.
 */
@Internal
public final class PlanetScaleEdge {

    public static final int GRPC_PORT = 443;
    public static final int MYSQL_PORT = 3306;
    public static final String CELLS = "planetscale_operator_default";

    private PlanetScaleEdge() {}

    /** Whether the host is a PlanetScale host ({@code psdb.cloud} or a subdomain of it). */
    public static boolean isPlanetScaleHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("psdb.cloud") || h.endsWith(".psdb.cloud");
    }

    static int grpcPort(boolean planetScale) {
        return planetScale ? GRPC_PORT : PlanetScaleSourceOptions.PORT.defaultValue();
    }

    static int mysqlPort(boolean planetScale) {
        return planetScale ? MYSQL_PORT : PlanetScaleSourceOptions.MYSQL_PORT.defaultValue();
    }

    /** Null: VTGate's own cell. */
    static String cells(boolean planetScale) {
        return planetScale ? CELLS : null;
    }

    /**
     * HTTP Basic for the PlanetScale edge; Vitess' static credentials elsewhere, but only inside
     * TLS (they travel as plain gRPC metadata); none without a username.
     */
    static AuthMethod authMethod(boolean planetScale, boolean tls, boolean hasUsername) {
        if (!hasUsername) {
            return AuthMethod.NONE;
        }
        if (planetScale) {
            return AuthMethod.BASIC;
        }
        return tls ? AuthMethod.VITESS_STATIC : AuthMethod.NONE;
    }
}
