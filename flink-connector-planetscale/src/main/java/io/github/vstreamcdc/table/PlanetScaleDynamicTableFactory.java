package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.Set;

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
        return PlanetScaleSourceOptions.declaredToFlink(PlanetScaleSourceOptions.REQUIRED);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return PlanetScaleSourceOptions.declaredToFlink(PlanetScaleSourceOptions.OPTIONAL);
    }

    /**
     * Our own check runs before Flink's: it names the allowed values of a wrong enum option and
     * reports every problem at once; Flink's then rejects unknown keys.
     */
    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        String table = context.getObjectIdentifier().asSummaryString();
        PlanetScaleSourceConfig config;
        try {
            config = PlanetScaleSourceConfig.from(helper.getOptions());
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Table '" + table + "' (connector '" + IDENTIFIER + "'): " + e.getMessage());
        }
        helper.validate();
        return new PlanetScaleDynamicTableSource(
                table, context.getPhysicalRowDataType(), config, new VtgateTableSchemaCheck());
    }
}
