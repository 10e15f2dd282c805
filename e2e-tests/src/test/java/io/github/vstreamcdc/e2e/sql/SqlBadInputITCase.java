package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each kind of bad input fails when the query is planned, before a job is submitted, with a message
 * that names the option, table or column; the password never shows.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlBadInputITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final String TABLE = "sql_errors";
    private static final String PASSWORD = "Pa55-never-in-messages";
    private static final String COLUMNS = "id BIGINT, v STRING, n INT";

    private VitessCluster cluster;
    private MiniCluster miniCluster;
    private int jobsBefore;

    @BeforeAll
    static void setUp(VitessCluster cluster) throws Exception {
        SqlTestSupport.assertShadedJarOnly();
        SqlTestSupport.createVitessTable(
                cluster, TABLE, "id BIGINT NOT NULL, v VARCHAR(10), n INT, PRIMARY KEY (id)");
    }

    @BeforeEach
    void countJobs(VitessCluster cluster, @InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        this.cluster = cluster;
        this.miniCluster = miniCluster;
        this.jobsBefore = miniCluster.listJobs().get().size();
    }

    @AfterEach
    void noJobWasSubmitted() throws Exception {
        assertThat(miniCluster.listJobs().get()).as("jobs submitted").hasSize(jobsBefore);
    }

    private Map<String, String> options() {
        Map<String, String> options = SqlTestSupport.options(cluster, TABLE);
        options.put("password", PASSWORD);
        return options;
    }

    /** Plans (and would submit) a query over a table with these options and columns. */
    private void assertQueryFails(
            String columns, Consumer<Map<String, String>> change, String... expected) {
        Map<String, String> options = options();
        change.accept(options);
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(SqlTestSupport.createTable("t", columns, options));
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM t"))
                .satisfies(
                        e -> {
                            String messages = messages(e);
                            assertThat(messages).contains(expected);
                            assertThat(messages).doesNotContain(PASSWORD);
                        });
    }

    private void assertQueryFails(Consumer<Map<String, String>> change, String... expected) {
        assertQueryFails(COLUMNS, change, expected);
    }

    private static String messages(Throwable t) {
        List<String> messages = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            messages.add(String.valueOf(c.getMessage()));
        }
        return String.join("\n caused by: ", messages);
    }

    @Test
    void theSameOptionsWithoutMistakesRun() throws Exception {
        // The baseline: the same options (password included) plan and run.
        SqlTestSupport.execute(cluster, "INSERT INTO " + TABLE + " (id, v, n) VALUES (1, 'x', 2)");
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        Map<String, String> options = options();
        options.put("scan.startup.mode", "snapshot");
        tEnv.executeSql(SqlTestSupport.createTable("t", COLUMNS, options));
        try (CollectedRows out = CollectedRows.of(tEnv.executeSql("SELECT * FROM t"))) {
            assertThat(out.awaitEnd(Duration.ofMinutes(2)))
                    .extracting(Row::toString)
                    .containsExactly("+I[1, x, 2]");
        } finally {
            SqlTestSupport.execute(cluster, "DELETE FROM " + TABLE);
        }
        jobsBefore++;
    }

    @Test
    void unknownOption() {
        assertQueryFails(
                o -> o.put("scan.startup.mod", "initial"),
                "Unsupported options",
                "scan.startup.mod");
    }

    @Test
    void badEnumValues() {
        assertQueryFails(
                o -> o.put("scan.startup.mode", "group-offsets"),
                "Invalid value for option 'scan.startup.mode': 'group-offsets'. Allowed values:"
                        + " initial, snapshot, earliest-offset, latest-offset, specific-offset,"
                        + " timestamp");
        assertQueryFails(
                o -> o.put("tablet-type", "MASTER"),
                "Invalid value for option 'tablet-type': 'MASTER'. Allowed values: PRIMARY,"
                        + " REPLICA, RDONLY");
    }

    @Test
    void badBoundsAreNamed() {
        String gtid = "MySQL56/6e2c0f4a-8a1e-11ee-b9d1-0242ac120002:1-";
        assertQueryFails(
                o -> {
                    o.put("scan.startup.mode", "timestamp");
                    o.put("scan.startup.timestamp-millis", "16725225600000");
                },
                "Option 'scan.startup.timestamp-millis' = 16725225600000 (2500-01-01T00:00:00Z)"
                        + " is in the future");
        assertQueryFails(
                o -> {
                    o.put("scan.bounded.mode", "specific-offset");
                    o.put("scan.bounded.specific-offset", "{\"-80\": \"MySQL56/oops\"}");
                },
                "Option 'scan.bounded.specific-offset': the position of shard '-80' is"
                        + " \"MySQL56/oops\"; expected a MySQL GTID position");
        assertQueryFails(
                o -> {
                    o.put("scan.startup.mode", "specific-offset");
                    o.put(
                            "scan.startup.specific-offset",
                            "{\"customer\": {\"-80\": \"" + gtid + "9\"}}");
                    o.put("scan.bounded.mode", "specific-offset");
                    o.put("scan.bounded.specific-offset", "{\"-80\": \"" + gtid + "5\"}");
                },
                "the stop position of shard '-80' ('" + gtid + "5') is before its start position");
    }

    @Test
    void missingRequiredOption() {
        assertQueryFails(o -> o.remove("keyspace"), "Missing required options", "keyspace");
    }

    @Test
    void specificOffsetWithoutOffsets() {
        assertQueryFails(
                o -> o.put("scan.startup.mode", "specific-offset"),
                "Option 'scan.startup.mode' is 'specific-offset', but option"
                        + " 'scan.startup.specific-offset' is not set");
    }

    @Test
    void malformedOffsetJson() {
        assertQueryFails(
                o -> {
                    o.put("scan.startup.mode", "specific-offset");
                    o.put(
                            "scan.startup.specific-offset",
                            "{\"customer\": {\"-80\" \"MySQL56/a:1\"}}");
                },
                "Option 'scan.startup.specific-offset' is not valid JSON (line 1, column");
        assertQueryFails(
                o -> {
                    o.put("scan.startup.mode", "specific-offset");
                    o.put("scan.startup.specific-offset", "{\"customer\": {\"-80\": 17}}");
                },
                "the position of shard '-80' of keyspace 'customer' is 17");
    }

    @Test
    void offsetsThatDoNotFitTheShards() {
        assertQueryFails(
                o -> {
                    o.put("scan.startup.mode", "specific-offset");
                    o.put(
                            "scan.startup.specific-offset",
                            "{\"customer\": {\"-80\": \"MySQL56/a:1\", \"80-\": \"MySQL56/a:1\","
                                    + " \"-40\": \"MySQL56/a:1\"}}");
                },
                "Option 'scan.startup.specific-offset' gives a position for shard '-40', which"
                        + " keyspace 'customer' does not have. Its shards: -80, 80-");
        assertQueryFails(
                o -> {
                    o.put("scan.startup.mode", "specific-offset");
                    o.put(
                            "scan.startup.specific-offset",
                            "{\"customer\": {\"-80\": \"MySQL56/a:1\"}}");
                },
                "Option 'scan.startup.specific-offset' has no position for shard '80-' of keyspace"
                        + " 'customer'");
    }

    @Test
    void tableThatDoesNotExist() {
        assertQueryFails(
                o -> o.put("table-name", "no_such_table"),
                "Table 'default_catalog.default_database.t' (connector 'planetscale-cdc')",
                "Option 'table-name' = 'no_such_table' matches no table of keyspace 'customer'.",
                "sql_errors");
        assertQueryFails(
                o -> o.put("table-name", "sql_err.r"),
                "Option 'table-name' = 'sql_err.r' matches no table");
    }

    @Test
    void includeAndExcludeListsNameTheirMistakes() {
        assertQueryFails(
                o -> {
                    o.remove("table-name");
                    o.put("tables", "customer\\.sql_errors,customer\\.(bad");
                },
                "Option 'tables' = 'customer\\.(bad' is not a valid regular expression");
        assertQueryFails(
                o -> {
                    o.remove("table-name");
                    o.put("tables", "customer\\.sql_err.*");
                    o.put("tables.exclude", "customer\\.sql_errors");
                },
                "Option 'tables' = 'customer\\.sql_err.*' minus 'tables.exclude' ="
                        + " 'customer\\.sql_errors' matches no table of keyspace 'customer'.",
                "sql_errors");
        assertQueryFails(
                o -> o.put("tables", "customer\\.sql_errors"),
                "Options 'table-name' and 'tables' cannot be set together");
        assertQueryFails(
                o -> o.remove("table-name"),
                "Missing required options",
                "'table-name' (or 'tables')");
    }

    @Test
    void keyspaceOrShardThatDoesNotExist() {
        assertQueryFails(o -> o.put("keyspace", "nope"), "Keyspace 'nope' has no shards");
        assertQueryFails(
                o -> o.put("shards", "-80,c0-"),
                "Option 'shards' names shard 'c0-', which keyspace 'customer' does not have");
    }

    @Test
    void declaredColumnTheTableLacks() {
        assertQueryFails(
                "id BIGINT, v STRING, missing_col STRING",
                o -> {},
                "Column 'missing_col' is declared, but table 'customer.sql_errors' has no such"
                        + " column. Its columns: id, v, n");
    }

    @Test
    void declaredColumnThatCannotBeConverted() {
        assertQueryFails(
                "id BIGINT, v INT",
                o -> {},
                "Column 'v' of table 'customer.sql_errors' has MySQL type varchar(10), which cannot"
                        + " be converted to Flink type INT");
        assertQueryFails(
                "id INT, v STRING",
                o -> {},
                "Column 'id' of table 'customer.sql_errors' has MySQL type bigint, which cannot be"
                        + " converted to Flink type INT");
    }

    @Test
    void unreachableVtgateSaysHowToSkipTheCheck() {
        assertQueryFails(
                o -> {
                    o.put("mysql.port", "1");
                    o.put("connect.timeout", "2 s");
                },
                "cannot check the table at planning time",
                "'scan.schema-check.enabled' = 'false'");
    }
}
