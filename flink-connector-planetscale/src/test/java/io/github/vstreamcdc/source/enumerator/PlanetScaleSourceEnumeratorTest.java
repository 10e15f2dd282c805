package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.RestoredSplitsEvent;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanetScaleSourceEnumeratorTest {

    private static ShardSplit split(String shard) {
        return new ShardSplit(
                "customer", shard, ShardPosition.copyPhase(), 0, false, Collections.emptyList());
    }

    private static ShardDiscovery fixed(String... shards) {
        return new TestShards("customer", ShardPosition.copyPhase(), shards);
    }

    @Test
    void spreadsSplitsEvenlyOverReaders() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        fixed("-40", "40-80", "80-c0", "c0-"),
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
        context.registerReader(new ReaderInfo(0, "host"));
        context.registerReader(new ReaderInfo(1, "host"));
        TestShards.runDiscovery(context);
        enumerator.addReader(0);
        enumerator.addReader(1);
        assertThat(context.getSplitsAssignmentSequence()).isNotEmpty();
        assertThat(assignedTo(context, 0)).hasSize(2);
        assertThat(assignedTo(context, 1)).hasSize(2);
        assertThat(enumerator.snapshotState(1).assigned()).hasSize(4);
        assertThat(enumerator.snapshotState(1).unassigned()).isEmpty();
    }

    @Test
    void requeuesSplitsGivenBackAndKeepsThemInState() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        fixed("-80", "80-"),
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
        TestShards.runDiscovery(context);
        // No reader yet: both wait in state.
        assertThat(enumerator.snapshotState(1).unassigned()).hasSize(2);
        context.registerReader(new ReaderInfo(0, "host"));
        enumerator.addReader(0);
        assertThat(assignedTo(context, 0)).hasSize(2);

        ShardSplit progressed = split("-80").withPosition(ShardPosition.of("MySQL56/a:1-9"), 3);
        context.unregisterReader(0);
        enumerator.addSplitsBack(Collections.singletonList(progressed), 0);
        PlanetScaleEnumeratorState state = enumerator.snapshotState(2);
        assertThat(state.unassigned()).containsExactly(progressed);
        assertThat(state.assigned()).containsExactly("customer/80-");

        // A restored enumerator hands the returned split, with its progress, to the new reader.
        MockSplitEnumeratorContext<ShardSplit> restoredContext =
                new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator restored =
                new PlanetScaleSourceEnumerator(
                        restoredContext,
                        fixed("-80", "80-"),
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        state);
        restored.start();
        restoredContext.registerReader(new ReaderInfo(0, "host"));
        restored.addReader(0);
        restored.handleSourceEvent(0, new RestoredSplitsEvent(0));
        assertThat(assignedTo(restoredContext, 0)).containsExactly(progressed);
    }

    @Test
    void boundedSignalsNoMoreSplitsOncePerReader() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        fixed("0"),
                        Boundedness.BOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
        context.registerReader(new ReaderInfo(0, "host"));
        enumerator.addReader(0);
        assertThat(context.getSplitsAssignmentSequence()).isEmpty();
        TestShards.runDiscovery(context);
        assertThat(assignedTo(context, 0)).hasSize(1);
        assertThat(context.hasNoMoreSplits(0)).isTrue();
    }

    private static List<ShardSplit> assignedTo(
            MockSplitEnumeratorContext<ShardSplit> context, int reader) {
        List<ShardSplit> splits = new ArrayList<>();
        context.getSplitsAssignmentSequence()
                .forEach(
                        a -> {
                            List<ShardSplit> s = a.assignment().get(reader);
                            if (s != null) {
                                splits.addAll(s);
                            }
                        });
        return splits;
    }
}
