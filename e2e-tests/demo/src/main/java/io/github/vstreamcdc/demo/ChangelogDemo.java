package io.github.vstreamcdc.demo;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The quickstart job: declares a {@code planetscale-cdc} table for a Vitess table (its columns read
 * from the database), runs {@code SELECT} over it and prints every change with its row kind and
 * shard, while a {@link LoadGenerator} inserts, updates, deletes and moves rows between shards.
 * Stops cleanly on Ctrl-C (SIGINT/SIGTERM): the load stops, the job is cancelled.
 *
 * <p>Arguments: {@code --host --grpc-port --mysql-port --username --keyspace --table --startup-mode
 * --load true|false --tls true|false --ca-cert PEM --auth-method none|basic|vitess-static}; the
 * password comes from the environment variable {@code DEMO_PASSWORD}, so that it shows in no
 * process list. Unset ports, TLS and auth method follow the host (a {@code psdb.cloud} host:
 * PlanetScale's).
 */
public final class ChangelogDemo {

    /** The changelog, to stdout (see log4j2.properties). */
    private static final Logger OUT = LoggerFactory.getLogger("demo.changelog");

    private ChangelogDemo() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        String host = opts.getOrDefault("host", "127.0.0.1");
        boolean planetScale = host.toLowerCase(java.util.Locale.ROOT).endsWith("psdb.cloud");
        String grpcPort = opts.get("grpc-port");
        int mysqlPort =
                Integer.parseInt(
                        opts.getOrDefault("mysql-port", planetScale ? "3306" : "15306"));
        String tlsOption = opts.get("tls");
        String caCert = opts.get("ca-cert");
        // as the connector: a CA file implies TLS
        boolean tls =
                tlsOption != null ? Boolean.parseBoolean(tlsOption) : planetScale || caCert != null;
        String authMethod = opts.get("auth-method");
        String username = opts.getOrDefault("username", "root");
        String password = System.getenv("DEMO_PASSWORD");
        String keyspace = opts.getOrDefault("keyspace", "customer");
        String table = opts.getOrDefault("table", "orders");
        String startupMode = opts.getOrDefault("startup-mode", "initial");
        boolean load = Boolean.parseBoolean(opts.getOrDefault("load", "true"));

        String jdbcUrl = "jdbc:mysql://" + host + ":" + mysqlPort + "/";
        Properties jdbc = new Properties();
        jdbc.setProperty("user", username);
        if (password != null && !password.isEmpty()) {
            jdbc.setProperty("password", password);
        }
        // the demo's own SQL (columns, load): encrypted like the connector's; the connector itself
        // verifies the server against 'tls.ca-cert' or the JVM's trust store
        jdbc.setProperty(
                "sslMode", !tls ? "DISABLED" : caCert != null ? "REQUIRED" : "VERIFY_IDENTITY");
        jdbc.setProperty("allowPublicKeyRetrieval", "true");

        List<String[]> columns = describe(jdbcUrl, jdbc, keyspace, table);
        StringBuilder ddl = new StringBuilder("CREATE TABLE source_table (\n");
        List<String> primaryKey = new ArrayList<>();
        for (String[] column : columns) {
            ddl.append("  `").append(column[0]).append("` ").append(flinkType(column[1]));
            ddl.append(",\n");
            if ("PRI".equals(column[2])) {
                primaryKey.add("`" + column[0] + "`");
            }
        }
        ddl.append("  `shard` STRING METADATA FROM 'shard' VIRTUAL,\n")
                .append("  `row_kind` STRING METADATA FROM 'row_kind' VIRTUAL,\n")
                .append("  `op_ts` TIMESTAMP_LTZ(3) METADATA FROM 'op_ts' VIRTUAL");
        if (!primaryKey.isEmpty()) {
            ddl.append(",\n  PRIMARY KEY (")
                    .append(String.join(", ", primaryKey))
                    .append(") NOT ENFORCED");
        }
        ddl.append("\n) WITH (\n");
        Map<String, String> with = new LinkedHashMap<>();
        with.put("connector", "planetscale-cdc");
        with.put("hostname", host);
        if (grpcPort != null) {
            with.put("port", grpcPort);
        }
        with.put("mysql.port", Integer.toString(mysqlPort));
        if (tlsOption != null) {
            with.put("tls.enabled", Boolean.toString(tls));
        }
        if (caCert != null) {
            with.put("tls.ca-cert", caCert);
        }
        if (authMethod != null) {
            with.put("auth.method", authMethod);
        }
        with.put("username", username);
        with.put("keyspace", keyspace);
        with.put("table-name", table);
        with.put("scan.startup.mode", startupMode);
        with.put("heartbeat.interval", "10 s");
        List<String> pairs = new ArrayList<>();
        with.forEach((k, v) -> pairs.add("  '" + k + "' = '" + v.replace("'", "''") + "'"));
        String shownDdl = ddl + String.join(",\n", pairs) + "\n)";
        if (password != null && !password.isEmpty()) {
            pairs.add("  'password' = '" + password.replace("'", "''") + "'");
        }
        String realDdl = ddl + String.join(",\n", pairs) + "\n)";

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql(realDdl);
        List<String> names = new ArrayList<>();
        for (String[] column : columns) {
            names.add("`" + column[0] + "`");
        }
        String query =
                "SELECT row_kind, shard, op_ts, " + String.join(", ", names) + " FROM source_table";
        OUT.info("{}\n;\n{};\n", shownDdl, query);
        OUT.info(
                "The changelog of {}.{} (+I insert / snapshot row, -U/+U update, -D delete);"
                        + " Ctrl-C stops.\n",
                keyspace,
                table);

        TableResult result = tEnv.executeSql(query);
        CloseableIterator<Row> rows = result.collect();
        LoadGenerator generator = load ? new LoadGenerator(jdbcUrl, jdbc, keyspace, table) : null;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    if (generator != null) {
                                        generator.stop();
                                    }
                                    try {
                                        rows.close();
                                    } catch (Exception e) {
                                        // The job is going away anyway.
                                    }
                                    result.getJobClient().ifPresent(c -> c.cancel());
                                    OUT.info("Stopped: the load generator and the Flink job.");
                                    stopped.countDown();
                                },
                                "demo-shutdown"));
        if (generator != null) {
            generator.start();
        }
        try {
            while (rows.hasNext()) {
                OUT.info(format(rows.next(), columns));
            }
        } catch (Exception e) {
            if (stopped.getCount() > 0) {
                throw e;
            }
        }
    }

    /** {@code +U 80- 2026-01-01T10:00:00.123Z id=7 amount=12.50 ...}. */
    private static String format(Row row, List<String[]> columns) {
        StringBuilder line = new StringBuilder();
        line.append(String.format("%-3s %-4s ", row.getField(0), row.getField(1)));
        Object opTs = row.getField(2);
        line.append(
                opTs == null || opTs.toString().startsWith("1970-01-01T00:00:00")
                        ? String.format("%-24s ", "(snapshot)")
                        : String.format("%-24s ", opTs));
        for (int i = 3; i < row.getArity(); i++) {
            String text = String.valueOf(row.getField(i));
            line.append(columns.get(i - 3)[0])
                    .append('=')
                    .append(text.length() > 40 ? text.substring(0, 37) + "..." : text)
                    .append("  ");
        }
        return line.toString().trim();
    }

    /** [name, MySQL type, key] of each column, from {@code SHOW FULL COLUMNS}. */
    private static List<String[]> describe(
            String url, Properties jdbc, String keyspace, String table) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, jdbc);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SHOW FULL COLUMNS FROM `"
                                        + table.replace("`", "``")
                                        + "` FROM `"
                                        + keyspace.replace("`", "``")
                                        + "`")) {
            while (rs.next()) {
                columns.add(
                        new String[] {
                            rs.getString("Field"), rs.getString("Type"), rs.getString("Key")
                        });
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(
                    "Table " + keyspace + "." + table + " has no columns");
        }
        return columns;
    }

    /**
     * A Flink type that every value of the MySQL type converts to exactly: integers as BIGINT
     * (DECIMAL(20, 0) for BIGINT UNSIGNED), DECIMAL as is, dates and times as their Flink types,
     * everything else as its text.
     */
    static String flinkType(String mysqlType) {
        String t = mysqlType.toLowerCase(Locale.ROOT);
        String base = t.replaceAll("[ (].*", "");
        switch (base) {
            case "tinyint":
            case "smallint":
            case "mediumint":
            case "int":
            case "integer":
                return "BIGINT";
            case "bigint":
                return t.contains("unsigned") ? "DECIMAL(20, 0)" : "BIGINT";
            case "decimal":
            case "numeric":
                {
                    String[] ps = t.replaceAll("^[a-z]+\\(([0-9, ]+)\\).*$", "$1").split(",");
                    if (ps.length == 2 && Integer.parseInt(ps[0].trim()) <= 38) {
                        return "DECIMAL(" + ps[0].trim() + ", " + ps[1].trim() + ")";
                    }
                    return "STRING";
                }
            case "float":
                return "FLOAT";
            case "double":
            case "real":
                return "DOUBLE";
            case "date":
                return "DATE";
            case "datetime":
                return "TIMESTAMP(" + fsp(t) + ")";
            case "timestamp":
                return "TIMESTAMP_LTZ(" + fsp(t) + ")";
            default:
                return "STRING";
        }
    }

    private static int fsp(String type) {
        return type.matches("^[a-z]+\\(([0-6])\\).*$")
                ? type.charAt(type.indexOf('(') + 1) - '0'
                : 0;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Expected --name value, got " + args[i]);
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }
}
