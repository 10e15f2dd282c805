package io.github.vstreamcdc.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Vitess Online DDL through VTGate's MySQL protocol: submits a migration with a {@code
 * ddl_strategy}, waits until every shard completed it ({@code SHOW VITESS_MIGRATIONS}), and reverts
 * one. Needs real vttablets ({@code cluster.sh}): vttestserver's vtcombo fails the {@code vitess}
 * strategy ("not implemented in vtcombo"), see e2e-tests/vitess/README.md.
 */
final class OnlineDdl {

    /** The default strategy: VReplication (shadow table, row copy, cut-over by rename). */
    static final String VITESS = "vitess";

    private final Callable<Connection> connections;

    OnlineDdl(Callable<Connection> connections) {
        this.connections = connections;
    }

    /** Submits the DDL with the strategy (e.g. {@code vitess --prefer-instant-ddl}); its UUID. */
    String submit(String strategy, String ddl) throws Exception {
        try (Connection c = connections.call();
                Statement s = c.createStatement()) {
            s.execute("SET @@ddl_strategy = '" + strategy + "'");
            return uuidOf(s, ddl);
        }
    }

    /** Submits {@code REVERT VITESS_MIGRATION} of a completed migration; the revert's UUID. */
    String revert(String uuid) throws Exception {
        try (Connection c = connections.call();
                Statement s = c.createStatement()) {
            s.execute("SET @@ddl_strategy = '" + VITESS + "'");
            return uuidOf(s, "REVERT VITESS_MIGRATION '" + uuid + "'");
        }
    }

    /**
     * {@code ALTER VITESS_MIGRATION ... COMPLETE}: cuts over a migration whose completion waits.
     */
    void complete(String uuid) throws Exception {
        try (Connection c = connections.call();
                Statement s = c.createStatement()) {
            s.execute("ALTER VITESS_MIGRATION '" + uuid + "' COMPLETE");
        }
    }

    /** Submits the DDL and waits for it to complete on every shard; its UUID. */
    String run(String strategy, String ddl, Duration timeout) throws Exception {
        String uuid = submit(strategy, ddl);
        awaitComplete(uuid, timeout);
        return uuid;
    }

    /**
     * Waits until the migration is complete on every shard; fails at once if a shard failed or
     * cancelled it (with Vitess' message), or with each shard's status and stage after the timeout.
     */
    void awaitComplete(String uuid, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> states = Map.of();
        while (System.nanoTime() < deadline) {
            states = states(uuid);
            boolean done = !states.isEmpty();
            for (Map.Entry<String, String> state : states.entrySet()) {
                String status = state.getValue();
                if (status.startsWith("failed") || status.startsWith("cancelled")) {
                    throw new AssertionError(
                            "Online DDL " + uuid + " " + status + " on shard " + state.getKey());
                }
                done &= status.startsWith("complete");
            }
            if (done) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "Online DDL " + uuid + " did not complete within " + timeout + ": " + states);
    }

    /** Shard to "status (stage: ..., message: ...)" of the migration. */
    private Map<String, String> states(String uuid) throws Exception {
        Map<String, String> states = new TreeMap<>();
        try (Connection c = connections.call();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW VITESS_MIGRATIONS LIKE '" + uuid + "'")) {
            while (rs.next()) {
                states.put(
                        rs.getString("shard"),
                        rs.getString("migration_status")
                                + " (stage: "
                                + rs.getString("stage")
                                + ", message: "
                                + rs.getString("message")
                                + ")");
            }
        }
        return states;
    }

    private static String uuidOf(Statement s, String sql) throws SQLException {
        if (!s.execute(sql)) {
            throw new AssertionError("No migration UUID returned for: " + sql);
        }
        try (ResultSet rs = s.getResultSet()) {
            if (!rs.next()) {
                throw new AssertionError("No migration UUID returned for: " + sql);
            }
            return rs.getString(1);
        }
    }
}
