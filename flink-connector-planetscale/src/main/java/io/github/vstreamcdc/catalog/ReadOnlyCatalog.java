package io.github.vstreamcdc.catalog;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogFunction;
import org.apache.flink.table.catalog.CatalogPartition;
import org.apache.flink.table.catalog.CatalogPartitionSpec;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.TableChange;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.FunctionNotExistException;
import org.apache.flink.table.catalog.exceptions.PartitionNotExistException;
import org.apache.flink.table.catalog.stats.CatalogColumnStatistics;
import org.apache.flink.table.catalog.stats.CatalogTableStatistics;
import org.apache.flink.table.expressions.Expression;

import java.util.Collections;
import java.util.List;

/**
 * The part of {@link PlanetScaleCatalog} that is the same for any catalog that only shows what a
 * database has: every change (databases, tables, views, functions, partitions, statistics) fails
 * with a message that says the catalog is read-only and what to do instead; it has no functions,
 * partitions or statistics.
 *
 * <p>Models (Flink 2.x only) are left to {@link Catalog}'s defaults, which refuse every change:
 * their types do not exist in Flink 1.20, which this one source tree also builds against.
 */
@Internal
abstract class ReadOnlyCatalog implements Catalog {

    private final String name;

    ReadOnlyCatalog(String name) {
        this.name = name;
    }

    /** The catalog's name in {@code CREATE CATALOG}. */
    public String getName() {
        return name;
    }

    /** The refusal of a change: {@code what} is e.g. "create table `ks`.`t`". */
    CatalogException readOnly(String what) {
        return new CatalogException(
                String.format(
                        "Catalog '%s' is read-only: cannot %s. It shows the keyspaces of the"
                                + " database and their tables as they are: change them in the"
                                + " database itself, or declare a table of your own (CREATE TABLE"
                                + " ... WITH ('connector' = 'planetscale-cdc', ...)) in another"
                                + " catalog, such as default_catalog.",
                        name, what));
    }

    private static String database(String database) {
        return "database `" + database + "`";
    }

    private static String object(String kind, ObjectPath path) {
        return kind + " `" + path.getDatabaseName() + "`.`" + path.getObjectName() + "`";
    }

    private static String tableOrView(CatalogBaseTable table) {
        return table != null && table.getTableKind() == CatalogBaseTable.TableKind.VIEW
                ? "view"
                : "table";
    }

    // ------------------------------------------------------------------------------------------
    // Databases and tables: refused
    // ------------------------------------------------------------------------------------------

    @Override
    public void createDatabase(
            String databaseName, CatalogDatabase database, boolean ignoreIfExists) {
        throw readOnly("create " + database(databaseName));
    }

    @Override
    public void dropDatabase(String databaseName, boolean ignoreIfNotExists, boolean cascade) {
        throw readOnly("drop " + database(databaseName));
    }

    @Override
    public void alterDatabase(
            String databaseName, CatalogDatabase newDatabase, boolean ignoreIfNotExists) {
        throw readOnly("alter " + database(databaseName));
    }

