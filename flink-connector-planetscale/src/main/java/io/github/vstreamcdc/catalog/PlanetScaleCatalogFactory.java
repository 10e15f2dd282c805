package io.github.vstreamcdc.catalog;

import io.github.vstreamcdc.source.config.OptionReader;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.CommonCatalogOptions;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Creates the read-only {@link PlanetScaleCatalog}:
 *
 * <pre>{@code
 * CREATE CATALOG ps WITH (
 *   'type' = 'planetscale',
 *   'hostname' = 'localhost',
 *   'username' = '...',
 *   'password' = '...'
 * );
 * SELECT * FROM ps.customer.orders;
 * }</pre>
 *
 * <p>It takes the connection options of the {@code planetscale-cdc} connector ({@link
 * PlanetScaleSourceOptions#CONNECTION}), checked by the same rules, and passes them on to every
 * table it shows.
 */
@Internal
public final class PlanetScaleCatalogFactory implements CatalogFactory {

    public static final String IDENTIFIER = "planetscale";

    public static final ConfigOption<String> DEFAULT_DATABASE =
            ConfigOptions.key(CommonCatalogOptions.DEFAULT_DATABASE_KEY)
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The keyspace that is the current database after USE CATALOG;"
                                    + " default the first keyspace in alphabetical order.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        Set<ConfigOption<?>> required = new LinkedHashSet<>();
        required.add(PlanetScaleSourceOptions.HOSTNAME);
        return required;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> optional =
                PlanetScaleSourceOptions.declaredToFlink(PlanetScaleSourceOptions.CONNECTION);
        optional.removeAll(requiredOptions());
        optional.add(DEFAULT_DATABASE);
        return optional;
    }

    /**
     * Our own check runs before Flink's, as in the table factory: it reports every problem of the
     * connection options at once; Flink's then rejects unknown keys.
     */
    @Override
    public Catalog createCatalog(Context context) {
        FactoryUtil.CatalogFactoryHelper helper =
                FactoryUtil.createCatalogFactoryHelper(this, context);
        VitessConnectionOptions connection;
        try {
            connection = PlanetScaleSourceConfig.connectionFrom(helper.getOptions());
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Catalog '"
                            + context.getName()
                            + "' (type '"
                            + IDENTIFIER
                            + "'): "
                            + e.getMessage());
        }
        helper.validate();
        String defaultDatabase = helper.getOptions().getOptional(DEFAULT_DATABASE).orElse("");
        return new PlanetScaleCatalog(
                context.getName(),
                new VtgateKeyspaceSchemas(connection),
                connectionOptions(context.getOptions()),
                connection.hostname()
                        + " (gRPC port "
                        + connection.grpcPort()
                        + ", MySQL port "
                        + connection.mysqlPort()
                        + ")",
                defaultDatabase.trim().isEmpty() ? null : defaultDatabase.trim());
    }

    /** The connection options as given (also under a fallback key), to pass on to the tables. */
    static Map<String, String> connectionOptions(Map<String, String> options) {
        Configuration given = Configuration.fromMap(options);
        Map<String, String> connection = new LinkedHashMap<>();
        for (ConfigOption<?> option : PlanetScaleSourceOptions.CONNECTION) {
            given.getOptional(OptionReader.asText(option))
                    .ifPresent(value -> connection.put(option.key(), value));
        }
        return connection;
    }
}
