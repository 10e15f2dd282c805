package io.github.vstreamcdc.catalog;

import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabaseImpl;
import org.apache.flink.table.catalog.CatalogPartitionSpec;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.CatalogView;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.FunctionNotExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.flink.table.catalog.stats.CatalogTableStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog over a fake VTGate: what it lists and shows, and every change it refuses. */
class PlanetScaleCatalogTest {

    /** Keyspace to table to columns; a failure to throw from every call if set. */
    private static final class FakeSchemas implements KeyspaceSchemas {
        final Map<String, Map<String, List<MySqlColumn>>> keyspaces = new TreeMap<>();
        final Map<String, List<String>> keys = new TreeMap<>();
        VitessException failure;
        int connectionChecks;

        void table(String keyspace, String table, List<String> key, MySqlColumn... columns) {
            keyspaces
                    .computeIfAbsent(keyspace, k -> new TreeMap<>())
                    .put(table, Arrays.asList(columns));
            keys.put(keyspace + "." + table, key);
        }

        private void maybeFail() {
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void checkConnection() {
            connectionChecks++;
            maybeFail();
        }

        @Override
        public List<String> listKeyspaces() {
            maybeFail();
            return new ArrayList<>(keyspaces.keySet());
        }

        @Override
        public List<String> listTables(String keyspace) {
            maybeFail();
            return new ArrayList<>(keyspaces.get(keyspace).keySet());
        }

        @Override
        public List<MySqlColumn> listColumns(String keyspace, String table) {
            maybeFail();
            return keyspaces.get(keyspace).get(table);
        }

        @Override
        public List<String> primaryKey(String keyspace, String table) {
            maybeFail();
            return keys.get(keyspace + "." + table);
        }
    }

    private final FakeSchemas schemas = new FakeSchemas();

    PlanetScaleCatalogTest() {
        schemas.table(
                "customer",
                "orders",
                Collections.singletonList("id"),
                MySqlColumn.of("id", "bigint", false),
                MySqlColumn.of("amount", "decimal(12,2)", true));
        schemas.table(
                "customer",
                "customers",
                Collections.emptyList(),
                MySqlColumn.of("name", "varchar(20)", true));
        schemas.table("commerce", "products", Collections.emptyList());
    }

    private PlanetScaleCatalog catalog(String defaultDatabase) {
        Map<String, String> connection = new LinkedHashMap<>();
        connection.put("hostname", "vtgate.example");
        connection.put("username", "u");
        return new PlanetScaleCatalog(
                "ps", schemas, connection, "vtgate.example (ports)", defaultDatabase);
    }

    private PlanetScaleCatalog opened() {
        PlanetScaleCatalog catalog = catalog(null);
        catalog.open();
        return catalog;
    }

    @Test
    void openingChecksTheConnectionAndPicksTheFirstKeyspace() {
        PlanetScaleCatalog catalog = opened();
        assertThat(schemas.connectionChecks).isEqualTo(1);
        assertThat(catalog.getName()).isEqualTo("ps");
        assertThat(catalog.getDefaultDatabase()).isEqualTo("commerce");
    }

    @Test
    void theDefaultDatabaseMustBeAKeyspace() {
        PlanetScaleCatalog catalog = catalog("customer");
        catalog.open();
        assertThat(catalog.getDefaultDatabase()).isEqualTo("customer");
        assertThatThrownBy(() -> catalog("nope").open())
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Catalog 'ps': option 'default-database' = 'nope' is not a keyspace of"
                                + " VTGate vtgate.example (ports). Its keyspaces: commerce,"
                                + " customer");
    }

