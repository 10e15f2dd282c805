package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.PublicEvolving;

/** How the source sends its username and password to VTGate's gRPC endpoint. */
@PublicEvolving
public enum AuthMethod {
    /** No credentials on the gRPC calls. */
    NONE("none"),
    /**
     * An {@code Authorization: Basic base64(user:password)} header: the PlanetScale edge (and
     * proxies that check HTTP Basic auth).
     */
    BASIC("basic"),
    /**
     * Vitess' static gRPC credentials ({@code --grpc-auth-mode static}): gRPC metadata {@code
     * username} and {@code password}.
     */
    VITESS_STATIC("vitess-static");

    private final String value;

    AuthMethod(String value) {
        this.value = value;
    }

    /** The option value, as in {@code auth.method}. */
    public String value() {
        return value;
    }

    /** The option value, so that Flink's enum options parse and print it. */
    @Override
    public String toString() {
        return value;
    }
}
