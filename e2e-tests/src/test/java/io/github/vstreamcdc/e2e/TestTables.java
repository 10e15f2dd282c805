package io.github.vstreamcdc.e2e;

import java.sql.Connection;
import java.sql.Statement;

/**
 * Creates the tables a test owns, so that tests sharing the cluster never see each other's rows.
 */
public final class TestTables {

    private TestTables() {}

    /**
     * Creates (or recreates empty) a table in the two-shard keyspace {@code customer}. Its vindex
     * ({@code hash(id)}) must be in {@code e2e-tests/vitess/schema/customer/vschema.json}:
     * vttestserver does not allow VSchema DDL.
     */
    public static void createSharded(VitessCluster cluster, String table, String columns)
            throws Exception {
        try (Connection c = cluster.connect("customer");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (" + columns + ")");
        }
        cluster.reloadSchema("customer");
        cluster.awaitTrackedColumns("customer", table);
    }

    /** Creates (or recreates empty) a table in the unsharded keyspace {@code commerce}. */
    public static void createUnsharded(VitessCluster cluster, String table, String columns)
            throws Exception {
        try (Connection c = cluster.connect("commerce");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (" + columns + ")");
        }
        cluster.reloadSchema("commerce");
    }

    /**
     * Drops a table of the keyspace {@code commerce} at the end of its test: a large one would
     * otherwise be copied again by every later test that reads all tables.
     */
    public static void dropUnsharded(VitessCluster cluster, String table) throws Exception {
        try (Connection c = cluster.connect("commerce");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }
}
