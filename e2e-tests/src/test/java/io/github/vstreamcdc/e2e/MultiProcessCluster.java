package io.github.vstreamcdc.e2e;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The multi-process Vitess (etcd, vtctld, vtgate, a mysqld and vttablet per shard) that {@code
 * e2e-tests/vitess/cluster.sh} installs and starts: what the tests need to restart VTGate or
 * reshard. Started once per JVM; a cluster that cannot start fails the tests that need it.
 */
final class MultiProcessCluster {

    private static final SetupScript<MultiProcessCluster> SCRIPT =
            new SetupScript<>(
                    "The multi-process Vitess cluster",
                    VitessCluster.script().resolveSibling("cluster.sh"),
                    30,
                    MultiProcessCluster::new,
                    "VTGATE_GRPC_PORT",
                    "CLUSTER_KEYSPACE");

    private final Map<String, String> env;

    private MultiProcessCluster(Map<String, String> env) {
        this.env = env;
    }

    /** The running cluster; starts it on first use. */
    static MultiProcessCluster get() {
        return SCRIPT.upHealthy();
    }

    /** Runs a cluster.sh command; fails with its output unless it succeeds in time. */
    static List<String> run(long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        return run(Map.of(), timeoutMinutes, args);
    }

    /** Runs a cluster.sh command with these environment variables set. */
    static List<String> run(Map<String, String> environment, long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        return SCRIPT.run(environment, timeoutMinutes, args);
    }

    String host() {
        return env.getOrDefault("VTGATE_HOST", "127.0.0.1");
    }

    int grpcPort() {
        return Integer.parseInt(env.get("VTGATE_GRPC_PORT"));
    }

    int mysqlPort() {
        return Integer.parseInt(env.get("VTGATE_MYSQL_PORT"));
    }

    String keyspace() {
        return env.get("CLUSTER_KEYSPACE");
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:mysql://"
                        + host()
                        + ":"
                        + mysqlPort()
                        + "/"
                        + keyspace()
                        + "?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000",
                "root",
                "");
    }

    /**
     * Creates the table afresh (dropped first if it exists), sharded by a hash of {@code id} (the
     * VSchema keeps a table's vindex across drops), and makes the tablets load it.
     */
    void createShardedTable(String table, String columns) throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (" + columns + ")");
            boolean inVschema = false;
            try (ResultSet rs = s.executeQuery("SHOW VSCHEMA TABLES")) {
                while (rs.next()) {
                    inVschema |= table.equals(rs.getString(1));
                }
            }
            if (!inVschema) {
                s.execute("ALTER VSCHEMA ON " + table + " ADD VINDEX hash(id) USING hash");
            }
        }
        run(2, "reload-schema");
    }
}
