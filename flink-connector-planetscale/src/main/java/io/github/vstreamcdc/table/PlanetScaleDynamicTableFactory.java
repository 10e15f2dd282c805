package io.github.vstreamcdc.table;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

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
 * Creates {@code planetscale-cdc} tables:
 *
 * <pre>{@code
 * CREATE TABLE orders (
 *   id BIGINT,
 *   amount DECIMAL(12, 2),
 *   shard STRING METADATA FROM 'shard' VIRTUAL,
 *   PRIMARY KEY (id) NOT ENFORCED
 * ) WITH (
 *   'connector' = 'planetscale-cdc',
 *   'hostname' = 'localhost',
 *   'keyspace' = 'customer',
 *   'table-name' = 'orders'
 * );
 * }</pre>
 */
@Internal
public final class PlanetScaleDynamicTableFactory implements DynamicTableSourceFactory {

    public static final String IDENTIFIER = "planetscale-cdc";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return new LinkedHashSet<>(Arrays.asList(HOSTNAME, KEYSPACE, TABLE_NAME));
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return new LinkedHashSet<>(
                Arrays.asList(
                        PORT,
                        MYSQL_PORT,
                        USERNAME,
                        PASSWORD,
                        SHARDS,
                        TABLET_TYPE,
                        CELLS,
                        AUTH_METHOD,
                        TLS_ENABLED,
                        TLS_CA_CERT,
                        TLS_CLIENT_CERT,
                        TLS_CLIENT_KEY,
                        GRPC_KEEPALIVE_INTERVAL,
                        SCAN_STARTUP_MODE,
                        SCAN_STARTUP_SPECIFIC_OFFSET,
                        HEARTBEAT_INTERVAL,
                        SCAN_SHARD_DISCOVERY_INTERVAL,
                        CONNECT_TIMEOUT,
                        GRPC_MAX_INBOUND_MESSAGE_SIZE,
                        RECONNECT_MAX_ATTEMPTS,
                        SERVER_TIME_ZONE,
                        SCAN_SCHEMA_CHECK_ENABLED));
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        PlanetScaleTableOptions options = PlanetScaleTableOptions.fromConfig(helper.getOptions());
        return new PlanetScaleDynamicTableSource(
                context.getObjectIdentifier().asSummaryString(),
                context.getPhysicalRowDataType(),
                options,
                new VtgateTableSchemaCheck());
    }
}
