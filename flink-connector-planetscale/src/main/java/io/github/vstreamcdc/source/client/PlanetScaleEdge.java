package io.github.vstreamcdc.source.client;

import org.apache.flink.annotation.Internal;

import java.util.Locale;

/**
 * What a PlanetScale host implies: its edge ({@code <region>.connect.psdb.cloud}) serves VStream
 * over TLS on 443 with HTTP Basic auth of a branch password, streams from the cell {@value #CELLS},
 * and has its MySQL endpoint on 3306 with TLS.
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
}
