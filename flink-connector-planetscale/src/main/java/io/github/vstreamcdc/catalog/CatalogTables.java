package io.github.vstreamcdc.catalog;

import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.source.types.MySqlTypeMapping;
import io.github.vstreamcdc.table.PlanetScaleDynamicTableFactory;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.factories.FactoryUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Vitess table as the catalog shows it: its columns with the Flink types of {@code
 * docs/type-mapping.md} ({@link MySqlTypeMapping}), its primary key ({@code NOT ENFORCED}), and the
 * options of a {@code planetscale-cdc} table that reads exactly this table, so that a query needs
 * no DDL and a hint can add or override any option.
 */
@Internal
final class CatalogTables {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogTables.class);

    private CatalogTables() {}

    /**
     * @param columns the table's columns in their order
     * @param primaryKey the primary key's columns in key order; empty without one
     * @param connectionOptions the catalog's connection options, passed on to the table
     */
    static CatalogTable of(
            String keyspace,
            String table,
            List<MySqlColumn> columns,
            List<String> primaryKey,
            Map<String, String> connectionOptions) {
        Schema.Builder schema = Schema.newBuilder();
        List<String> names = new ArrayList<>();
        for (MySqlColumn column : columns) {
            if (!column.isSupported()) {
                // A table may hold a column of a type this connector cannot read; the rest of
                // the table can still be read.
                LOG.warn(
                        "Table {}.{}: column '{}' has {}, which this connector cannot read; the"
                                + " catalog leaves it out",
                        keyspace,
                        table,
                        column.name(),
                        column.unsupportedType());
                continue;
            }
            schema.column(column.name(), MySqlTypeMapping.toDataType(column));
            names.add(column.name());
        }
        if (!primaryKey.isEmpty() && names.containsAll(primaryKey)) {
            schema.primaryKey(primaryKey);
        }
        return CatalogTable.newBuilder()
                .schema(schema.build())
                .comment("Vitess table " + keyspace + "." + table)
                .options(options(keyspace, table, connectionOptions))
                .build();
    }

    /** The options of a {@code planetscale-cdc} table that reads this one table. */
    static Map<String, String> options(
            String keyspace, String table, Map<String, String> connectionOptions) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(FactoryUtil.CONNECTOR.key(), PlanetScaleDynamicTableFactory.IDENTIFIER);
        options.putAll(connectionOptions);
        options.put(PlanetScaleSourceOptions.KEYSPACE.key(), keyspace);
        options.put(PlanetScaleSourceOptions.TABLE_NAME.key(), exactly(table));
        return options;
    }

    /**
     * A regular expression that matches exactly this name: 'table-name' is a regular expression,
     * and MySQL allows names like {@code a.b} or {@code a$b}. Every ASCII character but letters,
     * digits and '_' is escaped (a backslash before such a character is always a literal in Java's
     * and in Go's syntax, which VStream uses); a plain name stays as it is.
     */
    static String exactly(String table) {
        StringBuilder out = new StringBuilder(table.length() + 8);
        for (int i = 0; i < table.length(); i++) {
            char c = table.charAt(i);
            boolean plain =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '_'
                            || c > 127;
            if (!plain) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
