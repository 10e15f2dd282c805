package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
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

/** Issue 19: readers of separate processes register one by one. */
class LateReadersTest {

    private static ShardSplit split(String shard) {
        return new ShardSplit(
                "ks", shard, ShardPosition.of("MySQL56/u:1-5"), 0, false, Collections.emptyList());
    }

    private static TestShards fixed(String... shards) {
        return new TestShards("ks", ShardPosition.of("MySQL56/u:1-5"), shards);
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

    private static void register(
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
                new PlanetScaleSourceEnumerator(
                        context,
                        fixed("-40", "40-80", "80-c0", "c0-"),
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
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
                new PlanetScaleSourceEnumerator(
                        context,
                        fixed("-40", "40-80", "80-c0", "c0-"),
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
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
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        fixed("-40", "40-80", "80-c0", "c0-"),
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        state);
        enumerator.start();
        register(context, enumerator, 0);
        assertThat(perReader(context)).isEmpty();
        register(context, enumerator, 1);
        assertThat(perReader(context)).containsOnly(Map.entry(0, 1), Map.entry(1, 1));
    }
}
