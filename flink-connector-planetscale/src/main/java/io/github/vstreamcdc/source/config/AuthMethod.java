package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Locale;

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

    public static AuthMethod fromValue(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (AuthMethod method : values()) {
            if (method.value.equals(v)) {
                return method;
            }
        }
        throw new IllegalArgumentException(
                "Invalid value for option 'auth.method': '"
                        + value
                        + "'. Allowed values: none, basic, vitess-static.");
    }
}
