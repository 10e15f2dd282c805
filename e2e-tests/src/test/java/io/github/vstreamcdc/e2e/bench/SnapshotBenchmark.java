package io.github.vstreamcdc.e2e.bench;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark (not a test) of the snapshot of one large unsharded table: rows/s of the VStream copy
 * (one stream, one reader) next to the incremental snapshot (primary-key chunks over all readers)
 * at parallelism 1, 2 and 4, in interleaved rounds. Run it with {@code
 * e2e-tests/bench/snapshot.sh}; see {@code docs/benchmarks.md}.
 *
 * <p>System properties: {@code bench.snapshot.rows} (default 2,000,000), {@code
 * bench.snapshot.rounds} (3), {@code bench.snapshot.chunk} (chunk size, 8096), {@code
 * bench.results} (a file for the markdown table).
 */
public final class SnapshotBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotBenchmark.class);

    private static final String TABLE = "bench_snapshot";

    static final AtomicLong ROWS_SEEN = new AtomicLong();

    /** Counts the rows that come through. */
    static final class Count implements MapFunction<RowData, RowData> {
        @Override
        public RowData map(RowData row) {
            ROWS_SEEN.incrementAndGet();
            return row;
        }
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.snapshot.rows", 2_000_000L);
        int rounds = Integer.getInteger("bench.snapshot.rounds", 3);
        int chunk = Integer.getInteger("bench.snapshot.chunk", 8096);
        VitessCluster cluster = VitessCluster.get();
        if (existingRows(cluster) != rows) {
            LOG.info("Loading {} rows into commerce.{}", rows, TABLE);
            BenchData.recreate(cluster, TABLE);
            BenchData.insert(cluster, TABLE, 1, rows, 20);
        }
        String[] modes = {
            "vstream-copy p=1", "incremental p=1", "incremental p=2", "incremental p=4"
        };
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (String mode : modes) {
            rates.put(mode, new ArrayList<>());
        }
        for (int round = 0; round <= rounds; round++) {
            List<String> order = new ArrayList<>(rates.keySet());
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (String mode : order) {
                double rate = run(cluster, mode, chunk, rows);
                LOG.info(String.format("round %d %s: %.0f rows/s", round, mode, rate));
                if (round > 0) { // round 0 warms up
                    rates.get(mode).add(rate);
                }
            }
        }
        StringBuilder table = new StringBuilder();
        table.append("| snapshot of ")
                .append(rows)
                .append(" rows | median rows/s | vs VStream copy | rates of the rounds |\n")
                .append("|---|---:|---:|---|\n");
        double copy = median(rates.get(modes[0]));
        for (Map.Entry<String, List<Double>> entry : rates.entrySet()) {
            double median = median(entry.getValue());
            table.append(
                    String.format(
                            "| %s | %.0f | %.2f | %s |%n",
                            entry.getKey(), median, median / copy, rounded(entry.getValue())));
        }
        LOG.info("Results:\n{}", table);
        String results = System.getProperty("bench.results");
        if (results != null) {
            Files.write(Paths.get(results), table.toString().getBytes(StandardCharsets.UTF_8));
        }
        System.exit(0);
    }

    private static double run(VitessCluster cluster, String mode, int chunk, long rows)
            throws Exception {
        int parallelism = Integer.parseInt(mode.substring(mode.indexOf("p=") + 2));
        PlanetScaleSourceBuilder<RowData> builder =
                PlanetScaleSource.<RowData>builder()
                        .hostname(cluster.host())
                        .port(cluster.grpcPort())
                        .mysqlPort(cluster.mysqlPort())
                        .username("root")
                        .keyspace(BenchData.KEYSPACE)
                        .tableName(TABLE)
                        .startupMode(StartupMode.SNAPSHOT)
                        .deserializer(
                                new RowDataDeserializationSchema(
                                        BenchData.ROW_TYPE,
                                        InternalTypeInfo.of(BenchData.ROW_TYPE)));
        if (mode.startsWith("incremental")) {
            builder.incrementalSnapshot(chunk);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "snapshot")
                .map(new Count())
                .returns(InternalTypeInfo.of(BenchData.ROW_TYPE))
                .sinkTo(new DiscardingSink<>());
        ROWS_SEEN.set(0);
        long start = System.nanoTime();
        env.execute("snapshot benchmark " + mode);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (ROWS_SEEN.get() != rows) {
            throw new IOException(mode + " delivered " + ROWS_SEEN.get() + " of " + rows + " rows");
        }
        return rows / seconds;
    }

    private static long existingRows(VitessCluster cluster) {
        try {
            return BenchData.count(cluster, TABLE);
        } catch (java.sql.SQLException e) {
            return -1; // no table yet
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String rounded(List<Double> values) {
        List<String> out = new ArrayList<>();
        for (double value : values) {
            out.add(String.format("%.0f", value));
        }
        return String.join(", ", out);
    }
}
