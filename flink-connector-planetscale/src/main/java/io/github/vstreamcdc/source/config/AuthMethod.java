package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Locale;

/** How the source sends its username and password to VTGate's gRPC endpoint. */
@PublicEvolving
public enum AuthMethod {
    /** No credentials on the gRPC calls. */
    NONE,
    /**
     * An {@code Authorization: Basic base64(user:password)} header: the PlanetScale edge (and
     * proxies that check HTTP Basic auth).
     */
    BASIC,
    /**
     * Vitess' static gRPC credentials ({@code --grpc-auth-mode static}): gRPC metadata {@code
     * username} and {@code password}.
     */
    VITESS_STATIC;

    /** The option value, as in {@code auth.method}: the name in lower case with dashes. */
    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The option value, so that Flink's enum options parse and print it. */
    @Override
    public String toString() {
        return value();
    }
}
