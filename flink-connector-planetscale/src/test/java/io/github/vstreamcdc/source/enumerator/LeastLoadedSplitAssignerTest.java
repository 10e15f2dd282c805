package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LeastLoadedSplitAssignerTest {

    private final AtomicLong clock = new AtomicLong(0);
    private final LeastLoadedSplitAssigner assigner =
            new LeastLoadedSplitAssigner(Duration.ofSeconds(5), clock::get);

    private static List<ShardSplit> splits(int count) {
        List<ShardSplit> splits = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            splits.add(
                    new ShardSplit(
                            "ks",
                            "s" + i,
                            ShardPosition.copyPhase(),
                            0,
                            false,
                            Collections.emptyList()));
        }
        return splits;
    }

    private static Map<Integer, Integer> counts(Map<Integer, List<ShardSplit>> assignment) {
        Map<Integer, Integer> counts = new HashMap<>();
        assignment.forEach((reader, splits) -> counts.put(reader, splits.size()));
        return counts;
    }

    @Test
    void spreadsOverAllReaders() {
        assertThat(counts(assigner.assign(splits(5), Set.of(0, 1, 2), 3)))
                .containsOnly(Map.entry(0, 2), Map.entry(1, 2), Map.entry(2, 1));
        // The next goes to the reader holding fewest.
        assertThat(counts(assigner.assign(splits(1), Set.of(0, 1, 2), 3)))
                .containsOnly(Map.entry(2, 1));
    }

    @Test
    void waitsForMissingReadersUpToTheBound() {
        assertThat(assigner.assign(splits(4), Set.of(0), 2)).isEmpty();
        clock.addAndGet(4_999);
        assertThat(assigner.assign(splits(4), Set.of(0), 2)).isEmpty();
        clock.addAndGet(1);
        assertThat(counts(assigner.assign(splits(4), Set.of(0), 2))).containsOnly(Map.entry(0, 4));
        // A later wait starts afresh.
        assertThat(assigner.assign(splits(1), Set.of(0), 2)).isEmpty();
        assertThat(counts(assigner.assign(splits(1), Set.of(0, 1), 2)))
                .containsOnly(Map.entry(1, 1));
    }

    @Test
    void nothingToAssignOrNoReaderAssignsNothing() {
        assertThat(assigner.assign(Collections.emptyList(), Set.of(0), 1)).isEmpty();
        assertThat(assigner.assign(splits(1), Set.of(), 1)).isEmpty();
        clock.addAndGet(60_000);
        assertThat(assigner.assign(splits(1), Set.of(), 1)).isEmpty();
    }

    @Test
    void countsRestoredFinishedAndLostSplits() {
        assigner.restored(0, 3);
        assigner.restored(1, 1);
        assertThat(counts(assigner.assign(splits(2), Set.of(0, 1), 2)))
                .containsOnly(Map.entry(1, 2));
        // Reader 0 finishes two of its three: now it holds fewest.
        assigner.finished(0);
        assigner.finished(0);
        assertThat(counts(assigner.assign(splits(1), Set.of(0, 1), 2)))
                .containsOnly(Map.entry(0, 1));
        // Reader 1 failed: it holds nothing the enumerator knows of until it reports.
        assigner.readerFailed(1);
        assigner.finished(1);
        assertThat(counts(assigner.assign(splits(2), Set.of(0, 1), 2)))
                .containsOnly(Map.entry(1, 2));
    }
}
