package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vitess Online DDL (VReplication: shadow table, row copy, cut-over by rename) on the multi-process
 * cluster, whose vttablets run the Online DDL executor, while a job reads every table of the
 * keyspace under a steady write load: an added column and a changed type, then a revert of the
 * latter, and an instant ADD COLUMN; a task dies on the first row after the first cut-over. Every
 * row change of the table comes out once, nothing of the migrations' own tables, and each shard has
 * one schema-change record per cut-over, in place.
 */
class OnlineDdlITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    private static final String TABLE = "ddl_items";
    private static final int ROWS = 1000;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void onlineDdlAndRevertUnderLoadExactlyOnce() throws Exception {
        MultiProcessCluster cluster = MultiProcessCluster.get();
        List<String> shards = createTable(cluster);
        Map<String, Long> committed = new LinkedHashMap<>();
        try (Connection c = cluster.connect();
                Statement s = c.createStatement()) {
            StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE + " (id, v, n) VALUES ");
            for (int id = 1; id <= ROWS; id++) {
                sql.append(id == 1 ? "" : ",").append('(').append(id).append(", 'v");
                sql.append(id).append("', ").append(id).append(')');
                committed.put("+I[" + id + ", v" + id + "]", 0L);
            }
            s.execute(sql.toString());
        }
        OnlineDdl ddl = new OnlineDdl(cluster::connect);
        JsonTaskFault.reset();
        PlanetScaleSource<String> source =
                SourceTestSupport.<String>connectedTo(cluster)
                        .tableList(".*")
                        .startupMode(StartupMode.INITIAL)
                        .deserializer(new JsonDeserializationSchema(true))
                        .build();
        try (CollectedRecords<String> output =
                CollectedRecords.collect(source, 2, 300, s -> s.map(new JsonTaskFault()))) {
            output.await(
                    r -> SchemaChangeRecords.of(TABLE, r).size() >= ROWS, TIMEOUT, "the snapshot");
            ChangeLoad load = new ChangeLoad(cluster::connect, TABLE, 1500, table(cluster));
            String changeType;
            try {
                Thread.sleep(1000);
                // a task failure on the first row after the cut-over
                JsonTaskFault.failOn(
                        r ->
                                !SchemaChangeRecords.isSchemaChange(r)
                                        && TABLE.equals(SchemaChangeRecords.tableOf(r))
                                        && SchemaChangeRecords.imageColumns(r).contains("a"));
                ddl.run(
                        OnlineDdl.VITESS,
                        "ALTER TABLE " + TABLE + " ADD COLUMN a INT NOT NULL DEFAULT 7",
                        MIGRATION_TIMEOUT);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (JsonTaskFault.FAILURES.get() == 0) {
                    assertThat(System.nanoTime())
                            .as("the failure on the first row after the cut-over")
                            .isLessThan(deadline);
                    Thread.sleep(50);
                }
                Thread.sleep(1000);
                // cut over by ALTER VITESS_MIGRATION ... COMPLETE
                changeType =
                        ddl.submit(
                                OnlineDdl.VITESS + " --postpone-completion",
                                "ALTER TABLE " + TABLE + " MODIFY COLUMN n BIGINT");
                Thread.sleep(2000);
                ddl.complete(changeType);
                ddl.awaitComplete(changeType, MIGRATION_TIMEOUT);
                Thread.sleep(1000);
                ddl.awaitComplete(ddl.revert(changeType), MIGRATION_TIMEOUT);
                Thread.sleep(1000);
                // Vitess' instant DDL (v24: the vitess strategy preferring MySQL's INSTANT)
                ddl.run(
                        OnlineDdl.VITESS + " --prefer-instant-ddl",
                        "ALTER TABLE " + TABLE + " ADD COLUMN b INT DEFAULT 3",
                        MIGRATION_TIMEOUT);
                Thread.sleep(3000);
            } finally {
                load.close();
            }

            List<String> changes = load.confirmed();
            List<Long> seqs = load.confirmedSeqs();
            for (int i = 0; i < changes.size(); i++) {
                committed.put(changes.get(i), seqs.get(i));
            }
            assertThat(changes.size()).as("changes the load made").isGreaterThan(100);
            ChangelogCheck.await(
                            () -> SchemaChangeRecords.of(TABLE, output.snapshot()).rows(),
                            committed,
                            false,
                            () -> table(cluster),
                            TIMEOUT)
                    .assertOk("row changes of " + TABLE + " across Online DDL");

            Set<String> tables = new TreeSet<>();
            for (String json : output.snapshot()) {
                tables.add(SchemaChangeRecords.tableOf(SchemaChangeRecords.parse(json)));
            }
            assertThat(tables)
                    .as("tables in the output (no Online DDL shadow or _vt_ table)")
                    .allMatch(t -> !t.startsWith("_"))
                    .contains(TABLE);

            SchemaChangeRecords records = SchemaChangeRecords.of(TABLE, output.snapshot());
            List<String> before = Arrays.asList("id bigint", "v varchar(64)", "n int");
            List<String> added = new ArrayList<>(before);
            added.add("a int");
            List<String> widened = Arrays.asList("id bigint", "v varchar(64)", "n bigint", "a int");
            List<String> instant = new ArrayList<>(added);
            instant.add("b int");
            records.assertSchemaSteps(
                    shards, Arrays.asList(before, added, widened, added, instant));
            for (String shard : shards) {
                for (JsonNode change : records.schemaChanges(shard)) {
                    assertThat(change.path("source").path("table").asText()).isEqualTo(TABLE);
                }
            }
            int complete = records.assertImagesMatch(cluster::connect);
            assertThat(complete)
                    .as("ids last written after the last schema change, with every column")
                    .isGreaterThan(20);
            assertThat(JsonTaskFault.FAILURES.get()).as("injected failures").isEqualTo(1);
        }
    }

    /** (Re)creates the table, sharded by hash(id); returns the keyspace's serving shards. */
    private static List<String> createTable(MultiProcessCluster cluster) throws Exception {
        List<String> shards = new ArrayList<>();
        cluster.createShardedTable(TABLE, "id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(64), n INT");
        for (String line : MultiProcessCluster.run(2, "status")) {
            if (line.startsWith("CLUSTER_SHARDS=")) {
                shards.addAll(Arrays.asList(line.substring("CLUSTER_SHARDS=".length()).split(",")));
            }
        }
        assertThat(shards).as("the serving shards").isNotEmpty();
        return shards;
    }

    private static Map<Long, String> table(MultiProcessCluster cluster) throws Exception {
        return SourceTestSupport.select(cluster::connect, TABLE);
    }
}
