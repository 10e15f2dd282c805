package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.config.ConnectionSecurity;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.source.types.MySqlCharsets;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * SQL over VTGate's MySQL protocol: shard discovery and table lookup. Every failure becomes an
 * exception that says which endpoint and what to check, instead of a driver stack trace.
 */
@Internal
public final class VtgateSqlClient implements AutoCloseable {

    static final String MYSQL_DRIVER = "com.mysql.cj.jdbc.Driver";

    /** MySQL's own schemas, which {@code SHOW DATABASES} lists beside the keyspaces. */
    private static final Set<String> SYSTEM_SCHEMAS =
            new HashSet<>(
                    Arrays.asList("information_schema", "mysql", "performance_schema", "sys"));

    private final VitessConnectionOptions options;

    /** Whether queries without a target share one connection ({@link #keepingConnection}). */
    private final boolean keepConnection;

    /** Guards {@link #kept}: one query at a time on it. */
    private final ReentrantLock keptLock = new ReentrantLock();

    /** The shared connection ({@link #keepingConnection}). */
    private final KeptConnection kept;

    private volatile boolean closed;

    /**
     * Opens a connection to VTGate's MySQL port for a kept connection ({@link KeptConnection}):
     * {@link #connect()}, or a test's (a seam for tests of the connection rules).
     */
    @Internal
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    public VtgateSqlClient(VitessConnectionOptions options) {
        this(options, false, null, System::nanoTime);
    }

    VtgateSqlClient(
            VitessConnectionOptions options,
            boolean keepConnection,
            @Nullable Connector connector,
            LongSupplier clock) {
        this.options = options;
        this.keepConnection = keepConnection;
        this.kept = new KeptConnection(connector == null ? this::connect : connector, clock);
    }

    /**
     * A client that runs its queries without a session target on one connection it keeps open, for
     * what it asks again and again (the enumerator's table and shard discovery): no login, and with
     * TLS no handshake, each time. A query that fails on the kept connection (closed by VTGate
     * while idle, a restart) runs once more on a new one. {@link #close()} closes it.
     */
    public static VtgateSqlClient keepingConnection(VitessConnectionOptions options) {
        return new VtgateSqlClient(options, true, null, System::nanoTime);
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

    /** The keyspaces VTGate serves, sorted; MySQL's own schemas are left out. */
    public List<String> listKeyspaces() {
        List<String> keyspaces = new ArrayList<>();
        query(
                "SHOW DATABASES",
                rs -> {
                    String name = rs.getString(1);
                    if (!SYSTEM_SCHEMAS.contains(name.toLowerCase(Locale.ROOT))) {
                        keyspaces.add(name);
                    }
                });
        keyspaces.sort(String::compareTo);
        return keyspaces;
    }

    /**
     * The tables of a keyspace that hold application data, sorted: base tables only (no views), and
     * none of Vitess' internal tables ({@link VitessInternalTables}).
     */
    public List<String> listBaseTables(String keyspace) {
        List<String> tables = new ArrayList<>();
        query(
                "SHOW FULL TABLES FROM " + quote(keyspace),
                rs -> {
                    String table = rs.getString(1);
                    if ("BASE TABLE".equalsIgnoreCase(rs.getString(2))
                            && !VitessInternalTables.isInternal(table)) {
                        tables.add(table);
                    }
                });
        tables.sort(String::compareTo);
        return tables;
    }

    /** The columns of a table, in their order, as {@code SHOW FULL COLUMNS} describes them. */
    public List<MySqlColumn> listColumns(String keyspace, String table) {
        List<MySqlColumn> columns = new ArrayList<>();
        query(
                "SHOW FULL COLUMNS FROM " + quote(table) + " FROM " + quote(keyspace),
                rs -> columns.add(column(rs)));
        return columns;
    }

    /**
     * The columns of a table as the session's target (e.g. one shard's tablet, {@link
     * #shardTarget}) has them, read on that session: inside a transaction that read the table, the
     * ones its reads saw (the transaction's metadata lock holds off a DDL).
     */
    public static List<MySqlColumn> listColumns(Connection connection, String table)
            throws SQLException {
        List<MySqlColumn> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW FULL COLUMNS FROM " + quote(table))) {
            while (rs.next()) {
                columns.add(column(rs));
            }
        }
        return columns;
    }

    private static MySqlColumn column(ResultSet rs) throws SQLException {
        return MySqlColumn.of(
                rs.getString("Field"),
                rs.getString("Type"),
                "YES".equalsIgnoreCase(rs.getString("Null")),
                MySqlCharsets.collationId(rs.getString("Collation")));
    }

