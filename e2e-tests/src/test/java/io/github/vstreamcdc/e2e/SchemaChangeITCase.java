package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;

import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.github.vstreamcdc.e2e.SourceTestSupport.COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DDL while the job streams: what the output can still represent goes on, the rest fails clearly.
 */
@ExtendWith(VitessClusterExtension.class)
class SchemaChangeITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(false);

    @Test
    void addedColumnKeepsTheJobGoingAndDroppedDeclaredColumnFailsClearly(VitessCluster cluster)
            throws Exception {
        String table = "it_schema";
        TestTables.createUnsharded(cluster, table, COLUMNS);
        SourceTestSupport.insertRange(cluster, "commerce", table, 1, 10, "a");
        PlanetScaleSource<RowData> source =
                SourceTestSupport.source(cluster, "commerce")
                        .tableName(table)
                        .startupMode(StartupMode.INITIAL)
                        .build();
        try (CollectedOutput output = CollectedOutput.run(source, 1, 0, s -> s)) {
            output.await(r -> r.size() >= 10, Duration.ofMinutes(2), "the snapshot");

            execute(cluster, "ALTER TABLE " + table + " ADD COLUMN extra INT DEFAULT 7");
            execute(cluster, "INSERT INTO " + table + " (id, v, extra) VALUES (11, 'a11', 1)");
            execute(cluster, "UPDATE " + table + " SET v = 'b1', extra = 2 WHERE id = 1");
            List<RowData> rows =
                    output.await(r -> r.size() >= 13, Duration.ofMinutes(2), "rows after ADD");
            assertThat(rows.subList(10, 13))
                    .extracting(SourceTestSupport::describe)
                    .containsExactly("+I[11, a11]", "-U[1, a1]", "+U[1, b1]");

            // The declared column 'v' disappears: the job must stop and say which column.
            execute(cluster, "ALTER TABLE " + table + " DROP COLUMN v");
            execute(cluster, "INSERT INTO " + table + " (id, extra) VALUES (12, 3)");
            Throwable failure = output.awaitFailure(Duration.ofMinutes(2));
            Optional<Throwable> cause =
                    ExceptionUtils.findThrowable(
                            failure, t -> t.getMessage() != null && t.getMessage().contains("'v'"));
            assertThat(cause)
                    .as("a failure naming column 'v' in %s", failure)
                    .hasValueSatisfying(
                            t -> assertThat(t.getMessage()).contains(table).contains("shard 0"));
            assertThat(output.snapshot())
                    .noneMatch(r -> r.getRowKind() == RowKind.INSERT && r.getLong(0) == 12);
        }
    }

    /**
     * A primary key changed between chunks: the chunks cut by the old key cannot be read exactly
     * (rows placed by a key no longer unique collapse), so the job fails at once, saying which
     * table, shard and keys, instead of reading on or retrying.
     */
    @Test
    void aPrimaryKeyChangedBetweenChunksFailsTheJobSayingSo(VitessCluster cluster)
            throws Exception {
        String table = "it_key_change";
        int rows = 120_000; // more than the four fetches of about 16,000 rows read ahead
        HoldFirstRecord.arm();
        TestTables.createUnsharded(cluster, table, COLUMNS);
        SourceTestSupport.insertRange(cluster, "commerce", table, 1, rows, "v");
        PlanetScaleSource<String> source =
                SourceTestSupport.<String>connectedTo(cluster, "commerce")
                        .tableName(table)
                        .startupMode(StartupMode.INITIAL)
                        .incrementalSnapshot(1000)
                        .deserializer(new JsonDeserializationSchema())
                        .build();
        try (CollectedRecords<String> records =
                CollectedRecords.collect(source, 1, 0, s -> s.map(new HoldFirstRecord<>()))) {
            assertThat(HoldFirstRecord.awaitHeld()).as("the first chunk's first row").isTrue();
            Thread.sleep(3000);
            try (Connection c = cluster.connect("commerce");
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + table + " DROP PRIMARY KEY, ADD PRIMARY KEY (id, v)");
            }
            HoldFirstRecord.release();
            Throwable failure = records.awaitFailure(Duration.ofMinutes(3));
            assertThat(ExceptionUtils.stringifyException(failure))
                    .contains("The primary key of table commerce." + table + " changed on shard")
                    .contains("from (id) to (id, v)")
                    .contains("'scan.incremental-snapshot.enabled' = 'false'");
            assertThat(records.snapshot())
                    .as("rows of the chunks read before")
                    .hasSizeLessThan(rows);
        }
        TestTables.dropUnsharded(cluster, table);
    }

    private static void execute(VitessCluster cluster, String sql) throws Exception {
        try (Connection c = cluster.connect("commerce");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
