package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.JournalKey;
import io.github.vstreamcdc.source.event.ShardFinishedEvent;
import io.github.vstreamcdc.source.split.KnownTableSchema;
import io.github.vstreamcdc.source.split.LastKeys;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The tracker alone: no Flink context, a clock the test sets. */
class ShardLineageTrackerTest {

    private static final List<String> OLD = Arrays.asList("-80", "80-");
    private static final List<String> NEW = Arrays.asList("-40", "40-80", "80-c0", "c0-");
    private static final Binlogdata.Journal SPLIT = ReshardLineageTest.journal(7, OLD, NEW);

    private final AtomicLong clock = new AtomicLong(1_000);

    private ShardLineageTracker tracker(PlanetScaleEnumeratorState state) {
        return new ShardLineageTracker(state, Duration.ofSeconds(60), clock::get);
    }

    private static ShardSplit split(String shard) {
        return new ShardSplit(
                "ks", shard, ShardPosition.of("MySQL56/u:1-5"), 0, false, Collections.emptyList());
    }

    /** A tracker whose readers read -80 and 80-. */
    private ShardLineageTracker reading() {
        ShardLineageTracker tracker = tracker(PlanetScaleEnumeratorState.empty());
        tracker.discovered(Arrays.asList(split("-80"), split("80-")));
        tracker.assigned("ks/-80");
        tracker.assigned("ks/80-");
        return tracker;
    }

    private static List<String> ids(List<ShardSplit> splits) {
        return splits.stream()
                .map(ShardSplit::splitId)
                .collect(java.util.stream.Collectors.toList());
    }

    @Test
    void discoveryKeepsNewShardsAndLeavesReshardChildrenToTheirJournal() {
        ShardLineageTracker tracker = tracker(PlanetScaleEnumeratorState.empty());
        assertThat(tracker.initialDiscoveryDone()).isFalse();
        assertThat(tracker.newShards("ks", OLD)).containsExactlyElementsOf(OLD);
        tracker.discovered(Arrays.asList(split("-80"), split("80-")));
        assertThat(tracker.initialDiscoveryDone()).isTrue();
        assertThat(ids(tracker.unassigned())).containsExactly("ks/-80", "ks/80-");

        // Known shards, and shards overlapping known ones (a reshard's), are not new.
        assertThat(tracker.newShards("ks", Arrays.asList("-80", "-40", "40-80"))).isEmpty();
        assertThat(tracker.newShards("other", Arrays.asList("-80"))).containsExactly("-80");
        // Checked again when positioned: the journal may have started the shard meanwhile.
        tracker.discovered(Collections.singletonList(split("-40")));
        assertThat(ids(tracker.unassigned())).containsExactly("ks/-80", "ks/80-");
    }

    @Test
    void childrenStartWhenACheckpointAfterTheLastReportCompletes() {
        ShardLineageTracker tracker = reading();
        assertThat(tracker.shardFinished(0, "ks/-80", SPLIT)).isTrue();
        tracker.snapshot(1);
        assertThat(tracker.shardFinished(1, "ks/80-", SPLIT)).isTrue();
        // Checkpoint 1 holds only the first report.
        assertThat(tracker.checkpointComplete(1))
                .extracting(a -> a.reader + " " + a.event.splitId())
                .containsExactly("0 ks/-80");
        assertThat(tracker.unassigned()).isEmpty();

        tracker.snapshot(2);
        List<ShardLineageTracker.Ack> acks = tracker.checkpointComplete(2);
        assertThat(acks)
                .extracting(a -> a.reader + " " + a.event.splitId())
                .containsExactly("1 ks/80-");
        assertThat(acks.get(0).event.journalKey()).isEqualTo(JournalKey.of(SPLIT).toString());
        List<ShardSplit> children = tracker.unassigned();
        assertThat(ids(children)).containsExactly("ks/-40", "ks/40-80", "ks/80-c0", "ks/c0-");
        for (ShardSplit child : children) {
            assertThat(child.position().gtid()).isEqualTo("MySQL56/uuid-" + child.shard() + ":1-7");
            assertThat(child.parentShards()).containsExactly("ks/-80", "ks/80-");
        }
        PlanetScaleEnumeratorState state = tracker.snapshot(3);
        assertThat(state.finished()).containsExactlyInAnyOrder("ks/-80", "ks/80-");
        assertThat(state.pendingJournals()).isEmpty();
        assertThat(state.resolvedJournals()).containsExactly(JournalKey.of(SPLIT));
        // Nothing more to acknowledge or start.
        assertThat(tracker.checkpointComplete(3)).isEmpty();
    }