    @Test
    void aFailedConnectionFailsTheOpening() {
        schemas.failure = new VitessException("VTGate gRPC endpoint h:1 is unreachable");
        // not a CatalogException, which Flink would word with the options, password included
        assertThatThrownBy(() -> catalog(null).open())
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Catalog 'ps' cannot read from VTGate: VTGate gRPC endpoint h:1 is"
                                + " unreachable")
                .hasCause(schemas.failure);
    }

    @Test
    void databasesAreKeyspacesAndTablesTheirTables() throws Exception {
        PlanetScaleCatalog catalog = opened();
        assertThat(catalog.listDatabases()).containsExactly("commerce", "customer");
        assertThat(catalog.databaseExists("customer")).isTrue();
        assertThat(catalog.databaseExists("Customer")).isFalse();
        assertThat(catalog.getDatabase("customer").getComment()).contains("customer");
        assertThat(catalog.listTables("customer")).containsExactly("customers", "orders");
        assertThat(catalog.listViews("customer")).isEmpty();
        assertThat(catalog.tableExists(new ObjectPath("customer", "orders"))).isTrue();
        assertThat(catalog.tableExists(new ObjectPath("customer", "products"))).isFalse();
        assertThat(catalog.tableExists(new ObjectPath("nope", "orders"))).isFalse();

        assertThatThrownBy(() -> catalog.listTables("nope"))
                .isInstanceOf(DatabaseNotExistException.class)
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> catalog.getDatabase("nope"))
                .isInstanceOf(DatabaseNotExistException.class);
        assertThatThrownBy(() -> catalog.getTable(new ObjectPath("customer", "nope")))
                .isInstanceOf(TableNotExistException.class)
                .hasMessageContaining("customer.nope");
    }

    @Test
    void aTableHasItsColumnsKeyAndTheOptionsToStreamIt() throws Exception {
        CatalogBaseTable table = opened().getTable(new ObjectPath("customer", "orders"));
        assertThat(table).isInstanceOf(CatalogTable.class);
        Schema schema = table.getUnresolvedSchema();
        assertThat(schema.getColumns())
                .extracting(
                        c ->
                                c.getName()
                                        + " "
                                        + ((Schema.UnresolvedPhysicalColumn) c).getDataType())
                .containsExactly(
                        "id " + DataTypes.BIGINT().notNull(), "amount " + DataTypes.DECIMAL(12, 2));
        assertThat(schema.getPrimaryKey().get().getColumnNames()).containsExactly("id");
        assertThat(table.getOptions())
                .containsEntry("connector", "planetscale-cdc")
                .containsEntry("hostname", "vtgate.example")
                .containsEntry("username", "u")
                .containsEntry("keyspace", "customer")
                .containsEntry("table-name", "orders")
                .hasSize(5);
    }

    @Test
    void aFailureWhileReadingNamesTheCatalog() {
        PlanetScaleCatalog catalog = opened();
        schemas.failure = new VitessException("VTGate MySQL endpoint h:2: cannot connect");
        assertThatThrownBy(catalog::listDatabases)
                .isInstanceOf(CatalogException.class)
                .hasMessage(
                        "Catalog 'ps' cannot read from VTGate: VTGate MySQL endpoint h:2: cannot"
                                + " connect");
    }

    @Test
    void nothingElseIsThere() throws Exception {
        PlanetScaleCatalog catalog = opened();
        ObjectPath orders = new ObjectPath("customer", "orders");
        assertThat(catalog.listFunctions("customer")).isEmpty();
        assertThat(catalog.functionExists(new ObjectPath("customer", "f"))).isFalse();
        assertThatThrownBy(() -> catalog.getFunction(new ObjectPath("customer", "f")))
                .isInstanceOf(FunctionNotExistException.class);
        assertThat(catalog.listPartitions(orders)).isEmpty();
        assertThat(catalog.partitionExists(orders, new CatalogPartitionSpec(Map.of()))).isFalse();
        assertThat(catalog.getTableStatistics(orders)).isEqualTo(CatalogTableStatistics.UNKNOWN);
    }

    @Test
    void everyChangeIsRefusedAsReadOnly() {
        PlanetScaleCatalog catalog = opened();
        ObjectPath orders = new ObjectPath("customer", "orders");
        CatalogTable table =
                CatalogTable.newBuilder()
                        .schema(Schema.newBuilder().column("id", DataTypes.INT()).build())
                        .options(Collections.emptyMap())
                        .build();
        CatalogView view =
                CatalogView.of(
                        Schema.newBuilder().column("id", DataTypes.INT()).build(),
                        null,
                        "SELECT 1",
                        "SELECT 1",
                        Collections.emptyMap());
        CatalogPartitionSpec spec = new CatalogPartitionSpec(Map.of());
        List<Map.Entry<String, Executable>> changes = new ArrayList<>();
        changes.add(
                Map.entry(
                        "create database `new_ks`",
                        () ->
                                catalog.createDatabase(
                                        "new_ks", new CatalogDatabaseImpl(Map.of(), ""), false)));
        changes.add(
                Map.entry(
                        "drop database `customer`",
                        () -> catalog.dropDatabase("customer", false, true)));
        changes.add(
                Map.entry(
                        "drop database `customer`", () -> catalog.dropDatabase("customer", true)));
        changes.add(
                Map.entry(
                        "alter database `customer`",
                        () ->
                                catalog.alterDatabase(
                                        "customer", new CatalogDatabaseImpl(Map.of(), ""), false)));
        changes.add(
                Map.entry(
                        "create table `customer`.`t`",
                        () -> catalog.createTable(new ObjectPath("customer", "t"), table, false)));
        changes.add(
                Map.entry(
                        "create view `customer`.`v`",
                        () -> catalog.createTable(new ObjectPath("customer", "v"), view, false)));
        changes.add(
                Map.entry(
                        "drop table `customer`.`orders`", () -> catalog.dropTable(orders, false)));
        changes.add(
                Map.entry(
                        "rename table `customer`.`orders` to `o2`",
                        () -> catalog.renameTable(orders, "o2", false)));
        changes.add(
                Map.entry(
                        "alter table `customer`.`orders`",
                        () -> catalog.alterTable(orders, table, false)));
        changes.add(
                Map.entry(
                        "alter table `customer`.`orders`",
                        () -> catalog.alterTable(orders, table, Collections.emptyList(), false)));
        changes.add(
                Map.entry(
                        "create function `customer`.`f`",
                        () ->
                                catalog.createFunction(
                                        new ObjectPath("customer", "f"), null, false)));
        changes.add(
                Map.entry(
                        "alter function `customer`.`f`",
                        () -> catalog.alterFunction(new ObjectPath("customer", "f"), null, false)));
        changes.add(
                Map.entry(
                        "drop function `customer`.`f`",
                        () -> catalog.dropFunction(new ObjectPath("customer", "f"), false)));
        changes.add(
                Map.entry(
                        "create a partition of table `customer`.`orders`",
                        () -> catalog.createPartition(orders, spec, null, false)));
        changes.add(
                Map.entry(
                        "drop a partition of table `customer`.`orders`",
                        () -> catalog.dropPartition(orders, spec, false)));
        changes.add(
                Map.entry(
                        "alter a partition of table `customer`.`orders`",
                        () -> catalog.alterPartition(orders, spec, null, false)));
        changes.add(
                Map.entry(
                        "alter the statistics of table `customer`.`orders`",
                        () ->
                                catalog.alterTableStatistics(
                                        orders, CatalogTableStatistics.UNKNOWN, false)));
        for (Map.Entry<String, Executable> change : changes) {
            assertThatThrownBy(() -> change.getValue().execute())
                    .as(change.getKey())
                    .isInstanceOf(CatalogException.class)
                    .hasMessageStartingWith(
                            "Catalog 'ps' is read-only: cannot " + change.getKey() + ".")
                    .hasMessageContaining("'connector' = 'planetscale-cdc'");
        }
    }
}