    @Override
    public void createTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfExists) {
        throw readOnly("create " + object(tableOrView(table), path));
    }

    @Override
    public void dropTable(ObjectPath path, boolean ignoreIfNotExists) {
        throw readOnly("drop " + object("table", path));
    }

    @Override
    public void renameTable(ObjectPath path, String newTableName, boolean ignoreIfNotExists) {
        throw readOnly("rename " + object("table", path) + " to `" + newTableName + "`");
    }

    @Override
    public void alterTable(ObjectPath path, CatalogBaseTable newTable, boolean ignoreIfNotExists) {
        throw readOnly("alter " + object(tableOrView(newTable), path));
    }

    @Override
    public void alterTable(
            ObjectPath path,
            CatalogBaseTable newTable,
            List<TableChange> tableChanges,
            boolean ignoreIfNotExists) {
        throw readOnly("alter " + object(tableOrView(newTable), path));
    }

    // ------------------------------------------------------------------------------------------
    // Functions: none, and none can be created
    // ------------------------------------------------------------------------------------------

    @Override
    public List<String> listFunctions(String database) {
        return Collections.emptyList();
    }

    @Override
    public CatalogFunction getFunction(ObjectPath path) throws FunctionNotExistException {
        throw new FunctionNotExistException(name, path);
    }

    @Override
    public boolean functionExists(ObjectPath path) {
        return false;
    }

    @Override
    public void createFunction(ObjectPath path, CatalogFunction function, boolean ignoreIfExists) {
        throw readOnly("create " + object("function", path));
    }

    @Override
    public void alterFunction(
            ObjectPath path, CatalogFunction newFunction, boolean ignoreIfNotExists) {
        throw readOnly("alter " + object("function", path));
    }

    @Override
    public void dropFunction(ObjectPath path, boolean ignoreIfNotExists) {
        throw readOnly("drop " + object("function", path));
    }

    // ------------------------------------------------------------------------------------------
    // Partitions: tables are not partitioned (Vitess' shards are read as splits, not partitions)
    // ------------------------------------------------------------------------------------------

    @Override
    public List<CatalogPartitionSpec> listPartitions(ObjectPath path) {
        return Collections.emptyList();
    }

    @Override
    public List<CatalogPartitionSpec> listPartitions(
            ObjectPath path, CatalogPartitionSpec partitionSpec) {
        return Collections.emptyList();
    }

    @Override
    public List<CatalogPartitionSpec> listPartitionsByFilter(
            ObjectPath path, List<Expression> filters) {
        return Collections.emptyList();
    }

    @Override
    public CatalogPartition getPartition(ObjectPath path, CatalogPartitionSpec partitionSpec)
            throws PartitionNotExistException {
        throw new PartitionNotExistException(name, path, partitionSpec);
    }

    @Override
    public boolean partitionExists(ObjectPath path, CatalogPartitionSpec partitionSpec) {
        return false;
    }

    @Override
    public void createPartition(
            ObjectPath path,
            CatalogPartitionSpec partitionSpec,
            CatalogPartition partition,
            boolean ignoreIfExists) {
        throw readOnly("create a partition of " + object("table", path));
    }

    @Override
    public void dropPartition(
            ObjectPath path, CatalogPartitionSpec partitionSpec, boolean ignoreIfNotExists) {
        throw readOnly("drop a partition of " + object("table", path));
    }

    @Override
    public void alterPartition(
            ObjectPath path,
            CatalogPartitionSpec partitionSpec,
            CatalogPartition newPartition,
            boolean ignoreIfNotExists) {
        throw readOnly("alter a partition of " + object("table", path));
    }

    // ------------------------------------------------------------------------------------------
    // Statistics: unknown, and not kept
    // ------------------------------------------------------------------------------------------

    @Override
    public CatalogTableStatistics getTableStatistics(ObjectPath path) {
        return CatalogTableStatistics.UNKNOWN;
    }

    @Override
    public CatalogColumnStatistics getTableColumnStatistics(ObjectPath path) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public CatalogTableStatistics getPartitionStatistics(
            ObjectPath path, CatalogPartitionSpec partitionSpec) {
        return CatalogTableStatistics.UNKNOWN;
    }

    @Override
    public CatalogColumnStatistics getPartitionColumnStatistics(
            ObjectPath path, CatalogPartitionSpec partitionSpec) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public void alterTableStatistics(
            ObjectPath path, CatalogTableStatistics tableStatistics, boolean ignoreIfNotExists) {
        throw readOnly("alter the statistics of " + object("table", path));
    }

    @Override
    public void alterTableColumnStatistics(
            ObjectPath path, CatalogColumnStatistics columnStatistics, boolean ignoreIfNotExists) {
        throw readOnly("alter the statistics of " + object("table", path));
    }

    @Override
    public void alterPartitionStatistics(
            ObjectPath path,
            CatalogPartitionSpec partitionSpec,
            CatalogTableStatistics partitionStatistics,
            boolean ignoreIfNotExists) {
        throw readOnly("alter the statistics of " + object("table", path));
    }

    @Override
    public void alterPartitionColumnStatistics(
            ObjectPath path,
            CatalogPartitionSpec partitionSpec,
            CatalogColumnStatistics columnStatistics,
            boolean ignoreIfNotExists) {
        throw readOnly("alter the statistics of " + object("table", path));
    }
}
