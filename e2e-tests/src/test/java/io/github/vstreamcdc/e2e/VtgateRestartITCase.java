package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;

import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real VTGate process is killed and started again while the job streams (on the multi-process
 * cluster): the job carries on, and every change arrives exactly once.
 */
class VtgateRestartITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    private static final int BEFORE = 2000;
    private static final int DURING = 600;

    @Test
    void jobCarriesOnAcrossAVtgateRestartAndLosesNothing() throws Exception {
        MultiProcessCluster cluster = MultiProcessCluster.get();
        String table = "items";
        try (Connection c = cluster.connect();
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + table);
            for (int from = 1; from <= BEFORE; from += 500) {
                StringBuilder sql = new StringBuilder("INSERT INTO items (id, v) VALUES ");
                for (int id = from; id < from + 500; id++) {
                    sql.append(id == from ? "" : ",")
                            .append("(")
                            .append(id)
                            .append(",'v")
                            .append(id)
                            .append("')");
                }
                s.execute(sql.toString());
            }
        }
        PlanetScaleSource<RowData> source =
                SourceTestSupport.<RowData>connectedTo(cluster)
                        .tableName(table)
                        .startupMode(StartupMode.INITIAL)
                        .deserializer(
                                new io.github.vstreamcdc.source.reader.deserializer
                                        .RowDataDeserializationSchema(
                                        SourceTestSupport.ROW_TYPE,
                                        org.apache.flink.table.runtime.typeutils.InternalTypeInfo
                                                .of(SourceTestSupport.ROW_TYPE)))
                        .build();
        try (CollectedOutput output = CollectedOutput.run(source, 2, 300, s -> s)) {
            output.await(r -> r.size() >= BEFORE, Duration.ofMinutes(3), "the snapshot");

            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer =
                    new Thread(
                            () -> {
                                try {
                                    for (int id = BEFORE + 1; id <= BEFORE + DURING; id++) {
                                        insertUntilDone(cluster, id);
                                        Thread.sleep(15);
                                    }
                                } catch (Throwable t) {
                                    writerFailure.set(t);
                                }
                            });
            writer.start();
            Thread.sleep(2000);
            // SIGKILL, 3 s down, then the same ports again.
            MultiProcessCluster.run(5, "restart-vtgate", "3", "kill");
            writer.join(300_000);
            assertThat(writerFailure.get()).isNull();

            Map<Long, String> expected = new TreeMap<>();
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
                while (rs.next()) {
                    expected.put(rs.getLong(1), rs.getString(2));
                }
            }
            assertThat(expected).hasSize(BEFORE + DURING);
            List<RowData> rows =
                    output.await(
                            r -> r.size() >= BEFORE + DURING,
                            Duration.ofMinutes(3),
                            "every insert, across the restart");
            Thread.sleep(2000);
            rows = output.snapshot();
            Map<Long, Integer> counts = new HashMap<>();
            Map<Long, String> applied = new TreeMap<>();
            for (RowData row : rows) {
                counts.merge(row.getLong(0), 1, Integer::sum);
                SourceTestSupport.apply(applied, row);
            }
            assertThat(counts.values()).as("changes delivered twice").allMatch(n -> n == 1);
            assertThat(rows).hasSize(BEFORE + DURING);
            assertThat(applied).isEqualTo(expected);
        }
    }

    /** Inserts one row through VTGate, retrying while VTGate is away. */
    private static void insertUntilDone(MultiProcessCluster cluster, int id)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO items (id, v) VALUES (" + id + ", 'v" + id + "')");
                return;
            } catch (SQLIntegrityConstraintViolationException alreadyThere) {
                return; // committed before the connection broke
            } catch (SQLException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("Could not insert " + id + " through VTGate", e);
                }
                Thread.sleep(200);
            }
        }
    }
}
