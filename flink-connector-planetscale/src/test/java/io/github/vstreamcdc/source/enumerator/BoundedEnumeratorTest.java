package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.ShardFinishedAck;
import io.github.vstreamcdc.source.event.ShardFinishedEvent;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.SplitBounds;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded read whose shards stop by themselves: the readers hear that no more splits come only
 * once every shard finished, the new shards of a reshard included, which inherit the stop rule.
 */
class BoundedEnumeratorTest {

    /** New shards stop at their position when they start. */
    private static final SplitBounds NEW_SHARDS = new SplitBounds(-1, null, true, -1);

    private static final class BoundedShards extends TestShards {
        BoundedShards(String... shards) {
            super("ks", ShardPosition.of("MySQL56/u:1-5"), shards);
        }

        @Override
        public SplitBounds boundsOfNewShards() {
            return NEW_SHARDS;
        }
    }

    private static PlanetScaleSourceEnumerator started(
            MockSplitEnumeratorContext<ShardSplit> context, ShardDiscovery shards)
            throws Throwable {
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        shards,
                        Boundedness.BOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
        context.registerReader(new ReaderInfo(0, "host"));
        context.registerReader(new ReaderInfo(1, "host"));
        TestShards.runDiscovery(context);
        enumerator.addReader(0);
        enumerator.addReader(1);
        return enumerator;
    }

    private static List<String> assigned(MockSplitEnumeratorContext<ShardSplit> context) {
        List<String> ids = new ArrayList<>();
        context.getSplitsAssignmentSequence()
                .forEach(
                        a ->
                                a.assignment()
                                        .values()
                                        .forEach(s -> s.forEach(x -> ids.add(x.splitId()))));
        return ids;
    }

    private static ShardSplit assignedSplit(
            MockSplitEnumeratorContext<ShardSplit> context, String id) {
        List<ShardSplit> found = new ArrayList<>();
        context.getSplitsAssignmentSequence()
                .forEach(
                        a ->
                                a.assignment()
                                        .values()
                                        .forEach(
                                                s ->
                                                        s.stream()
                                                                .filter(x -> x.splitId().equals(id))
                                                                .forEach(found::add)));
        return found.get(found.size() - 1);
    }

    @Test
    void noMoreSplitsOnlyOnceEveryShardStopped() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator = started(context, new BoundedShards("-80", "80-"));
        assertThat(assigned(context)).containsExactlyInAnyOrder("ks/-80", "ks/80-");
        assertThat(context.hasNoMoreSplits(0)).isFalse();

        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", null));
        assertThat(context.hasNoMoreSplits(0)).isFalse();
        enumerator.handleSourceEvent(1, new ShardFinishedEvent("ks/80-", null));
        assertThat(context.hasNoMoreSplits(0)).isTrue();
        assertThat(context.hasNoMoreSplits(1)).isTrue();
        assertThat(enumerator.snapshotState(1).finished()).containsExactly("ks/-80", "ks/80-");
    }

    @Test
    void stopReportsAreAcknowledgedOnceACheckpointHoldsThem() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator = started(context, new BoundedShards("-80", "80-"));
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", null));
        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);
        List<Object> sent = new ArrayList<>();
        context.getSentSourceEvent().get(0).forEach(sent::add);
        assertThat(sent).hasSize(1);
        ShardFinishedAck ack = (ShardFinishedAck) sent.get(0);
        assertThat(ack.splitId()).isEqualTo("ks/-80");
        assertThat(ack.journalKey()).isEqualTo(ShardFinishedEvent.STOP_KEY);
    }

    @Test
    void aReshardBeforeTheStopStartsNewShardsThatStopByThemselves() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator = started(context, new BoundedShards("-80", "80-"));
        Binlogdata.Journal split =
                ReshardLineageTest.journal(7, Arrays.asList("-80"), Arrays.asList("-40", "40-80"));

        // -80 reaches the reshard's journal before its stop; 80- stops.
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", split));
        enumerator.handleSourceEvent(1, new ShardFinishedEvent("ks/80-", null));
        assertThat(context.hasNoMoreSplits(0)).as("new shards to come").isFalse();
        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);

        assertThat(assigned(context)).contains("ks/-40", "ks/40-80");
        ShardSplit child = assignedSplit(context, "ks/-40");
        assertThat(child.bounds()).isEqualTo(NEW_SHARDS);
        assertThat(child.position()).isEqualTo(ShardPosition.of("MySQL56/uuid--40:1-7"));
        assertThat(context.hasNoMoreSplits(0)).isFalse();

        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-40", null));
        enumerator.handleSourceEvent(1, new ShardFinishedEvent("ks/40-80", null));
        assertThat(context.hasNoMoreSplits(0)).isTrue();
        assertThat(context.hasNoMoreSplits(1)).isTrue();
    }

    @Test
    void aMergeOneOfWhoseShardsStoppedBeforeItsJournalStartsAShardThatStopsAtOnce()
            throws Throwable {
        for (boolean restoredBetween : new boolean[] {false, true}) {
            MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
            PlanetScaleSourceEnumerator enumerator =
                    started(context, new BoundedShards("-80", "80-"));
            Binlogdata.Journal merge =
                    ReshardLineageTest.journal(9, Arrays.asList("-80", "80-"), Arrays.asList("-"));

            // -80 reaches its stop before the merge's journal; 80- reaches the journal first.
            enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", null));
            if (restoredBetween) {
                PlanetScaleEnumeratorStateSerializer serializer =
                        new PlanetScaleEnumeratorStateSerializer();
                PlanetScaleEnumeratorState state =
                        serializer.deserialize(
                                serializer.getVersion(),
                                serializer.serialize(enumerator.snapshotState(1)));
                assertThat(state.stopped()).containsExactly("ks/-80");
                context = new MockSplitEnumeratorContext<>(2);
                enumerator =
                        new PlanetScaleSourceEnumerator(
                                context,
                                new BoundedShards("-80", "80-"),
                                Boundedness.BOUNDED,
                                null,
                                state);
                enumerator.start();
                context.registerReader(new ReaderInfo(0, "host"));
                context.registerReader(new ReaderInfo(1, "host"));
                enumerator.addReader(0);
                enumerator.addReader(1);
            }
            enumerator.handleSourceEvent(1, new ShardFinishedEvent("ks/80-", merge));
            enumerator.snapshotState(2);
            enumerator.notifyCheckpointComplete(2);

            // Restored, the readers have not said yet what they hold: not assigned yet.
            ShardSplit merged =
                    restoredBetween
                            ? enumerator.snapshotState(3).unassigned().stream()
                                    .filter(x -> x.splitId().equals("ks/-"))
                                    .findFirst()
                                    .get()
                            : assignedSplit(context, "ks/-");
            assertThat(merged.position().gtid()).isEqualTo("MySQL56/uuid--:1-9");
            assertThat(merged.bounds().stopGtid())
                    .as("the merge cut over after -80's stop: nothing to read")
                    .isEqualTo("MySQL56/uuid--:1-9");
        }
    }

    @Test
    void aSnapshotStillEndsAsSoonAsEverySplitIsHandedOut() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        started(context, new TestShards("ks", ShardPosition.copyPhase(), "-80", "80-"));
        assertThat(context.hasNoMoreSplits(0)).isTrue();
    }
}
