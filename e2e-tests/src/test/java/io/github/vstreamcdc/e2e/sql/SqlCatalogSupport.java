package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.VitessCluster;

import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared pieces of the tests of the {@code planetscale} catalog. */
final class SqlCatalogSupport {

    private SqlCatalogSupport() {}

    /** The catalog options for the test cluster (no 'type'). */
    static Map<String, String> options(VitessCluster cluster) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("hostname", cluster.host());
        options.put("port", Integer.toString(cluster.grpcPort()));
        options.put("mysql.port", Integer.toString(cluster.mysqlPort()));
        options.put("username", "root");
        return options;
    }

    /** {@code CREATE CATALOG name WITH ('type' = 'planetscale', ...)}. */
    static String createCatalog(String name, Map<String, String> options) {
        StringBuilder ddl =
                new StringBuilder("CREATE CATALOG ")
                        .append(name)
                        .append(" WITH (\n  'type' = 'planetscale'");
        for (Map.Entry<String, String> option : options.entrySet()) {
            ddl.append(",\n  '")
                    .append(option.getKey())
                    .append("' = '")
                    .append(option.getValue().replace("'", "''"))
                    .append('\'');
        }
        return ddl.append("\n)").toString();
    }

    /** The rows of a statement that ends (SHOW ..., DESCRIBE ...), as strings. */
    static List<String> rows(TableEnvironment tEnv, String statement) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql(statement).collect()) {
            while (it.hasNext()) {
                rows.add(it.next().toString());
            }
        }
        return rows;
    }

    /** The first field of each row of a statement that ends. */
    static List<String> names(TableEnvironment tEnv, String statement) throws Exception {
        List<String> names = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql(statement).collect()) {
            while (it.hasNext()) {
                names.add(String.valueOf(it.next().getField(0)));
            }
        }
        return names;
    }

    /** The messages of an exception and its causes, one per line. */
    static String messages(Throwable t) {
        List<String> messages = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            messages.add(c.getClass().getSimpleName() + ": " + c.getMessage());
        }
        return String.join("\n caused by: ", messages);
    }

    /** A port on 127.0.0.1 that nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
