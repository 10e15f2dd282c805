package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.SerializedThrowable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    /** A builder connected to the local cluster's VTGate (gRPC and MySQL ports) and keyspace. */
    static <T> PlanetScaleSourceBuilder<T> connectedTo(VitessCluster cluster, String keyspace) {
        return PlanetScaleSource.<T>builder()
                .hostname(cluster.host())
                .port(cluster.grpcPort())
                .mysqlPort(cluster.mysqlPort())
                .username("root")
                .keyspace(keyspace);
    }

    /** A builder connected to the multi-process cluster's keyspace as root. */
    static <T> PlanetScaleSourceBuilder<T> connectedTo(MultiProcessCluster cluster) {
        return PlanetScaleSource.<T>builder()
                .hostname(cluster.host())
                .port(cluster.grpcPort())
                .mysqlPort(cluster.mysqlPort())
                .username("root")
                .keyspace(cluster.keyspace());
    }

    static PlanetScaleSourceBuilder<RowData> source(VitessCluster cluster, String keyspace) {
        return SourceTestSupport.<RowData>connectedTo(cluster, keyspace)
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

    /**
     * Runs the source (parallelism 1) into a discarding sink until the job fails, and returns the
     * failure; fails if the job ends or runs past the limit. Not the collect sink: a job that fails
     * while its collect sink is still starting makes Flink 2.3's CollectSinkFunction throw in
     * close, which takes the whole MiniCluster TaskManager down and starves the tests after it.
     */
    static Throwable failureOf(PlanetScaleSource<RowData> source, String jobName, Duration limit)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "planetscale")
                .sinkTo(new DiscardingSink<>());
        return failureOf(env.executeAsync(jobName), jobName, limit);
    }

    /** The failure of a running job; fails if the job ends or runs past the limit. */
    static Throwable failureOf(JobClient job, String jobName, Duration limit) throws Exception {
        try {
            job.getJobExecutionResult().get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            job.cancel().get();
            throw new AssertionError("The job " + jobName + " did not fail within " + limit);
        }
        throw new AssertionError("The job " + jobName + " ended without failing");
    }

    /**
     * The message of the connector's exception in a failure's causes (a task's failure crosses to
     * the client serialized); fails listing the chain if there is none.
     */
    static String connectorMessage(Throwable failure) {
        List<String> chain = new ArrayList<>();
        String name = VitessException.class.getName();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof VitessException) {
                return t.getMessage();
            }
            if (t instanceof SerializedThrowable
                    && name.equals(((SerializedThrowable) t).getOriginalErrorClassName())) {
                String message = t.getMessage();
                return message.startsWith(name + ": ")
                        ? message.substring(name.length() + 2)
                        : message;
            }
            chain.add(t.getClass().getName() + ": " + t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        throw new AssertionError("No VitessException in the failure's causes: " + chain, failure);
    }

    /** The table as the database holds it: id to v. */
    static Map<Long, String> select(VitessCluster cluster, String keyspace, String table)
            throws Exception {
        return select(() -> cluster.connect(keyspace), table);
    }

    /** The table (id BIGINT, v VARCHAR, ...) as the database holds it: id to v. */
    static Map<Long, String> select(Callable<Connection> connections, String table)
            throws Exception {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = connections.call();
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