    /**
     * The table's comment, from {@code SHOW TABLE STATUS FROM `keyspace` LIKE 'table'}: VTGate
     * plans it as it plans {@code SHOW FULL TABLES FROM `keyspace`} (the keyspace taken out, the
     * statement sent to one shard), and MySQL answers it there. Rows are matched by name, as LIKE
     * treats {@code _} as a wildcard: the exact name first, else the name in another case (a server
     * with {@code lower_case_table_names}). Null when no row has the table's name.
     */
    @Nullable
    public String tableComment(String keyspace, String table) {
        String[] comment = new String[2];
        query(
                "SHOW TABLE STATUS FROM " + quote(keyspace) + " LIKE " + literal(table),
                rs -> {
                    String name = rs.getString("Name");
                    if (table.equals(name)) {
                        comment[0] = rs.getString("Comment");
                    } else if (table.equalsIgnoreCase(name)) {
                        comment[1] = rs.getString("Comment");
                    }
                });
        return comment[0] != null ? comment[0] : comment[1];
    }

    /** The columns of the table's primary key, in key order; empty without one. */
    public List<String> primaryKey(String keyspace, String table) {
        Map<Integer, String> key = new TreeMap<>();
        query(
                "SHOW INDEX FROM " + quote(table) + " FROM " + quote(keyspace),
                rs -> {
                    if ("PRIMARY".equals(rs.getString("Key_name"))) {
                        key.put(rs.getInt("Seq_in_index"), rs.getString("Column_name"));
                    }
                });
        return new ArrayList<>(key.values());
    }

    /**
     * The row counts of one shard's base tables as its table statistics estimate them ({@code
     * information_schema.TABLES.TABLE_ROWS}, as of the last {@code ANALYZE TABLE} or automatic
     * statistics update), by table. Read on a session targeting the shard on the configured tablet
     * type, where VTGate turns {@code DATABASE()} into the shard's database name.
     */
    public Map<String, Long> tableRowEstimates(String keyspace, String shard) {
        String target = shardTarget(keyspace, shard);
        Map<String, Long> rows = new TreeMap<>();
        query(
                target,
                "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES"
                        + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
                rs -> {
                    long count = rs.getLong(2);
                    if (!rs.wasNull()) {
                        rows.put(rs.getString(1), count);
                    }
                });
        return rows;
    }

    /**
     * The session target ({@code USE}) of one shard on the configured tablet type, for queries that
     * must see that shard's database only.
     */
    public String shardTarget(String keyspace, String shard) {
        return keyspace + ":" + shard + "@" + options.tabletType().name().toLowerCase(Locale.ROOT);
    }

    /**
     * Logs in and runs {@code SELECT 1}.
     *
     * @throws VitessException saying what is wrong: host, port, credentials, TLS
     */
    public void ping() {
        query("SELECT 1", rs -> {});
    }

    /** A MySQL identifier in backquotes. */
    public static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    /** A MySQL string literal in single quotes. */
    static String literal(String text) {
        return '\'' + text.replace("\\", "\\\\").replace("'", "''") + '\'';
    }

    /** Orders shard names by the start of their key range ({@code -80} before {@code 80-}). */
    public static int compareShards(String a, String b) {
        return shardStart(a).compareTo(shardStart(b));
    }

    private static String shardStart(String shard) {
        int dash = shard.indexOf('-');
        return dash < 0 ? shard : shard.substring(0, dash);
    }

