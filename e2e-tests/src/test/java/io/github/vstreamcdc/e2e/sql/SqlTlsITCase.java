package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.CapturedLogs;
import io.github.vstreamcdc.e2e.SecureEndpoints;
import io.github.vstreamcdc.e2e.SecureEndpointsExtension;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SQL connector, from the shaded jar alone, through nginx as the PlanetScale edge's stand-in:
 * TLS (its relocated Netty with the JDK's TLS) with the test CA, HTTP Basic auth, and the MySQL
 * side (planning-time check, discovery) over TLS with the same settings.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(SecureEndpointsExtension.class)
class SqlTlsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final String TABLE = "tls_sql";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    static Map<String, String> options(SecureEndpoints secure, String password) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "planetscale-cdc");
        options.put("hostname", secure.host());
        options.put("port", Integer.toString(secure.edgePort()));
        options.put("mysql.port", Integer.toString(secure.vtgateMysqlPort()));
        options.put("tls.ca-cert", secure.caCert());
        options.put("auth.method", "basic");
        options.put("username", secure.user());
        options.put("password", password);
        options.put("keyspace", secure.keyspace());
        options.put("table-name", TABLE);
        return options;
    }

    @Test
    void streamsThroughTheEdgeStandIn(SecureEndpoints secure) throws Exception {
        try (CapturedLogs logs = new CapturedLogs()) {
            streamThroughTheEdgeStandIn(secure);
            assertThat(logs.text()).contains(TABLE).doesNotContain(secure.password());
        }
    }

    private void streamThroughTheEdgeStandIn(SecureEndpoints secure) throws Exception {
        secure.deleteAll(TABLE);
        secure.insert(TABLE, 1, 3);
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "t",
                        "id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED",
                        options(secure, secure.password())));
        String plan = tEnv.explainSql("SELECT id, v FROM t");
        assertThat(plan).doesNotContain(secure.password());
        try (CollectedRows out = CollectedRows.of(tEnv.executeSql("SELECT id, v FROM t"))) {
            out.await(rows -> rows.size() >= 3, TIMEOUT, "3 snapshot rows");
            secure.insert(TABLE, 4, 5);
            List<Row> rows = out.await(r -> r.size() >= 5, TIMEOUT, "2 streamed rows");
            Map<Long, String> table = new TreeMap<>();
            for (Row row : rows) {
                table.put((Long) row.getField("id"), (String) row.getField("v"));
            }
            assertThat(table)
                    .containsExactly(
                            Map.entry(1L, "v1"),
                            Map.entry(2L, "v2"),
                            Map.entry(3L, "v3"),
                            Map.entry(4L, "v4"),
                            Map.entry(5L, "v5"));
        }
    }

    @Test
    void wrongPasswordFailsNamingTheUserAndNotThePassword(SecureEndpoints secure) throws Exception {
        String wrong = secure.password() + "-wrong";
        try (CapturedLogs logs = new CapturedLogs()) {
            failWith(secure, wrong);
            assertThat(logs.text()).contains("refused the credentials").doesNotContain(wrong);
        }
    }

    private void failWith(SecureEndpoints secure, String wrong) {
        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        Map<String, String> options = options(secure, wrong);
        // The running job's refusal (and its log); the planning-time check, which now refuses the
        // password before a job runs, is SqlConnectionCheckITCase's.
        options.put("scan.schema-check.enabled", "false");
        tEnv.executeSql(SqlTestSupport.createTable("t", "id BIGINT, v STRING", options));
        assertThatThrownBy(
                        () -> {
                            try (CollectedRows out =
                                    CollectedRows.of(tEnv.executeSql("SELECT id, v FROM t"))) {
                                out.awaitEnd(TIMEOUT);
                            }
                        })
                .satisfies(
                        e -> {
                            StringWriter trace = new StringWriter();
                            e.printStackTrace(new PrintWriter(trace));
                            assertThat(trace.toString())
                                    .contains(
                                            "refused the credentials of user '"
                                                    + secure.user()
                                                    + "' (auth.method basic)")
                                    .doesNotContain(wrong);
                        });
    }
}
