package io.github.vstreamcdc.source;

import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.client.ConnectionSecurity;
import io.github.vstreamcdc.source.client.PlanetScaleEdge;
import io.github.vstreamcdc.source.client.VitessConnectionOptions;
import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.vitess.proto.Topodata;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Builds a {@link PlanetScaleSource}. Required: {@link #hostname}, {@link #keyspace}, {@link
 * #tableName} and {@link #deserializer}; {@link #build()} checks everything and says what is wrong.
 *
 * <pre>{@code
 * PlanetScaleSource<RowData> source = PlanetScaleSource.<RowData>builder()
 *     .hostname("localhost").port(15991).mysqlPort(15306)
 *     .keyspace("commerce").tableName("products")
 *     .startupMode(StartupMode.INITIAL)
 *     .deserializer(new JsonDeserializationSchema())
 *     .build();
 * }</pre>
 */
@PublicEvolving
public final class PlanetScaleSourceBuilder<T> {

    public static final int DEFAULT_GRPC_PORT = 15991;
    public static final int DEFAULT_MYSQL_PORT = 15306;
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

    private String hostname;
    private Integer port;
    private Integer mysqlPort;
    private String username;
    private String password;
    private String keyspace;
    private String tableName;
    private List<String> shards = Collections.emptyList();
    private String tabletType = "PRIMARY";
    private String cells;
    private StartupMode startupMode = StartupMode.INITIAL;
    private Map<String, String> specificOffsets = Collections.emptyMap();
    private Duration heartbeatInterval;
    private Duration shardDiscoveryInterval;
    private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private int reconnectMaxAttempts = VitessConnectionOptions.DEFAULT_RECONNECT_MAX_ATTEMPTS;
    private List<String> columns;
    private VStreamDeserializationSchema<T> deserializer;
    private Boolean tls;
    private String tlsCaCertificate;
    private String tlsClientCertificate;
    private String tlsClientKey;
    private AuthMethod authMethod;
    private Duration keepAliveInterval;

    PlanetScaleSourceBuilder() {}

    /**
     * VTGate host, or the PlanetScale edge host ({@code <region>.connect.psdb.cloud}). A {@code
     * psdb.cloud} host changes the defaults: ports 443 and 3306, TLS with the JVM's trust store,
     * {@link AuthMethod#BASIC} and cells {@code planetscale_operator_default}; each can still be
     * set.
     */
    public PlanetScaleSourceBuilder<T> hostname(String hostname) {
        this.hostname = hostname;
        return this;
    }

    /** VTGate gRPC port; default 15991 (443 for a PlanetScale host). */
    public PlanetScaleSourceBuilder<T> port(int port) {
        this.port = port;
        return this;
    }

    /**
     * VTGate MySQL-protocol port, used for discovery; default 15306 (3306 for a PlanetScale host).
     */
    public PlanetScaleSourceBuilder<T> mysqlPort(int mysqlPort) {
        this.mysqlPort = mysqlPort;
        return this;
    }

    /**
     * TLS on both endpoints (gRPC and MySQL); default off, on for a PlanetScale host. Without
     * {@link #tlsCaCertificate} the server is verified against the JVM's trust store.
     */
    public PlanetScaleSourceBuilder<T> tls(boolean enabled) {
        this.tls = enabled;
        return this;
    }

    /** A PEM file of the CA(s) to trust instead of the JVM's trust store; implies TLS. */
    public PlanetScaleSourceBuilder<T> tlsCaCertificate(String pemPath) {
        this.tlsCaCertificate = pemPath;
        return this;
    }

    /**
     * A client certificate (PEM) and its private key (PKCS#8 PEM) for mutual TLS; implies TLS. The
     * files must exist on every machine that runs the job.
     */
    public PlanetScaleSourceBuilder<T> tlsClientCertificate(String certPemPath, String keyPemPath) {
        this.tlsClientCertificate = certPemPath;
        this.tlsClientKey = keyPemPath;
        return this;
    }

    /**
     * How the gRPC calls carry {@link #username}/{@link #password}. Default: {@link
     * AuthMethod#NONE} without a username; with one, {@link AuthMethod#BASIC} for a PlanetScale
     * host and {@link AuthMethod#VITESS_STATIC} otherwise (a VTGate without gRPC auth ignores it).
     * The MySQL side always logs in with them.
     */
    public PlanetScaleSourceBuilder<T> authMethod(AuthMethod authMethod) {
        this.authMethod = authMethod;
        return this;
    }

    /**
     * gRPC keepalive ping interval (at least 10 s); {@link Duration#ZERO} for none; default 30 s.
     */
    public PlanetScaleSourceBuilder<T> keepAliveInterval(Duration interval) {
        this.keepAliveInterval = interval;
        return this;
    }

    public PlanetScaleSourceBuilder<T> username(String username) {
        this.username = username;
        return this;
    }

    public PlanetScaleSourceBuilder<T> password(String password) {
        this.password = password;
        return this;
    }

    /** The keyspace (database) to read. */
    public PlanetScaleSourceBuilder<T> keyspace(String keyspace) {
        this.keyspace = keyspace;
        return this;
    }

    /** A table name, or a regular expression matching the names of several tables. */
    public PlanetScaleSourceBuilder<T> tableName(String tableName) {
        this.tableName = tableName;
        return this;
    }

    /** Read only these shards (e.g. {@code -80}); default all shards of the keyspace. */
    public PlanetScaleSourceBuilder<T> shards(String... shards) {
        this.shards = Arrays.asList(shards);
        return this;
    }

    /** {@code PRIMARY} (default), {@code REPLICA} or {@code RDONLY}. */
    public PlanetScaleSourceBuilder<T> tabletType(String tabletType) {
        this.tabletType = tabletType;
        return this;
    }

    /**
     * Cells to stream from (comma-separated); default VTGate's own cell ({@code
     * planetscale_operator_default} for a PlanetScale host).
     */
    public PlanetScaleSourceBuilder<T> cells(String cells) {
        this.cells = cells;
        return this;
    }

    public PlanetScaleSourceBuilder<T> startupMode(StartupMode startupMode) {
        this.startupMode = startupMode;
        return this;
    }

    /**
     * Start at these positions (implies {@link StartupMode#SPECIFIC_OFFSET}): shard name to GTID
     * set, e.g. {@code "-80" -> "MySQL56/0e2b...:1-42"}.
     */
    public PlanetScaleSourceBuilder<T> specificOffsets(Map<String, String> offsets) {
        this.startupMode = StartupMode.SPECIFIC_OFFSET;
        this.specificOffsets = new LinkedHashMap<>(offsets);
        return this;
    }

    /** Ask VTGate for a heartbeat after this much idleness, keeping idle shards' lag fresh. */
    public PlanetScaleSourceBuilder<T> heartbeatInterval(Duration interval) {
        this.heartbeatInterval = interval;
        return this;
    }

    /** Look for new shards this often; off by default. */
    public PlanetScaleSourceBuilder<T> shardDiscoveryInterval(Duration interval) {
        this.shardDiscoveryInterval = interval;
        return this;
    }

    /** The largest gRPC message accepted; copy batches exceed gRPC's 4 MiB default. */
    public PlanetScaleSourceBuilder<T> maxInboundMessageBytes(int bytes) {
        this.maxInboundMessageBytes = bytes;
        return this;
    }

    public PlanetScaleSourceBuilder<T> connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /**
     * How many times in a row a shard's VStream may fail with a transient error (VTGate
     * unreachable, connection lost) before the job fails; default {@value
     * VitessConnectionOptions#DEFAULT_RECONNECT_MAX_ATTEMPTS}, 0 fails on the first error.
     * Reconnects back off from 0.5 s to 5 s; the count restarts once the stream makes progress.
     */
    public PlanetScaleSourceBuilder<T> reconnectMaxAttempts(int attempts) {
        this.reconnectMaxAttempts = attempts;
        return this;
    }

    /** Ask VStream only for these columns (a plain table name only). */
    public PlanetScaleSourceBuilder<T> columns(List<String> columns) {
        this.columns = columns == null ? null : new ArrayList<>(columns);
        return this;
    }

    public PlanetScaleSourceBuilder<T> deserializer(VStreamDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Checks the settings and builds the source. */
    public PlanetScaleSource<T> build() {
        List<String> problems = new ArrayList<>();
        if (isBlank(hostname)) {
            problems.add("'hostname' is required");
        }
        if (isBlank(keyspace)) {
            problems.add("'keyspace' is required");
        }
        if (isBlank(tableName)) {
            problems.add("'table-name' is required");
        } else {
            try {
                Pattern.compile(tableName);
            } catch (PatternSyntaxException e) {
                problems.add(
                        "'table-name' is not a valid regular expression: " + e.getDescription());
            }
        }
        checkSource(problems);
        VitessConnectionOptions connection = connectionOptions(problems);
        if (deserializer == null) {
            problems.add("a deserializer is required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid PlanetScale source configuration: " + String.join("; ", problems));
        }
        PlanetScaleSourceConfig config =
                new PlanetScaleSourceConfig(
                        connection,
                        keyspace,
                        tableName,
                        shards,
                        startupMode,
                        specificOffsets,
                        heartbeatInterval,
                        shardDiscoveryInterval,
                        columns);
        return new PlanetScaleSource<>(config, deserializer);
    }

    /**
     * The connection settings with the defaults resolved (PlanetScale's for a {@code psdb.cloud}
     * host), for checks that connect before a source is built.
     *
     * @throws IllegalArgumentException saying which settings are wrong
     */
    @Internal
    public VitessConnectionOptions buildConnectionOptions() {
        List<String> problems = new ArrayList<>();
        if (isBlank(hostname)) {
            problems.add("'hostname' is required");
        }
        VitessConnectionOptions connection = connectionOptions(problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid PlanetScale source configuration: " + String.join("; ", problems));
        }
        return connection;
    }

    private VitessConnectionOptions connectionOptions(List<String> problems) {
        boolean planetScale = PlanetScaleEdge.isPlanetScaleHost(hostname);
        int grpcPort =
                port != null ? port : planetScale ? PlanetScaleEdge.GRPC_PORT : DEFAULT_GRPC_PORT;
        int sqlPort =
                mysqlPort != null
                        ? mysqlPort
                        : planetScale ? PlanetScaleEdge.MYSQL_PORT : DEFAULT_MYSQL_PORT;
        checkPort("port", grpcPort, problems);
        checkPort("mysql.port", sqlPort, problems);
        Topodata.TabletType type = null;
        String upperType = tabletType == null ? "" : tabletType.toUpperCase(Locale.ROOT);
        if (upperType.equals("PRIMARY")
                || upperType.equals("REPLICA")
                || upperType.equals("RDONLY")) {
            type = Topodata.TabletType.valueOf(upperType);
        } else {
            problems.add(
                    "'tablet-type' is '"
                            + tabletType
                            + "'; allowed values: PRIMARY, REPLICA, RDONLY");
        }
        boolean clientCert = !isBlank(tlsClientCertificate) || !isBlank(tlsClientKey);
        if (clientCert && (isBlank(tlsClientCertificate) || isBlank(tlsClientKey))) {
            problems.add("'tls.client-cert' and 'tls.client-key' must be set together");
        }
        boolean useTls =
                tls != null ? tls : planetScale || !isBlank(tlsCaCertificate) || clientCert;
        if (!useTls && (!isBlank(tlsCaCertificate) || clientCert)) {
            problems.add(
                    "'tls.enabled' is false, but 'tls.ca-cert', 'tls.client-cert' or"
                            + " 'tls.client-key' is set");
        }
        // Vitess' static credentials travel as plain gRPC metadata: by default only inside TLS.
        AuthMethod auth =
                authMethod != null
                        ? authMethod
                        : isBlank(username)
                                ? AuthMethod.NONE
                                : planetScale
                                        ? AuthMethod.BASIC
                                        : useTls ? AuthMethod.VITESS_STATIC : AuthMethod.NONE;
        if (auth != AuthMethod.NONE && isBlank(username)) {
            problems.add("'auth.method' is '" + auth.value() + "' but 'username' is not set");
        }
        Duration keepAlive =
                keepAliveInterval != null
                        ? keepAliveInterval
                        : VitessConnectionOptions.DEFAULT_KEEPALIVE_INTERVAL;
        if (keepAlive.isNegative() || (!keepAlive.isZero() && keepAlive.getSeconds() < 10)) {
            problems.add(
                    "'grpc.keepalive-interval' is "
                            + keepAlive.toMillis()
                            + " ms; expected at least 10 s (gRPC's minimum), or 0 for none");
        }
        if (maxInboundMessageBytes < 4 * 1024 * 1024) {
            problems.add("the max inbound message size must be at least 4 MiB");
        }
        if (reconnectMaxAttempts < 0) {
            problems.add("'reconnect.max-attempts' is " + reconnectMaxAttempts + "; expected >= 0");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            problems.add("'connect.timeout' must be positive");
        }
        if (!problems.isEmpty()) {
            return null;
        }
        String resolvedCells =
                !isBlank(cells) ? cells.trim() : planetScale ? PlanetScaleEdge.CELLS : null;
        return new VitessConnectionOptions(
                hostname.trim(),
                grpcPort,
                sqlPort,
                username,
                password,
                type,
                resolvedCells,
                maxInboundMessageBytes,
                connectTimeout,
                reconnectMaxAttempts,
                new ConnectionSecurity(
                        useTls,
                        blankToNull(tlsCaCertificate),
                        blankToNull(tlsClientCertificate),
                        blankToNull(tlsClientKey),
                        auth),
                keepAlive);
    }

    private void checkSource(List<String> problems) {
        if (startupMode == null) {
            problems.add("'scan.startup.mode' is required");
        } else if (startupMode == StartupMode.SPECIFIC_OFFSET && specificOffsets.isEmpty()) {
            problems.add(
                    "'scan.startup.mode' is 'specific-offset' but"
                            + " 'scan.startup.specific-offset' gives no positions");
        }
        for (Map.Entry<String, String> offset : specificOffsets.entrySet()) {
            String gtid = offset.getValue();
            if (gtid == null || !gtid.contains("/") || gtid.equals("current")) {
                problems.add(
                        "'scan.startup.specific-offset' for shard '"
                                + offset.getKey()
                                + "' is '"
                                + gtid
                                + "'; expected a GTID position like 'MySQL56/<uuid>:1-42'");
            }
        }
        if (heartbeatInterval != null
                && (heartbeatInterval.isNegative() || heartbeatInterval.getSeconds() < 1)
                && !heartbeatInterval.isZero()) {
            problems.add("'heartbeat.interval' must be at least 1 s (VStream counts seconds)");
        }
    }

    private static void checkPort(String option, int value, List<String> problems) {
        if (value < 1 || value > 65535) {
            problems.add("'" + option + "' is " + value + "; expected 1-65535");
        }
    }

    private static String blankToNull(String s) {
        return isBlank(s) ? null : s.trim();
    }

    private static boolean isBlank(String s) {
        return s == null || s.trim().isEmpty();
    }
}
