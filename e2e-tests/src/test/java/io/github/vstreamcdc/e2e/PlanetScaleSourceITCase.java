package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.github.vstreamcdc.e2e.SourceTestSupport.COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

/** The DataStream source on a real Vitess: startup modes, snapshot plus stream. */
@ExtendWith(VitessClusterExtension.class)
class PlanetScaleSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    @Test
    void initialCopiesThenStreamsWithoutGapWhileWritesRun(VitessCluster cluster) throws Exception {
        String table = "it_initial";
        TestTables.createSharded(cluster, table, COLUMNS);
        int prefilled = 100_000;
        SourceTestSupport.insertRange(cluster, "customer", table, 1, prefilled, "v");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer =
                new Thread(
                        () -> {
                            Random random = new Random(42);
                            long nextId = prefilled + 1;
                            try (Connection c = cluster.connect("customer");
                                    Statement s = c.createStatement()) {
                                for (int i = 0; i < 600 && !stop.get(); i++) {
                                    long id = 1 + random.nextInt(prefilled);
                                    switch (i % 3) {
                                        case 0:
                                            s.execute(
                                                    "INSERT INTO "
                                                            + table
                                                            + " VALUES ("
                                                            + nextId
                                                            + ", 'new"
                                                            + nextId
                                                            + "')");
                                            nextId++;
                                            break;
                                        case 1:
                                            s.execute(
                                                    "UPDATE "
                                                            + table
                                                            + " SET v = 'upd"
                                                            + i
                                                            + "' WHERE id = "
                                                            + id);
                                            break;
                                        default:
                                            s.execute("DELETE FROM " + table + " WHERE id = " + id);
                                    }
                                    Thread.sleep(10);
                                }
                            } catch (Throwable t) {
                                writerFailure.set(t);
                            }
                        });

        PlanetScaleSource<RowData> source =
                SourceTestSupport.source(cluster, "customer")
                        .tableName(table)
                        .startupMode(StartupMode.INITIAL)
                        .build();
        try (CollectedOutput output = CollectedOutput.run(source, 2, 0, s -> s)) {
            writer.start();
            writer.join(120_000);
            stop.set(true);
            assertThat(writerFailure.get()).isNull();
            Map<Long, String> expected = SourceTestSupport.select(cluster, "customer", table);
            output.await(
                    rows -> {
                        Map<Long, String> applied = new TreeMap<>();
                        rows.forEach(r -> SourceTestSupport.apply(applied, r));
                        return applied.equals(expected);
                    },
                    Duration.ofMinutes(4),
                    "the changelog to equal the table's " + expected.size() + " rows");
        }
    }

    @Test
    void snapshotModeReadsEveryRowOnceAndFinishes(VitessCluster cluster) throws Exception {
        String table = "it_snapshot";
        TestTables.createSharded(cluster, table, COLUMNS);
        SourceTestSupport.insertRange(cluster, "customer", table, 1, 20_000, "s");
        PlanetScaleSource<RowData> source =
                SourceTestSupport.source(cluster, "customer")
                        .tableName(table)
                        .startupMode(StartupMode.SNAPSHOT)
                        .build();
        try (CollectedOutput output = CollectedOutput.run(source, 2, 0, s -> s)) {
            List<RowData> rows = output.awaitEnd(Duration.ofMinutes(3));
            Map<Long, Integer> counts = new HashMap<>();
            for (RowData row : rows) {
                assertThat(row.getRowKind()).isEqualTo(RowKind.INSERT);
                assertThat(row.getString(1).toString()).isEqualTo("s" + row.getLong(0));
                counts.merge(row.getLong(0), 1, Integer::sum);
            }
            assertThat(counts).hasSize(20_000);
            assertThat(counts.values()).allMatch(c -> c == 1);
        }
    }

    @Test
    void latestOffsetStartsAfterExistingRows(VitessCluster cluster) throws Exception {
        String table = "it_latest";
        TestTables.createUnsharded(cluster, table, COLUMNS);
        SourceTestSupport.insertRange(cluster, "commerce", table, 1, 1000, "old");
        PlanetScaleSource<RowData> source =
                SourceTestSupport.source(cluster, "commerce")
                        .tableName(table)
                        .startupMode(StartupMode.LATEST_OFFSET)
                        .build();
        try (CollectedOutput output = CollectedOutput.run(source, 1, 0, s -> s)) {
            // Probe rows until the first arrives: from then on the job surely streams.
            long probe = 1_000_000;
            long deadline = System.currentTimeMillis() + 120_000;
            while (output.snapshot().isEmpty()) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                SourceTestSupport.insertRange(cluster, "commerce", table, probe, probe, "probe");
                probe++;
                Thread.sleep(500);
            }
            SourceTestSupport.insertRange(cluster, "commerce", table, 2001, 2100, "new");
            List<RowData> rows =
                    output.await(
                            r ->
                                    r.stream()
                                                    .filter(
                                                            x ->
                                                                    x.getLong(0) > 2000
                                                                            && x.getLong(0)
                                                                                    < 1_000_000)
                                                    .count()
                                            >= 100,
                            Duration.ofMinutes(2),
                            "the 100 new rows");
            assertThat(rows).noneMatch(r -> r.getLong(0) <= 1000);
            assertThat(rows.stream().filter(r -> r.getLong(0) > 2000 && r.getLong(0) < 1_000_000))
                    .hasSize(100);
        }
    }

    @Test
    void specificOffsetStartsExactlyAtTheGivenPositions(VitessCluster cluster) throws Exception {
        String table = "it_specific";
        TestTables.createSharded(cluster, table, COLUMNS);
        SourceTestSupport.insertRange(cluster, "customer", table, 1, 500, "before");
        Map<String, String> offsets = new HashMap<>();
        VitessConnectionOptions connection =
                VitessConnectionOptions.builder()
                        .hostname(cluster.host())
                        .grpcPort(cluster.grpcPort())
                        .mysqlPort(cluster.mysqlPort())
                        .username("root")
                        .build();
        try (CurrentPositionResolver resolver = new CurrentPositionResolver(connection)) {
            for (String shard : new String[] {"-80", "80-"}) {
                offsets.put(shard, resolver.currentPosition("customer", shard));
            }
        }
        SourceTestSupport.insertRange(cluster, "customer", table, 501, 800, "after");
        PlanetScaleSource<RowData> source =
                SourceTestSupport.source(cluster, "customer")
                        .tableName(table)
                        .specificOffsets(offsets)
                        .build();
        try (CollectedOutput output = CollectedOutput.run(source, 2, 0, s -> s)) {
            List<RowData> rows =
                    output.await(r -> r.size() >= 300, Duration.ofMinutes(2), "300 rows");
            Thread.sleep(2000);
            rows = output.snapshot();
            assertThat(rows).hasSize(300);
            assertThat(rows).allMatch(r -> r.getLong(0) > 500 && r.getLong(0) <= 800);
            assertThat(rows).allMatch(r -> r.getRowKind() == RowKind.INSERT);
        }
    }
}
