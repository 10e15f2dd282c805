package io.github.vstreamcdc.e2e;

import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

/**
 * The TLS endpoints of the security tests, started once per JVM by {@code
 * e2e-tests/vitess/secure.sh up}: nginx (TLS with a test CA, HTTP Basic auth, gRPC passed on) as
 * the PlanetScale edge's stand-in, and a VTGate with its own gRPC TLS (client certificates
 * required) and Vitess static auth, whose MySQL port requires TLS. One unsharded keyspace, {@code
 * secure}, with the tables {@code tls_direct, tls_nginx, tls_sql, tls_leak}. If they cannot start,
 * the tests fail: nothing is skipped.
 */
public final class SecureEndpoints {

    private static final SetupScript<SecureEndpoints> SCRIPT =
            new SetupScript<>(
                    "The secure endpoints",
                    Paths.get(System.getProperty("secure.script", "vitess/secure.sh")),
                    45,
                    SecureEndpoints::new,
                    "SECURE_NGINX_PORT",
                    "SECURE_PASSWORD",
                    "SECURE_CA_CERT");

    private final Map<String, String> env;

    private SecureEndpoints(Map<String, String> env) {
        this.env = env;
    }

    /** The running endpoints; starts them (and the Vitess cluster under them) on first use. */
    public static SecureEndpoints get() {
        return SCRIPT.up();
    }

    public String host() {
        return env.get("SECURE_HOST");
    }

    /** nginx: TLS + HTTP Basic auth, gRPC passed to the secure VTGate. */
    public int edgePort() {
        return Integer.parseInt(env.get("SECURE_NGINX_PORT"));
    }

    /** The secure VTGate's gRPC port: TLS, client certificate required, static auth. */
    public int vtgateGrpcPort() {
        return Integer.parseInt(env.get("SECURE_VTGATE_GRPC_PORT"));
    }

    /** The secure VTGate's MySQL port: TLS required. */
    public int vtgateMysqlPort() {
        return Integer.parseInt(env.get("SECURE_VTGATE_MYSQL_PORT"));
    }

    public String keyspace() {
        return env.get("SECURE_KEYSPACE");
    }

    public String user() {
        return env.get("SECURE_USER");
    }

    public String password() {
        return env.get("SECURE_PASSWORD");
    }

    public String caCert() {
        return env.get("SECURE_CA_CERT");
    }

    /** A CA that signed none of the servers' certificates. */
    public String otherCaCert() {
        return env.get("SECURE_OTHER_CA_CERT");
    }

    public String clientCert() {
        return env.get("SECURE_CLIENT_CERT");
    }

    public String clientKey() {
        return env.get("SECURE_CLIENT_KEY");
    }

    /** A JDBC connection to the secure keyspace over TLS (the server certificate not checked). */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user());
        props.setProperty("password", password());
        props.setProperty("sslMode", "REQUIRED");
        return DriverManager.getConnection(
                "jdbc:mysql://" + host() + ":" + vtgateMysqlPort() + "/" + keyspace(), props);
    }

    /** Empties a table of the secure keyspace. */
    public void deleteAll(String table) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + table);
        }
    }

    /** Inserts ids [from, to] with v = "v" + id. */
    public void insert(String table, long from, long to) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (long id = from; id <= to; id++) {
                s.execute("INSERT INTO " + table + " (id, v) VALUES (" + id + ", 'v" + id + "')");
            }
        }
    }
}
