package io.github.vstreamcdc.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Vitess cluster of the end-to-end tests, started once per JVM by {@code
 * e2e-tests/vitess/vitess.sh up} (which installs what is missing). If it cannot start, every test
 * that needs it fails: nothing is skipped.
 */
public final class VitessCluster {

    private static final long START_TIMEOUT_MINUTES = 45;

    private static VitessCluster instance;
    private static Throwable startFailure;

    private final Map<String, String> env;

    private VitessCluster(Map<String, String> env) {
        this.env = Collections.unmodifiableMap(env);
    }

    /** The running cluster; starts it on first use. */
    public static synchronized VitessCluster get() {
        if (instance == null && startFailure == null) {
            try {
                instance = new VitessCluster(up());
            } catch (Throwable t) {
                startFailure = t;
            }
        }
        if (startFailure != null) {
            throw new IllegalStateException(
                    "The local Vitess cluster could not start: " + startFailure.getMessage(),
                    startFailure);
        }
        return instance;
    }

    private static Map<String, String> up() throws IOException, InterruptedException {
        String script = System.getProperty("vitess.script", "vitess/vitess.sh");
        return SetupScript.keyValues(
                script,
                SetupScript.run(script, Map.of(), START_TIMEOUT_MINUTES, "up"),
                "VTGATE_GRPC_PORT",
                "VTGATE_MYSQL_PORT");
    }

    public String host() {
        return env.getOrDefault("VTGATE_HOST", "127.0.0.1");
    }

    public int grpcPort() {
        return Integer.parseInt(env.get("VTGATE_GRPC_PORT"));
    }

    public int mysqlPort() {
        return Integer.parseInt(env.get("VTGATE_MYSQL_PORT"));
    }

    public String get(String key) {
        return env.get(key);
    }

    /** The script that runs the cluster, e.g. to restart VTGate in failure tests. */
    public static Path script() {
        return Paths.get(System.getProperty("vitess.script", "vitess/vitess.sh"));
    }

    /**
     * Makes the tablets load the keyspace's schema now. Needed after DDL: a VStream that meets a
     * table its tablet has not loaded yet fails.
     */
    public void reloadSchema(String keyspace) throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder("bash", script().toString(), "reload-schema", keyspace)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("reload-schema " + keyspace + " failed: " + out);
        }
    }

    /**
     * Waits until VTGate's schema tracking knows the table's current columns. After a DROP and
     * CREATE it may still know the old ones for a while and reject statements naming new columns.
     */
    public void awaitTrackedColumns(String keyspace, String table)
            throws SQLException, IOException, InterruptedException {
        java.util.Set<String> expected = new java.util.TreeSet<>();
        try (Connection c = connect(keyspace);
                java.sql.PreparedStatement s =
                        c.prepareStatement(
                                "SELECT column_name FROM information_schema.columns"
                                        + " WHERE table_schema = ? AND table_name = ?")) {
            s.setString(1, keyspace);
            s.setString(2, table);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    expected.add(rs.getString(1));
                }
            }
        }
        java.net.URL url =
                new java.net.URL(
                        "http://" + host() + ":" + env.get("VTCOMBO_HTTP_PORT") + "/debug/vschema");
        org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper mapper =
                new org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Set<String> tracked = new java.util.TreeSet<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            tracked.clear();
            org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode columns =
                    mapper.readTree(url)
                            .path("keyspaces")
                            .path(keyspace)
                            .path("tables")
                            .path(table)
                            .path("columns");
            columns.forEach(column -> tracked.add(column.path("name").asText()));
            if (tracked.equals(expected)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException(
                "VTGate still tracks columns "
                        + tracked
                        + " of "
                        + keyspace
                        + "."
                        + table
                        + " instead of "
                        + expected);
    }

    /** A JDBC connection through VTGate's MySQL protocol, to a keyspace (or "ks:shard"). */
    public Connection connect(String target) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:mysql://"
                        + host()
                        + ":"
                        + mysqlPort()
                        + "/"
                        + target
                        + "?useSSL=false&allowPublicKeyRetrieval=true&rewriteBatchedStatements=true",
                "root",
                "");
    }

    @Override
    public String toString() {
        return "VitessCluster" + env;
    }
}
