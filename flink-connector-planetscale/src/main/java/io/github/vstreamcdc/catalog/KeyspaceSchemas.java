package io.github.vstreamcdc.catalog;

import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.annotation.Internal;

import java.util.List;

/**
 * What the catalog asks of Vitess: VTGate in production ({@link VtgateKeyspaceSchemas}), a fake in
 * tests. Every method may throw a {@link VitessException} that names the endpoint.
 */
@Internal
interface KeyspaceSchemas {

    /** Fails unless both VTGate endpoints answer with the configured credentials and TLS. */
    void checkConnection();

    /** The keyspaces, sorted. */
    List<String> listKeyspaces();

    /** The application tables of an existing keyspace, sorted. */
    List<String> listTables(String keyspace);

    /** The columns of an existing table, in their order. */
    List<MySqlColumn> listColumns(String keyspace, String table);

    /** The primary key's columns in key order; empty without one. */
    List<String> primaryKey(String keyspace, String table);
}
