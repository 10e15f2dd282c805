package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.vstreamcdc.e2e.SourceTestSupport.COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot progress of each shard of a two-shard table, read through a metric reporter after
 * the copy: {@code isSnapshotting} dropped to 0 and the rows copied are exactly the shard's rows;
 * the statistics' estimate the shard's last progress line reports is near them.
 */
@ExtendWith(VitessClusterExtension.class)
class SnapshotProgressITCase {

    private static final InMemoryReporter REPORTER = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .build());

    private static final String KEYSPACE = "customer";
    private static final String TABLE = "it_progress";
    private static final int ROWS = 4000;

    @Test
    void shardsReportRowsCopiedEstimateAndEnd(VitessCluster cluster) throws Exception {
        TestTables.createSharded(cluster, TABLE, COLUMNS);
        SourceTestSupport.insertRange(cluster, KEYSPACE, TABLE, 1, ROWS, "p");
        Map<String, Long> shardRows = new TreeMap<>();
        for (String shard : Arrays.asList("-80", "80-")) {
            try (Connection c = cluster.connect(KEYSPACE + ":" + shard);
                    Statement s = c.createStatement()) {
                s.execute("ANALYZE TABLE " + TABLE);
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
                    rs.next();
                    shardRows.put(KEYSPACE + "/" + shard, rs.getLong(1));
                }
            }
        }
        assertThat(shardRows.values()).allMatch(n -> n > 0);

        PlanetScaleSource<RowData> source =
                SourceTestSupport.source(cluster, KEYSPACE)
                        .tableName(TABLE)
                        .startupMode(StartupMode.INITIAL)
                        .build();
        try (CapturedLogs logs = new CapturedLogs();
                CollectedOutput output = CollectedOutput.run(source, 1, 0, s -> s)) {
            output.await(rows -> rows.size() >= ROWS, Duration.ofMinutes(3), "the snapshot");
            output.await(rows -> allCopied(shardRows.keySet()), Duration.ofMinutes(1), "the end");

            assertThat(readerGauge("isSnapshotting")).isZero();
            for (Map.Entry<String, Long> shard : shardRows.entrySet()) {
                String id = shard.getKey();
                long rows = shard.getValue();
                assertThat(shardGauge(id, "snapshotRowsCopied")).as(id).isEqualTo(rows);
                assertThat(shardGauge(id, "snapshotRowsEstimated")).as(id).isEqualTo(rows);
                assertThat(shardGauge(id, "snapshotTablesRemaining")).as(id).isZero();
                assertThat(shardGauge(id, "snapshotEtaSeconds")).as(id).isZero();
                // The shard's last line compares the rows copied with the statistics' estimate
                // (it waits for them when the copy was the faster).
                Pattern last =
                        Pattern.compile(
                                Pattern.quote("Snapshot of " + id + " complete: ")
                                        + "([0-9,]+) rows \\(the statistics estimated"
                                        + " ~([0-9,]+)\\)");
                Matcher line = last.matcher(logs.text());
                for (int wait = 0; wait < 300 && !line.find(); wait++) {
                    Thread.sleep(100);
                    line = last.matcher(logs.text());
                }
                assertThat(line.find(0)).as("the last progress line of %s", id).isTrue();
                assertThat(number(line.group(1))).as(id).isEqualTo(rows);
                assertThat(number(line.group(2)))
                        .as("the estimate of %s (%s rows)", id, rows)
                        .isBetween((long) (rows * 0.3), rows * 3);
            }
        }
    }

    private static long number(String formatted) {
        return Long.parseLong(formatted.replace(",", ""));
    }

    private static boolean allCopied(Iterable<String> shards) {
        for (String shard : shards) {
            Long copying = findShardGauge(shard, "isSnapshotting");
            if (copying == null || copying != 0) {
                return false;
            }
        }
        return true;
    }

    private static long shardGauge(String shard, String name) {
        Long value = findShardGauge(shard, name);
        if (value == null) {
            throw new AssertionError("No metric " + name + " of shard " + shard);
        }
        return value;
    }

    /** A gauge of a shard's group; null if there is none (yet). */
    private static Long findShardGauge(String shard, String name) {
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            if (shard.equals(group.getKey().getAllVariables().get("<shard>"))
                    && group.getValue().get(name) instanceof Gauge) {
                return value(group.getValue().get(name));
            }
        }
        return null;
    }

    /** A gauge of the reader's group (not a shard's). */
    private static long readerGauge(String name) {
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            if (!group.getKey().getAllVariables().containsKey("<shard>")
                    && group.getValue().get(name) instanceof Gauge) {
                return value(group.getValue().get(name));
            }
        }
        throw new AssertionError("No reader metric " + name);
    }

    private static long value(Metric gauge) {
        return ((Number) ((Gauge<?>) gauge).getValue()).longValue();
    }
}
