package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Shared pieces of the source's end-to-end tests. */
final class SourceTestSupport {

    private SourceTestSupport() {}

    /** Columns of the tests' tables: {@code id BIGINT PRIMARY KEY, v VARCHAR(64)}. */
    static final String COLUMNS = "id BIGINT PRIMARY KEY, v VARCHAR(64)";

    static final RowType ROW_TYPE =
            RowType.of(
                    new LogicalType[] {new BigIntType(false), new VarCharType(true, 64)},
                    new String[] {"id", "v"});

    static MiniClusterExtension miniCluster() {
        return miniCluster(true);
    }

    /**
     * A MiniCluster whose jobs restart after failures, or fail at once ({@code restarts=false}).
     */
    static MiniClusterExtension miniCluster(boolean restarts) {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, restarts ? "fixed-delay" : "none");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .setConfiguration(config)
                        .build());
    }

    static PlanetScaleSourceBuilder<RowData> source(VitessCluster cluster, String keyspace) {
        return PlanetScaleSource.<RowData>builder()
                .hostname(cluster.host())
                .port(cluster.grpcPort())
                .mysqlPort(cluster.mysqlPort())
                .username("root")
                .keyspace(keyspace)
                .deserializer(
                        new RowDataDeserializationSchema(ROW_TYPE, InternalTypeInfo.of(ROW_TYPE)));
    }

    /** Inserts ids [from, to] with v = prefix + id, 1000 rows per statement. */
    static void insertRange(
            VitessCluster cluster, String keyspace, String table, long from, long to, String prefix)
            throws SQLException {
        try (Connection c = cluster.connect(keyspace);
                Statement s = c.createStatement()) {
            StringBuilder sql = new StringBuilder();
            for (long id = from; id <= to; id++) {
                sql.append(sql.length() == 0 ? "INSERT INTO " + table + " (id, v) VALUES " : ",")
                        .append('(')
                        .append(id)
                        .append(",'")
                        .append(prefix)
                        .append(id)
                        .append("')");
                if ((id - from + 1) % 1000 == 0 || id == to) {
                    s.execute(sql.toString());
                    sql.setLength(0);
                }
            }
        }
    }

    /** The table as the database holds it: id to v. */
    static Map<Long, String> select(VitessCluster cluster, String keyspace, String table)
            throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = cluster.connect(keyspace);
                Statement s = c.createStatement()) {
            // OLAP streams the result: OLTP caps it at 10k rows.
            s.execute("SET workload = 'olap'");
            try (ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return rows;
    }

    /** Applies a changelog record to a table keyed by its first column. */
    static void apply(Map<Long, String> table, RowData row) {
        long id = row.getLong(0);
        String v = row.isNullAt(1) ? null : row.getString(1).toString();
        switch (row.getRowKind()) {
            case INSERT:
            case UPDATE_AFTER:
                table.put(id, v);
                break;
            case UPDATE_BEFORE:
            case DELETE:
                table.remove(id);
                break;
            default:
                throw new IllegalStateException(row.toString());
        }
    }

    static String describe(RowData row) {
        return row.getRowKind().shortString()
                + Arrays.asList(row.getLong(0), row.isNullAt(1) ? null : row.getString(1));
    }
}
