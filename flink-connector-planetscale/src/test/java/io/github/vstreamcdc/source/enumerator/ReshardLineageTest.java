package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.JournalKey;
import io.github.vstreamcdc.source.event.RestoredSplitsEvent;
import io.github.vstreamcdc.source.event.ShardFinishedAck;
import io.github.vstreamcdc.source.event.ShardFinishedEvent;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The enumerator's reshard lineage: children start only after all their parents finished. */
class ReshardLineageTest {

    private static final List<String> OLD = Arrays.asList("-80", "80-");
    private static final List<String> NEW = Arrays.asList("-40", "40-80", "80-c0", "c0-");

    static Binlogdata.Journal journal(long id, List<String> from, List<String> to) {
        Binlogdata.Journal.Builder journal =
                Binlogdata.Journal.newBuilder()
                        .setId(id)
                        .setMigrationType(Binlogdata.MigrationType.SHARDS);
        for (String shard : from) {
            journal.addParticipants(
                    Binlogdata.KeyspaceShard.newBuilder().setKeyspace("ks").setShard(shard));
        }
        for (String shard : to) {
            journal.addShardGtids(
                    Binlogdata.ShardGtid.newBuilder()
                            .setKeyspace("ks")
                            .setShard(shard)
                            .setGtid("MySQL56/uuid-" + shard + ":1-" + id));
        }
        return journal.build();
    }

    /** Discovery that returns whatever shards the test says the keyspace has now. */
    private static TestShards shards() {
        return new TestShards("ks", ShardPosition.of("MySQL56/u:1-5"), OLD.toArray(new String[0]));
    }

