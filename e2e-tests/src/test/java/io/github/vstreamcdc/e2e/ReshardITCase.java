package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reshards the multi-process cluster's keyspace under a running job: split {@code -80,80-} into
 * four shards and merge them back while a load generator inserts, updates and deletes. Every change
 * must come out exactly once, and the changelog applied to an empty table must equal the table.
 * Variants: a task killed at each cut-over, and a job stopped before a reshard and restored after
 * it (with the old shards kept, and with them deleted).
 */
class ReshardITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ReshardITCase.class);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    private static final String TABLE = "items";
    private static final int INITIAL_ROWS = 1000;
    private static final int IDS = 3000;
    private static final Set<String> SPLIT = Set.of("-40", "40-80", "80-c0", "c0-");
    private static final Set<String> MERGED = Set.of("-80", "80-");

    /** Old shards stay (not serving) after a reshard, so a restore can still drain them. */
    private static final Map<String, String> KEEP_OLD_SHARDS = Map.of("KEEP_SOURCE_SHARDS", "1");

    private static final RowType ROW_WITH_SHARD =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(false), new VarCharType(true, 64), new VarCharType(false, 32)
                    },
                    new String[] {"id", "v", "shard"});

    private MultiProcessCluster cluster;

    @BeforeEach
    void twoShardsAndInitialRows() throws Exception {
        cluster = MultiProcessCluster.get();
        // A failed earlier run may have left a workflow or other shards behind.
        MultiProcessCluster.run(10, "reshard", "cancel");
        MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "merge");
        StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE + " (id, v) VALUES ");
        for (int id = 1; id <= INITIAL_ROWS; id++) {
            sql.append(id == 1 ? "" : ",").append("(").append(id).append(",'v").append(id);
            sql.append("')");
        }
        for (int attempt = 1; ; attempt++) {
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement()) {
                s.execute("DELETE FROM " + TABLE);
                s.execute(sql.toString());
                break;
            } catch (SQLException e) {
                // Seen once in CI: a new shard's PRIMARY held row locks of the table for over
                // 20 s just after a merge (Vitess' own, no job was running). Set-up, not test.
                if (attempt == 3 || !e.getMessage().contains("Lock wait timeout")) {
                    throw e;
                }
                LOG.warn("Resetting {} failed ({}); trying again", TABLE, e.getMessage());
            }
        }
        CutOverFailure.reset();
    }

    @Test
    void splitMergeAndSplitAgainUnderLoadDeliverEveryChangeExactlyOnce() throws Exception {
        try (CollectedOutput output = CollectedOutput.run(source(), 2, 300, s -> s)) {
            output.await(r -> r.size() >= INITIAL_ROWS, Duration.ofMinutes(3), "the snapshot");
            ChangeLoad load = load();
            Thread.sleep(2000);
            MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "split");
            Thread.sleep(2000);
            MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "merge");
            Thread.sleep(2000);
            // The same workflow again: its journal has the same id and participants as the
            // first split's, only the positions differ.
            MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "split");
            Thread.sleep(2000);
            load.close();
            assertDelivered(output, load);
        }
    }

    @Test
    void taskKilledAtEachCutOverLosesAndRepeatsNothing() throws Exception {
        try (CollectedOutput output =
                CollectedOutput.run(source(), 2, 300, s -> s.map(new CutOverFailure()))) {
            output.await(r -> r.size() >= INITIAL_ROWS, Duration.ofMinutes(3), "the snapshot");
            ChangeLoad load = load();
            Thread.sleep(2000);
            // The first record a new shard delivers kills the task: the restore goes back to a
            // checkpoint taken before some or all of the old shards reached the journal.
            CutOverFailure.arm(SPLIT, 0, 1);
            MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "split");
            awaitFailures(1);
            Thread.sleep(2000);
            CutOverFailure.arm(MERGED, load.nextSeq(), 2);
            MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "merge");
            awaitFailures(2);
            assertThat(CutOverFailure.FAILURES.get()).isEqualTo(2);
            Thread.sleep(2000);
            load.close();
            assertDelivered(output, load);
        }
    }

    /**
     * A DDL that the old shards read just before a split, with no row of the table after it there
     * (a schema change is told at the table's next row): the new shards start knowing what the old
     * ones knew, so each tells the change at its first row of the table, instead of taking the new
     * shape as the table's first description and telling nothing.
     */
    @Test
    void aSchemaChangePendingAtTheCutOverIsToldByTheNewShards() throws Exception {
        String table = "it_reshard_ddl";
        cluster.createShardedTable(table, "id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(64)");
        try (Connection c = cluster.connect();
                Statement s = c.createStatement()) {
            s.execute(insertRows(table, 1, 100));
        }
        PlanetScaleSource<String> source =
                SourceTestSupport.<String>connectedTo(cluster)
                        .tableName(table)
                        .startupMode(StartupMode.INITIAL)
                        .deserializer(new JsonDeserializationSchema(true))
                        .build();
        try (CollectedRecords<String> output = CollectedRecords.collect(source, 2, 300, s -> s)) {
            output.await(r -> r.size() >= 100, Duration.ofMinutes(3), "the snapshot");
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + table + " ADD COLUMN extra INT NOT NULL DEFAULT 7");
            }
            // The old shards read the DDL and checkpoint it (no row of the table follows there).
            Thread.sleep(2000);
            MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "split");
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement()) {
                s.execute(insertRows(table, 1001, 1200));
            }
            output.await(
                    r -> r.stream().filter(json -> json.contains("\"extra\":7")).count() >= 200,
                    Duration.ofMinutes(3),
                    "the rows written after the split");
            SchemaChangeRecords records = SchemaChangeRecords.of(table, output.snapshot());
            for (String shard : SPLIT) {
                assertThat(records.schemaChanges(shard))
                        .as("schema changes told by new shard %s", shard)
                        .singleElement()
                        .satisfies(
                                change -> {
                                    assertThat(SchemaChangeRecords.columns(change.path("columns")))
                                            .containsExactly(
                                                    "id bigint", "v varchar(64)", "extra int");
                                    assertThat(change.path("ddl").asText(""))
                                            .containsIgnoringCase("add column extra");
                                });
            }
            for (String shard : MERGED) {
                assertThat(records.schemaChanges(shard))
                        .as("schema changes of old shard %s (no row after the DDL)", shard)
                        .isEmpty();
            }
        }
    }

    /**
     * A reshard while the snapshot is copied: VStream copies the tables in name order, the sink
     * holds the job up inside the first (larger) table's copy, and the old shards meet the journal
     * in the catch-up before the second table. They end there and the new shards copy the second
     * table: every row exactly once. (Before, the job failed "before its snapshot was complete",
     * and again after every restore.)
     */
    @Test
    void aReshardDuringTheSnapshotLeavesTheRestOfTheCopyToTheNewShards() throws Exception {
        String first = "copied_first"; // before "items" in VStream's order
        int firstRows = 150_000;
        createLargeTable(first, firstRows);
        PlanetScaleSource<String> source =
                SourceTestSupport.<String>connectedTo(cluster)
                        .tableName(first + "|" + TABLE)
                        .startupMode(StartupMode.INITIAL)
                        .deserializer(new JsonDeserializationSchema())
                        .build();
        HeldUntilReleased.reset();
        try (CollectedRecords<String> output =
                CollectedRecords.collect(source, 2, 300, s -> s.map(new HeldUntilReleased()))) {
            assertThat(HeldUntilReleased.firstRecord.await(3, TimeUnit.MINUTES))
                    .as("the first copied row")
                    .isTrue();
            MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "split");
            // The journal is then well behind the end of VStream's catch-up (the current second).
            Thread.sleep(3000);
            HeldUntilReleased.release.countDown();
            output.await(
                    r -> r.size() >= firstRows + INITIAL_ROWS,
                    Duration.ofMinutes(4),
                    "both tables' rows");
            Thread.sleep(3000); // a repeat would come late
            Map<String, Map<Long, Integer>> copies = new TreeMap<>();
            Map<String, Set<String>> shards = new TreeMap<>();
            for (String json : output.snapshot()) {
                JsonNode record = SchemaChangeRecords.parse(json);
                assertThat(record.path("op").asText())
                        .as("a snapshot row: %s", json)
                        .isEqualTo("r");
                String table = SchemaChangeRecords.tableOf(record);
                copies.computeIfAbsent(table, t -> new TreeMap<>())
                        .merge(record.path("after").path("id").asLong(), 1, Integer::sum);
                shards.computeIfAbsent(table, t -> new TreeSet<>())
                        .add(SchemaChangeRecords.shardOf(record));
            }
            assertThat(copies).containsOnlyKeys(first, TABLE);
            assertThat(copies.get(first).values()).as("copies of each row").containsOnly(1);
            assertThat(copies.get(first)).hasSize(firstRows);
            assertThat(copies.get(TABLE).values()).as("copies of each row").containsOnly(1);
            assertThat(copies.get(TABLE)).hasSize(INITIAL_ROWS);
            // The old shards copied (most of) the first table, the new ones (some of) the second:
            // the old shards met the journal while copying. (A stream that reconnected after the
            // cut-over may leave part of the first table to the new shards too.)
            assertThat(shards.get(first)).as("shards of %s", first).containsAnyElementsOf(MERGED);
            assertThat(shards.get(TABLE)).as("shards of %s", TABLE).containsAnyElementsOf(SPLIT);
        } finally {
            // Every later reshard would copy it too.
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + first);
            }
        }
    }

    /**
     * A reshard while an incremental snapshot's chunks are read: the sink holds the job up after
     * the first chunks, rows are deleted and updated, the split cuts over, then the readers go on.
     * Chunks of an old shard that no longer serves cannot be read there: they are given up, the old
     * shard's stream drops their ranges' changes and streams the rest (the deletes of rows of
     * chunks read) up to the journal, and the new shards copy the table. The changelog applied to
     * an empty table must equal the table (rows of chunks read may come twice, as snapshot rows).
     */
    @Test
    void aReshardWhileSnapshotChunksAreReadLosesNoRow() throws Exception {
        String chunked = "chunked_first";
        int rows = 200_000;
        createLargeTable(chunked, rows);
        PlanetScaleSource<String> source =
                SourceTestSupport.<String>connectedTo(cluster)
                        .tableName(chunked)
                        .startupMode(StartupMode.INITIAL)
                        .incrementalSnapshot(1000)
                        .deserializer(new JsonDeserializationSchema())
                        .build();
        // Held after 50,000 rows: the readers have read 80,000-100,000 more by then (Flink's
        // queues), and they read -80's chunks first, so -80's chunks are all read, 80-'s partly.
        HeldUntilReleased.reset(50_000);
        try (CollectedRecords<String> output =
                CollectedRecords.collect(source, 2, 300, s -> s.map(new HeldUntilReleased()))) {
            assertThat(HeldUntilReleased.firstRecord.await(3, TimeUnit.MINUTES))
                    .as("the 50,000th row")
                    .isTrue();
            // Changes before the cut-over, over the whole key range: some of rows whose chunks
            // were read (their deletes must come out), some of rows whose chunks will be given up.
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement()) {
                s.execute("DELETE FROM " + chunked + " WHERE id % 1000 = 7");
                s.execute("UPDATE " + chunked + " SET v = 'updated' WHERE id % 1000 = 500");
            }
            MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "split");
            Thread.sleep(3000);
            HeldUntilReleased.release.countDown();
            // Changes after the reshard come from the new shards.
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement()) {
                s.execute("UPDATE " + chunked + " SET v = 'changed' WHERE id <= 100");
            }
            Map<Long, String> expected = new TreeMap<>();
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement()) {
                for (int from = 1; from <= rows; from += 10_000) {
                    try (ResultSet rs =
                            s.executeQuery(
                                    "SELECT id, v FROM "
                                            + chunked
                                            + " WHERE id >= "
                                            + from
                                            + " AND id < "
                                            + (from + 10_000))) {
                        while (rs.next()) {
                            expected.put(rs.getLong(1), rs.getString(2));
                        }
                    }
                }
            }
            assertThat(expected).hasSize(rows - 200);
            long[] nextCheck = {0}; // applying 200,000 records takes a while: every 2 s
            output.await(
                    r -> {
                        if (r.size() < rows - 200 || System.nanoTime() < nextCheck[0]) {
                            return false;
                        }
                        nextCheck[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                        return applied(r).equals(expected);
                    },
                    Duration.ofMinutes(4),
                    "the changelog to equal the table");
            Set<String> changedOn = new TreeSet<>();
            Map<Long, Set<String>> snapshotFrom = new HashMap<>();
            for (String json : output.snapshot()) {
                JsonNode record = SchemaChangeRecords.parse(json);
                if (json.contains("\"changed\"")) {
                    changedOn.add(SchemaChangeRecords.shardOf(record));
                }
                if (record.path("op").asText().equals("r")) {
                    snapshotFrom
                            .computeIfAbsent(
                                    record.path("after").path("id").asLong(), id -> new TreeSet<>())
                            .add(SchemaChangeRecords.shardOf(record));
                }
            }
            assertThat(SPLIT).containsAll(changedOn);
            // An old shard had read some of its chunks and gave the others up: rows of its chunks
            // read came again from the new shards' copy (the case whose deletes must not be lost).
            assertThat(snapshotFrom.values())
                    .as("rows read from an old shard's chunk and copied by a new shard")
                    .anyMatch(
                            shards ->
                                    shards.stream().anyMatch(MERGED::contains)
                                            && shards.stream().anyMatch(SPLIT::contains));
        } finally {
            try (Connection c = cluster.connect();
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + chunked);
            }
        }
    }

    /**
     * A sharded table (id, v) with ids 1 to {@code rows} (a multiple of 10,000), values long enough
     * to fill the job's buffers.
     */
    private void createLargeTable(String table, int rows) throws Exception {
        cluster.createShardedTable(table, "id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(100)");
        try (Connection c = cluster.connect();
                Statement s = c.createStatement()) {
            for (int from = 1; from <= rows; from += 10_000) {
                StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (id, v) VALUES ");
                for (int id = from; id < from + 10_000; id++) {
                    sql.append(id == from ? "" : ",").append("(").append(id);
                    sql.append(",'a row of the first table, long enough to fill the buffers ");
                    sql.append(id).append("')");
                }
                s.execute(sql.toString());
            }
        }
    }

    /** A changelog of JSON records (id, v) applied to an empty table; a repeated row overwrites. */
    private static Map<Long, String> applied(List<String> records) {
        Map<Long, String> table = new TreeMap<>();
        for (String json : records) {
            JsonNode record = SchemaChangeRecords.parse(json);
            JsonNode before = record.path("before");
            JsonNode after = record.path("after");
            if (before.isObject()) {
                table.remove(before.path("id").asLong());
            }
            if (after.isObject()) {
                table.put(after.path("id").asLong(), after.path("v").asText());
            }
        }
        return table;
    }

    /** Holds every record until released: the job stops reading, and VStream waits. */
    static final class HeldUntilReleased implements MapFunction<String, String> {
        static volatile CountDownLatch firstRecord = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);

        /** The record (counted over all subtasks) from which on records are held. */
        static volatile long holdFrom = 1;

        static final AtomicLong SEEN = new AtomicLong();

        static void reset() {
            reset(1);
        }

        static void reset(long from) {
            firstRecord = new CountDownLatch(1);
            release = new CountDownLatch(1);
            holdFrom = from;
            SEEN.set(0);
        }

        @Override
        public String map(String record) throws Exception {
            if (SEEN.incrementAndGet() >= holdFrom) {
                firstRecord.countDown();
                release.await();
            }
            return record;
        }
    }

    private static String insertRows(String table, int from, int to) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (id, v) VALUES ");
        for (int id = from; id <= to; id++) {
            sql.append(id == from ? "" : ",").append("(").append(id).append(",'v").append(id);
            sql.append("')");
        }
        return sql.toString();
    }

    @Test
    void jobStoppedBeforeAReshardAndRestoredAfterIt(@TempDir Path savepoints) throws Exception {
        SavepointedJob.OUTPUT.clear();
        ChangeLoad load;
        String beforeSplit;
        try (SavepointedJob job = SavepointedJob.start(null, true)) {
            job.await(INITIAL_ROWS);
            load = load();
            Thread.sleep(2000);
            beforeSplit = job.stopWithSavepoint(savepoints);
        }
        // The keyspace is resharded while no job runs; the old shards stay (not serving).
        MultiProcessCluster.run(KEEP_OLD_SHARDS, 10, "reshard", "split");
        Thread.sleep(1000);
        String beforeMerge;
        try (SavepointedJob job = SavepointedJob.start(beforeSplit, true)) {
            Thread.sleep(3000);
            load.close();
            awaitTable(() -> rowsOf(SavepointedJob.OUTPUT));
            assertExactlyOnce(new ArrayList<>(SavepointedJob.OUTPUT), load);
            assertThat(shardsOf(SavepointedJob.OUTPUT)).containsAll(SPLIT);
            beforeMerge = job.stopWithSavepoint(savepoints);
        }

        // Merged again, and this time the four shards the savepoint reads are deleted.
        MultiProcessCluster.run(10, "reshard", "merge");
        try (SavepointedJob job = SavepointedJob.start(beforeMerge, false)) {
            Throwable failure = job.awaitFailure(Duration.ofMinutes(2));
            String message = ExceptionUtils.stringifyException(failure);
            assertThat(message)
                    .contains("no longer exists")
                    .contains("new snapshot ('initial' startup mode)")
                    .containsPattern("shard resharded/(-40|40-80|80-c0|c0-)");
        }
    }

    // ---------------------------------------------------------------------------------------

    private ChangeLoad load() throws Exception {
        return new ChangeLoad(cluster::connect, TABLE, IDS, table());
    }

    private PlanetScaleSource<RowData> source() {
        return source(cluster);
    }

    static PlanetScaleSource<RowData> source(MultiProcessCluster cluster) {
        return source(cluster, "PRIMARY");
    }

    /** Rows {@code (id, v, shard)} of the {@code items} table, read from this tablet type. */
    static PlanetScaleSource<RowData> source(MultiProcessCluster cluster, String tabletType) {
        List<RowDataDeserializationSchema.MetadataReader> shard =
                Collections.singletonList(change -> StringData.fromString(change.shard()));
        return SourceTestSupport.<RowData>connectedTo(cluster)
                .tableName(TABLE)
                .tabletType(tabletType)
                .startupMode(StartupMode.INITIAL)
                .deserializer(
                        new RowDataDeserializationSchema(
                                SourceTestSupport.ROW_TYPE,
                                shard,
                                InternalTypeInfo.of(ROW_WITH_SHARD),
                                ZoneOffset.UTC))
                .build();
    }

    private Map<Long, String> table() throws Exception {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = cluster.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, v FROM " + TABLE)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }

    /** Waits until the changelog applied to an empty table equals the table; returns the rows. */
    private List<RowData> awaitTable(Supplier<List<RowData>> output) throws Exception {
        Map<Long, String> expected = table();
        long deadline = System.currentTimeMillis() + 180_000;
        Map<Long, String> applied = new TreeMap<>();
        while (System.currentTimeMillis() < deadline) {
            applied = new TreeMap<>();
            for (RowData row : output.get()) {
                applyInOrder(applied, row);
            }
            if (applied.equals(expected)) {
                Thread.sleep(3000); // anything delivered late would be a repeat
                List<RowData> rows = output.get();
                applied = new TreeMap<>();
                for (RowData row : rows) {
                    applyInOrder(applied, row);
                }
                assertThat(applied).isEqualTo(expected);
                return rows;
            }
            Thread.sleep(500);
        }
        assertThat(applied).as("the changelog applied to an empty table").isEqualTo(expected);
        throw new AssertionError("unreachable");
    }

    /**
     * Applies a change, checking that it follows the key's previous one: a delete or an update's
     * before-image must carry the value the key holds, an insert must find no row. Changes of a key
     * that the reshard moved arriving out of order fail here even if later writes hide it.
     */
    private static void applyInOrder(Map<Long, String> table, RowData row) {
        long id = row.getLong(0);
        String v = row.isNullAt(1) ? null : row.getString(1).toString();
        switch (row.getRowKind()) {
            case INSERT:
                assertThat(table)
                        .as("insert of an existing row: %s", describe(row))
                        .doesNotContainKey(id);
                table.put(id, v);
                break;
            case UPDATE_AFTER:
                table.put(id, v);
                break;
            case UPDATE_BEFORE:
            case DELETE:
                assertThat(table.get(id)).as("out of order: %s", describe(row)).isEqualTo(v);
                table.remove(id);
                break;
            default:
                throw new IllegalStateException(row.toString());
        }
    }

    private static void assertExactlyOnce(List<String> records, ChangeLoad load) {
        // Without the shard: a change read from an old shard and again from a new one is a
        // repeat.
        Map<String, Integer> counts = new HashMap<>();
        for (String record : records) {
            counts.merge(record.substring(0, record.lastIndexOf('@')), 1, Integer::sum);
        }
        Map<String, Integer> repeated = new TreeMap<>();
        counts.forEach(
                (record, n) -> {
                    if (n > 1) {
                        repeated.put(record, n);
                    }
                });
        assertThat(repeated).as("changes delivered more than once").isEmpty();
        List<String> confirmed = load.confirmed();
        assertThat(confirmed).as("changes the load generator made").hasSizeGreaterThan(500);
        List<String> missing = new ArrayList<>();
        for (String change : confirmed) {
            if (!counts.containsKey(change)) {
                missing.add(change);
            }
        }
        assertThat(missing).as("committed changes that never arrived").isEmpty();
        for (long id = 1; id <= INITIAL_ROWS; id++) {
            assertThat(counts).containsKey("+I[" + id + ", v" + id + "]");
        }
    }

    /**
     * Every change exactly once, the changelog equal to the table, and records from the four shards
     * of the split and the two of the merge.
     */
    private void assertDelivered(CollectedOutput output, ChangeLoad load) throws Exception {
        List<String> records = describeAll(awaitTable(output::snapshot));
        assertExactlyOnce(records, load);
        assertThat(shardsOf(records)).containsAll(SPLIT).containsAll(MERGED);
    }

    private void awaitFailures(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (CutOverFailure.FAILURES.get() < n) {
            assertThat(System.currentTimeMillis())
                    .as("the task kill at cut-over %s", n)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    static String describe(RowData row) {
        return ChangelogCheck.describe(row) + "@" + row.getString(2);
    }

    private static List<String> describeAll(List<RowData> rows) {
        List<String> out = new ArrayList<>();
        for (RowData row : rows) {
            out.add(describe(row));
        }
        return out;
    }

    /** The shards that records (as {@link #describe} gives them) came from. */
    private static Set<String> shardsOf(List<String> records) {
        Set<String> shards = new TreeSet<>();
        for (String record : records) {
            shards.add(record.substring(record.lastIndexOf('@') + 1));
        }
        return shards;
    }

    private static List<RowData> rowsOf(List<String> records) {
        List<RowData> rows = new ArrayList<>();
        for (String record : records) {
            rows.add(parse(record));
        }
        return rows;
    }

    private static RowData parse(String record) {
        GenericRowData row = new GenericRowData(3);
        for (RowKind kind : RowKind.values()) {
            if (record.startsWith(kind.shortString())) {
                row.setRowKind(kind);
            }
        }
        int comma = record.indexOf(", ");
        row.setField(0, Long.parseLong(record.substring(3, comma)));
        String v = record.substring(comma + 2, record.lastIndexOf("]@"));
        row.setField(1, "null".equals(v) ? null : StringData.fromString(v));
        row.setField(2, StringData.fromString(record.substring(record.lastIndexOf('@') + 1)));
        return row;
    }

    /** Throws once per armed cut-over, on the first record of a new shard. */
    static final class CutOverFailure implements MapFunction<RowData, RowData> {
        static final AtomicInteger FAILURES = new AtomicInteger();
        private static volatile Set<String> armedShards = Set.of();
        private static volatile long minSeq;
        private static volatile int upTo;

        static void reset() {
            FAILURES.set(0);
            armedShards = Set.of();
            upTo = 0;
        }

        /**
         * Fails on the first record from one of these shards written at or after the given sequence
         * number, unless {@code upTo} failures happened already.
         */
        static void arm(Set<String> shards, long fromSeq, int failuresUpTo) {
            minSeq = fromSeq;
            upTo = failuresUpTo;
            armedShards = shards;
        }

        @Override
        public RowData map(RowData row) {
            int failures = FAILURES.get();
            if (failures < upTo
                    && armedShards.contains(row.getString(2).toString())
                    && !row.isNullAt(1)
                    && ChangeLoad.seqOf(row.getString(1).toString()) >= minSeq
                    // both subtasks may see a new shard's first record at once: one fails
                    && FAILURES.compareAndSet(failures, failures + 1)) {
                throw new RuntimeException("Injected failure at the cut-over: " + describe(row));
            }
            return row;
        }
    }

    /**
     * A job whose output goes to a static list (exactly once as long as it does not fail: stopped
     * with a savepoint, it emits nothing after the savepoint), so that a job restored from the
     * savepoint continues the same list.
     */
    static final class SavepointedJob implements AutoCloseable {
        static final List<String> OUTPUT = new CopyOnWriteArrayList<>();

        private final JobClient client;
        private boolean stopped;

        private SavepointedJob(JobClient client) {
            this.client = client;
        }

        static SavepointedJob start(String savepoint, boolean restarts) throws Exception {
            Configuration config = new Configuration();
            if (savepoint != null) {
                config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            }
            if (!restarts) {
                config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            }
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(config);
            env.setParallelism(2);
            env.enableCheckpointing(300);
            env.fromSource(
                            source(MultiProcessCluster.get()),
                            WatermarkStrategy.noWatermarks(),
                            "planetscale")
                    .uid("planetscale-source")
                    .map(new ToOutput())
                    .uid("to-output")
                    .sinkTo(new DiscardingSink<>());
            return new SavepointedJob(env.executeAsync("reshard-restore"));
        }

        void await(int records) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 180_000;
            while (OUTPUT.size() < records) {
                assertThat(client.getJobStatus().join().isGloballyTerminalState())
                        .as("job ended")
                        .isFalse();
                assertThat(System.currentTimeMillis())
                        .as("time for the snapshot")
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }

        String stopWithSavepoint(Path directory) throws Exception {
            String path =
                    client.stopWithSavepoint(
                                    false,
                                    directory.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get();
            stopped = true;
            return path;
        }

        Throwable awaitFailure(Duration timeout) throws Exception {
            try {
                client.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                stopped = true;
                return e;
            }
            throw new AssertionError("The job did not fail");
        }

        @Override
        public void close() throws Exception {
            if (!stopped) {
                client.cancel().get();
            }
        }
    }

    /** Keeps each record, as {@link #describe} gives it, in {@link SavepointedJob#OUTPUT}. */
    static final class ToOutput implements MapFunction<RowData, RowData> {
        @Override
        public RowData map(RowData row) {
            SavepointedJob.OUTPUT.add(describe(row));
            return row;
        }
    }
}
