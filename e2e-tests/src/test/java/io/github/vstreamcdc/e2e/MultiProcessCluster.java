package io.github.vstreamcdc.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The multi-process Vitess (etcd, vtctld, vtgate, a mysqld and vttablet per shard) that {@code
 * e2e-tests/vitess/cluster.sh} installs and starts: what the tests need to restart VTGate or
 * reshard. Started once per JVM; a cluster that cannot start fails the tests that need it.
 */
final class MultiProcessCluster {

    private static MultiProcessCluster instance;
    private static Throwable startFailure;

    private final Map<String, String> env;

    private MultiProcessCluster(Map<String, String> env) {
        this.env = env;
    }

    static synchronized MultiProcessCluster get() {
        if (instance == null && startFailure == null) {
            try {
                instance =
                        new MultiProcessCluster(
                                SetupScript.keyValues(
                                        "cluster.sh",
                                        run(30, "up"),
                                        "VTGATE_GRPC_PORT",
                                        "CLUSTER_KEYSPACE"));
            } catch (Throwable t) {
                startFailure = t;
            }
        }
        if (startFailure != null) {
            throw new IllegalStateException(
                    "The multi-process Vitess cluster could not start: "
                            + startFailure.getMessage(),
                    startFailure);
        }
        return instance;
    }

    private static Path script() {
        return Paths.get(System.getProperty("vitess.script", "vitess/vitess.sh"))
                .resolveSibling("cluster.sh");
    }

    /** Runs a cluster.sh command; fails with its output unless it succeeds in time. */
    static List<String> run(long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        return run(Map.of(), timeoutMinutes, args);
    }

    /** Runs a cluster.sh command with these environment variables set. */
    static List<String> run(Map<String, String> environment, long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        return SetupScript.run(script().toString(), environment, timeoutMinutes, args);
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
}
