package io.github.vstreamcdc.catalog;

import io.github.vstreamcdc.source.client.VitessException;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogDatabaseImpl;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;

import javax.annotation.Nullable;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A read-only catalog of a Vitess (or PlanetScale) database, through VTGate: its databases are the
 * keyspaces, its tables the keyspaces' tables (never Vitess' internal ones), each with its columns
 * typed as {@code docs/type-mapping.md} says, its primary key, and the options of a {@code
 * planetscale-cdc} table that streams it. Everything is asked of VTGate when Flink asks, so new
 * keyspaces and tables show up without reopening the catalog.
 */
@Internal
public final class PlanetScaleCatalog extends ReadOnlyCatalog {

    private final KeyspaceSchemas schemas;
    private final Map<String, String> connectionOptions;
    private final String endpoint;
    @Nullable private final String configuredDefaultDatabase;
    @Nullable private String defaultDatabase;

    /**
     * @param connectionOptions the connection options as given, passed on to every table
     * @param endpoint VTGate's address, for messages
     * @param defaultDatabase the keyspace of 'default-database'; null for the first keyspace
     */
    PlanetScaleCatalog(
            String name,
            KeyspaceSchemas schemas,
            Map<String, String> connectionOptions,
            String endpoint,
            @Nullable String defaultDatabase) {
        super(name);
        this.schemas = schemas;
        this.connectionOptions =
                Collections.unmodifiableMap(new LinkedHashMap<>(connectionOptions));
        this.endpoint = endpoint;
        this.configuredDefaultDatabase = defaultDatabase;
        this.defaultDatabase = defaultDatabase;
    }

    /**
     * Checks that both VTGate endpoints answer with the configured credentials, and that the
     * default database is a keyspace.
     *
     * @throws ValidationException saying which endpoint failed and what to check. Not a {@link
     *     CatalogException}: Flink words that one, when {@code CREATE CATALOG} fails, with the
     *     statement's options, the password included.
     */
    @Override
    public void open() {
        List<String> keyspaces;
        try {
            schemas.checkConnection();
            keyspaces = schemas.listKeyspaces();
        } catch (VitessException e) {
            throw new ValidationException(cannotRead(e), e);
        }
        if (configuredDefaultDatabase != null) {
            if (!keyspaces.contains(configuredDefaultDatabase)) {
                throw new ValidationException(
                        String.format(
                                "Catalog '%s': option '%s' = '%s' is not a keyspace of VTGate %s."
                                        + " Its keyspaces: %s",
                                getName(),
                                PlanetScaleCatalogFactory.DEFAULT_DATABASE.key(),
                                configuredDefaultDatabase,
                                endpoint,
                                String.join(", ", keyspaces)));
            }
        } else if (keyspaces.isEmpty()) {
            throw new ValidationException(
                    String.format(
                            "Catalog '%s': VTGate %s serves no keyspace", getName(), endpoint));
        } else {
            defaultDatabase = keyspaces.get(0);
        }
    }

    @Override
    public void close() {
        // nothing held: every question opens and closes its own connection
    }

    @Override
    public String getDefaultDatabase() {
        return defaultDatabase;
    }

    @Override
    public List<String> listDatabases() {
        return ask(schemas::listKeyspaces);
    }

    @Override
    public CatalogDatabase getDatabase(String databaseName) throws DatabaseNotExistException {
        checkDatabase(databaseName);
        return new CatalogDatabaseImpl(
                Collections.emptyMap(), "Vitess keyspace " + databaseName + " at " + endpoint);
    }

    @Override
    public boolean databaseExists(String databaseName) {
        return listDatabases().contains(databaseName);
    }

    @Override
    public List<String> listTables(String databaseName) throws DatabaseNotExistException {
        checkDatabase(databaseName);
        return ask(() -> schemas.listTables(databaseName));
    }

    @Override
    public List<String> listViews(String databaseName) throws DatabaseNotExistException {
        checkDatabase(databaseName);
        return Collections.emptyList();
    }

    @Override
    public CatalogBaseTable getTable(ObjectPath path) throws TableNotExistException {
        if (!tableExists(path)) {
            throw new TableNotExistException(getName(), path);
        }
        String keyspace = path.getDatabaseName();
        String table = path.getObjectName();
        return ask(
                () ->
                        CatalogTables.of(
                                keyspace,
                                table,
                                schemas.listColumns(keyspace, table),
                                schemas.primaryKey(keyspace, table),
                                connectionOptions));
    }

    @Override
    public boolean tableExists(ObjectPath path) {
        return databaseExists(path.getDatabaseName())
                && ask(() -> schemas.listTables(path.getDatabaseName()))
                        .contains(path.getObjectName());
    }

    private void checkDatabase(String databaseName) throws DatabaseNotExistException {
        if (!databaseExists(databaseName)) {
            throw new DatabaseNotExistException(getName(), databaseName);
        }
    }

    /** Asks VTGate; its failure names the catalog and the endpoint. */
    private <T> T ask(Supplier<T> question) {
        try {
            return question.get();
        } catch (VitessException e) {
            throw new CatalogException(cannotRead(e), e);
        }
    }

    private String cannotRead(VitessException e) {
        return "Catalog '" + getName() + "' cannot read from VTGate: " + e.getMessage();
    }
}
