package io.github.vstreamcdc.catalog;

import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogTable;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A Vitess table's columns, key and options, as the catalog shows them. */
class CatalogTablesTest {

    private static Map<String, String> connection() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("hostname", "vtgate.example");
        options.put("port", "15991");
        options.put("password", "pw");
        return options;
    }

    private static List<String> columnTypes(CatalogTable table) {
        return table.getUnresolvedSchema().getColumns().stream()
                .map(c -> c.getName() + " " + ((Schema.UnresolvedPhysicalColumn) c).getDataType())
                .collect(java.util.stream.Collectors.toList());
    }

    @Test
    void columnsGetTheTypesOfTheTypeMapping() {
        List<MySqlColumn> columns =
                Arrays.asList(
                        MySqlColumn.of("id", "bigint unsigned", false),
                        MySqlColumn.of("flag", "tinyint(1)", true),
                        MySqlColumn.of("small", "tinyint unsigned", true),
                        MySqlColumn.of("price", "decimal(12,2)", false),
                        MySqlColumn.of("huge", "decimal(50,10)", true),
                        MySqlColumn.of("name", "varchar(64)", true),
                        MySqlColumn.of("kind", "enum('a','b')", true),
                        MySqlColumn.of("doc", "json", true),
                        MySqlColumn.of("t", "time(6)", true),
                        MySqlColumn.of("created", "datetime(6)", true),
                        MySqlColumn.of("changed", "timestamp(3)", true),
                        MySqlColumn.of("raw", "varbinary(16)", true),
                        MySqlColumn.of("bit1", "bit(1)", true),
                        MySqlColumn.of("v", "vector(3)", true));
        CatalogTable table =
                CatalogTables.of("ks", "t", columns, Collections.emptyList(), connection());
        assertThat(columnTypes(table))
                .containsExactly(
                        "id " + DataTypes.DECIMAL(20, 0).notNull(),
                        "flag " + DataTypes.BOOLEAN(),
                        "small " + DataTypes.SMALLINT(),
                        "price " + DataTypes.DECIMAL(12, 2).notNull(),
                        "huge " + DataTypes.STRING(),
                        "name " + DataTypes.STRING(),
                        "kind " + DataTypes.STRING(),
                        "doc " + DataTypes.STRING(),
                        "t " + DataTypes.TIME(3),
                        "created " + DataTypes.TIMESTAMP(6),
                        "changed " + DataTypes.TIMESTAMP_LTZ(3),
                        "raw " + DataTypes.BYTES(),
                        "bit1 " + DataTypes.BOOLEAN(),
                        "v " + DataTypes.ARRAY(DataTypes.FLOAT().notNull()));
        assertThat(table.getUnresolvedSchema().getPrimaryKey()).isEmpty();
        assertThat(table.getComment()).isEqualTo("Vitess table ks.t");
        assertThat(table.getPartitionKeys()).isEmpty();
    }

    @Test
    void thePrimaryKeyKeepsItsOrderAndIsNotEnforced() {
        List<MySqlColumn> columns =
                Arrays.asList(
                        MySqlColumn.of("a", "int", false),
                        MySqlColumn.of("b", "varchar(10)", false),
                        MySqlColumn.of("v", "text", true));
        CatalogTable table =
                CatalogTables.of("ks", "t", columns, Arrays.asList("b", "a"), connection());
        Schema.UnresolvedPrimaryKey key = table.getUnresolvedSchema().getPrimaryKey().get();
        assertThat(key.getColumnNames()).containsExactly("b", "a");
        // Flink's Schema has no enforced keys: a catalog table's key is NOT ENFORCED
        assertThat(table.getUnresolvedSchema().toString())
                .contains("PRIMARY KEY (`b`, `a`) NOT ENFORCED");
    }

    @Test
    void aColumnOfAnUnsupportedTypeIsLeftOutAndSoIsAKeyOverIt() {
        List<MySqlColumn> columns =
                Arrays.asList(
                        MySqlColumn.of("id", "bigint", false),
                        MySqlColumn.of("odd", "some_future_type", false),
                        MySqlColumn.of("v", "text", true));
        assertThat(
                        columnTypes(
                                CatalogTables.of(
                                        "ks",
                                        "t",
                                        columns,
                                        Collections.singletonList("id"),
                                        connection())))
                .containsExactly("id " + DataTypes.BIGINT().notNull(), "v " + DataTypes.STRING());
        assertThat(
                        CatalogTables.of(
                                        "ks",
                                        "t",
                                        columns,
                                        Arrays.asList("id", "odd"),
                                        connection())
                                .getUnresolvedSchema()
                                .getPrimaryKey())
                .isEmpty();
    }

    @Test
    void optionsMakeAPlanetScaleCdcTableOfExactlyThisTable() {
        CatalogTable table =
                CatalogTables.of(
                        "customer",
                        "orders",
                        Collections.singletonList(MySqlColumn.of("id", "int", false)),
                        Collections.emptyList(),
                        connection());
        assertThat(table.getOptions())
                .containsExactly(
                        Map.entry("connector", "planetscale-cdc"),
                        Map.entry("hostname", "vtgate.example"),
                        Map.entry("port", "15991"),
                        Map.entry("password", "pw"),
                        Map.entry("keyspace", "customer"),
                        Map.entry("table-name", "orders"));
    }

    @Test
    void theTableNameMatchesOnlyItself() {
        for (String name :
                new String[] {
                    "orders",
                    "order_items",
                    "a.b",
                    "a$b",
                    "a+b",
                    "x(1)",
                    "[t]",
                    "a\\b",
                    "a b",
                    "ü-t",
                    "a|b",
                    "^t$",
                    "t*",
                    "{1}"
                }) {
            String regex = CatalogTables.exactly(name);
            assertThat(Pattern.compile(regex).matcher(name).matches()).as(regex).isTrue();
        }
        assertThat(CatalogTables.exactly("order_items")).isEqualTo("order_items");
        assertThat(CatalogTables.exactly("a.b")).isEqualTo("a\\.b");
        assertThat(Pattern.compile(CatalogTables.exactly("a.b")).matcher("axb").matches())
                .isFalse();
        assertThat(Pattern.compile(CatalogTables.exactly("a|b")).matcher("a").matches()).isFalse();
    }
}
