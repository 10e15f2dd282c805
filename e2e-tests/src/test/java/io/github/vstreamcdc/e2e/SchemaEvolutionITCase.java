package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ALTER TABLE of a sharded table while a job streams it under a steady write load, with the JSON
 * deserializer's schema-change records: every row change comes out once, and each shard has one
 * schema-change record per DDL, after its last row in the old shape and before its first in the
 * new; also when a task dies between the DDL and the first row in the new shape.
 */
@ExtendWith(VitessClusterExtension.class)
class SchemaEvolutionITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaEvolutionITCase.class);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    private static final String KEYSPACE = "customer";
    private static final List<String> SHARDS = Arrays.asList("-80", "80-");
    private static final int ROWS = 500;
    private static final int LOAD_IDS = 700;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @Test
    void altersUnderLoadComeOutOncePerShardInPlace(VitessCluster cluster) throws Exception {
        String table = "it_evolution";
        TestTables.createSharded(
                cluster, table, "id BIGINT PRIMARY KEY, v VARCHAR(64), n INT, r VARCHAR(20)");
        Map<String, Long> committed =
                insertInitialRows(cluster, table, ", n, r", id -> id + ", 'r" + id + "'");
        // Checkpoints: a job that fails restores, and the output must still be exactly once.
        try (CollectedRecords<String> output =
                CollectedRecords.collect(source(cluster, table), 2, 300, s -> s)) {
            ChangeLoad load = loadAfterSnapshot(cluster, table, output);
            try {
                for (String ddl :
                        new String[] {
                            "ADD COLUMN a INT NOT NULL DEFAULT 5",
                            "MODIFY COLUMN n BIGINT",
                            "RENAME COLUMN r TO r2",
                            "DROP COLUMN n"
                        }) {
                    Thread.sleep(1500);
                    alterShardByShard(cluster, "ALTER TABLE " + table + " " + ddl);
                }
                Thread.sleep(3000);
            } finally {
                load.close();
            }
            check(cluster, table, output, committed, load);

            SchemaChangeRecords records = SchemaChangeRecords.of(table, output.snapshot());
            records.assertSchemaSteps(
                    SHARDS,
                    Arrays.asList(
                            Arrays.asList("id bigint", "v varchar(64)", "n int", "r varchar(20)"),
                            Arrays.asList(
                                    "id bigint",
                                    "v varchar(64)",
                                    "n int",
                                    "r varchar(20)",
                                    "a int"),
                            Arrays.asList(
                                    "id bigint",
                                    "v varchar(64)",
                                    "n bigint",
                                    "r varchar(20)",
                                    "a int"),
                            Arrays.asList(
                                    "id bigint",
                                    "v varchar(64)",
                                    "n bigint",
                                    "r2 varchar(20)",
                                    "a int"),
                            Arrays.asList(
                                    "id bigint", "v varchar(64)", "r2 varchar(20)", "a int")));
            String[] kinds = {"add column", "modify column", "rename column", "drop column"};
            for (String shard : SHARDS) {
                List<JsonNode> changes = records.schemaChanges(shard);
                for (int i = 0; i < changes.size(); i++) {
                    // read without a failure: the DDL event came with the change
                    assertThat(changes.get(i).path("ddl").asText(null))
                            .as("ddl of schema change %d on %s: %s", i + 1, shard, changes.get(i))
                            .isNotNull()
                            .containsIgnoringCase(table)
                            .containsIgnoringCase(kinds[i]);
                }
            }
            int complete = records.assertImagesMatch(() -> cluster.connect(KEYSPACE));
            assertThat(complete)
                    .as("ids last written after the DROP (with a = 5)")
                    .isGreaterThan(20);
        }
    }

    /**
     * Two DDLs with a task failure each: the first on the schema-change record itself (restored
     * from before the DDL: the record comes again, once), the second on the first row in the new
     * shape after a quiet stretch with checkpoints after the DDL (restored from a position after
     * the DDL but before that row: the record comes once, whether or not it went out before).
     */
    @Test
    void schemaChangeOncePerShardAcrossTaskFailures(VitessCluster cluster) throws Exception {
        String table = "it_evolution_kill";
        TestTables.createSharded(cluster, table, "id BIGINT PRIMARY KEY, v VARCHAR(64)");
        Map<String, Long> committed = insertInitialRows(cluster, table, "", id -> "");
        JsonTaskFault.reset();
        try (CollectedRecords<String> output =
                CollectedRecords.collect(
                        source(cluster, table), 2, 300, s -> s.map(new JsonTaskFault()))) {
            ChangeLoad load = loadAfterSnapshot(cluster, table, output);
            try {
                Thread.sleep(1000);
                JsonTaskFault.failOn(SchemaChangeRecords::isSchemaChange);
                execute(cluster, "ALTER TABLE " + table + " ADD COLUMN a INT NOT NULL DEFAULT 5");
                awaitFailures(1);
                output.await(
                        r -> schemaChanges(table, r) == SHARDS.size(),
                        TIMEOUT,
                        "the first schema change of each shard");

                // A quiet stretch between the DDL and the next row change, with checkpoints.
                load.pause();
                JsonTaskFault.SCHEMA_CHANGE_SEEN.clear();
                execute(cluster, "ALTER TABLE " + table + " ADD COLUMN b INT NOT NULL DEFAULT 6");
                int checkpoints = JsonTaskFault.CHECKPOINTS.get();
                JsonTaskFault.failOn(
                        r ->
                                !SchemaChangeRecords.isSchemaChange(r)
                                        && SchemaChangeRecords.imageColumns(r).contains("b"));
                while (JsonTaskFault.CHECKPOINTS.get() < checkpoints + 8) {
                    Thread.sleep(50);
                }
                LOG.info(
                        "Schema changes seen before the first row in the new shape (shard to"
                                + " checkpoints then; {} now): {}",
                        JsonTaskFault.CHECKPOINTS.get(),
                        JsonTaskFault.SCHEMA_CHANGE_SEEN);
                load.resume();
                awaitFailures(2);
                Thread.sleep(3000);
            } finally {
                load.close();
            }
            check(cluster, table, output, committed, load);
            SchemaChangeRecords.of(table, output.snapshot())
                    .assertSchemaSteps(
                            SHARDS,
                            Arrays.asList(
                                    Arrays.asList("id bigint", "v varchar(64)"),
                                    Arrays.asList("id bigint", "v varchar(64)", "a int"),
                                    Arrays.asList("id bigint", "v varchar(64)", "a int", "b int")));
            assertThat(JsonTaskFault.FAILURES.get()).as("injected failures").isEqualTo(2);
        }
    }

    static PlanetScaleSource<String> source(VitessCluster cluster, String table) {
        return SourceTestSupport.<String>connectedTo(cluster, KEYSPACE)
                .tableName(table)
                .startupMode(StartupMode.INITIAL)
                .deserializer(new JsonDeserializationSchema(true))
                .build();
    }

    /** Inserts ids 1..ROWS with v = v<id> and the extra columns' values; the committed changes. */
    private static Map<String, Long> insertInitialRows(
            VitessCluster cluster,
            String table,
            String extraColumns,
            java.util.function.LongFunction<String> extraValues)
            throws Exception {
        Map<String, Long> committed = new LinkedHashMap<>();
        StringBuilder sql =
                new StringBuilder("INSERT INTO " + table + " (id, v" + extraColumns + ") VALUES ");
        for (long id = 1; id <= ROWS; id++) {
            String extra = extraValues.apply(id);
            sql.append(id == 1 ? "" : ",").append('(').append(id).append(", 'v").append(id);
            sql.append('\'').append(extra.isEmpty() ? "" : ", " + extra).append(')');
            committed.put("+I[" + id + ", v" + id + "]", 0L);
        }
        execute(cluster, sql.toString());
        return committed;
    }

    /** Every committed change once, in order per key, and the changelog equals the table. */
    private static void check(
            VitessCluster cluster,
            String table,
            CollectedRecords<String> output,
            Map<String, Long> committed,
            ChangeLoad load)
            throws Exception {
        Map<String, Long> all = new LinkedHashMap<>(committed);
        List<String> changes = load.confirmed();
        List<Long> seqs = load.confirmedSeqs();
        for (int i = 0; i < changes.size(); i++) {
            all.put(changes.get(i), seqs.get(i));
        }
        assertThat(changes.size()).as("changes the load made").isGreaterThan(100);
        ChangelogCheck.await(
                        () -> SchemaChangeRecords.of(table, output.snapshot()).rows(),
                        all,
                        false,
                        () -> select(cluster, table),
                        TIMEOUT)
                .assertOk("row changes of " + table + " across its schema changes");
    }

    /** Waits for the snapshot, then starts the steady write load. */
    private static ChangeLoad loadAfterSnapshot(
            VitessCluster cluster, String table, CollectedRecords<String> output) throws Exception {
        awaitRows(output, table, ROWS, "the snapshot");
        return new ChangeLoad(
                () -> cluster.connect(KEYSPACE), table, LOAD_IDS, select(cluster, table));
    }

    private static Map<Long, String> select(VitessCluster cluster, String table) throws Exception {
        return SourceTestSupport.select(cluster, KEYSPACE, table);
    }

    private static void awaitRows(
            CollectedRecords<String> output, String table, int rows, String what)
            throws InterruptedException {
        output.await(r -> SchemaChangeRecords.of(table, r).size() >= rows, TIMEOUT, what);
    }

    private static long schemaChanges(String table, List<String> output) {
        return output.stream()
                .map(SchemaChangeRecords::parse)
                .filter(r -> SchemaChangeRecords.isSchemaChange(r))
                .filter(r -> table.equals(SchemaChangeRecords.tableOf(r)))
                .count();
    }

    private static void awaitFailures(int failures) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (JsonTaskFault.FAILURES.get() < failures) {
            assertThat(System.nanoTime())
                    .as("injected failure %d (still armed: %s)", failures, JsonTaskFault.armed())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /**
     * Runs the DDL on one shard, then on the other. Through the keyspace, VTGate runs it on both at
     * once, and on vttestserver (one mysqld, one _vt sidecar database for all shards) the two
     * tablets' schema reloads after it can race: a VStream then fails with "failed to reload schema
     * after DDL encountered in stream" (Unknown column), and a restore to a position before the DDL
     * cannot work without the tablets' schema history (--track-schema-versions, off here).
     */
    private static void alterShardByShard(VitessCluster cluster, String ddl) throws Exception {
        for (String shard : SHARDS) {
            try (Connection c = cluster.connect(KEYSPACE + ":" + shard);
                    Statement s = c.createStatement()) {
                s.execute(ddl);
            }
            Thread.sleep(300);
        }
    }

    private static void execute(VitessCluster cluster, String sql) throws Exception {
        try (Connection c = cluster.connect(KEYSPACE);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
