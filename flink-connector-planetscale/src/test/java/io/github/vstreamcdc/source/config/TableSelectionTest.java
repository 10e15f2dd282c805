package io.github.vstreamcdc.source.config;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code table-name}, {@code tables}, {@code tables.exclude} and newly added tables. */
class TableSelectionTest {

    private static PlanetScaleSourceConfig config(String... keyValues) {
        Map<String, String> all = new HashMap<>();
        all.put("hostname", "vtgate.example");
        all.put("keyspace", "customer");
        for (int i = 0; i < keyValues.length; i += 2) {
            all.put(keyValues[i], keyValues[i + 1]);
        }
        return PlanetScaleSourceConfig.from(Configuration.fromMap(all));
    }

    @Test
    void includeAndExcludeListsMatchWholeKeyspaceQualifiedNames() {
        TableSelection selection =
                config(
                                "tables",
                                "customer\\.orders, customer\\.item_.*",
                                "tables.exclude",
                                "customer\\.item_old")
                        .tables();
        assertThat(
                        selection.select(
                                Arrays.asList(
                                        "orders",
                                        "orders2",
                                        "item_a",
                                        "item_old",
                                        "customers",
                                        "_vt_hld_6ace8bcef73211ea87e9f875a4d24e90_20200915120410",
                                        "_4e5dcf80_354b_11eb_82cd_f875a4d24e90_20201203114014_vrepl")))
                .containsExactly("orders", "item_a");
        assertThat(selection.tableNamePattern()).isNull();
        assertThat(selection.describe())
                .isEqualTo(
                        "option 'tables' = 'customer\\.orders,customer\\.item_.*' minus"
                                + " 'tables.exclude' = 'customer\\.item_old'");
    }

    @Test
    void anotherKeyspaceMatchesNothing() {
        assertThat(config("tables", "commerce\\..*").tables().matches("orders")).isFalse();
        assertThat(config("tables", ".*\\.orders").tables().matches("orders")).isTrue();
    }

    @Test
    void tableNameMatchesTableNamesAndNeverVitessTables() {
        TableSelection selection = config("table-name", ".*").tables();
        assertThat(selection.matches("orders")).isTrue();
        assertThat(selection.matches("_vt_vrp_6ace8bcef73211ea87e9f875a4d24e90_20200915120410_"))
                .isFalse();
        assertThat(selection.tableNamePattern()).isEqualTo(".*");
    }

    @Test
    void exactlyOneWayOfNamingTables() {
        assertThatThrownBy(() -> config())
                .hasMessageContaining("Missing required options: 'table-name' (or 'tables')");
        assertThatThrownBy(() -> config("table-name", "orders", "tables", "customer\\.orders"))
                .hasMessageContaining(
                        "Options 'table-name' and 'tables' cannot be set together; use one of"
                                + " them");
        assertThatThrownBy(() -> config("table-name", "orders", "tables.exclude", "x"))
                .hasMessageContaining("Option 'tables.exclude' applies to option 'tables' only");
        assertThatThrownBy(() -> config("tables", " "))
                .hasMessageContaining("Option 'tables' must not be empty");
    }

    @Test
    void badRegularExpressionsNameTheirOption() {
        assertThatThrownBy(() -> config("tables", "customer\\.ok,customer\\.(bad", "x", "y"))
                .hasMessageContaining(
                        "Option 'tables' = 'customer\\.(bad' is not a valid regular expression")
                .hasMessageContaining("Unclosed group");
        assertThatThrownBy(() -> config("tables", "a", "tables.exclude", "[z"))
                .hasMessageContaining("Option 'tables.exclude' = '[z' is not a valid regular");
        assertThatThrownBy(() -> config("tables", "a,,b"))
                .hasMessageContaining("Option 'tables' = 'a,,b' has an empty entry");
    }

    @Test
    void newlyAddedTablesNeedAnUnboundedRead() {
        assertThat(config("table-name", "t", "scan.newly-added-table.enabled", "true"))
                .satisfies(
                        c -> {
                            assertThat(c.newlyAddedTables()).isTrue();
                            assertThat(c.tableDiscoveryInterval().getSeconds()).isEqualTo(10);
                        });
        assertThat(config("table-name", "t").newlyAddedTables()).isFalse();
        assertThatThrownBy(
                        () ->
                                config(
                                        "table-name",
                                        "t",
                                        "scan.newly-added-table.enabled",
                                        "true",
                                        "scan.startup.mode",
                                        "snapshot"))
                .hasMessageContaining(
                        "Option 'scan.newly-added-table.enabled' needs an unbounded read");
        assertThatThrownBy(
                        () ->
                                config(
                                        "table-name",
                                        "t",
                                        "scan.newly-added-table.enabled",
                                        "true",
                                        "scan.bounded.mode",
                                        "latest-offset"))
                .hasMessageContaining("needs an unbounded read");
        assertThatThrownBy(() -> config("table-name", "t", "scan.table-discovery.interval", "0 s"))
                .hasMessageContaining(
                        "Option 'scan.table-discovery.interval' is 0 ms; expected at least 1 s");
        assertThatThrownBy(() -> config("table-name", "t", "scan.table-discovery.interval", "60"))
                .hasMessageContaining(
                        "Option 'scan.table-discovery.interval' is 60 ms; expected at least 1 s"
                                + " (a number without a unit is milliseconds: write '60 s')");
    }

    @Test
    void theBuilderSetsTheSameOptions() {
        PlanetScaleSourceConfig built =
                PlanetScaleSource.<String>builder()
                        .hostname("vtgate.example")
                        .keyspace("customer")
                        .tableList("customer\\.orders", "customer\\.item_.*")
                        .excludedTableList("customer\\.item_old")
                        .scanNewlyAddedTableEnabled(true)
                        .deserializer(new JsonDeserializationSchema())
                        .buildConfig();
        assertThat(built)
                .isEqualTo(
                        config(
                                "tables",
                                "customer\\.orders,customer\\.item_.*",
                                "tables.exclude",
                                "customer\\.item_old",
                                "scan.newly-added-table.enabled",
                                "true"));
    }
}
