package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.RestoredSplitsEvent;
import io.github.vstreamcdc.source.event.ShardFinishedEvent;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 19: readers of separate processes register one by one. */
class LateReadersTest {

    private static ShardSplit split(String shard) {
        return new ShardSplit(
                "ks", shard, ShardPosition.of("MySQL56/u:1-5"), 0, false, Collections.emptyList());
    }

    private static TestShards fixed(String... shards) {
        return new TestShards("ks", ShardPosition.of("MySQL56/u:1-5"), shards);
    }

    /** An enumerator of the four shards -40, 40-80, 80-c0 and c0-, started. */
    private static PlanetScaleSourceEnumerator started(
            MockSplitEnumeratorContext<ShardSplit> context, PlanetScaleEnumeratorState state) {
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        fixed("-40", "40-80", "80-c0", "c0-"),
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        state);
        enumerator.start();
        return enumerator;
    }

    private static Map<Integer, Integer> perReader(MockSplitEnumeratorContext<ShardSplit> context) {
        Map<Integer, Integer> counts = new HashMap<>();
        context.getSplitsAssignmentSequence()
                .forEach(
                        a ->
                                a.assignment()
                                        .forEach(
                                                (r, s) -> counts.merge(r, s.size(), Integer::sum)));
        return counts;
    }

    /** A reader registers and, as every reader does when it starts, reports no restored split. */
    private static void register(
            MockSplitEnumeratorContext<ShardSplit> context,
            PlanetScaleSourceEnumerator enumerator,
            int reader) {
        registerSilently(context, enumerator, reader);
        enumerator.handleSourceEvent(reader, new RestoredSplitsEvent(0));
    }

    /** A reader registers; its report of its restored splits comes later. */
    private static void registerSilently(
            MockSplitEnumeratorContext<ShardSplit> context,
            PlanetScaleSourceEnumerator enumerator,
            int reader) {
        context.registerReader(new ReaderInfo(reader, "host-" + reader));
        enumerator.addReader(reader);
    }

    @Test
    void theFirstAssignmentWaitsForEveryExpectedReader() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator =
                started(context, PlanetScaleEnumeratorState.empty());
        TestShards.runDiscovery(context);
        register(context, enumerator, 0);
        assertThat(perReader(context)).isEmpty();
        register(context, enumerator, 1);
        assertThat(perReader(context)).containsOnly(Map.entry(0, 2), Map.entry(1, 2));
    }

    @Test
    void splitsGivenBackWaitForTheirReaderToComeBack() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator =
                started(context, PlanetScaleEnumeratorState.empty());
        register(context, enumerator, 0);
        register(context, enumerator, 1);
        TestShards.runDiscovery(context);
        assertThat(perReader(context)).containsOnly(Map.entry(0, 2), Map.entry(1, 2));
        List<ShardSplit> ofReader1 = new ArrayList<>();
        context.getSplitsAssignmentSequence()
                .forEach(a -> ofReader1.addAll(a.assignment().getOrDefault(1, List.of())));

        // Reader 1 fails: its splits come back; it restarts in a moment.
        context.unregisterReader(1);
        enumerator.addSplitsBack(ofReader1, 1);
        assertThat(perReader(context)).containsOnly(Map.entry(0, 2), Map.entry(1, 2));
        register(context, enumerator, 1);
        assertThat(perReader(context)).containsOnly(Map.entry(0, 2), Map.entry(1, 4));
    }

    @Test
    void aRestoredEnumeratorWaitsForEveryExpectedReader() throws Throwable {
        PlanetScaleEnumeratorState state =
                new PlanetScaleEnumeratorState(
                        Arrays.asList(split("-40"), split("40-80")),
                        new HashSet<>(Arrays.asList("ks/80-c0", "ks/c0-")),
                        Collections.emptySet(),
                        true);
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator = started(context, state);
        register(context, enumerator, 0);
        assertThat(perReader(context)).isEmpty();
        register(context, enumerator, 1);
        assertThat(perReader(context)).containsOnly(Map.entry(0, 1), Map.entry(1, 1));
    }

    @Test
    void readersRestoredWithSplitsGetFewerNewOnes() throws Throwable {
        PlanetScaleEnumeratorState state =
                new PlanetScaleEnumeratorState(
                        Arrays.asList(split("80-c0"), split("c0-")),
                        new HashSet<>(Arrays.asList("ks/-40", "ks/40-80")),
                        Collections.emptySet(),
                        true);
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator = started(context, state);
        // Reader 0 registers and reports the two splits its state holds; reader 1 has none.
        registerSilently(context, enumerator, 0);
        enumerator.handleSourceEvent(0, new RestoredSplitsEvent(2));
        register(context, enumerator, 1);
        assertThat(perReader(context)).containsOnly(Map.entry(1, 2));
    }

    @Test
    void aRestoredEnumeratorWaitsForTheReadersReportsOfTheirRestoredSplits() throws Throwable {
        PlanetScaleEnumeratorState state =
                new PlanetScaleEnumeratorState(
                        Arrays.asList(split("80-c0"), split("c0-")),
                        new HashSet<>(Arrays.asList("ks/-40", "ks/40-80")),
                        Collections.emptySet(),
                        true);
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator = started(context, state);
        // Both register before either reports (Flink's order): reader 0 seems empty, but is not.
        registerSilently(context, enumerator, 0);
        registerSilently(context, enumerator, 1);
        assertThat(perReader(context)).isEmpty();
        enumerator.handleSourceEvent(1, new RestoredSplitsEvent(0));
        assertThat(perReader(context)).isEmpty();
        enumerator.handleSourceEvent(0, new RestoredSplitsEvent(2));
        assertThat(perReader(context)).containsOnly(Map.entry(1, 2));
    }

    @Test
    void afterTheWaitTheReadersPresentReadAndALateOneGetsTheNextShards() throws Throwable {
        AtomicLong clock = new AtomicLong();
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        fixed("-80", "80-"),
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty(),
                        PlanetScaleSourceEnumerator.NO_CHECKPOINT_WAIT,
                        Duration.ofSeconds(5),
                        clock::get);
        enumerator.start();
        TestShards.runDiscovery(context);
        register(context, enumerator, 0);
        int readerCheck = context.getPeriodicCallables().size() - 1;
        clock.set(4_999);
        context.runPeriodicCallable(readerCheck);
        assertThat(perReader(context)).isEmpty();
        clock.set(5_000);
        context.runPeriodicCallable(readerCheck);
        assertThat(perReader(context)).containsOnly(Map.entry(0, 2));

        // Reader 1 comes late; -80 splits in two: the new shards go to the reader holding fewest.
        register(context, enumerator, 1);
        Binlogdata.Journal split =
                ReshardLineageTest.journal(9, List.of("-80"), Arrays.asList("-40", "40-80"));
        enumerator.handleSourceEvent(0, new ShardFinishedEvent("ks/-80", split));
        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);
        assertThat(perReader(context)).containsOnly(Map.entry(0, 3), Map.entry(1, 1));
        assertThat(context.getSplitsAssignmentSequence().get(1).assignment())
                .containsOnlyKeys(0, 1)
                .satisfies(
                        a ->
                                assertThat(a.get(1))
                                        .extracting(ShardSplit::shard)
                                        .containsExactly("-40"));
    }
}
