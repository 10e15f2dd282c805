package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.Objects;

/**
 * TLS and authentication of the connections to VTGate, shared by the gRPC (VStream) and the MySQL
 * (discovery) side. Holds file paths, never key material: the files must exist where the job runs.
 */
@Internal
public final class ConnectionSecurity implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ConnectionSecurity PLAINTEXT =
            new ConnectionSecurity(false, null, null, null, AuthMethod.NONE);

    private final boolean tls;
    private final String caCertPath;
    private final String clientCertPath;
    private final String clientKeyPath;
    private final AuthMethod authMethod;

    /**
     * @param tls whether both endpoints speak TLS
     * @param caCertPath PEM file of the CA(s) to trust; null for the JVM's trust store
     * @param clientCertPath PEM certificate (chain) to present (mTLS), or null
     * @param clientKeyPath its PKCS#8 PEM private key, or null
     * @param authMethod how the gRPC calls carry the credentials
     */
    public ConnectionSecurity(
            boolean tls,
            String caCertPath,
            String clientCertPath,
            String clientKeyPath,
            AuthMethod authMethod) {
        this.tls = tls;
        this.caCertPath = caCertPath;
        this.clientCertPath = clientCertPath;
        this.clientKeyPath = clientKeyPath;
        this.authMethod = Objects.requireNonNull(authMethod, "authMethod");
    }

    /** Plaintext, no gRPC credentials. */
    public static ConnectionSecurity plaintext() {
        return PLAINTEXT;
    }

    public boolean tls() {
        return tls;
    }

    public String caCertPath() {
        return caCertPath;
    }

    public String clientCertPath() {
        return clientCertPath;
    }

    public String clientKeyPath() {
        return clientKeyPath;
    }

    public AuthMethod authMethod() {
        return authMethod;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ConnectionSecurity)) {
            return false;
        }
        ConnectionSecurity that = (ConnectionSecurity) o;
        return tls == that.tls
                && Objects.equals(caCertPath, that.caCertPath)
                && Objects.equals(clientCertPath, that.clientCertPath)
                && Objects.equals(clientKeyPath, that.clientKeyPath)
                && authMethod == that.authMethod;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tls, caCertPath, clientCertPath, clientKeyPath, authMethod);
    }

    @Override
    public String toString() {
        if (!tls) {
            return "plaintext, auth=" + authMethod.value();
        }
        return "tls(ca="
                + (caCertPath == null ? "system trust store" : caCertPath)
                + (clientCertPath == null ? "" : ", client-cert=" + clientCertPath)
                + "), auth="
                + authMethod.value();
    }
}
