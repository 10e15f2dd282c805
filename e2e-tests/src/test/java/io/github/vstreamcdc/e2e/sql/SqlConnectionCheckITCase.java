package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.CapturedLogs;
import io.github.vstreamcdc.e2e.SecureEndpoints;
import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A wrong host, port or password fails at once, naming the endpoint: when the catalog is created
 * (both VTGate ports are tried) and when a {@code planetscale-cdc} query is planned (its gRPC port
 * too, not only the MySQL port the schema check reads). Nothing is submitted.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlConnectionCheckITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    /** "At once": no reconnect loop, no connect timeout (30 s) spent. */
    private static final Duration AT_ONCE = Duration.ofSeconds(20);

    /** A table of the sample schema: the checks fail before it matters. */
    private static final String TABLE = "orders";

    private VitessCluster cluster;
    private MiniCluster miniCluster;
    private int jobsBefore;

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    @BeforeEach
    void rememberTheJobs(VitessCluster cluster, @InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        this.cluster = cluster;
        this.miniCluster = miniCluster;
        jobsBefore = miniCluster.listJobs().get().size();
    }

    /** Every failure here happens before a job is submitted. */
    @AfterEach
    void noJobRan() throws Exception {
        assertThat(miniCluster.listJobs().get()).as("jobs submitted").hasSize(jobsBefore);
    }

    /** Creates the catalog with changed options; returns the failure's messages. */
    private String catalogFails(Consumer<Map<String, String>> change) {
        Map<String, String> options = SqlCatalogSupport.options(cluster);
        change.accept(options);
        return fails(SqlCatalogSupport.createCatalog("ps", options));
    }

    private static String fails(String sql) {
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        long start = System.nanoTime();
        Throwable[] failure = new Throwable[1];
        assertThatThrownBy(() -> tEnv.executeSql(sql)).satisfies(e -> failure[0] = e);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(AT_ONCE);
        return SqlCatalogSupport.messages(failure[0]);
    }

    @Test
    void theSameOptionsWithoutMistakesOpen() throws Exception {
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(SqlCatalogSupport.createCatalog("ps", SqlCatalogSupport.options(cluster)));
        tEnv.executeSql("USE CATALOG ps");
        assertThat(SqlCatalogSupport.names(tEnv, "SHOW DATABASES")).contains("customer");
    }

    @Test
    void aClosedMysqlPortIsNamed() throws Exception {
        int port = SqlCatalogSupport.closedPort();
        assertThat(catalogFails(o -> o.put("mysql.port", Integer.toString(port))))
                .contains("Catalog 'ps' cannot read from VTGate")
                .contains("VTGate MySQL endpoint 127.0.0.1:" + port + ": cannot connect")
                .contains("'mysql.port'");
    }

    @Test
    void aClosedGrpcPortIsNamed() throws Exception {
        int port = SqlCatalogSupport.closedPort();
        assertThat(catalogFails(o -> o.put("port", Integer.toString(port))))
                .contains("Catalog 'ps' cannot read from VTGate")
                .contains("VTGate gRPC endpoint 127.0.0.1:" + port + " is unreachable")
                .contains("'port'");
    }

    @Test
    void aGrpcPortThatIsNotGrpcIsNamed() {
        // VTGate's MySQL port given as its gRPC port
        String port = Integer.toString(cluster.mysqlPort());
        assertThat(catalogFails(o -> o.put("port", port)))
                .contains("VTGate gRPC endpoint 127.0.0.1:" + port)
                .contains("'port'");
    }

    @Test
    void anUnknownHostIsNamed() {
        assertThat(catalogFails(o -> o.put("hostname", "no-such-vtgate.invalid")))
                .contains("no-such-vtgate.invalid")
                .contains("cannot be resolved")
                .contains("'hostname'");
    }

    @Test
    void aDefaultDatabaseThatIsNoKeyspaceIsNamed() {
        assertThat(catalogFails(o -> o.put("default-database", "nope")))
                .contains(
                        "Catalog 'ps': option 'default-database' = 'nope' is not a keyspace of"
                                + " VTGate")
                .contains("Its keyspaces: commerce, customer");
    }

    @Test
    void badOptionsAreNamed() {
        assertThat(
                        catalogFails(
                                o -> {
                                    o.remove("hostname");
                                    o.put("port", "http");
                                }))
                .contains("Catalog 'ps' (type 'planetscale')")
                .contains("Missing required options: 'hostname'")
                .contains("Option 'port' = 'http' is not a port number");
        assertThat(catalogFails(o -> o.put("table-name", "orders")))
                .contains("Unsupported options")
                .contains("table-name");
    }

    @Test
    void wrongPasswordIsNamedAndNeverShown() throws Exception {
        SecureEndpoints secure = SecureEndpoints.get();
        String wrong = secure.password() + "-wrong";
        try (CapturedLogs logs = new CapturedLogs()) {
            String messages = fails(SqlCatalogSupport.createCatalog("ps", secure(secure, wrong)));
            assertThat(messages)
                    .contains("Catalog 'ps' cannot read from VTGate")
                    .contains(
                            "refused the credentials of user '"
                                    + secure.user()
                                    + "' (auth.method basic)")
                    .contains("check 'username' and 'password'")
                    .doesNotContain(wrong);
            assertThat(logs.text()).doesNotContain(wrong);
        }
        // the right one opens the catalog, over TLS on both ports
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(SqlCatalogSupport.createCatalog("ps", secure(secure, secure.password())));
        assertThat(SqlCatalogSupport.names(tEnv, "SHOW TABLES FROM ps." + secure.keyspace()))
                .contains("tls_sql");
    }

    @Test
    void aTableWithAWrongPasswordFailsWhenPlanned() throws Exception {
        SecureEndpoints secure = SecureEndpoints.get();
        String wrong = secure.password() + "-wrong";
        Map<String, String> options = SqlTlsITCase.options(secure, wrong);
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(SqlTestSupport.createTable("t", "id BIGINT, v STRING", options));
        try (CapturedLogs logs = new CapturedLogs()) {
            assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM t"))
                    .satisfies(
                            e ->
                                    assertThat(SqlCatalogSupport.messages(e))
                                            .contains("cannot check the table at planning time")
                                            .contains(
                                                    "refused the credentials of user '"
                                                            + secure.user()
                                                            + "' (auth.method basic)")
                                            .doesNotContain(wrong));
            assertThat(logs.text()).doesNotContain(wrong);
        }
    }

    /** The catalog options of SqlTlsITCase's table: through nginx, TLS on both ports. */
    private static Map<String, String> secure(SecureEndpoints secure, String password) {
        Map<String, String> options = SqlTlsITCase.options(secure, password);
        options.keySet().removeAll(Arrays.asList("connector", "keyspace", "table-name"));
        return options;
    }

    @Test
    void aTableWhoseGrpcPortIsClosedFailsWhenPlanned() throws Exception {
        int port = SqlCatalogSupport.closedPort();
        Map<String, String> options = SqlTestSupport.options(cluster, TABLE);
        options.put("port", Integer.toString(port));
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(SqlTestSupport.createTable("t", "id BIGINT, v STRING", options));
        long start = System.nanoTime();
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM t"))
                .satisfies(
                        e ->
                                assertThat(SqlCatalogSupport.messages(e))
                                        .contains(
                                                "Table 'default_catalog.default_database.t'"
                                                        + " (connector 'planetscale-cdc'): cannot"
                                                        + " check the table at planning time")
                                        .contains(
                                                "VTGate gRPC endpoint 127.0.0.1:"
                                                        + port
                                                        + " is unreachable")
                                        .contains("'scan.schema-check.enabled' = 'false'"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(AT_ONCE);
    }
}