    private static PlanetScaleSourceEnumerator started(
            MockSplitEnumeratorContext<ShardSplit> context,
            TestShards shards,
            PlanetScaleEnumeratorState state)
            throws Throwable {
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context, shards, Boundedness.CONTINUOUS_UNBOUNDED, null, state);
        enumerator.start();
        for (int reader = 0; reader < context.currentParallelism(); reader++) {
            context.registerReader(new ReaderInfo(reader, "host"));
            enumerator.addReader(reader);
            // As every reader does when it starts: the splits of its restored state (none).
            enumerator.handleSourceEvent(reader, new RestoredSplitsEvent(0));
        }
        if (!state.initialDiscoveryDone()) {
            TestShards.runDiscovery(context);
        }
        return enumerator;
    }

    private static Map<String, Integer> owners(MockSplitEnumeratorContext<ShardSplit> context) {
        Map<String, Integer> owners = new HashMap<>();
        context.getSplitsAssignmentSequence()
                .forEach(
                        a ->
                                a.assignment()
                                        .forEach(
                                                (reader, splits) ->
                                                        splits.forEach(
                                                                s ->
                                                                        owners.put(
                                                                                s.splitId(),
                                                                                reader))));
        return owners;
    }

    private static Map<String, ShardSplit> assigned(
            MockSplitEnumeratorContext<ShardSplit> context) {
        Map<String, ShardSplit> splits = new HashMap<>();
        context.getSplitsAssignmentSequence()
                .forEach(
                        a ->
                                a.assignment()
                                        .values()
                                        .forEach(l -> l.forEach(s -> splits.put(s.splitId(), s))));
        return splits;
    }

    /** A checkpoint: the enumerator's snapshot, then its completion. */
    private static void checkpoint(PlanetScaleSourceEnumerator enumerator, long id) {
        enumerator.snapshotState(id);
        enumerator.notifyCheckpointComplete(id);
    }

    @Test
    void childrenStartOnlyWhenEveryParentFinishedOnAnyReader() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator =
                started(context, shards(), PlanetScaleEnumeratorState.empty());
        Map<String, Integer> owners = owners(context);
        assertThat(owners).containsOnlyKeys("ks/-80", "ks/80-");
        assertThat(owners.get("ks/-80")).isNotEqualTo(owners.get("ks/80-"));

        Binlogdata.Journal split = journal(7, OLD, NEW);
        enumerator.handleSourceEvent(owners.get("ks/-80"), new ShardFinishedEvent("ks/-80", split));
        assertThat(assigned(context)).hasSize(2);

        // A checkpoint whose snapshot was taken before the last report starts nothing.
        enumerator.snapshotState(1);
        enumerator.handleSourceEvent(owners.get("ks/80-"), new ShardFinishedEvent("ks/80-", split));
        enumerator.notifyCheckpointComplete(1);
        assertThat(assigned(context)).hasSize(2);
        // The next one does: the old shards' last changes have passed it downstream.
        checkpoint(enumerator, 2);
        // Each reader learns that a completed checkpoint holds its report.
        Map<Integer, List<SourceEvent>> sent = context.getSentSourceEvent();
        assertThat(sent.get(owners.get("ks/-80")))
                .filteredOn(e -> e instanceof ShardFinishedAck)
                .extracting(e -> ((ShardFinishedAck) e).splitId())
                .containsExactly("ks/-80");
        assertThat(sent.get(owners.get("ks/80-")))
                .filteredOn(e -> e instanceof ShardFinishedAck)
                .extracting(e -> ((ShardFinishedAck) e).splitId())
                .containsExactly("ks/80-");
        Map<String, ShardSplit> all = assigned(context);
        assertThat(all).containsKeys("ks/-40", "ks/40-80", "ks/80-c0", "ks/c0-");
        for (String shard : NEW) {
            ShardSplit child = all.get("ks/" + shard);
            assertThat(child.position().gtid()).isEqualTo("MySQL56/uuid-" + shard + ":1-7");
            assertThat(child.position().isCopying()).isFalse();
            assertThat(child.parentShards()).containsExactly("ks/-80", "ks/80-");
        }
        // Balanced: two new shards per reader.
        Map<Integer, Integer> perReader = new HashMap<>();
        owners(context)
                .forEach(
                        (id, reader) -> {
                            if (NEW.contains(id.substring(3))) {
                                perReader.merge(reader, 1, Integer::sum);
                            }
                        });
        assertThat(perReader).containsEntry(0, 2).containsEntry(1, 2);
        PlanetScaleEnumeratorState state = enumerator.snapshotState(3);
        assertThat(state.finished()).containsExactlyInAnyOrder("ks/-80", "ks/80-");
        assertThat(state.pendingJournals()).isEmpty();
    }

    @Test
    void duplicateAndOutOfOrderReportsStartChildrenOnce() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator enumerator =
                started(context, shards(), PlanetScaleEnumeratorState.empty());
        Binlogdata.Journal split = journal(7, OLD, NEW);
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/80-", split));
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/80-", split));
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", split));
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", split));
        checkpoint(enumerator, 1);
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", split));
        checkpoint(enumerator, 2);
        int assignments = 0;
        for (var a : context.getSplitsAssignmentSequence()) {
            for (List<ShardSplit> splits : a.assignment().values()) {
                assignments += splits.size();
            }
        }
        assertThat(assignments).isEqualTo(2 + 4);
    }

    @Test
    void pendingJournalSurvivesARestoreAndMergeFollowsSplit() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator =
                started(context, shards(), PlanetScaleEnumeratorState.empty());
        Binlogdata.Journal split = journal(7, OLD, NEW);
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", split));
        PlanetScaleEnumeratorStateSerializer serializer =
                new PlanetScaleEnumeratorStateSerializer();
        PlanetScaleEnumeratorState state =
                serializer.deserialize(
                        serializer.getVersion(), serializer.serialize(enumerator.snapshotState(3)));
        assertThat(state.pendingJournals()).containsExactly(split);

        // Restored: the other parent's report (re-sent by its reader after the restore) arrives.
        MockSplitEnumeratorContext<ShardSplit> restoredContext =
                new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator restored = started(restoredContext, shards(), state);
        restored.handleSourceEvent(1, new ShardFinishedEvent("ks/80-", split));
        checkpoint(restored, 10);
        assertThat(assigned(restoredContext))
                .containsOnlyKeys("ks/-40", "ks/40-80", "ks/80-c0", "ks/c0-");

        // And back: the four merge into two, reported in reverse order.
        // Same journal id as the split (Vitess derives it from the workflow name).
        Binlogdata.Journal merge = journal(7, NEW, OLD);
        for (int i = NEW.size() - 1; i >= 0; i--) {
            assertThat(assigned(restoredContext)).doesNotContainKey("ks/80-").hasSize(4);
            restored.handleSourceEvent(i % 2, new ShardFinishedEvent("ks/" + NEW.get(i), merge));
        }
        checkpoint(restored, 11);
        // The merged shards reuse the names of the shards split earlier: they start anew, from
        // the merge journal's positions.
        List<ShardSplit> merged = new ArrayList<>();
        for (var a : restoredContext.getSplitsAssignmentSequence()) {
            a.assignment()
                    .values()
                    .forEach(
                            l ->
                                    l.stream()
                                            .filter(s -> OLD.contains(s.shard()))
                                            .forEach(merged::add));
        }
        assertThat(merged)
                .extracting(s -> s.position().gtid())
                .containsExactlyInAnyOrder("MySQL56/uuid--80:1-7", "MySQL56/uuid-80-:1-7");
        assertThat(merged).allMatch(s -> s.parentShards().size() == 4);
        PlanetScaleEnumeratorState after = restored.snapshotState(12);
        assertThat(after.assigned()).containsExactlyInAnyOrder("ks/-80", "ks/80-");
        assertThat(after.resolvedJournals())
                .containsExactlyInAnyOrder(JournalKey.of(split), JournalKey.of(merge));
        // A late re-report of the first -80 (its name reused by the merge) leaves the new -80 be.
        restored.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", split));
        assertThat(restored.snapshotState(12).assigned()).contains("ks/-80");
        assertThat(restored.snapshotState(12).finished()).doesNotContain("ks/-80");
        // A late duplicate report of the split journal starts nothing again.
        restored.handleSourceEvent(0, new ShardFinishedEvent("ks/-40", split));
        checkpoint(restored, 13);
        assertThat(restored.snapshotState(14).unassigned()).isEmpty();
        assertThat(restored.snapshotState(14).pendingJournals()).isEmpty();

        // The same workflow splits again: same journal id, same participants, new positions.
        Binlogdata.Journal.Builder again = journal(7, OLD, NEW).toBuilder().clearShardGtids();
        for (String shard : NEW) {
            again.addShardGtids(
                    Binlogdata.ShardGtid.newBuilder()
                            .setKeyspace("ks")
                            .setShard(shard)
                            .setGtid("MySQL56/uuid-" + shard + ":1-99"));
        }
        Binlogdata.Journal splitAgain = again.build();
        restored.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", splitAgain));
        restored.handleSourceEvent(1, new ShardFinishedEvent("ks/80-", splitAgain));
        checkpoint(restored, 15);
        List<ShardSplit> secondSplit = new ArrayList<>();
        for (var a : restoredContext.getSplitsAssignmentSequence()) {
            a.assignment()
                    .values()
                    .forEach(
                            l ->
                                    l.stream()
                                            .filter(s -> s.position().gtid().endsWith(":1-99"))
                                            .forEach(secondSplit::add));
        }
        assertThat(secondSplit)
                .extracting(ShardSplit::shard)
                .containsExactlyInAnyOrderElementsOf(NEW);
    }

    @Test
    void aJournalCompleteInTheRestoredCheckpointStartsItsChildrenAtOnce() throws Throwable {
        PlanetScaleEnumeratorState state =
                new PlanetScaleEnumeratorState(
                        Collections.emptyList(),
                        Collections.emptySet(),
                        new HashSet<>(Arrays.asList("ks/-80", "ks/80-")),
                        true,
                        List.of(journal(7, OLD, NEW)),
                        Collections.emptySet());
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        started(context, shards(), state);
        assertThat(assigned(context)).containsOnlyKeys("ks/-40", "ks/40-80", "ks/80-c0", "ks/c0-");
    }

    @Test
    void withoutCheckpointsChildrenStartAfterTheWait() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        shards(),
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty(),
                        java.time.Duration.ZERO);
        enumerator.start();
        context.registerReader(new ReaderInfo(0, "host"));
        enumerator.addReader(0);
        TestShards.runDiscovery(context);
        Binlogdata.Journal split = journal(7, OLD, NEW);
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", split));
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/80-", split));
        assertThat(assigned(context)).hasSize(2);
        context.runPeriodicCallable(0); // the check for journals waiting without checkpoints
        assertThat(assigned(context)).hasSize(6);
    }

    @Test
    void afterARestoreNewShardsGoToTheReadersHoldingFewest() throws Throwable {
        // Restored while reading four shards: three on reader 0, one on reader 1.
        PlanetScaleEnumeratorState state =
                new PlanetScaleEnumeratorState(
                        Collections.emptyList(),
                        new HashSet<>(Arrays.asList("ks/-40", "ks/40-80", "ks/80-c0", "ks/c0-")),
                        new HashSet<>(Arrays.asList("ks/-80", "ks/80-")),
                        true,
                        Collections.emptyList(),
                        Collections.emptySet());
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator = started(context, shards(), state);
        enumerator.handleSourceEvent(0, new RestoredSplitsEvent(3));
        enumerator.handleSourceEvent(1, new RestoredSplitsEvent(1));

        // 40-80 (on reader 1) splits in two: reader 1 then holds none, reader 0 three.
        Binlogdata.Journal split = journal(9, List.of("40-80"), Arrays.asList("40-60", "60-80"));
        enumerator.handleSourceEvent(1, new ShardFinishedEvent("ks/40-80", split));
        checkpoint(enumerator, 1);
        assertThat(owners(context))
                .containsOnlyKeys("ks/40-60", "ks/60-80")
                .containsEntry("ks/40-60", 1)
                .containsEntry("ks/60-80", 1);
    }

    /** One reader, discovery every second (run by hand), the initial discovery done. */
    private static PlanetScaleSourceEnumerator discovering(
            MockSplitEnumeratorContext<ShardSplit> context, TestShards shards) throws Throwable {
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        shards,
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        java.time.Duration.ofSeconds(1),
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
        context.registerReader(new ReaderInfo(0, "host"));
        enumerator.addReader(0);
        TestShards.runDiscovery(context);
        return enumerator;
    }

    @Test
    void discoveryLeavesReshardChildrenToTheJournal() throws Throwable {
        TestShards shards = shards();
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator enumerator = discovering(context, shards);
        assertThat(assigned(context)).hasSize(2);

        // The reshard made the new shards serving before the old ones were drained.
        shards.current = new ArrayList<>(NEW);
        context.runPeriodicCallable(0);
        TestShards.runDiscovery(context);
        assertThat(assigned(context)).hasSize(2);
        assertThat(enumerator.snapshotState(1).unassigned()).isEmpty();

        // A shard that overlaps nothing known is new: it is read from the startup position.
        TestShards half = shards();
        half.current = new ArrayList<>(List.of("-80"));
        MockSplitEnumeratorContext<ShardSplit> growing = new MockSplitEnumeratorContext<>(1);
        discovering(growing, half);
        assertThat(assigned(growing)).containsOnlyKeys("ks/-80");
        half.current = new ArrayList<>(OLD);
        growing.runPeriodicCallable(0);
        TestShards.runDiscovery(growing);
        assertThat(assigned(growing)).containsOnlyKeys("ks/-80", "ks/80-");
        assertThat(KeyRanges.overlap("-80", "80-")).isFalse();
        assertThat(KeyRanges.overlap("-80", "40-80")).isTrue();
        assertThat(KeyRanges.overlap("0", "80-")).isTrue();
        assertThat(KeyRanges.overlap("-40", "40-80")).isFalse();
        assertThat(KeyRanges.overlap("80-c0", "c0-")).isFalse();
        assertThat(KeyRanges.overlap("80-c0", "-")).isTrue();
    }
}
