package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.client.VtgateConnectionCheck;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.source.reader.deserializer.RowDataConverter;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.RowType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The schema check over VTGate's MySQL protocol, after a call to its gRPC port ({@link
 * VtgateConnectionCheck#checkGrpc}): {@code SHOW VITESS_SHARDS} for the shards, {@code SHOW TABLES}
 * for the tables the {@code table-name} matches, and {@code SHOW FULL COLUMNS} for each table's
 * columns. The columns' MySQL types are parsed into the same {@link MySqlColumn} the reader builds
 * from a VStream FIELD event and handed to the same {@link RowDataConverter} that converts the rows
 * at runtime, so the check accepts exactly the declared types the job can read.
 */
@Internal
public final class VtgateTableSchemaCheck implements TableSchemaCheck {

    /** How many names a message lists at most. */
    private static final int MAX_NAMES = 30;

    /** The shard named in the converter's messages; cut out of them again. */
    private static final String SHARD_LABEL = "schema-check";

    @Override
    public void check(String table, PlanetScaleSourceConfig options, RowType declaredType) {
        String prefix = "Table '" + table + "' (connector 'planetscale-cdc'): ";
        try {
            checkOrThrow(options, declaredType);
        } catch (ValidationException e) {
            throw new ValidationException(prefix + e.getMessage(), e);
        } catch (VitessException e) {
            throw new ValidationException(
                    prefix
                            + "cannot check the table at planning time: "
                            + e.getMessage()
                            + " (to plan without reaching VTGate, set '"
                            + PlanetScaleSourceOptions.SCAN_SCHEMA_CHECK_ENABLED.key()
                            + "' = 'false')",
                    e);
        }
    }

    private void checkOrThrow(PlanetScaleSourceConfig options, RowType declaredType) {
        VitessConnectionOptions connection = options.connection();
        // The job streams over the gRPC port, which nothing below uses: a wrong 'port' would
        // otherwise only show as a job reconnecting for a minute per attempt.
        VtgateConnectionCheck.checkGrpc(connection);
        VtgateSqlClient sql = new VtgateSqlClient(connection);
        String keyspace = options.keyspace();

        List<String> shards = sql.listShards(keyspace);
        for (String shard : options.shards()) {
            if (!shards.contains(shard)) {
                throw new ValidationException(
                        String.format(
                                "Option '%s' names shard '%s', which keyspace '%s' does not have."
                                        + " Its shards: %s",
                                PlanetScaleSourceOptions.SHARDS.key(),
                                shard,
                                keyspace,
                                names(shards)));
            }
        }
        if (options.startupMode() == StartupMode.SPECIFIC_OFFSET) {
            String option = PlanetScaleSourceOptions.SCAN_STARTUP_SPECIFIC_OFFSET.key();
            for (String shard : options.specificOffsets().keySet()) {
                if (!shards.contains(shard)) {
                    throw new ValidationException(
                            String.format(
                                    "Option '%s' gives a position for shard '%s', which keyspace"
                                            + " '%s' does not have. Its shards: %s",
                                    option, shard, keyspace, names(shards)));
                }
            }
            List<String> read = options.shards().isEmpty() ? shards : options.shards();
            for (String shard : read) {
                if (!options.specificOffsets().containsKey(shard)) {
                    throw new ValidationException(
                            String.format(
                                    "Option '%s' has no position for shard '%s' of keyspace '%s';"
                                            + " give one for each shard read: %s",
                                    option, shard, keyspace, names(read)));
                }
            }
        }

        List<String> all = sql.listBaseTables(keyspace);
        List<String> tables = options.tables().select(all);
        if (tables.isEmpty()) {
            String selection = options.tables().describe();
            throw new ValidationException(
                    String.format(
                            "%s matches no table of keyspace '%s'. Its tables: %s",
                            Character.toUpperCase(selection.charAt(0)) + selection.substring(1),
                            keyspace,
                            names(all)));
        }
        for (String table : tables) {
            checkColumns(declaredType, describe(connection, keyspace, table), options, table);
        }
    }

    /**
     * Checks that each declared column exists in the table and that the connector can convert its
     * values to the declared type.
     */
    static void checkColumns(
            RowType declaredType,
            List<Column> columns,
            PlanetScaleSourceConfig options,
            String table) {
        String qualified = options.keyspace() + "." + table;
        Map<String, Column> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        List<String> columnNames = new ArrayList<>();
        for (Column column : columns) {
            byName.putIfAbsent(column.name, column);
            columnNames.add(column.name);
        }
        List<RowType.RowField> checkable = new ArrayList<>();
        List<MySqlColumn> described = new ArrayList<>();
        for (RowType.RowField declared : declaredType.getFields()) {
            Column column = byName.get(declared.getName());
            if (column == null) {
                throw new ValidationException(
                        String.format(
                                "Column '%s' is declared, but table '%s' has no such column. Its"
                                        + " columns: %s",
                                declared.getName(), qualified, names(columnNames)));
            }
            // A column of a type this check does not know is only checked to exist.
            MySqlColumn mysqlColumn = column.describe();
            if (mysqlColumn.isSupported()) {
                checkable.add(declared);
                described.add(mysqlColumn);
            }
        }
        if (checkable.isEmpty()) {
            return;
        }
        try {
            new RowDataConverter(
                    new RowType(declaredType.isNullable(), checkable),
                    described,
                    options.keyspace(),
                    table,
                    SHARD_LABEL,
                    options.serverTimeZone());
        } catch (ValidationException e) {
            throw new ValidationException(
                    e.getMessage().replace(" (shard " + SHARD_LABEL + ")", ""), e);
        }
    }

    private static List<Column> describe(
            VitessConnectionOptions connection, String keyspace, String table) {
        String query = "SHOW FULL COLUMNS FROM " + quote(table) + " FROM " + quote(keyspace);
        List<Column> columns = new ArrayList<>();
        try (Connection c = new VtgateSqlClient(connection).connect();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery(query)) {
            while (rs.next()) {
                columns.add(
                        new Column(
                                rs.getString("Field"),
                                rs.getString("Type"),
                                "YES".equalsIgnoreCase(rs.getString("Null"))));
            }
        } catch (SQLException e) {
            throw new VitessException(
                    String.format(
                            "VTGate MySQL endpoint %s:%d: query '%s' failed: %s",
                            connection.hostname(),
                            connection.mysqlPort(),
                            query,
                            firstLine(e.getMessage())),
                    e);
        }
        if (columns.isEmpty()) {
            throw new VitessException(
                    "VTGate reports no columns for table '" + keyspace + "." + table + "'");
        }
        return columns;
    }

    private static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String names(List<String> names) {
        if (names.isEmpty()) {
            return "(none)";
        }
        if (names.size() <= MAX_NAMES) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, MAX_NAMES))
                + ", ... ("
                + (names.size() - MAX_NAMES)
                + " more)";
    }

    /** A column as {@code SHOW FULL COLUMNS} reports it. */
    static final class Column {
        final String name;
        final String columnType;
        final boolean nullable;

        Column(String name, String columnType, boolean nullable) {
            this.name = name;
            this.columnType = columnType == null ? "" : columnType;
            this.nullable = nullable;
        }

        /** The column's type, parsed as the reader parses a FIELD event's {@code column_type}. */
        MySqlColumn describe() {
            return MySqlColumn.of(name, columnType, nullable);
        }
    }
}
