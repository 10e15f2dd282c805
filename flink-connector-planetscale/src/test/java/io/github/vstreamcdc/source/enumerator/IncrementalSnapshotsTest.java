package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.snapshot.KeyKind;
import io.github.vstreamcdc.source.snapshot.SnapshotCatchUp;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.ShardSplitSerializer;
import io.github.vstreamcdc.source.split.SplitBounds;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IncrementalSnapshotsTest {

    private static final String U = "MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:";

    private static final ShardSplit SHARD =
            new ShardSplit("ks", "0", ShardPosition.copyPhase(), 0, false, Collections.emptyList())
                    .withTables(new TreeSet<>(Arrays.asList("t", "nopk")));

    private static List<TableChunk> chunks() {
        byte[][] boundary = {"100".getBytes(StandardCharsets.UTF_8)};
        return Arrays.asList(
                new TableChunk(
                        "t",
                        0,
                        Collections.singletonList("id"),
                        Collections.singletonList(KeyKind.INTEGER),
                        null,
                        boundary),
                new TableChunk(
                        "t",
                        1,
                        Collections.singletonList("id"),
                        Collections.singletonList(KeyKind.INTEGER),
                        boundary,
                        null));
    }

    private static Map<String, ShardSplit> held() {
        Map<String, ShardSplit> held = new LinkedHashMap<>();
        held.put(SHARD.splitId(), SHARD);
        return held;
    }

    @Test
    void aShardIsReleasedOnlyAfterACheckpointHoldsEveryChunksReport() throws Exception {
        IncrementalSnapshots snapshots = new IncrementalSnapshots(true, Collections.emptyMap());
        assertThat(snapshots.holds(SHARD)).isTrue();
        assertThat(snapshots.startPlanning(SHARD)).isTrue();
        assertThat(snapshots.startPlanning(SHARD)).isFalse();
        List<ShardSplit> chunkSplits =
                snapshots.planned(SHARD, chunks(), Collections.singleton("nopk"), "");
        assertThat(chunkSplits)
                .extracting(ShardSplit::splitId)
                .containsExactly("ks/0#t#0", "ks/0#t#1");
        snapshots.snapshot(1); // the job checkpoints
        snapshots.chunkRead("ks/0#t#0", U + "1-20");
        snapshots.chunkRead("ks/0#t#1", U + "1-10");
        assertThat(snapshots.release(held(), -1)).isEmpty();
        assertThat(snapshots.release(held(), 1)).as("a checkpoint from before").isEmpty();
        Map<String, IncrementalSnapshots.ShardPlan> state = snapshots.snapshot(2);

        // The enumerator's state keeps the plan and the watermarks.
        PlanetScaleEnumeratorStateSerializer serializer =
                new PlanetScaleEnumeratorStateSerializer();
        PlanetScaleEnumeratorState restored =
                serializer.deserialize(
                        serializer.getVersion(),
                        serializer.serialize(
                                PlanetScaleEnumeratorState.empty().withSnapshotPlans(state)));
        IncrementalSnapshots afterRestore =
                new IncrementalSnapshots(true, restored.snapshotPlans());

        for (IncrementalSnapshots s : Arrays.asList(snapshots, afterRestore)) {
            List<ShardSplit> released = s.release(held(), 2);
            assertThat(released).hasSize(1);
            ShardSplit stream = released.get(0);
            assertThat(stream.position().gtid()).isEqualTo(U + "1-10");
            assertThat(stream.position().remainingTables()).containsExactly("nopk");
            assertThat(stream.catchUp().chunks()).hasSize(2);
            assertThat(s.holds(stream)).isFalse();
            ShardSplit back =
                    ShardSplitSerializer.INSTANCE.deserialize(
                            ShardSplitSerializer.INSTANCE.getVersion(),
                            ShardSplitSerializer.INSTANCE.serialize(stream));
            assertThat(back).isEqualTo(stream);
        }
        ShardSplit chunk = chunkSplits.get(1);
        assertThat(
                        ShardSplitSerializer.INSTANCE.deserialize(
                                ShardSplitSerializer.INSTANCE.getVersion(),
                                ShardSplitSerializer.INSTANCE.serialize(chunk)))
                .isEqualTo(chunk);
    }

    /** The two chunks of table t, and one of table u. */
    private static List<TableChunk> chunksOfTwoTables() {
        List<TableChunk> chunks = new ArrayList<>(chunks());
        chunks.add(
                new TableChunk(
                        "u",
                        0,
                        Collections.singletonList("id"),
                        Collections.singletonList(KeyKind.INTEGER),
                        null,
                        null));
        return chunks;
    }

    @Test
    void aChunkGivenUpKeepsItsRangeInTheCatchUpForTheNewShardsToCopy() throws Exception {
        IncrementalSnapshots snapshots = new IncrementalSnapshots(true, Collections.emptyMap());
        snapshots.startPlanning(SHARD);
        snapshots.planned(SHARD, chunksOfTwoTables(), Collections.singleton("nopk"), U + "1-5");
        snapshots.snapshot(1);
        snapshots.chunkRead("ks/0#t#0", U + "1-8"); // read before the shard stopped serving
        snapshots.chunkRead("ks/0#t#1", IncrementalSnapshots.NOT_READ);
        snapshots.chunkRead("ks/0#u#0", U + "1-15");
        assertThat(snapshots.progress()).isEmpty(); // every chunk read or given up
        Map<String, IncrementalSnapshots.ShardPlan> state = snapshots.snapshot(2);
        PlanetScaleEnumeratorStateSerializer serializer =
                new PlanetScaleEnumeratorStateSerializer();
        IncrementalSnapshots afterRestore =
                new IncrementalSnapshots(
                        true,
                        serializer
                                .deserialize(
                                        serializer.getVersion(),
                                        serializer.serialize(
                                                PlanetScaleEnumeratorState.empty()
                                                        .withSnapshotPlans(state)))
                                .snapshotPlans());

        for (IncrementalSnapshots s : Arrays.asList(snapshots, afterRestore)) {
            ShardSplit stream = s.release(held(), 2).get(0);
            // From the earliest chunk read, so that the changes of t's chunk read (its deletes)
            // go out up to the journal; t's given-up range is dropped, and t is copied by the
            // new shards.
            assertThat(stream.position().gtid()).isEqualTo(U + "1-8");
            assertThat(stream.position().remainingTables()).containsExactly("nopk");
            assertThat(stream.catchUp().chunks()).hasSize(3);
            assertThat(stream.catchUp().givenUpTables()).containsExactly("t");
            ShardSplit back =
                    ShardSplitSerializer.INSTANCE.deserialize(
                            ShardSplitSerializer.INSTANCE.getVersion(),
                            ShardSplitSerializer.INSTANCE.serialize(stream));
            assertThat(back).isEqualTo(stream);
        }
    }

    @Test
    void aShardWhoseChunksWereAllGivenUpStartsWhereTheyWerePlanned() throws Exception {
        IncrementalSnapshots snapshots = new IncrementalSnapshots(true, Collections.emptyMap());
        snapshots.startPlanning(SHARD);
        snapshots.planned(SHARD, chunks(), Collections.emptySet(), U + "1-5");
        snapshots.chunkRead("ks/0#t#0", IncrementalSnapshots.NOT_READ);
        snapshots.chunkRead("ks/0#t#1", IncrementalSnapshots.NOT_READ);
        byte[] state =
                new PlanetScaleEnumeratorStateSerializer()
                        .serialize(
                                PlanetScaleEnumeratorState.empty()
                                        .withSnapshotPlans(snapshots.snapshot(1)));

        ShardSplit stream = restored(state, 8).release(held(), 1).get(0);
        assertThat(stream.position().gtid()).isEqualTo(U + "1-5");
        assertThat(stream.position().remainingTables()).isEmpty();
        assertThat(stream.catchUp().givenUpTables()).containsExactly("t");
        // A state of version 7 does not know where the shard was: no start, a clear error.
        IncrementalSnapshots unknown = restored(state, 7);
        assertThatThrownBy(() -> unknown.release(held(), 1))
                .hasMessageContaining("ks/0 stopped serving")
                .hasMessageContaining("its position before them is not known")
                .hasMessageContaining("restart the job without its state");
    }

    @Test
    void aBoundedSnapshotWithAChunkGivenUpFails() {
        ShardSplit bounded =
                new ShardSplit(
                                "ks",
                                "0",
                                ShardPosition.copyPhase(),
                                0,
                                true,
                                Collections.emptyList())
                        .withTables(new TreeSet<>(Arrays.asList("t", "nopk")));
        IncrementalSnapshots snapshots = new IncrementalSnapshots(true, Collections.emptyMap());
        snapshots.startPlanning(bounded);
        snapshots.planned(bounded, chunks(), Collections.emptySet(), U + "1-5");
        snapshots.chunkRead("ks/0#t#0", U + "1-8");
        snapshots.chunkRead("ks/0#t#1", IncrementalSnapshots.NOT_READ);
        Map<String, ShardSplit> held = new LinkedHashMap<>();
        held.put(bounded.splitId(), bounded);
        assertThatThrownBy(() -> snapshots.release(held, -1))
                .hasMessageContaining("stopped serving")
                .hasMessageContaining("'snapshot'");

        // Startup mode 'initial' with a stop (e.g. 'latest-offset'): its stream would end at the
        // stop, before the journal that hands the given-up tables to the new shards.
        ShardSplit stopping = SHARD.withBounds(SplitBounds.NONE.withStopGtid(U + "1-9"));
        IncrementalSnapshots withStop = new IncrementalSnapshots(true, Collections.emptyMap());
        withStop.startPlanning(stopping);
        withStop.planned(stopping, chunks(), Collections.emptySet(), U + "1-5");
        withStop.chunkRead("ks/0#t#0", U + "1-8");
        withStop.chunkRead("ks/0#t#1", IncrementalSnapshots.NOT_READ);
        Map<String, ShardSplit> heldWithStop = new LinkedHashMap<>();
        heldWithStop.put(stopping.splitId(), stopping);
        assertThatThrownBy(() -> withStop.release(heldWithStop, -1))
                .hasMessageContaining("'scan.bounded.mode'");
    }

    @Test
    void givenUpChunksWithWatermarksOfTwoHistoriesFail() {
        IncrementalSnapshots snapshots = new IncrementalSnapshots(true, Collections.emptyMap());
        snapshots.startPlanning(SHARD);
        snapshots.planned(SHARD, chunksOfTwoTables(), Collections.emptySet(), U + "1-5");
        snapshots.chunkRead("ks/0#t#0", U + "1-8");
        snapshots.chunkRead("ks/0#t#1", IncrementalSnapshots.NOT_READ);
        snapshots.chunkRead("ks/0#u#0", "MySQL56/4e11fa47-71ca-11e1-9e33-c80aa9429562:1-3");
        assertThatThrownBy(() -> snapshots.release(held(), -1))
                .hasMessageContaining("do not line up in one binlog history");
    }

    private static IncrementalSnapshots restored(byte[] state, int version) throws Exception {
        return new IncrementalSnapshots(
                true,
                new PlanetScaleEnumeratorStateSerializer()
                        .deserialize(version, state)
                        .snapshotPlans());
    }

    @Test
    void aChunkReadAgainAfterARestoreReplacesItsWatermark() {
        IncrementalSnapshots snapshots = new IncrementalSnapshots(true, Collections.emptyMap());
        snapshots.startPlanning(SHARD);
        snapshots.planned(SHARD, chunks(), Collections.emptySet(), "");
        snapshots.chunkRead("ks/0#t#0", U + "1-20");
        snapshots.chunkRead("ks/0#t#1", U + "1-30");
        snapshots.chunkRead("ks/0#t#0", U + "1-25");
        // no checkpoints: released at once
        ShardSplit stream = snapshots.release(held(), -1).get(0);
        assertThat(stream.position().gtid()).isEqualTo(U + "1-25");
    }

    @Test
    void aChunkTakenBackHoldsItsShardUntilItIsReadAgain() {
        IncrementalSnapshots snapshots = new IncrementalSnapshots(true, Collections.emptyMap());
        snapshots.startPlanning(SHARD);
        snapshots.planned(SHARD, chunks(), Collections.emptySet(), "");
        snapshots.snapshot(1);
        snapshots.chunkRead("ks/0#t#0", U + "1-20");
        snapshots.chunkRead("ks/0#t#1", U + "1-30");
        snapshots.snapshot(2); // sees every chunk read
        // Checkpoint 2 fails; chunk 1's reader goes back to checkpoint 1 and reads it again.
        snapshots.chunkReset("ks/0#t#1");
        snapshots.snapshot(3);
        assertThat(snapshots.release(held(), 3))
                .as("not with the watermark of a read no checkpoint holds")
                .isEmpty();
        snapshots.chunkRead("ks/0#t#1", U + "1-35");
        snapshots.snapshot(4);
        ShardSplit stream = snapshots.release(held(), 4).get(0);
        assertThat(stream.catchUp().chunks())
                .extracting(SnapshotCatchUp.Chunk::high)
                .containsExactly(U + "1-20", U + "1-35");
    }

    /**
     * Restored from a checkpoint taken while the shard's chunks were being planned (no plan in it),
     * then planned, the first chunk read.
     */
    private static IncrementalSnapshots restoredWithFirstChunkRead(long[] now) {
        IncrementalSnapshots snapshots =
                new IncrementalSnapshots(true, Collections.emptyMap(), true, () -> now[0]);
        snapshots.startPlanning(SHARD);
        snapshots.planned(SHARD, chunks(), Collections.emptySet(), "");
        snapshots.chunkRead("ks/0#t#0", U + "1-20");
        return snapshots;
    }

    @Test
    void restoredWhileTheFirstPlansWereMadeTheShardWaitsForACheckpoint() {
        long[] now = {0};
        IncrementalSnapshots snapshots = restoredWithFirstChunkRead(now);
        snapshots.chunkRead("ks/0#t#1", U + "1-30");
        assertThat(snapshots.release(held(), -1)).as("not before a checkpoint").isEmpty();
        snapshots.snapshot(6);
        snapshots.checkpointCompleted();
        snapshots.snapshot(7);
        now[0] += PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMillis();
        assertThat(snapshots.release(held(), -1))
                .as("the job checkpoints: no start without one")
                .isEmpty();
        assertThat(snapshots.release(held(), 7)).hasSize(1);
    }

    @Test
    void aJobThatTakesOnlySavepointsStartsTheStreamAfterTheFirstCheckpointWait() {
        // Flink snapshots the enumerator for a savepoint but never confirms it.
        long[] now = {0};
        IncrementalSnapshots snapshots = restoredWithFirstChunkRead(now);
        snapshots.chunkRead("ks/0#t#1", U + "1-30");
        assertThat(snapshots.release(held(), -1)).isEmpty(); // the wait begins
        long wait = PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMillis();
        now[0] += wait - 1;
        snapshots.snapshot(7);
        now[0] += wait - 1;
        assertThat(snapshots.release(held(), -1))
                .as("a snapshot (a checkpoint attempt that may yet complete) starts the wait anew")
                .isEmpty();
        now[0] += 1;
        assertThat(snapshots.release(held(), -1)).hasSize(1);
    }

    @Test
    void restoredIntoAJobThatNoLongerCheckpointsTheShardStartsAfterAWait() {
        long[] now = {0};
        IncrementalSnapshots snapshots = restoredWithFirstChunkRead(now);
        now[0] += PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMillis();
        snapshots.chunkRead("ks/0#t#1", U + "1-30");
        assertThat(snapshots.release(held(), -1)).isEmpty();
        now[0] += PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMillis() - 1;
        assertThat(snapshots.release(held(), -1)).isEmpty();
        now[0] += 1;
        ShardSplit stream = snapshots.release(held(), -1).get(0);
        assertThat(stream.position().gtid()).isEqualTo(U + "1-20");
    }

    @Test
    void aChunkReadAgainAfterTheWaitBeganStartsTheWaitAnew() {
        long[] now = {0};
        IncrementalSnapshots snapshots = restoredWithFirstChunkRead(now);
        snapshots.chunkRead("ks/0#t#1", U + "1-30");
        assertThat(snapshots.release(held(), -1)).isEmpty(); // the wait begins
        now[0] += PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMillis() - 1000;
        snapshots.chunkReset("ks/0#t#1");
        snapshots.chunkRead("ks/0#t#1", U + "1-35");
        now[0] += 1000;
        assertThat(snapshots.release(held(), -1)).as("the wait began again").isEmpty();
        now[0] += PlanetScaleSourceEnumerator.FIRST_CHECKPOINT_WAIT.toMillis();
        assertThat(snapshots.release(held(), -1)).hasSize(1);
    }

    @Test
    void withoutIncrementalSnapshotsNothingIsHeld() {
        assertThat(new IncrementalSnapshots(false, Collections.emptyMap()).holds(SHARD)).isFalse();
    }
}
