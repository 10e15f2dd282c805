package io.github.vstreamcdc.source.client;

import org.apache.flink.annotation.Internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * SQL over VTGate's MySQL protocol: shard discovery and table lookup. Every failure becomes an
 * exception that says which endpoint and what to check, instead of a driver stack trace.
 */
@Internal
public final class VtgateSqlClient {

    private final VitessConnectionOptions options;

    public VtgateSqlClient(VitessConnectionOptions options) {
        this.options = options;
    }

    /** The shards of a keyspace, in key-range order (e.g. {@code -80, 80-}). */
    public List<String> listShards(String keyspace) {
        List<String> shards = new ArrayList<>();
        query(
                "SHOW VITESS_SHARDS",
                rs -> {
                    String value = rs.getString(1);
                    int slash = value.indexOf('/');
                    if (slash > 0 && value.substring(0, slash).equals(keyspace)) {
                        shards.add(value.substring(slash + 1));
                    }
                });
        if (shards.isEmpty()) {
            throw new VitessException(
                    "Keyspace '"
                            + keyspace
                            + "' has no shards at "
                            + endpoint()
                            + ": check the keyspace name (SHOW KEYSPACES lists them).");
        }
        shards.sort(VtgateSqlClient::compareShards);
        return shards;
    }

    /** The tables of a keyspace whose name matches the pattern, sorted. */
    public List<String> listTables(String keyspace, Pattern tablePattern) {
        List<String> tables = new ArrayList<>();
        query(
                "SHOW TABLES FROM `" + keyspace.replace("`", "``") + "`",
                rs -> {
                    String table = rs.getString(1);
                    if (tablePattern.matcher(table).matches()) {
                        tables.add(table);
                    }
                });
        tables.sort(String::compareTo);
        return tables;
    }

    /** Orders shard names by the start of their key range ({@code -80} before {@code 80-}). */
    public static int compareShards(String a, String b) {
        return shardStart(a).compareTo(shardStart(b));
    }

    private static String shardStart(String shard) {
        int dash = shard.indexOf('-');
        return dash < 0 ? shard : shard.substring(0, dash);
    }

    private interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowHandler handler) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                handler.accept(rs);
            }
        } catch (SQLException e) {
            throw new VitessException(describe(sql, e), e);
        }
    }

    /**
     * A JDBC connection to VTGate's MySQL endpoint, with the connector's timeouts and credentials:
     * the one place that says how the connector talks SQL to VTGate.
     */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (options.username() != null) {
            props.setProperty("user", options.username());
        }
        if (options.password() != null) {
            props.setProperty("password", options.password());
        }
        long timeoutMs = options.connectTimeout().toMillis();
        props.setProperty("connectTimeout", Long.toString(timeoutMs));
        props.setProperty("socketTimeout", Long.toString(Math.max(timeoutMs, 60_000)));
        props.setProperty("useSSL", "false");
        props.setProperty("allowPublicKeyRetrieval", "true");
        String url = "jdbc:mysql://" + options.hostname() + ":" + options.mysqlPort() + "/";
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
                throw new VitessException(
                        "The MySQL JDBC driver (com.mysql:mysql-connector-j) is not on the class"
                                + " path; the connector needs it to discover shards through VTGate.",
                        e);
            }
            throw e;
        }
    }

    private String endpoint() {
        return "VTGate MySQL endpoint " + options.hostname() + ":" + options.mysqlPort();
    }

    private String describe(String sql, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason;
        if (state.startsWith("08")) {
            reason = "cannot connect (is the host and 'mysql.port' right, is VTGate running?)";
        } else if (e.getErrorCode() == 1045 || state.equals("28000")) {
            reason = "access denied for user '" + options.username() + "' (check the password)";
        } else {
            reason = "query '" + sql + "' failed";
        }
        return endpoint() + ": " + reason + ": " + VitessException.firstLine(e.getMessage());
    }
}
