package io.github.vstreamcdc.e2e.bench;

import io.github.vstreamcdc.e2e.VitessCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small run of each benchmark against the local Vitess, so that a change that breaks one (a
 * consumer that reads the wrong number of rows, a job that fails, a table that is not produced)
 * fails the build instead of the next person who runs it. The figures of so small a run mean
 * nothing; the benchmarks themselves are scripts ({@code e2e-tests/bench/*.sh}).
 */
class BenchmarkSmokeITCase {

    /** The system properties set for a run, and what they were before. */
    private final Map<String, String> previous = new LinkedHashMap<>();

    private void set(String key, Object value) {
        previous.putIfAbsent(key, System.getProperty(key));
        System.setProperty(key, String.valueOf(value));
    }

    @AfterEach
    void restoreProperties() {
        previous.forEach(
                (key, value) -> {
                    if (value == null) {
                        System.clearProperty(key);
                    } else {
                        System.setProperty(key, value);
                    }
                });
        previous.clear();
    }

    @Test
    void theSourceBenchmarkReadsEveryPhaseOfASmallRun() throws Exception {
        set("bench.rows", 20_000);
        set("bench.events", 10_000);
        set("bench.rounds", 1);
        set("bench.warmup.rounds", 0);
        set("bench.bursts", 1);
        set("bench.burst.events", 10_000);
        set("bench.burst.warmup", 0);
        set("bench.burst.trickle", 20);
        set("bench.live.copies", 1);
        set("bench.live.copy.rows", 5_000);
        set("bench.live.copy.warmup", 0);
        set("bench.heap.seconds", 2);
        set("bench.heap.control.seconds", 1);

        String results = VStreamBenchmark.results();

        // Both consumers of each phase, with the row events each read (an update counts once).
        for (String phase :
                new String[] {
                    "snapshot (copy) | %s | 20000 |",
                    "streaming (binlog) | %s | 10000 |",
                    "binlog bursts, long-running job | %s | 10000 |",
                    "copies, long-running job | %s | 5000 |"
                }) {
            assertThat(results)
                    .contains(String.format(phase, "bare gRPC VStream"))
                    .contains(String.format(phase, "PlanetScaleSource"));
        }
        assertThat(results)
                .contains("| **CPU ratio**")
                .contains("20 single-row transactions into each consumer's table")
                .contains("| records through the slow sink |");
    }

    @Test
    void theSnapshotBenchmarkReadsEveryModeOfASmallRun() throws Exception {
        set("bench.snapshot.rows", 20_000);
        set("bench.snapshot.rounds", 1);
        set("bench.snapshot.chunk", 2_000);
        set("bench.heap.seconds", 2);

        String results = SnapshotBenchmark.results();

        assertThat(results)
                .contains("| snapshot of 20000 rows |")
                .contains("| vstream-copy p=1 |")
                .contains("| incremental p=1 |")
                .contains("| incremental p=2 |")
                .contains("| incremental p=4 |");
    }

    @Test
    void theDeserializerBenchmarkTurnsEveryEventIntoRowsInEachMode() throws Exception {
        set("bench.deserializer.events", 2_000);
        set("bench.deserializer.rounds", 6);
        set("bench.deserializer.binary-only", false);

        // Half inserts (a row each), half updates (two rows each): 3,000 rows per pass, one pass
        // per round and mode.
        assertThat(DeserializerBenchmark.results())
                .contains("| binary rows, reused (the source's output, Table API) |")
                .contains("| binary rows of their own (collected elsewhere) |")
                .contains("| GenericRowData (DataStream default) |")
                .contains("| ratio reused / own binary rows (median of the rounds' ratios) |")
                .endsWith("(54000 rows out)");
    }

    @Test
    void theMessageBenchmarkReceivesAndAcknowledgesEveryMessage() throws Exception {
        set("bench.messages", 1_000);

        assertThat(MessageBenchmark.results()).startsWith("messages 1000: inserted in");
    }

    @AfterAll
    static void dropTheBenchmarkTables() throws Exception {
        VitessCluster cluster = VitessCluster.get();
        MessageBenchmark.deleteMessages(cluster);
        List<String> tables = new ArrayList<>(VStreamBenchmark.tables());
        tables.add(SnapshotBenchmark.table());
        try (Connection c = cluster.connect(BenchData.KEYSPACE);
                Statement s = c.createStatement()) {
            // The copies into the running job, if a round failed before it dropped them.
            try (ResultSet rs = s.executeQuery("SHOW TABLES LIKE 'bench_copies_%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }
}
