package io.github.vstreamcdc.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * The real Vitess cluster of the end-to-end tests, started once per JVM by {@code
 * e2e-tests/vitess/vitess.sh up} (which installs what is missing). If it cannot start, every test
 * that needs it fails: nothing is skipped.
 */
public final class VitessCluster {

    private static final SetupScript<VitessCluster> SCRIPT =
            new SetupScript<>(
                    "The local Vitess cluster",
                    Paths.get(System.getProperty("vitess.script", "vitess/vitess.sh")),
                    45,
                    VitessCluster::new,
                    "VTGATE_GRPC_PORT",
                    "VTGATE_MYSQL_PORT");

    private final Map<String, String> env;

    private VitessCluster(Map<String, String> env) {
        this.env = env;
    }

    /** The running cluster; starts it on first use. */
    public static VitessCluster get() {
        return SCRIPT.up();
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
        return SCRIPT.path();
    }

    /**
     * Makes the tablets load the keyspace's schema now. Needed after DDL: a VStream that meets a
     * table its tablet has not loaded yet fails.
     */
    public void reloadSchema(String keyspace) throws IOException, InterruptedException {
        SCRIPT.run(Map.of(), 2, "reload-schema", keyspace);
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
