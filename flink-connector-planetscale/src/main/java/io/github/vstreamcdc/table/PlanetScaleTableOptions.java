package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.client.VitessConnectionOptions;
import io.github.vstreamcdc.source.config.AuthMethod;
import io.github.vstreamcdc.source.config.StartupMode;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonLocation;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.table.api.ValidationException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.AUTH_METHOD;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.CELLS;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.CONNECT_TIMEOUT;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.GRPC_KEEPALIVE_INTERVAL;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.GRPC_MAX_INBOUND_MESSAGE_SIZE;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.HEARTBEAT_INTERVAL;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.HOSTNAME;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.KEYSPACE;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.MYSQL_PORT;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.PASSWORD;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.PORT;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.RECONNECT_MAX_ATTEMPTS;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.SCAN_SCHEMA_CHECK_ENABLED;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.SCAN_SHARD_DISCOVERY_INTERVAL;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.SCAN_STARTUP_MODE;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.SCAN_STARTUP_SPECIFIC_OFFSET;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.SERVER_TIME_ZONE;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.SHARDS;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.TABLET_TYPE;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.TABLE_NAME;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.TLS_CA_CERT;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.TLS_CLIENT_CERT;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.TLS_CLIENT_KEY;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.TLS_ENABLED;
import static io.github.vstreamcdc.table.PlanetScaleConnectorOptions.USERNAME;

/**
 * The validated options of one {@code planetscale-cdc} table. {@link #fromConfig} checks what
 * Flink's option parsing does not and fails with a {@link ValidationException} that names the
 * option. The password never appears in {@link #toString()} or in a message.
 */
@Internal
public final class PlanetScaleTableOptions {

    private static final String GTID_EXAMPLE = "'MySQL56/<uuid>:1-42'";
    private static final String OFFSET_SHAPE =
            "{\"<keyspace>\": {\"<shard>\": \"MySQL56/<uuid>:1-42\"}}";

    private final String hostname;
    private final Integer port;
    private final Integer mysqlPort;
    private final String username;
    private final String password;
    private final String keyspace;
    private final String tableName;
    private final List<String> shards;
    private final String tabletType;
    private final String cells;
    private final StartupMode startupMode;
    private final Map<String, String> specificOffsets;
    private final Duration heartbeatInterval;
    private final Duration shardDiscoveryInterval;
    private final Duration connectTimeout;
    private final int maxInboundMessageBytes;
    private final int reconnectMaxAttempts;
    private final ZoneId serverTimeZone;
    private final boolean schemaCheck;
    private final Boolean tls;
    private final String tlsCaCert;
    private final String tlsClientCert;
    private final String tlsClientKey;
    private final AuthMethod authMethod;
    private final Duration keepAliveInterval;

    PlanetScaleTableOptions(
            String hostname,
            Integer port,
            Integer mysqlPort,
            String username,
            String password,
            String keyspace,
            String tableName,
            List<String> shards,
            String tabletType,
            String cells,
            StartupMode startupMode,
            Map<String, String> specificOffsets,
            Duration heartbeatInterval,
            Duration shardDiscoveryInterval,
            Duration connectTimeout,
            int maxInboundMessageBytes,
            int reconnectMaxAttempts,
            ZoneId serverTimeZone,
            boolean schemaCheck,
            Boolean tls,
            String tlsCaCert,
            String tlsClientCert,
            String tlsClientKey,
            AuthMethod authMethod,
            Duration keepAliveInterval) {
        this.hostname = hostname;
        this.port = port;
        this.mysqlPort = mysqlPort;
        this.username = username;
        this.password = password;
        this.keyspace = keyspace;
        this.tableName = tableName;
        this.shards = Collections.unmodifiableList(new ArrayList<>(shards));
        this.tabletType = tabletType;
        this.cells = cells;
        this.startupMode = startupMode;
        this.specificOffsets = Collections.unmodifiableMap(new LinkedHashMap<>(specificOffsets));
        this.heartbeatInterval = heartbeatInterval;
        this.shardDiscoveryInterval = shardDiscoveryInterval;
        this.connectTimeout = connectTimeout;
        this.maxInboundMessageBytes = maxInboundMessageBytes;
        this.reconnectMaxAttempts = reconnectMaxAttempts;
        this.serverTimeZone = serverTimeZone;
        this.schemaCheck = schemaCheck;
        this.tls = tls;
        this.tlsCaCert = tlsCaCert;
        this.tlsClientCert = tlsClientCert;
        this.tlsClientKey = tlsClientKey;
        this.authMethod = authMethod;
        this.keepAliveInterval = keepAliveInterval;
    }

