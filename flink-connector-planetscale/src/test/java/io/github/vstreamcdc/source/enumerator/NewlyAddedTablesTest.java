package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.CapturedTablesEvent;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With {@code scan.newly-added-table.enabled}: the enumerator finds tables and tells readers. */
class NewlyAddedTablesTest {

    private static TestShards keyspace(String... tables) {
        TestShards shards = new TestShards("customer", ShardPosition.of("MySQL56/a:1-5"), "-80");
        shards.tables = new ArrayList<>(Arrays.asList(tables));
        shards.tableInterval = Duration.ofSeconds(1);
        return shards;
    }

    private static void runPeriodic(MockSplitEnumeratorContext<ShardSplit> context)
            throws Throwable {
        for (int i = 0; i < context.getPeriodicCallables().size(); i++) {
            context.runPeriodicCallable(i);
        }
    }

    private static List<SourceEvent> eventsTo(
            MockSplitEnumeratorContext<ShardSplit> context, int reader) throws Exception {
        return context.getSentSourceEvent().getOrDefault(reader, new ArrayList<>());
    }

    private static Object lastTables(MockSplitEnumeratorContext<ShardSplit> context, int reader)
            throws Exception {
        List<SourceEvent> events = eventsTo(context, reader);
        assertThat(events).isNotEmpty();
        SourceEvent last = events.get(events.size() - 1);
        assertThat(last).isInstanceOf(CapturedTablesEvent.class);
        return new ArrayList<>(((CapturedTablesEvent) last).tables());
    }

    @Test
    void newTablesGoToEveryReaderAndIntoTheState() throws Throwable {
        TestShards shards = keyspace("a", "b");
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        shards,
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
        TestShards.runDiscovery(context);
        context.registerReader(new ReaderInfo(0, "host"));
        enumerator.addReader(0);

        ShardSplit assigned =
                context.getSplitsAssignmentSequence().get(0).assignment().get(0).get(0);
        assertThat(assigned.tables()).containsExactly("a", "b");
        assertThat(lastTables(context, 0)).isEqualTo(Arrays.asList("a", "b"));

        int before = eventsTo(context, 0).size();
        runPeriodic(context); // nothing new
        assertThat(eventsTo(context, 0)).hasSize(before);

        shards.tables = new ArrayList<>(Arrays.asList("a", "b", "c"));
        runPeriodic(context);
        assertThat(lastTables(context, 0)).isEqualTo(Arrays.asList("a", "b", "c"));
        // A table that is gone is left out, so that if it comes back it is copied again.
        shards.tables = new ArrayList<>(Arrays.asList("a", "c"));
        runPeriodic(context);
        assertThat(lastTables(context, 0)).isEqualTo(Arrays.asList("a", "c"));
        shards.tables = new ArrayList<>(Arrays.asList("a", "b", "c"));
        runPeriodic(context);
        assertThat(lastTables(context, 0)).isEqualTo(Arrays.asList("a", "b", "c"));
        PlanetScaleEnumeratorState state = enumerator.snapshotState(1);
        assertThat(state.tables()).containsExactly("a", "b", "c");
        assertThat(
                        new PlanetScaleEnumeratorStateSerializer()
                                .deserialize(
                                        3,
                                        new PlanetScaleEnumeratorStateSerializer().serialize(state))
                                .tables())
                .containsExactly("a", "b", "c");

        // Restored with a wider selection: the tables it matches now are sent at once.
        shards.tables = new ArrayList<>(Arrays.asList("a", "b", "c", "d"));
        MockSplitEnumeratorContext<ShardSplit> restoredContext =
                new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator restored =
                new PlanetScaleSourceEnumerator(
                        restoredContext, shards, Boundedness.CONTINUOUS_UNBOUNDED, null, state);
        restored.start();
        restoredContext.registerReader(new ReaderInfo(0, "host"));
        restored.addReader(0);
        assertThat(lastTables(restoredContext, 0)).isEqualTo(Arrays.asList("a", "b", "c"));
        runPeriodic(restoredContext);
        assertThat(lastTables(restoredContext, 0)).isEqualTo(Arrays.asList("a", "b", "c", "d"));
    }

    @Test
    void withoutTheOptionTablesStayAsTheyWereAtStart() throws Throwable {
        TestShards shards = keyspace("a");
        shards.tableInterval = null;
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        shards,
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        null,
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
        TestShards.runDiscovery(context);
        context.registerReader(new ReaderInfo(0, "host"));
        enumerator.addReader(0);
        shards.tables = new ArrayList<>(Arrays.asList("a", "b"));
        runPeriodic(context);
        assertThat(eventsTo(context, 0)).isEmpty();
        assertThat(enumerator.snapshotState(1).tables()).containsExactly("a");
    }

    /**
     * Starts an enumerator on these shards (looking for shards every minute if given), makes its
     * looks fail as often in a row as allowed, once more after a success, and asserts that the next
     * failure fails the job.
     */
    private static void assertTooManyFailedLooksFailTheJob(
            TestShards shards, Duration shardInterval, String what) throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(1);
        PlanetScaleSourceEnumerator enumerator =
                new PlanetScaleSourceEnumerator(
                        context,
                        shards,
                        Boundedness.CONTINUOUS_UNBOUNDED,
                        shardInterval,
                        PlanetScaleEnumeratorState.empty());
        enumerator.start();
        TestShards.runDiscovery(context);

        int allowed = shards.maxFailuresInARow();
        shards.lookFailure = new IllegalStateException("Access denied for user 'reader'");
        for (int i = 0; i < allowed; i++) {
            runPeriodic(context); // logged; the next look may succeed
        }
        shards.lookFailure = null;
        runPeriodic(context); // a success starts the count again
        shards.lookFailure = new IllegalStateException("Access denied for user 'reader'");
        for (int i = 0; i < allowed; i++) {
            runPeriodic(context);
        }
        assertThatThrownBy(() -> runPeriodic(context))
                .hasStackTraceContaining(
                        "Looking for new "
                                + what
                                + " of keyspace customer failed "
                                + (allowed + 1)
                                + " times in a row ('reconnect.max-attempts' is "
                                + allowed
                                + "): Access denied for user 'reader'");
    }

    @Test
    void lookingForTablesFailingMoreThanTheReconnectAttemptsInARowFailsTheJob() throws Throwable {
        assertTooManyFailedLooksFailTheJob(keyspace("a"), null, "tables");
    }

    @Test
    void lookingForShardsFailingMoreThanTheReconnectAttemptsInARowFailsTheJob() throws Throwable {
        assertTooManyFailedLooksFailTheJob(
                new TestShards("customer", ShardPosition.of("MySQL56/a:1-5"), "-80"),
                Duration.ofMinutes(1),
                "shards");
    }
}
