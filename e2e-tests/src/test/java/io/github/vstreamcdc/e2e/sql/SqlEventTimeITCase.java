package io.github.vstreamcdc.e2e.sql;

import io.github.vstreamcdc.e2e.VitessCluster;
import io.github.vstreamcdc.e2e.VitessClusterExtension;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event time over the two-shard keyspace {@code customer}: a tumbling window on the commit time
 * ({@code WATERMARK FOR op_ts}, pushed into the source) over a table whose rows all live on shard
 * {@code -80} while {@code 80-} stays idle. Both shards are read by one reader, so the idle one
 * holds the watermark back unless its heartbeats advance it; once the load stops, the last window
 * closes only through heartbeats too. The windows' counts must equal the table's rows per window of
 * their commit second ({@code created DEFAULT CURRENT_TIMESTAMP} is the statement's time, as the
 * binlog's). The table is read as append-only, which a window aggregation needs.
 */
@EnabledIfSystemProperty(named = SqlTestSupport.SQL_JAR_PROPERTY, matches = ".+")
@ExtendWith(VitessClusterExtension.class)
class SqlEventTimeITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SqlTestSupport.miniCluster();

    private static final String TABLE = "sql_events";
    private static final int WINDOW_SECONDS = 2;

    @BeforeAll
    static void shadedJarOnly() throws Exception {
        SqlTestSupport.assertShadedJarOnly();
    }

    @Test
    void tumblingWindowsCloseWhileOneShardIsIdle(VitessCluster cluster) throws Exception {
        SqlTestSupport.createVitessTable(
                cluster,
                TABLE,
                "id BIGINT NOT NULL, created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
                        + " PRIMARY KEY (id)");
        // Which ids hash to -80: probe, then empty the table again.
        StringBuilder probe = new StringBuilder("INSERT INTO " + TABLE + " (id) VALUES ");
        for (int id = 1; id <= 200; id++) {
            probe.append(id == 1 ? "" : ",").append('(').append(id).append(')');
        }
        SqlTestSupport.execute(cluster, probe.toString());
        List<Long> lowIds = idsOn(cluster, "-80");
        SqlTestSupport.execute(cluster, "DELETE FROM " + TABLE);
        assertThat(lowIds).hasSizeGreaterThan(40);

        // Start after the probe's changes (a start time reads every change from then on, however
        // late the reader starts).
        long start = (System.currentTimeMillis() / 1000 + 1) * 1000;
        Thread.sleep(Math.max(0, start - System.currentTimeMillis() + 10));

        StreamTableEnvironment tEnv = SqlTestSupport.tableEnvironment();
        // One reader for both shards: the per-shard watermarks are combined inside it.
        tEnv.getConfig().set("table.exec.resource.default-parallelism", "1");
        tEnv.getConfig().set("table.local-time-zone", "UTC");
        Map<String, String> options = SqlTestSupport.options(cluster, TABLE);
        options.put("scan.startup.mode", "timestamp");
        options.put("scan.startup.timestamp-millis", Long.toString(start));
        options.put("scan.read-changelog-as-append-only.enabled", "true");
        options.put("heartbeat.interval", "1 s");
        options.put("scan.watermark.heartbeat-delay", "1 s");
        tEnv.executeSql(
                SqlTestSupport.createTable(
                        "events",
                        "id BIGINT,\n"
                                + "  op_ts TIMESTAMP_LTZ(3) METADATA FROM 'op_ts' VIRTUAL,\n"
                                + "  shard STRING METADATA FROM 'shard' VIRTUAL,\n"
                                + "  WATERMARK FOR op_ts AS op_ts - INTERVAL '1' SECOND",
                        options));
        String query =
                "SELECT window_start, COUNT(*) AS n, MIN(shard) AS lo, MAX(shard) AS hi"
                        + " FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(op_ts), INTERVAL '"
                        + WINDOW_SECONDS
                        + "' SECOND))"
                        + " GROUP BY window_start, window_end";
        assertThat(tEnv.explainSql(query))
                .as("the watermark is generated in the source, per shard")
                .containsPattern("TableSourceScan\\(table=\\[\\[[^\\n]*events[^\\n]*watermark=\\[");

        try (CollectedRows out = CollectedRows.of(tEnv.executeSql(query))) {
            // About 6 s of inserts on -80 only, five rows per statement.
            int next = 0;
            for (int statement = 0; statement < 8; statement++) {
                StringBuilder insert = new StringBuilder("INSERT INTO " + TABLE + " (id) VALUES ");
                for (int i = 0; i < 5; i++) {
                    insert.append(i == 0 ? "" : ",").append('(').append(lowIds.get(next++));
                    insert.append(')');
                }
                SqlTestSupport.execute(cluster, insert.toString());
                Thread.sleep(700);
            }
            Map<Instant, Long> expected = countsPerWindow(cluster);
            assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);

            // No change comes after the last insert: only heartbeats can close its window.
            List<Row> windows =
                    out.await(
                            rows -> windowCounts(rows).equals(expected),
                            Duration.ofSeconds(60),
                            "the windows " + expected);
            for (Row window : windows) {
                assertThat(window.getField("lo")).isEqualTo("-80");
                assertThat(window.getField("hi")).isEqualTo("-80");
            }
        }
    }

    private static Map<Instant, Long> windowCounts(List<Row> rows) {
        Map<Instant, Long> counts = new TreeMap<>();
        for (Row row : rows) {
            Instant start =
                    ((LocalDateTime) row.getField("window_start")).toInstant(ZoneOffset.UTC);
            counts.merge(start, (Long) row.getField("n"), Long::sum);
        }
        return counts;
    }

    /** The table's rows per window of their commit second. */
    private static Map<Instant, Long> countsPerWindow(VitessCluster cluster) throws SQLException {
        Map<Instant, Long> counts = new TreeMap<>();
        try (Connection c = cluster.connect(SqlTestSupport.KEYSPACE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT UNIX_TIMESTAMP(created) FROM " + TABLE)) {
            while (rs.next()) {
                long second = rs.getLong(1);
                counts.merge(
                        Instant.ofEpochSecond(second - Math.floorMod(second, WINDOW_SECONDS)),
                        1L,
                        Long::sum);
            }
        }
        return counts;
    }

    private static List<Long> idsOn(VitessCluster cluster, String shard) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = cluster.connect(SqlTestSupport.KEYSPACE + ":" + shard);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM " + TABLE + " ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