    /** Closes a connection that may be broken, and says nothing about it. */
    public static void closeQuietly(@Nullable Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // broken or being replaced: nothing to do
            }
        }
    }

    private interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowHandler handler) {
        query(null, sql, handler);
    }

    /** Runs a query, on a session targeting {@code target} ({@code USE}) if not null. */
    private void query(@Nullable String target, String sql, RowHandler handler) {
        if (target == null && keepConnection) {
            queryOnKeptConnection(sql, handler);
            return;
        }
        try (Connection connection = connect()) {
            if (target != null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("USE " + quote(target));
                }
            }
            run(connection, sql, handler);
        } catch (SQLException e) {
            throw new VitessException(describe(sql, e), e);
        }
    }

    private void queryOnKeptConnection(String sql, RowHandler handler) {
        keptLock.lock();
        try {
            queryOnKeptConnectionLocked(sql, handler);
        } finally {
            keptLock.unlock();
            // A close() while the query ran left the connection to it.
            if (closed) {
                close();
            }
        }
    }

    private void queryOnKeptConnectionLocked(String sql, RowHandler handler) {
        int[] rows = {0};
        try {
            kept.run(
                    connection -> {
                        rows[0] = 0;
                        run(
                                connection,
                                sql,
                                rs -> {
                                    rows[0]++;
                                    handler.accept(rs);
                                });
                        return null;
                    },
                    // The handler has seen part of the answer: not again.
                    () -> rows[0] == 0);
        } catch (SQLException e) {
            throw new VitessException(describe(sql, e), e);
        }
    }

    /** Whether the failure is the connection's (lost, refused), not the statement's. */
    static boolean isConnectionLost(SQLException e) {
        return e instanceof SQLNonTransientConnectionException
                || e instanceof SQLTransientConnectionException
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }

    private static void run(Connection connection, String sql, RowHandler handler)
            throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                handler.accept(rs);
            }
        }
    }

    /**
     * Closes the kept connection, if any ({@link #keepingConnection}); one in use by a query is
     * closed when the query ends, without waiting for it here.
     */
    @Override
    public void close() {
        closed = true;
        if (keptLock.tryLock()) {
            try {
                kept.close();
            } finally {
                keptLock.unlock();
            }
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
        props.setProperty("allowPublicKeyRetrieval", "true");
        List<Path> tempFiles = new ArrayList<>();
        String url = "jdbc:mysql://" + options.authority(options.mysqlPort()) + "/";
        Driver driver = mysqlDriver(VtgateSqlClient.class.getClassLoader(), contextClassLoader());
        try {
            tlsProperties(props, tempFiles);
            Connection connection = driver.connect(url, props);
            if (connection == null) {
                throw new SQLException("the MySQL driver does not accept " + url, "08001");
            }
            return connection;
        } finally {
            // the driver reads the stores while connecting; they are not needed afterwards
            for (Path file : tempFiles) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // left in the temp dir: a store locked by a random password, owner-only
                }
            }
        }
    }

    /**
     * The MySQL driver, from the first class loader that has it. Asked directly rather than through
     * {@code DriverManager}, which only sees drivers of the caller's class loader and, without one,
     * fails with a bare "No suitable driver" that Flink prints as the root cause.
     *
     * @throws VitessException with no cause, so that its advice is the root cause users see
     */
    static Driver mysqlDriver(ClassLoader... loaders) {
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            try {
                return (Driver)
                        Class.forName(MYSQL_DRIVER, true, loader)
                                .getDeclaredConstructor()
                                .newInstance();
            } catch (ClassNotFoundException | NoClassDefFoundError e) {
                // try the next loader
            } catch (ReflectiveOperationException e) {
                throw new VitessException(
                        "Cannot load the MySQL JDBC driver " + MYSQL_DRIVER + ": " + e);
            }
        }
        throw new VitessException(
                "The MySQL JDBC driver (com.mysql:mysql-connector-j, class "
                        + MYSQL_DRIVER
                        + ") is not on the class path; the connector needs it to discover shards"
                        + " and tables through VTGate. Put mysql-connector-j into Flink's lib/"
                        + " folder (or pass it with -j / add it to the job jar).");
    }

    private static ClassLoader contextClassLoader() {
        return Thread.currentThread().getContextClassLoader();
    }

    /**
     * The same TLS as the gRPC side: the server's identity verified against the given CA (or the
     * JVM's trust store), and the client certificate if one is set.
     */
    private void tlsProperties(Properties props, List<Path> tempFiles) {
        ConnectionSecurity security = options.security();
        if (!security.tls()) {
            props.setProperty("sslMode", "DISABLED");
            return;
        }
        props.setProperty("sslMode", "VERIFY_IDENTITY");
        try {
            if (security.caCertPath() != null) {
                char[] password = PemKeyStores.randomPassword();
                Path store =
                        PemKeyStores.write(
                                PemKeyStores.trustStore(security.caCertPath()), password);
                tempFiles.add(store);
                props.setProperty("trustCertificateKeyStoreUrl", store.toUri().toString());
                props.setProperty("trustCertificateKeyStoreType", "PKCS12");
                props.setProperty("trustCertificateKeyStorePassword", new String(password));
                props.setProperty("fallbackToSystemTrustStore", "false");
            }
            if (security.clientCertPath() != null) {
                char[] password = PemKeyStores.randomPassword();
                Path store =
                        PemKeyStores.write(
                                PemKeyStores.keyStore(
                                        security.clientCertPath(),
                                        security.clientKeyPath(),
                                        password),
                                password);
                tempFiles.add(store);
                props.setProperty("clientCertificateKeyStoreUrl", store.toUri().toString());
                props.setProperty("clientCertificateKeyStoreType", "PKCS12");
                props.setProperty("clientCertificateKeyStorePassword", new String(password));
                props.setProperty("fallbackToSystemKeyStore", "false");
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new VitessException(
                    endpoint()
                            + ": cannot use the TLS files ('tls.ca-cert' = "
                            + security.caCertPath()
                            + ", 'tls.client-cert' = "
                            + security.clientCertPath()
                            + ", 'tls.client-key' = "
                            + security.clientKeyPath()
                            + "; PEM certificates and a PKCS#8 PEM key expected): "
                            + e.getMessage(),
                    e);
        }
    }

    private String endpoint() {
        return "VTGate MySQL endpoint " + options.hostname() + ":" + options.mysqlPort();
    }

    private String describe(String sql, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason;
        Throwable tls = VStreamErrors.tlsFailure(e);
        if (tls != null) {
            return endpoint()
                    + ": "
                    + VStreamErrors.describeTls(
                            tls, options.hostname() + ":" + options.mysqlPort());
        }
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
