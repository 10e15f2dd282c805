package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.TestTables;
import io.github.vstreamcdc.e2e.VitessCluster;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shared pieces of the SQL end-to-end tests. These tests use only Flink's Table API, JDBC and the
 * {@code planetscale-cdc} factory that the shaded SQL jar brings: no class of the connector module.
 */
final class SqlTestSupport {

    /** Set by the {@code sql-tests} surefire execution to the SQL jar under test. */
    static final String SQL_JAR_PROPERTY = "planetscale.sql.jar";

    static final String KEYSPACE = "customer";

    private SqlTestSupport() {}

    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(4)
                        .setConfiguration(new Configuration())
                        .build());
    }

    /**
     * Fails unless the connector is loaded from the shaded SQL jar and gRPC, protobuf and Guava
     * exist only relocated inside it: the guarantee that these tests test the jar.
     */
    static void assertShadedJarOnly() throws Exception {
        String jarPath = System.getProperty(SQL_JAR_PROPERTY);
        assertThat(jarPath).as("system property " + SQL_JAR_PROPERTY).isNotBlank();
        File jar = new File(jarPath).getCanonicalFile();
        assertThat(jar).isFile();
        assertThat(codeSource("io.github.vstreamcdc.table.PlanetScaleDynamicTableFactory"))
                .isEqualTo(jar);
        assertThat(codeSource("io.github.vstreamcdc.shaded.io.grpc.Grpc")).isEqualTo(jar);
        for (String unshaded :
                new String[] {
                    "io.grpc.Grpc",
                    "com.google.protobuf.Message",
                    "com.google.common.collect.ImmutableList",
                    "io.perfmark.PerfMark"
                }) {
            assertThatThrownBy(() -> Class.forName(unshaded))
                    .as("%s must not be on the class path of the SQL tests", unshaded)
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }

    private static File codeSource(String className)
            throws ClassNotFoundException, URISyntaxException, IOException {
        Class<?> clazz = Class.forName(className);
        return new File(clazz.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getCanonicalFile();
    }

    static StreamTableEnvironment tableEnvironment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return StreamTableEnvironment.create(env);
    }

    /** The connector options for a table of the {@code customer} keyspace. */
    static Map<String, String> options(VitessCluster cluster, String tableName) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "planetscale-cdc");
        options.put("hostname", cluster.host());
        options.put("port", Integer.toString(cluster.grpcPort()));
        options.put("mysql.port", Integer.toString(cluster.mysqlPort()));
        options.put("username", "root");
        options.put("keyspace", KEYSPACE);
        options.put("table-name", tableName);
        return options;
    }

    static String createTable(String name, String columns, Map<String, String> options) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(name).append(" (\n");
        ddl.append(columns).append("\n) WITH (\n");
        boolean first = true;
        for (Map.Entry<String, String> option : options.entrySet()) {
            ddl.append(first ? "  " : ",\n  ")
                    .append('\'')
                    .append(option.getKey())
                    .append("' = '")
                    .append(option.getValue().replace("'", "''"))
                    .append('\'');
            first = false;
        }
        return ddl.append("\n)").toString();
    }

    /**
     * Creates (or recreates empty) a table of the two-shard keyspace, sharded by hash(id), and
     * waits until VTGate's schema tracking knows its columns.
     */
    static void createVitessTable(VitessCluster cluster, String table, String columns)
            throws Exception {
        TestTables.createSharded(cluster, table, columns);
    }

    static void execute(VitessCluster cluster, String... statements) throws SQLException {
        try (Connection c = cluster.connect(KEYSPACE);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
