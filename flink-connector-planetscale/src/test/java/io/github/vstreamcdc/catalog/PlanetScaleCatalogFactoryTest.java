package io.github.vstreamcdc.catalog;

import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.FactoryUtil;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CREATE CATALOG ... WITH ('type' = 'planetscale', ...): the options it takes and checks. */
class PlanetScaleCatalogFactoryTest {

    private static Map<String, String> options() {
        Map<String, String> options = new HashMap<>();
        options.put("type", "planetscale");
        options.put("hostname", "vtgate.example");
        return options;
    }

    private static Catalog create(Map<String, String> options) {
        return FactoryUtil.createCatalog(
                "ps",
                options,
                new Configuration(),
                PlanetScaleCatalogFactoryTest.class.getClassLoader());
    }

    @Test
    void theTypeFindsTheFactory() {
        Map<String, String> options = options();
        options.put("default-database", " customer ");
        options.put("password", "pw");
        Catalog catalog = create(options);
        assertThat(catalog).isInstanceOf(PlanetScaleCatalog.class);
        assertThat(((PlanetScaleCatalog) catalog).getName()).isEqualTo("ps");
        // known before opening, as Flink may ask
        assertThat(catalog.getDefaultDatabase()).isEqualTo("customer");
    }

    @Test
    void itTakesTheConnectionOptionsOfTheConnector() {
        PlanetScaleCatalogFactory factory = new PlanetScaleCatalogFactory();
        assertThat(factory.factoryIdentifier()).isEqualTo("planetscale");
        assertThat(factory.requiredOptions()).containsExactly(PlanetScaleSourceOptions.HOSTNAME);
        Map<String, ConfigOption<?>> all = new LinkedHashMap<>();
        factory.requiredOptions().forEach(o -> all.put(o.key(), o));
        factory.optionalOptions().forEach(o -> all.put(o.key(), o));
        // enum options are declared to Flink as text (PlanetScaleSourceOptions.declaredToFlink)
        List<String> connectionKeys = new ArrayList<>();
        PlanetScaleSourceOptions.CONNECTION.forEach(o -> connectionKeys.add(o.key()));
        assertThat(all.keySet())
                .containsAll(connectionKeys)
                .contains(PlanetScaleCatalogFactory.DEFAULT_DATABASE.key())
                .hasSize(PlanetScaleSourceOptions.CONNECTION.size() + 1);
    }

    @Test
    void onlyTheConnectionOptionsGivenArePassedOn() {
        Map<String, String> given = options();
        given.put("mysql.port", "3306");
        given.put("default-database", "customer");
        assertThat(PlanetScaleCatalogFactory.connectionOptions(given))
                .containsExactly(
                        Map.entry("hostname", "vtgate.example"), Map.entry("mysql.port", "3306"));
    }

    @Test
    void anOptionGivenUnderFlinkCdcsNameIsPassedOnUnderOurs() {
        Map<String, String> given = options();
        given.put("connect.max-retries", "3");
        assertThat(PlanetScaleCatalogFactory.connectionOptions(given))
                .containsEntry("reconnect.max-attempts", "3")
                .doesNotContainKey("connect.max-retries");
    }

    @Test
    void everyProblemOfTheConnectionOptionsIsReportedAtOnce() {
        Map<String, String> options = options();
        options.remove("hostname");
        options.put("port", "99999");
        options.put("tls.client-cert", "/c.pem");
        assertThatThrownBy(() -> create(options))
                .isInstanceOf(ValidationException.class)
                .satisfies(
                        e ->
                                assertThat(allMessages(e))
                                        .contains("Catalog 'ps' (type 'planetscale'): Invalid")
                                        .contains("Missing required options: 'hostname'")
                                        .contains("Option 'port' is 99999")
                                        .contains(
                                                "'tls.client-cert' and 'tls.client-key' must be"
                                                        + " set together"));
    }

    @Test
    void optionsOfATableAreNotOptionsOfTheCatalog() {
        Map<String, String> options = options();
        options.put("scan.startup.mode", "latest-offset");
        assertThatThrownBy(() -> create(options))
                .satisfies(
                        e ->
                                assertThat(allMessages(e))
                                        .contains("Unsupported options")
                                        .contains("scan.startup.mode"));
    }

    @Test
    void tablesAreCatalogTablesOfTheCdcConnector() {
        // the table factory that the options name is the one registered beside the catalog's
        assertThat(
                        FactoryUtil.discoverFactory(
                                        getClass().getClassLoader(),
                                        org.apache.flink.table.factories.DynamicTableSourceFactory
                                                .class,
                                        "planetscale-cdc")
                                .getClass()
                                .getName())
                .isEqualTo("io.github.vstreamcdc.table.PlanetScaleDynamicTableFactory");
    }

    private static String allMessages(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c.getMessage()).append('\n');
        }
        return out.toString();
    }
}