    /**
     * Reads and checks the options (Flink's {@code TableFactoryHelper#validate()} has already
     * rejected unknown keys, missing required ones and values of the wrong type).
     *
     * @throws ValidationException naming the option whose value is wrong
     */
    public static PlanetScaleTableOptions fromConfig(ReadableConfig config) {
        String hostname = required(config.get(HOSTNAME), HOSTNAME.key());
        // unset ports follow the host (PlanetScale's differ), so no default is read here
        Integer port = config.getOptional(PORT).map(p -> port(p, PORT.key())).orElse(null);
        Integer mysqlPort =
                config.getOptional(MYSQL_PORT).map(p -> port(p, MYSQL_PORT.key())).orElse(null);
        String keyspace = required(config.get(KEYSPACE), KEYSPACE.key());
        String tableName = required(config.get(TABLE_NAME), TABLE_NAME.key());
        try {
            Pattern.compile(tableName);
        } catch (PatternSyntaxException e) {
            throw new ValidationException(
                    String.format(
                            "Option '%s' = '%s' is not a valid regular expression: %s",
                            TABLE_NAME.key(), tableName, e.getDescription()));
        }
        List<String> shards = shards(config.getOptional(SHARDS).orElse(null));
        String tabletType = tabletType(config.get(TABLET_TYPE));
        StartupMode mode = startupMode(config.get(SCAN_STARTUP_MODE));
        String offsetsJson = config.getOptional(SCAN_STARTUP_SPECIFIC_OFFSET).orElse(null);
        Map<String, String> offsets = Collections.emptyMap();
        if (mode == StartupMode.SPECIFIC_OFFSET) {
            if (offsetsJson == null || offsetsJson.trim().isEmpty()) {
                throw new ValidationException(
                        String.format(
                                "Option '%s' is 'specific-offset', but option '%s' is not set."
                                        + " Give each shard's GTID position as %s",
                                SCAN_STARTUP_MODE.key(),
                                SCAN_STARTUP_SPECIFIC_OFFSET.key(),
                                OFFSET_SHAPE));
            }
            offsets = parseSpecificOffsets(offsetsJson, keyspace);
            for (String shard : offsets.keySet()) {
                if (!shards.isEmpty() && !shards.contains(shard)) {
                    throw new ValidationException(
                            String.format(
                                    "Option '%s' gives a position for shard '%s', which option"
                                            + " '%s' = '%s' does not read",
                                    SCAN_STARTUP_SPECIFIC_OFFSET.key(),
                                    shard,
                                    SHARDS.key(),
                                    String.join(",", shards)));
                }
            }
        } else if (offsetsJson != null) {
            throw new ValidationException(
                    String.format(
                            "Option '%s' is set, but option '%s' is '%s'; set '%s' ="
                                    + " 'specific-offset' to start from these positions",
                            SCAN_STARTUP_SPECIFIC_OFFSET.key(),
                            SCAN_STARTUP_MODE.key(),
                            mode.value(),
                            SCAN_STARTUP_MODE.key()));
        }
        Duration heartbeat = config.getOptional(HEARTBEAT_INTERVAL).orElse(null);
        if (heartbeat != null && !heartbeat.isZero() && heartbeat.getSeconds() < 1) {
            throw new ValidationException(
                    String.format(
                            "Option '%s' is %d ms; it must be at least 1 s (VStream counts"
                                    + " seconds), or 0 for off",
                            HEARTBEAT_INTERVAL.key(), heartbeat.toMillis()));
        }
        Duration discovery = config.getOptional(SCAN_SHARD_DISCOVERY_INTERVAL).orElse(null);
        if (discovery != null && discovery.isNegative()) {
            throw new ValidationException(
                    String.format(
                            "Option '%s' must not be negative",
                            SCAN_SHARD_DISCOVERY_INTERVAL.key()));
        }
        Duration connectTimeout = config.get(CONNECT_TIMEOUT);
        if (connectTimeout.isZero() || connectTimeout.isNegative()) {
            throw new ValidationException(
                    String.format("Option '%s' must be positive", CONNECT_TIMEOUT.key()));
        }
        MemorySize maxMessage = config.get(GRPC_MAX_INBOUND_MESSAGE_SIZE);
        if (maxMessage.getBytes() < 4L * 1024 * 1024 || maxMessage.getBytes() > Integer.MAX_VALUE) {
            throw new ValidationException(
                    String.format(
                            "Option '%s' is %d bytes; it must be between 4 mb and 2 gb",
                            GRPC_MAX_INBOUND_MESSAGE_SIZE.key(), maxMessage.getBytes()));
        }
        int reconnects = config.get(RECONNECT_MAX_ATTEMPTS);
        if (reconnects < 0) {
            throw new ValidationException(
                    String.format(
                            "Option '%s' is %d; expected 0 or more",
                            RECONNECT_MAX_ATTEMPTS.key(), reconnects));
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(config.get(SERVER_TIME_ZONE));
        } catch (DateTimeException e) {
            throw new ValidationException(
                    String.format(
                            "Option '%s' = '%s' is not a time zone: %s",
                            SERVER_TIME_ZONE.key(), config.get(SERVER_TIME_ZONE), e.getMessage()));
        }
        AuthMethod authMethod = null;
        String authValue = blankToNull(config.getOptional(AUTH_METHOD).orElse(null));
        if (authValue != null) {
            try {
                authMethod = AuthMethod.fromValue(authValue);
            } catch (IllegalArgumentException e) {
                throw new ValidationException(e.getMessage());
            }
        }
        PlanetScaleTableOptions options =
                new PlanetScaleTableOptions(
                        hostname,
                        port,
                        mysqlPort,
                        config.getOptional(USERNAME).orElse(null),
                        config.getOptional(PASSWORD).orElse(null),
                        keyspace,
                        tableName,
                        shards,
                        tabletType,
                        blankToNull(config.getOptional(CELLS).orElse(null)),
                        mode,
                        offsets,
                        heartbeat,
                        discovery,
                        connectTimeout,
                        (int) maxMessage.getBytes(),
                        reconnects,
                        zone,
                        config.get(SCAN_SCHEMA_CHECK_ENABLED),
                        config.getOptional(TLS_ENABLED).orElse(null),
                        blankToNull(config.getOptional(TLS_CA_CERT).orElse(null)),
                        blankToNull(config.getOptional(TLS_CLIENT_CERT).orElse(null)),
                        blankToNull(config.getOptional(TLS_CLIENT_KEY).orElse(null)),
                        authMethod,
                        config.get(GRPC_KEEPALIVE_INTERVAL));
        try {
            // the builder resolves the defaults (PlanetScale's for a psdb.cloud host) and checks
            // how the connection options go together
            options.connectionOptions();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage(), e);
        }
        return options;
    }

    /**
     * Parses {@code {"<keyspace>": {"<shard>": "<gtid>"}}} into shard to GTID position.
     *
     * @throws ValidationException saying which part is wrong
     */
    static Map<String, String> parseSpecificOffsets(String json, String keyspace) {
        String option = "Option '" + SCAN_STARTUP_SPECIFIC_OFFSET.key() + "'";
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ValidationException(
                    String.format(
                            "%s is not valid JSON%s: %s. Expected %s",
                            option,
                            at == null
                                    ? ""
                                    : " (line "
                                            + at.getLineNr()
                                            + ", column "
                                            + at.getColumnNr()
                                            + ")",
                            e.getOriginalMessage(),
                            OFFSET_SHAPE));
        }
        if (root == null || !root.isObject()) {
            throw new ValidationException(
                    String.format("%s must be a JSON object %s", option, OFFSET_SHAPE));
        }
        Map<String, String> offsets = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> keyspaces = root.fields();
        if (!keyspaces.hasNext()) {
            throw new ValidationException(
                    String.format("%s gives no positions; expected %s", option, OFFSET_SHAPE));
        }
        while (keyspaces.hasNext()) {
            Map.Entry<String, JsonNode> entry = keyspaces.next();
            if (!entry.getKey().equals(keyspace)) {
                throw new ValidationException(
                        String.format(
                                "%s names keyspace '%s', but option '%s' is '%s'",
                                option, entry.getKey(), KEYSPACE.key(), keyspace));
            }
            JsonNode shardMap = entry.getValue();
            if (!shardMap.isObject()) {
                throw new ValidationException(
                        String.format(
                                "%s: the value of keyspace '%s' must be an object of shard to GTID"
                                        + " position, like {\"-80\": %s}, not %s",
                                option, entry.getKey(), GTID_EXAMPLE, shardMap));
            }
            Iterator<Map.Entry<String, JsonNode>> shardEntries = shardMap.fields();
            while (shardEntries.hasNext()) {
                Map.Entry<String, JsonNode> shard = shardEntries.next();
                JsonNode gtid = shard.getValue();
                if (!gtid.isTextual()
                        || !gtid.asText().contains("/")
                        || gtid.asText().equals("current")) {
                    throw new ValidationException(
                            String.format(
                                    "%s: the position of shard '%s' of keyspace '%s' is %s;"
                                            + " expected a GTID position string like %s",
                                    option, shard.getKey(), entry.getKey(), gtid, GTID_EXAMPLE));
                }
                offsets.put(shard.getKey(), gtid.asText());
            }
        }
        if (offsets.isEmpty()) {
            throw new ValidationException(
                    String.format(
                            "%s gives no shard positions for keyspace '%s'; expected %s",
                            option, keyspace, OFFSET_SHAPE));
        }
        return offsets;
    }

    private static String required(String value, String key) {
        if (value == null || value.trim().isEmpty()) {
            throw new ValidationException(String.format("Option '%s' must not be empty", key));
        }
        return value.trim();
    }

    private static int port(int value, String key) {
        if (value < 1 || value > 65535) {
            throw new ValidationException(
                    String.format("Option '%s' is %d; expected a port in 1-65535", key, value));
        }
        return value;
    }

    private static List<String> shards(String value) {
        if (value == null) {
            return Collections.emptyList();
        }
        List<String> shards = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String shard = part.trim();
            if (shard.isEmpty()) {
                throw new ValidationException(
                        String.format(
                                "Option '%s' = '%s' has an empty shard name; expected shards"
                                        + " separated by commas, like '-80,80-'",
                                SHARDS.key(), value));
            }
            if (!shards.contains(shard)) {
                shards.add(shard);
            }
        }
        return shards;
    }

    private static String tabletType(String value) {
        String upper = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        switch (upper) {
            case "PRIMARY":
            case "REPLICA":
            case "RDONLY":
                return upper;
            default:
                throw new ValidationException(
                        String.format(
                                "Invalid value for option '%s': '%s'. Allowed values: PRIMARY,"
                                        + " REPLICA, RDONLY",
                                TABLET_TYPE.key(), value));
        }
    }

    private static StartupMode startupMode(String value) {
        for (StartupMode mode : StartupMode.values()) {
            if (mode.value().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return mode;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (StartupMode mode : StartupMode.values()) {
            allowed.add(mode.value());
        }
        throw new ValidationException(
                String.format(
                        "Invalid value for option '%s': '%s'. Allowed values: %s",
                        SCAN_STARTUP_MODE.key(), value, String.join(", ", allowed)));
    }

    private static String blankToNull(String value) {
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }

    /** Sets every option on a source builder (but not the deserializer and columns). */
    public <T> PlanetScaleSourceBuilder<T> applyTo(PlanetScaleSourceBuilder<T> builder) {
        if (port != null) {
            builder.port(port);
        }
        if (mysqlPort != null) {
            builder.mysqlPort(mysqlPort);
        }
        if (tls != null) {
            builder.tls(tls);
        }
        if (tlsCaCert != null) {
            builder.tlsCaCertificate(tlsCaCert);
        }
        if (tlsClientCert != null || tlsClientKey != null) {
            builder.tlsClientCertificate(tlsClientCert, tlsClientKey);
        }
        builder.hostname(hostname)
                .authMethod(authMethod)
                .keepAliveInterval(keepAliveInterval)
                .username(username)
                .password(password)
                .keyspace(keyspace)
                .tableName(tableName)
                .shards(shards.toArray(new String[0]))
                .tabletType(tabletType)
                .cells(cells)
                .startupMode(startupMode)
                .heartbeatInterval(heartbeatInterval)
                .shardDiscoveryInterval(shardDiscoveryInterval)
                .connectTimeout(connectTimeout)
                .maxInboundMessageBytes(maxInboundMessageBytes)
                .reconnectMaxAttempts(reconnectMaxAttempts);
        if (startupMode == StartupMode.SPECIFIC_OFFSET) {
            builder.specificOffsets(specificOffsets);
        }
        return builder;
    }

    /** Where and how to reach VTGate (defaults resolved), for the checks at planning time. */
    public VitessConnectionOptions connectionOptions() {
        return applyTo(PlanetScaleSource.builder()).buildConnectionOptions();
    }

    public String hostname() {
        return hostname;
    }

    /** The gRPC port, the default resolved. */
    public int port() {
        return connectionOptions().grpcPort();
    }

    /** The MySQL port, the default resolved. */
    public int mysqlPort() {
        return connectionOptions().mysqlPort();
    }

    public String username() {
        return username;
    }

    public String keyspace() {
        return keyspace;
    }

    /** A table name or a regular expression over table names. */
    public String tableName() {
        return tableName;
    }

    /** The shards to read; empty for all. */
    public List<String> shards() {
        return shards;
    }

    public String tabletType() {
        return tabletType;
    }

    public String cells() {
        return cells;
    }

    public StartupMode startupMode() {
        return startupMode;
    }

    /** Shard to GTID position, for {@link StartupMode#SPECIFIC_OFFSET}; empty otherwise. */
    public Map<String, String> specificOffsets() {
        return specificOffsets;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration shardDiscoveryInterval() {
        return shardDiscoveryInterval;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public int maxInboundMessageBytes() {
        return maxInboundMessageBytes;
    }

    public int reconnectMaxAttempts() {
        return reconnectMaxAttempts;
    }

    public ZoneId serverTimeZone() {
        return serverTimeZone;
    }

    public boolean schemaCheck() {
        return schemaCheck;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PlanetScaleTableOptions)) {
            return false;
        }
        PlanetScaleTableOptions that = (PlanetScaleTableOptions) o;
        return Objects.equals(port, that.port)
                && Objects.equals(mysqlPort, that.mysqlPort)
                && Objects.equals(tls, that.tls)
                && Objects.equals(tlsCaCert, that.tlsCaCert)
                && Objects.equals(tlsClientCert, that.tlsClientCert)
                && Objects.equals(tlsClientKey, that.tlsClientKey)
                && authMethod == that.authMethod
                && Objects.equals(keepAliveInterval, that.keepAliveInterval)
                && maxInboundMessageBytes == that.maxInboundMessageBytes
                && reconnectMaxAttempts == that.reconnectMaxAttempts
                && schemaCheck == that.schemaCheck
                && hostname.equals(that.hostname)
                && Objects.equals(username, that.username)
                && Objects.equals(password, that.password)
                && keyspace.equals(that.keyspace)
                && tableName.equals(that.tableName)
                && shards.equals(that.shards)
                && tabletType.equals(that.tabletType)
                && Objects.equals(cells, that.cells)
                && startupMode == that.startupMode
                && specificOffsets.equals(that.specificOffsets)
                && Objects.equals(heartbeatInterval, that.heartbeatInterval)
                && Objects.equals(shardDiscoveryInterval, that.shardDiscoveryInterval)
                && connectTimeout.equals(that.connectTimeout)
                && serverTimeZone.equals(that.serverTimeZone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                hostname,
                port,
                mysqlPort,
                username,
                password,
                keyspace,
                tableName,
                shards,
                tabletType,
                cells,
                startupMode,
                specificOffsets,
                heartbeatInterval,
                shardDiscoveryInterval,
                connectTimeout,
                maxInboundMessageBytes,
                reconnectMaxAttempts,
                serverTimeZone,
                schemaCheck,
                tls,
                tlsCaCert,
                tlsClientCert,
                tlsClientKey,
                authMethod,
                keepAliveInterval);
    }

    @Override
    public String toString() {
        return "PlanetScaleTableOptions{hostname="
                + hostname
                + ", port="
                + (port == null ? "default" : port)
                + ", mysqlPort="
                + (mysqlPort == null ? "default" : mysqlPort)
                + ", username="
                + username
                + ", password="
                + (password == null ? "<none>" : "******")
                + (tls == null ? "" : ", tls=" + tls)
                + (tlsCaCert == null ? "" : ", tlsCaCert=" + tlsCaCert)
                + (tlsClientCert == null ? "" : ", tlsClientCert=" + tlsClientCert)
                + (authMethod == null ? "" : ", auth=" + authMethod.value())
                + ", keyspace="
                + keyspace
                + ", table="
                + tableName
                + ", shards="
                + (shards.isEmpty() ? "all" : shards)
                + ", tabletType="
                + tabletType
                + ", startup="
                + startupMode.value()
                + (specificOffsets.isEmpty() ? "" : ", offsets=" + specificOffsets)
                + '}';
    }
}