    /** A reader's report, through Java serialization as a SourceEvent goes. */
    private static void report(ShardLineageTracker tracker, int reader, ShardFinishedEvent event)
            throws Exception {
        tracker.shardFinished(reader, InstantiationUtil.clone(event));
    }

    /** A tracker restored from the state, through the state serializer. */
    private ShardLineageTracker restoredFrom(PlanetScaleEnumeratorState state) throws Exception {
        PlanetScaleEnumeratorStateSerializer serializer =
                new PlanetScaleEnumeratorStateSerializer();
        return tracker(
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state)));
    }

    @Test
    void newShardsStartKnowingTheSchemasTheOldShardsKnewAcrossARestore() throws Exception {
        KnownTableSchema orders =
                KnownTableSchema.of(
                        Collections.singletonList(
                                Query.Field.newBuilder()
                                        .setName("id")
                                        .setType(Query.Type.INT64)
                                        .build()));
        KnownTableSchema items = KnownTableSchema.UNKNOWN.withDdl("ALTER TABLE items ADD c INT");
        // Each old shard knows a table the other does not (it has not seen it yet).
        Map<String, KnownTableSchema> first = Collections.singletonMap("orders", orders);
        Map<String, KnownTableSchema> second = Collections.singletonMap("items", items);
        Map<String, KnownTableSchema> both = new TreeMap<>(first);
        both.putAll(second);

        ShardLineageTracker tracker = reading();
        report(
                tracker,
                0,
                new ShardFinishedEvent("ks/-80", SPLIT, null, first, Collections.emptySet(), null));
        tracker.snapshot(1);
        // The first report is acknowledged: its reader no longer holds -80 and its schemas.
        assertThat(tracker.checkpointComplete(1)).hasSize(1);
        PlanetScaleEnumeratorState state = tracker.snapshot(2);
        assertThat(state.parentSchemas()).containsOnlyKeys("ks/-80");

        ShardLineageTracker restored = restoredFrom(state);
        report(
                restored,
                1,
                new ShardFinishedEvent(
                        "ks/80-", SPLIT, null, second, Collections.emptySet(), null));
        restored.snapshot(3);
        restored.checkpointComplete(3);
        List<ShardSplit> children = restored.unassigned();
        assertThat(children).hasSize(4);
        for (ShardSplit child : children) {
            assertThat(child.schemas()).isEqualTo(both);
        }
        // Handed over: the state no longer keeps them.
        assertThat(restored.snapshot(4).parentSchemas()).isEmpty();
    }

    @Test
    void newShardsStartWithTheTablesTheirOldShardReadAcrossARestore() throws Exception {
        // -80 ended before the source's new table "orders" reached it, 80- before "items".
        Set<String> first = new TreeSet<>(Arrays.asList("customers", "items", "tags"));
        Set<String> second = new TreeSet<>(Arrays.asList("customers", "orders", "tags"));
        ShardLineageTracker tracker = reading();
        report(
                tracker,
                0,
                new ShardFinishedEvent("ks/-80", SPLIT, null, Collections.emptyMap(), first, null));
        tracker.snapshot(1);
        assertThat(tracker.checkpointComplete(1)).hasSize(1);
        PlanetScaleEnumeratorState state = tracker.snapshot(2);
        assertThat(state.parentTables()).containsOnlyKeys("ks/-80");

        ShardLineageTracker restored = restoredFrom(state);
        report(
                restored,
                1,
                new ShardFinishedEvent(
                        "ks/80-", SPLIT, null, Collections.emptyMap(), second, null));
        restored.snapshot(3);
        restored.checkpointComplete(3);
        // Each new shard gets its own old shard's tables (its reader adds and copies the other).
        Map<String, Set<String>> tables = new TreeMap<>();
        restored.unassigned().forEach(child -> tables.put(child.shard(), child.tables()));
        Map<String, Set<String>> expected = new TreeMap<>();
        expected.put("-40", first);
        expected.put("40-80", first);
        expected.put("80-c0", second);
        expected.put("c0-", second);
        assertThat(tables).isEqualTo(expected);
        assertThat(restored.snapshot(4).parentTables()).isEmpty();
    }

    private static Binlogdata.TableLastPK lastKey(String table, long id) {
        return LastKeys.of(table, id);
    }

    private static ShardPosition copying(
            String gtid, List<Binlogdata.TableLastPK> keys, String... remaining) {
        return new ShardPosition(gtid, keys, new LinkedHashSet<>(Arrays.asList(remaining)));
    }

    private static ShardFinishedEvent endedCopying(
            String splitId, Binlogdata.Journal journal, ShardPosition copy) {
        return new ShardFinishedEvent(
                splitId,
                journal,
                null,
                Collections.emptyMap(),
                new TreeSet<>(Arrays.asList("items", "orders")),
                copy);
    }

    private static Map<String, ShardPosition> positions(List<ShardSplit> splits) {
        Map<String, ShardPosition> positions = new TreeMap<>();
        splits.forEach(split -> positions.put(split.shard(), split.position()));
        return positions;
    }

    @Test
    void newShardsCopyOnFromWhereTheirOldShardGotAcrossARestore() throws Exception {
        // -80 had copied items up to id 5 (orders not begun), 80- had copied items (orders not
        // begun): the journal of the split cut both copies short.
        ShardLineageTracker tracker = reading();
        report(
                tracker,
                0,
                endedCopying(
                        "ks/-80",
                        SPLIT,
                        copying(
                                "MySQL56/u:1-5",
                                Collections.singletonList(lastKey("items", 5)),
                                "items",
                                "orders")));
        tracker.snapshot(1);
        assertThat(tracker.checkpointComplete(1)).hasSize(1);
        PlanetScaleEnumeratorState state = tracker.snapshot(2);
        assertThat(state.parentCopies()).containsOnlyKeys("ks/-80");

        ShardLineageTracker restored = restoredFrom(state);
        report(
                restored,
                1,
                endedCopying(
                        "ks/80-",
                        SPLIT,
                        copying("MySQL56/u:1-5", Collections.emptyList(), "orders")));
        restored.snapshot(3);
        restored.checkpointComplete(3);

        Map<String, ShardPosition> expected = new TreeMap<>();
        for (String shard : Arrays.asList("-40", "40-80")) {
            expected.put(
                    shard,
                    copying(
                            "MySQL56/uuid-" + shard + ":1-7",
                            Collections.singletonList(lastKey("items", 5)),
                            "items",
                            "orders"));
        }
        for (String shard : Arrays.asList("80-c0", "c0-")) {
            expected.put(
                    shard,
                    copying("MySQL56/uuid-" + shard + ":1-7", Collections.emptyList(), "orders"));
        }
        assertThat(positions(restored.unassigned())).isEqualTo(expected);
        assertThat(restored.snapshot(4).parentCopies()).isEmpty();
    }

    @Test
    void aMergedShardCopiesATableFromTheOneKeyItsOldShardsReachedOrFromItsStart() {
        ShardLineageTracker tracker = tracker(PlanetScaleEnumeratorState.empty());
        tracker.discovered(NEW.stream().map(ShardLineageTrackerTest::split).collect(toList()));
        NEW.forEach(shard -> tracker.assigned("ks/" + shard));
        Binlogdata.Journal merge = ReshardLineageTest.journal(9, NEW, OLD);
        String at = "MySQL56/u:1-5";
        // Into -80: items copied to different keys. Into 80-: one old shard done, one at key 5.
        tracker.shardFinished(
                0,
                endedCopying(
                        "ks/-40",
                        merge,
                        copying(at, Collections.singletonList(lastKey("items", 5)), "items")));
        tracker.shardFinished(
                1,
                endedCopying(
                        "ks/40-80",
                        merge,
                        copying(at, Collections.singletonList(lastKey("items", 9)), "items")));
        tracker.shardFinished(2, endedCopying("ks/80-c0", merge, null));
        tracker.shardFinished(
                3,
                endedCopying(
                        "ks/c0-",
                        merge,
                        copying(at, Collections.singletonList(lastKey("items", 5)), "items")));
        tracker.snapshot(1);
        tracker.checkpointComplete(1);

        assertThat(positions(tracker.unassigned()))
                .containsExactly(
                        entry(
                                "-80",
                                copying("MySQL56/uuid--80:1-9", Collections.emptyList(), "items")),
                        entry(
                                "80-",
                                copying(
                                        "MySQL56/uuid-80-:1-9",
                                        Collections.singletonList(lastKey("items", 5)),
                                        "items")));
    }

    @Test
    void aMergedShardReadsTheTablesOfItsOldShardsAndCopiesThoseOneOfThemDidNotRead() {
        Map<String, List<String>> read = new TreeMap<>();
        read.put("-40", Arrays.asList("items", "tags"));
        read.put("40-80", Arrays.asList("orders", "tags"));
        read.put("80-c0", Arrays.asList("items", "tags"));
        read.put("c0-", Arrays.asList("items", "tags"));
        ShardLineageTracker tracker = mergedAfterReading(read);

        Map<String, Set<String>> tables = new TreeMap<>();
        tracker.unassigned().forEach(child -> tables.put(child.shard(), child.tables()));
        Map<String, Set<String>> expected = new TreeMap<>();
        expected.put("-80", new TreeSet<>(Arrays.asList("items", "orders", "tags")));
        expected.put("80-", new TreeSet<>(Arrays.asList("items", "tags")));
        assertThat(tables).isEqualTo(expected);
        // -40 did not read orders, 40-80 not items: their rows of those key ranges are copied.
        assertThat(positions(tracker.unassigned()))
                .containsExactly(
                        entry(
                                "-80",
                                copying(
                                        "MySQL56/uuid--80:1-9",
                                        Collections.emptyList(),
                                        "items",
                                        "orders")),
                        entry("80-", ShardPosition.of("MySQL56/uuid-80-:1-9")));
    }

    @Test
    void aMergedShardCopiesTheTablesOfOldShardsThatReadNoTableInCommon() {
        // A one-table selection whose table was renamed while the reshard cut over: a new shard
        // that read neither would lose the old rows of both.
        Map<String, List<String>> read = new TreeMap<>();
        read.put("-40", Collections.singletonList("items"));
        read.put("40-80", Collections.singletonList("items_v2"));
        read.put("80-c0", Collections.singletonList("items"));
        read.put("c0-", Collections.singletonList("items"));
        ShardLineageTracker tracker = mergedAfterReading(read);

        Map<String, ShardSplit> children = new TreeMap<>();
        tracker.unassigned().forEach(child -> children.put(child.shard(), child));
        assertThat(children.get("-80").tables()).containsExactly("items", "items_v2");
        assertThat(children.get("-80").position())
                .isEqualTo(
                        copying(
                                "MySQL56/uuid--80:1-9",
                                Collections.emptyList(),
                                "items",
                                "items_v2"));
        assertThat(children.get("80-").tables()).containsExactly("items");
        assertThat(children.get("80-").position())
                .isEqualTo(ShardPosition.of("MySQL56/uuid-80-:1-9"));
    }

    /** The four old shards merged into two, each having read these tables, the new ones due. */
    private ShardLineageTracker mergedAfterReading(Map<String, List<String>> read) {
        ShardLineageTracker tracker = tracker(PlanetScaleEnumeratorState.empty());
        tracker.discovered(NEW.stream().map(ShardLineageTrackerTest::split).collect(toList()));
        NEW.forEach(shard -> tracker.assigned("ks/" + shard));
        Binlogdata.Journal merge = ReshardLineageTest.journal(9, NEW, OLD);
        read.forEach(
                (shard, tables) ->
                        tracker.shardFinished(
                                0,
                                new ShardFinishedEvent(
                                        "ks/" + shard,
                                        merge,
                                        null,
                                        Collections.emptyMap(),
                                        new TreeSet<>(tables),
                                        null)));
        tracker.snapshot(1);
        tracker.checkpointComplete(1);
        return tracker;
    }

    @Test
    void newShardsWhoseOldShardDidNotTellItsTablesGetNone() {
        ShardLineageTracker tracker = reading();
        tracker.shardFinished(
                0,
                new ShardFinishedEvent(
                        "ks/-80",
                        SPLIT,
                        null,
                        Collections.emptyMap(),
                        Collections.singleton("orders"),
                        null));
        tracker.shardFinished(1, "ks/80-", SPLIT);
        tracker.snapshot(1);
        tracker.checkpointComplete(1);
        // Those of 80- are left to the enumerator, which gives them the source's tables (as
        // before version 6).
        Map<String, Set<String>> tables = new TreeMap<>();
        tracker.unassigned().forEach(child -> tables.put(child.shard(), child.tables()));
        Map<String, Set<String>> expected = new TreeMap<>();
        expected.put("-40", Collections.singleton("orders"));
        expected.put("40-80", Collections.singleton("orders"));
        expected.put("80-c0", Collections.emptySet());
        expected.put("c0-", Collections.emptySet());
        assertThat(tables).isEqualTo(expected);
    }

    @Test
    void newShardsOfAJournalWithoutSchemasKnowNone() {
        ShardLineageTracker tracker = reading();
        tracker.shardFinished(0, "ks/-80", SPLIT);
        tracker.shardFinished(1, "ks/80-", SPLIT);
        tracker.snapshot(1);
        tracker.checkpointComplete(1);
        assertThat(tracker.unassigned()).hasSize(4).allMatch(child -> child.schemas().isEmpty());
    }

    @Test
    void aJournalCompleteInTheRestoredCheckpointStartsAtOnce() {
        ShardLineageTracker tracker =
                tracker(
                        new PlanetScaleEnumeratorState(
                                Collections.emptyList(),
                                Collections.emptySet(),
                                new HashSet<>(Arrays.asList("ks/-80", "ks/80-")),
                                true,
                                Collections.singletonList(SPLIT),
                                Collections.emptySet()));
        assertThat(tracker.unassigned()).isEmpty();
        tracker.startJournalsCompleteAtRestore();
        assertThat(tracker.unassigned()).hasSize(4);
    }

    @Test
    void withoutCheckpointsChildrenStartAfterTheWait() {
        ShardLineageTracker tracker = reading();
        tracker.shardFinished(0, "ks/-80", SPLIT);
        tracker.shardFinished(0, "ks/80-", SPLIT);
        clock.addAndGet(59_999);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isFalse();
        clock.addAndGet(1);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isTrue();
        assertThat(tracker.unassigned()).hasSize(4);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isFalse();
    }

    @Test
    void aCheckpointingJobAlwaysWaitsForTheCheckpoint() {
        ShardLineageTracker tracker = reading();
        tracker.snapshot(1);
        tracker.checkpointComplete(1);
        tracker.shardFinished(0, "ks/-80", SPLIT);
        tracker.shardFinished(0, "ks/80-", SPLIT);
        tracker.snapshot(2);
        clock.addAndGet(3_600_000);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isFalse();
        assertThat(tracker.unassigned()).isEmpty();
        tracker.checkpointComplete(2);
        assertThat(tracker.unassigned()).hasSize(4);
    }

    @Test
    void aJobThatTakesOnlySavepointsStartsChildrenAfterTheFirstCheckpointWait() {
        // Flink snapshots the enumerator for a savepoint but never confirms it.
        ShardLineageTracker tracker = reading();
        tracker.snapshot(1);
        tracker.shardFinished(0, "ks/-80", SPLIT);
        tracker.shardFinished(0, "ks/80-", SPLIT);
        tracker.snapshot(2);
        long wait = PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMillis();
        clock.addAndGet(wait - 1);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isFalse();
        // Another snapshot (a checkpoint attempt that may yet complete): the wait starts anew.
        tracker.snapshot(3);
        clock.addAndGet(wait - 1);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isFalse();
        clock.addAndGet(1);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isTrue();
        assertThat(tracker.unassigned()).hasSize(4);
    }

    @Test
    void aRestoredJobThatTakesNoCheckpointStartsChildrenAfterTheLongerWait() throws Exception {
        ShardLineageTracker before = reading();
        ShardLineageTracker tracker = restoredFrom(before.snapshot(1));
        tracker.startJournalsCompleteAtRestore();
        tracker.shardFinished(0, "ks/-80", SPLIT);
        tracker.shardFinished(0, "ks/80-", SPLIT);
        // Restored from a checkpoint, the job counts as checkpointing: 60 s are not enough.
        clock.addAndGet(PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMillis() - 1);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isFalse();
        assertThat(tracker.unassigned()).isEmpty();
        // Restored from a savepoint into a job without checkpoints: no longer waits for ever.
        clock.addAndGet(1);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isTrue();
        assertThat(tracker.unassigned()).hasSize(4);
    }

    @Test
    void aRestoredJobThatCheckpointsWaitsForTheCheckpoint() throws Exception {
        ShardLineageTracker tracker = restoredFrom(reading().snapshot(1));
        tracker.startJournalsCompleteAtRestore();
        tracker.snapshot(2);
        tracker.checkpointComplete(2);
        tracker.shardFinished(0, "ks/-80", SPLIT);
        tracker.shardFinished(0, "ks/80-", SPLIT);
        tracker.snapshot(3);
        clock.addAndGet(3_600_000);
        assertThat(tracker.startChildrenWithoutCheckpoints()).isFalse();
        assertThat(tracker.unassigned()).isEmpty();
        tracker.checkpointComplete(3);
        assertThat(tracker.unassigned()).hasSize(4);
    }

    @Test
    void aLateReportForANameAMergeReusedLeavesTheLiveShard() {
        ShardLineageTracker tracker = reading();
        tracker.shardFinished(0, "ks/-80", SPLIT);
        tracker.shardFinished(1, "ks/80-", SPLIT);
        tracker.snapshot(1);
        tracker.checkpointComplete(1);
        NEW.forEach(shard -> tracker.assigned("ks/" + shard));
        Binlogdata.Journal merge = ReshardLineageTest.journal(7, NEW, OLD);
        NEW.forEach(shard -> tracker.shardFinished(0, "ks/" + shard, merge));
        tracker.snapshot(2);
        tracker.checkpointComplete(2);
        assertThat(ids(tracker.unassigned())).containsExactly("ks/-80", "ks/80-");
        assertThat(tracker.unassigned()).allMatch(s -> s.parentShards().size() == 4);
        tracker.assigned("ks/-80");

        // The old -80's report again (its reader restored from an old checkpoint).
        assertThat(tracker.shardFinished(1, "ks/-80", SPLIT)).isFalse();
        PlanetScaleEnumeratorState state = tracker.snapshot(3);
        assertThat(state.assigned()).contains("ks/-80");
        assertThat(state.finished()).doesNotContain("ks/-80");
        assertThat(state.pendingJournals()).isEmpty();
        // Still acknowledged, so that the reader drops it.
        assertThat(tracker.checkpointComplete(3))
                .extracting(a -> a.reader + " " + a.event.splitId())
                .containsExactly("1 ks/-80");
    }

    @Test
    void aReaderResetBeforeACheckpointHeldItsReportHoldsTheNewShardsBackUntilItReportsAgain() {
        ShardLineageTracker tracker = reading();
        tracker.snapshot(1);
        tracker.checkpointComplete(1);
        tracker.shardFinished(1, "ks/80-", SPLIT);
        tracker.shardFinished(0, "ks/-80", SPLIT);
        // Reader 0 fails before a checkpoint holds its report; the enumerator keeps running and
        // reader 0 goes back to checkpoint 1, where it still reads -80.
        tracker.readerReset(0);
        tracker.returned(Collections.emptyList());
        tracker.snapshot(2);
        assertThat(tracker.checkpointComplete(2))
                .extracting(a -> a.reader + " " + a.event.splitId())
                .as("reader 1's report stands")
                .containsExactly("1 ks/80-");
        assertThat(tracker.unassigned()).as("-80's end is read again first").isEmpty();
        PlanetScaleEnumeratorState state = tracker.snapshot(3);
        assertThat(state.assigned()).containsExactly("ks/-80");
        assertThat(state.finished()).containsExactly("ks/80-");
        assertThat(tracker.newShards("ks", Collections.singletonList("-80")))
                .as("not a shard to start from the startup position")
                .isEmpty();

        tracker.shardFinished(0, "ks/-80", SPLIT);
        tracker.checkpointComplete(3);
        assertThat(tracker.unassigned()).as("not before a checkpoint after the report").isEmpty();
        tracker.snapshot(4);
        tracker.checkpointComplete(4);
        assertThat(ids(tracker.unassigned()))
                .containsExactly("ks/-40", "ks/40-80", "ks/80-c0", "ks/c0-");
    }

    @Test
    void aReaderResetKeepsReportsOfJournalsWhoseNewShardsStarted() {
        ShardLineageTracker tracker = reading();
        tracker.shardFinished(0, "ks/-80", SPLIT);
        tracker.shardFinished(1, "ks/80-", SPLIT);
        tracker.snapshot(1);
        tracker.checkpointComplete(1);
        assertThat(tracker.unassigned()).hasSize(4);
        tracker.readerReset(0);
        assertThat(tracker.snapshot(2).finished()).containsExactlyInAnyOrder("ks/-80", "ks/80-");
    }

    @Test
    void aReaderResetTakesBackItsChunkAndStopReportsThatNoCheckpointHolds() {
        ShardLineageTracker tracker = reading();
        tracker.shardFinished(0, "ks/-80#t#0", null);
        tracker.snapshot(1);
        tracker.checkpointComplete(1);
        tracker.shardFinished(0, "ks/-80#t#1", null);
        tracker.shardFinished(1, "ks/80-#t#0", null);
        assertThat(tracker.readerReset(0))
                .as("only reader 0's report after the completed checkpoint")
                .containsExactly("ks/-80#t#1");
        PlanetScaleEnumeratorState state = tracker.snapshot(2);
        assertThat(state.finished()).containsExactlyInAnyOrder("ks/-80#t#0", "ks/80-#t#0");
        assertThat(state.assigned()).contains("ks/-80#t#1");
    }

    @Test
    void returnedSplitsWaitForAReaderAgain() {
        ShardLineageTracker tracker = reading();
        ShardSplit progressed = split("-80").withPosition(ShardPosition.of("MySQL56/u:1-9"), 2);
        tracker.returned(Collections.singletonList(progressed));
        assertThat(tracker.unassigned()).containsExactly(progressed);
        PlanetScaleEnumeratorState state = tracker.snapshot(1);
        assertThat(state.assigned()).containsExactly("ks/80-");
        assertThat(state.unassigned()).containsExactly(progressed);
    }
}
