package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.TestTables;
import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code planetscale} catalog from the shaded jar alone, on the real cluster: keyspaces as
 * databases, their tables (never Vitess' internal ones) with the mapped types and primary keys,
 * {@code SELECT * FROM ps.customer.customers} streaming with no DDL, per-query options through
 * hints, and every change refused.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlCatalogITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** A table of the sample schema that no other test uses: id BIGINT, email, balance. */
    private static final String TABLE = "customers";

    private static final String TYPES_TABLE = "cat_types";
    private static final String[] INTERNAL_TABLES = {
        "_vt_vrp_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_",
        "_84371a37_6153_11eb_9917_f875a4d24e90_20210128122816_vrepl"
    };

    @BeforeAll
    static void setUp(VitessCluster cluster) throws Exception {
        SqlTestSupport.assertShadedJarOnly();
        TestTables.createUnsharded(
                cluster,
                TYPES_TABLE,
                "a INT NOT NULL, b VARCHAR(10) NOT NULL, flag TINYINT(1), u BIGINT UNSIGNED,"
                        + " price DECIMAL(12,2), created DATETIME(6), changed TIMESTAMP(3) NULL,"
                        + " doc JSON, kind ENUM('x','y'), raw VARBINARY(8), PRIMARY KEY (b, a)");
        try (Connection c = cluster.connect("commerce");
                Statement s = c.createStatement()) {
            for (String internal : INTERNAL_TABLES) {
                s.execute("CREATE TABLE IF NOT EXISTS `" + internal + "` (id INT PRIMARY KEY)");
            }
        }
    }

    @AfterAll
    static void dropInternalTables(VitessCluster cluster) throws Exception {
        try (Connection c = cluster.connect("commerce");
                Statement s = c.createStatement()) {
            for (String internal : INTERNAL_TABLES) {
                s.execute("DROP TABLE IF EXISTS `" + internal + "`");
            }
        }
    }

    private static StreamTableEnvironment withCatalog(VitessCluster cluster) {
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(SqlCatalogSupport.createCatalog("ps", SqlCatalogSupport.options(cluster)));
        return tEnv;
    }

    /** Empties the table and inserts rows 1..count. */
    private static void refill(VitessCluster cluster, int count) throws SQLException {
        StringBuilder insert =
                new StringBuilder("INSERT INTO " + TABLE + " (id, email, balance) VALUES ");
        for (int id = 1; id <= count; id++) {
            insert.append(id == 1 ? "" : ", ")
                    .append(String.format("(%d, 'c%d@example.com', %d)", id, id, id * 10));
        }
        SqlTestSupport.execute(cluster, "DELETE FROM " + TABLE, insert.toString());
    }

    /** The table's rows as the database has them, as Flink prints an insert. */
    private static List<String> tableRows(VitessCluster cluster) throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = cluster.connect(SqlTestSupport.KEYSPACE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, email, balance FROM " + TABLE)) {
            while (rs.next()) {
                rows.put(
                        rs.getLong(1),
                        "+I["
                                + rs.getLong(1)
                                + ", "
                                + rs.getString(2)
                                + ", "
                                + rs.getLong(3)
                                + "]");
            }
        }
        return new ArrayList<>(rows.values());
    }

    private static List<String> sorted(List<Row> rows) {
        return rows.stream()
                .sorted((x, y) -> Long.compare((Long) x.getField(0), (Long) y.getField(0)))
                .map(Row::toString)
                .collect(Collectors.toList());
    }

    private static List<String> columns(ResolvedSchema schema) {
        return schema.getColumns().stream()
                .map(c -> c.getName() + " " + c.getDataType())
                .collect(Collectors.toList());
    }

    @Test
    void keyspacesAreDatabasesWithTheirTablesTypesAndKeys(VitessCluster cluster) throws Exception {
        StreamTableEnvironment tEnv = withCatalog(cluster);
        assertThat(SqlCatalogSupport.names(tEnv, "SHOW CATALOGS")).contains("ps");
        tEnv.executeSql("USE CATALOG ps");
        assertThat(tEnv.getCurrentDatabase()).as("the first keyspace").isEqualTo("commerce");
        assertThat(SqlCatalogSupport.names(tEnv, "SHOW DATABASES"))
                .containsExactlyInAnyOrder("commerce", "customer");
        assertThat(SqlCatalogSupport.names(tEnv, "SHOW TABLES"))
                .contains("products", TYPES_TABLE)
                .doesNotContain(INTERNAL_TABLES);
        tEnv.executeSql("USE customer");
        assertThat(SqlCatalogSupport.names(tEnv, "SHOW TABLES")).contains("customers", "orders");

        ResolvedSchema customers = tEnv.from("ps.customer.customers").getResolvedSchema();
        assertThat(columns(customers))
                .containsExactly("id BIGINT NOT NULL", "email STRING", "balance BIGINT");
        assertThat(customers.getPrimaryKey().get().getColumns()).containsExactly("id");
        assertThat(customers.getPrimaryKey().get().isEnforced()).isFalse();

        ResolvedSchema types = tEnv.from("ps.commerce." + TYPES_TABLE).getResolvedSchema();
        assertThat(columns(types))
                .containsExactly(
                        "a INT NOT NULL",
                        "b STRING NOT NULL",
                        "flag BOOLEAN",
                        "u DECIMAL(20, 0)",
                        "price DECIMAL(12, 2)",
                        "created TIMESTAMP(6)",
                        "changed TIMESTAMP_LTZ(3)",
                        "doc STRING",
                        "kind STRING",
                        "raw BYTES");
        assertThat(types.getPrimaryKey().get().getColumns()).containsExactly("b", "a");
        assertThat(types.getColumns()).allMatch(Column::isPhysical);

        assertThatThrownBy(() -> tEnv.from("ps.customer.no_such_table"))
                .hasMessageContaining("no_such_table");
        assertThatThrownBy(() -> tEnv.from("ps.commerce.`" + INTERNAL_TABLES[0] + "`"))
                .hasMessageContaining(INTERNAL_TABLES[0]);
    }

    @Test
    void theDefaultDatabaseCanBeChosen(VitessCluster cluster) {
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        Map<String, String> options = SqlCatalogSupport.options(cluster);
        options.put("default-database", "customer");
        tEnv.executeSql(SqlCatalogSupport.createCatalog("ps2", options));
        tEnv.executeSql("USE CATALOG ps2");
        assertThat(tEnv.getCurrentDatabase()).isEqualTo("customer");
        assertThat(tEnv.from("customers").getResolvedSchema().getColumnCount()).isEqualTo(3);
    }

    @Test
    void selectWithoutDdlStreamsTheTable(VitessCluster cluster) throws Exception {
        refill(cluster, 40);
        List<String> expected = tableRows(cluster);
        assertThat(expected).hasSize(40);
        StreamTableEnvironment tEnv = withCatalog(cluster);
        try (CollectedRows out =
                CollectedRows.of(tEnv.executeSql("SELECT * FROM ps.customer." + TABLE))) {
            List<Row> snapshot =
                    out.await(rows -> rows.size() >= expected.size(), TIMEOUT, "the snapshot");
            assertThat(sorted(snapshot)).as("the table's rows, once each").isEqualTo(expected);

            SqlTestSupport.execute(
                    cluster,
                    "INSERT INTO " + TABLE + " (id, email, balance) VALUES (41, 'new', 410)",
                    "UPDATE " + TABLE + " SET balance = 11 WHERE id = 1");
            List<Row> all = out.await(rows -> rows.size() >= 43, TIMEOUT, "the changes");
            assertThat(all.subList(40, all.size()))
                    .extracting(Row::toString)
                    .containsExactlyInAnyOrder(
                            "+I[41, new, 410]",
                            "-U[1, c1@example.com, 10]",
                            "+U[1, c1@example.com, 11]");
        }
    }

    @Test
    void hintsSetTheStartupModePerQuery(VitessCluster cluster) throws Exception {
        refill(cluster, 30);
        List<String> expected = tableRows(cluster);
        StreamTableEnvironment tEnv = withCatalog(cluster);

        // 'snapshot': the table's rows, then the query ends
        String snapshot =
                "SELECT * FROM ps.customer."
                        + TABLE
                        + " /*+ OPTIONS('scan.startup.mode'='snapshot') */";
        try (CollectedRows out = CollectedRows.of(tEnv.executeSql(snapshot))) {
            assertThat(sorted(out.awaitEnd(TIMEOUT))).isEqualTo(expected);
        }

        // 'latest-offset': only what changes after the job started, none of the 30 rows
        String latest =
                "SELECT id, balance FROM ps.customer."
                        + TABLE
                        + " /*+ OPTIONS('scan.startup.mode'='latest-offset') */";
        try (CollectedRows out = CollectedRows.of(tEnv.executeSql(latest))) {
            // the job's start position is taken when it starts: insert until rows arrive
            long id = 1000;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (out.rows().isEmpty() && System.nanoTime() < deadline) {
                SqlTestSupport.execute(
                        cluster,
                        "INSERT INTO "
                                + TABLE
                                + " (id, email, balance) VALUES ("
                                + id++
                                + ", 'l', 1)");
                Thread.sleep(500);
            }
            SqlTestSupport.execute(
                    cluster,
                    "INSERT INTO " + TABLE + " (id, email, balance) VALUES (5000, 'l', 2)");
            List<Row> rows =
                    out.await(
                            r -> r.stream().anyMatch(row -> row.getField(0).equals(5000L)),
                            TIMEOUT,
                            "row 5000");
            assertThat(rows).allMatch(row -> row.getKind() == RowKind.INSERT);
            assertThat(rows)
                    .as("no row of the table before the job started")
                    .allMatch(row -> (Long) row.getField(0) >= 1000);
        }
    }

    @Test
    void changesThroughTheCatalogAreRefused(VitessCluster cluster) throws Exception {
        StreamTableEnvironment tEnv = withCatalog(cluster);
        String readOnly = "Catalog 'ps' is read-only: cannot ";
        assertFails(
                tEnv,
                "CREATE TABLE ps.customer.t (id BIGINT) WITH ('connector' = 'datagen')",
                readOnly + "create table `customer`.`t`");
        assertFails(
                tEnv,
                "CREATE VIEW ps.customer.v AS SELECT 1 AS x",
                readOnly + "create view `customer`.`v`");
        assertFails(
                tEnv,
                "DROP TABLE ps.customer." + TABLE,
                readOnly + "drop table `customer`.`" + TABLE);
        assertFails(
                tEnv,
                "ALTER TABLE ps.customer." + TABLE + " SET ('scan.startup.mode' = 'snapshot')",
                readOnly + "alter table `customer`.`" + TABLE);
        assertFails(
                tEnv,
                "ALTER TABLE ps.customer." + TABLE + " RENAME TO c2",
                readOnly + "rename table `customer`.`" + TABLE);
        assertFails(
                tEnv,
                "CREATE DATABASE ps.new_keyspace",
                readOnly + "create database `new_keyspace`");
        assertFails(
                tEnv, "DROP DATABASE ps.commerce CASCADE", readOnly + "drop database `commerce`");
        assertFails(
                tEnv,
                "CREATE FUNCTION ps.customer.f AS 'org.apache.flink.table.functions.ScalarFunction'",
                readOnly + "create function `customer`.`f`");
        // a catalog table is a planetscale-cdc table: a source only
        assertFails(
                tEnv,
                "INSERT INTO ps.customer." + TABLE + " VALUES (1, 'x', 2)",
                "planetscale-cdc",
                "can only be used as a source");
        assertThat(SqlCatalogSupport.names(tEnv, "SHOW TABLES FROM ps.customer")).contains(TABLE);
    }

    private static void assertFails(StreamTableEnvironment tEnv, String sql, String... expected) {
        assertThatThrownBy(() -> tEnv.executeSql(sql).await())
                .as(sql)
                .satisfies(e -> assertThat(SqlCatalogSupport.messages(e)).contains(expected));
    }
}
