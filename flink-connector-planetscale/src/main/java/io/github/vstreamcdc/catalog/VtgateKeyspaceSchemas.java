package io.github.vstreamcdc.catalog;

import io.github.vstreamcdc.source.client.VtgateConnectionCheck;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.annotation.Internal;

import java.util.List;

/** The keyspaces and tables of VTGate, asked over its MySQL protocol. */
@Internal
final class VtgateKeyspaceSchemas implements KeyspaceSchemas {

    private final VitessConnectionOptions connection;
    private final VtgateSqlClient sql;

    VtgateKeyspaceSchemas(VitessConnectionOptions connection) {
        this.connection = connection;
        this.sql = new VtgateSqlClient(connection);
    }

    @Override
    public void checkConnection() {
        VtgateConnectionCheck.check(connection);
    }

    @Override
    public List<String> listKeyspaces() {
        return sql.listKeyspaces();
    }

    @Override
    public List<String> listTables(String keyspace) {
        return sql.listBaseTables(keyspace);
    }

    @Override
    public List<MySqlColumn> listColumns(String keyspace, String table) {
        return sql.listColumns(keyspace, table);
    }

    @Override
    public List<String> primaryKey(String keyspace, String table) {
        return sql.primaryKey(keyspace, table);
    }
}
