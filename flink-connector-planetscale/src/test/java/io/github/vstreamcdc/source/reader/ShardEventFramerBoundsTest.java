package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.snapshot.KeyKind;
import io.github.vstreamcdc.source.snapshot.SnapshotCatchUp;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.ShardSplitState;
import io.github.vstreamcdc.source.split.SplitBounds;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static io.github.vstreamcdc.source.reader.VEvents.KEYSPACE;
import static io.github.vstreamcdc.source.reader.VEvents.SHARD;
import static io.github.vstreamcdc.source.reader.VEvents.begin;
import static io.github.vstreamcdc.source.reader.VEvents.copyCompleted;
import static io.github.vstreamcdc.source.reader.VEvents.copyRow;
import static io.github.vstreamcdc.source.reader.VEvents.copySplit;
import static io.github.vstreamcdc.source.reader.VEvents.event;
import static io.github.vstreamcdc.source.reader.VEvents.field;
import static io.github.vstreamcdc.source.reader.VEvents.gtid;
import static io.github.vstreamcdc.source.reader.VEvents.insert;
import static io.github.vstreamcdc.source.reader.VEvents.lastPk;
import static io.github.vstreamcdc.source.reader.VEvents.rows;
import static io.github.vstreamcdc.source.reader.VEvents.vgtid;
import static org.assertj.core.api.Assertions.assertThat;

/** The stop and skip rules of bounded splits, fed with hand-built events: no stream. */
class ShardEventFramerBoundsTest {

    /** Binlog seconds of the tests: T0 is a whole second; T0 + 1 is the next. */
    private static final long T0 = 1_700_000_000L;

    private static final long NO = SplitBounds.NO_TIME;

    private static ShardSplit split(String gtid, long rowsToSkip, SplitBounds bounds) {
        return new ShardSplit(
                KEYSPACE,
                SHARD,
                ShardPosition.of(gtid),
                rowsToSkip,
                false,
                Collections.emptyList(),
                null,
                bounds,
                false);
    }

    private static SplitBounds stopAt(String gtid) {
        return new SplitBounds(NO, gtid, false, NO);
    }

    private static SplitBounds stopAtSecond(long seconds) {
        return new SplitBounds(NO, null, false, seconds * 1000);
    }

    private static SplitBounds startAtSecond(long seconds) {
        return new SplitBounds(seconds * 1000, null, false, NO);
    }

    /** One transaction of one inserted row: BEGIN, FIELD, ROW, VGTID, COMMIT. */
    private static List<Binlogdata.VEvent> tx(long seconds, long id, long gtidEnd) {
        return Arrays.asList(
                timed(Binlogdata.VEventType.BEGIN, seconds),
                field("t", seconds),
                rows("t", seconds, insert(id, "v" + id)),
                vgtid(gtid(1, gtidEnd)),
                timed(Binlogdata.VEventType.COMMIT, seconds));
    }

    private static Binlogdata.VEvent timed(Binlogdata.VEventType type, long seconds) {
        return Binlogdata.VEvent.newBuilder().setType(type).setTimestamp(seconds).build();
    }

    private static Binlogdata.VEvent heartbeat(long seconds) {
        return timed(Binlogdata.VEventType.HEARTBEAT, seconds);
    }

    @SafeVarargs
    private static List<ChangeBatch> frame(
            ShardEventFramer framer, List<Binlogdata.VEvent>... transactions) {
        List<Binlogdata.VEvent> events = new ArrayList<>();
        for (List<Binlogdata.VEvent> tx : transactions) {
            events.addAll(tx);
        }
        return framer.frame(events);
    }

    private static List<String> ids(List<ChangeBatch> batches) {
        List<String> ids = new ArrayList<>();
        for (ChangeBatch batch : batches) {
            for (RowChangeEvent row : batch.rows) {
                ids.add(new String(row.after()[0], StandardCharsets.UTF_8));
            }
        }
        return ids;
    }

    private static ChangeBatch last(List<ChangeBatch> batches) {
        return batches.get(batches.size() - 1);
    }

    // ---- stop positions ----

    @Test
    void stopsAtTheCommitWhosePositionContainsTheStop() {
        ShardEventFramer framer = new ShardEventFramer(split(gtid(1, 10), 0, stopAt(gtid(1, 12))));

        List<ChangeBatch> out =
                frame(framer, tx(T0, 1, 11), tx(T0, 2, 12), tx(T0, 3, 13), tx(T0, 4, 14));

        assertThat(ids(out)).containsExactly("1", "2");
        assertThat(framer.isFinished()).isTrue();
        assertThat(last(out).stopped).isTrue();
        assertThat(last(out).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 12)));
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 12)));
    }

    @Test
    void aStopPositionPassedInOneTransactionStopsAfterIt() {
        // The shard's transactions of other tables count too: 11-13 commit as one step here.
        ShardEventFramer framer = new ShardEventFramer(split(gtid(1, 10), 0, stopAt(gtid(1, 12))));

        List<ChangeBatch> out = frame(framer, tx(T0, 1, 13), tx(T0, 2, 14));

        assertThat(ids(out)).containsExactly("1");
        assertThat(last(out).stopped).isTrue();
    }

    @Test
    void aSplitAlreadyAtItsStopEndsWithoutStreaming() {
        ShardEventFramer framer = new ShardEventFramer(split(gtid(1, 12), 0, stopAt(gtid(1, 12))));

        assertThat(framer.isFinished()).isTrue();
        List<ChangeBatch> last = framer.finishWithoutStream();
        assertThat(last).hasSize(1);
        assertThat(last.get(0).stopped).isTrue();
        assertThat(last.get(0).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 12)));
    }

    @Test
    void restoredInsideTheLastTransactionItReplaysDropsAndStopsAtItsCommit() {
        // A checkpoint fell after row 1 of the transaction that reaches the stop; the restore
        // neither re-emits row 1 nor passes the stop.
        ShardEventFramer framer = new ShardEventFramer(split(gtid(1, 10), 1, stopAt(gtid(1, 11))));
        List<Binlogdata.VEvent> lastTx =
                Arrays.asList(
                        timed(Binlogdata.VEventType.BEGIN, T0 + 5),
                        field("t", T0 + 5),
                        rows("t", T0 + 5, insert(1, "a"), insert(2, "b")),
                        vgtid(gtid(1, 11)),
                        timed(Binlogdata.VEventType.COMMIT, T0 + 5));

        List<ChangeBatch> out = frame(framer, lastTx, tx(T0 + 6, 3, 12));

        assertThat(ids(out)).containsExactly("2");
        assertThat(last(out).stopped).isTrue();
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 11)));
    }

    @Test
    void aSnapshotThenChangesStopsWhenTheCopyCompletesPastTheStop() {
        ShardSplit copy = copySplit(false, "t").withBounds(stopAt(gtid(1, 40)));
        ShardEventFramer framer = new ShardEventFramer(copy);

        List<ChangeBatch> out =
                framer.frame(
                        Arrays.asList(
                                begin(),
                                field("t"),
                                vgtid(gtid(1, 50)),
                                copyRow(1),
                                vgtid(gtid(1, 50), lastPk("t", 1)),
                                event(Binlogdata.VEventType.COMMIT),
                                copyCompleted()));

        assertThat(ids(out)).containsExactly("1");
        assertThat(last(out).stopped).isTrue();
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 50)));
    }

    // ---- stop times ----

    @Test
    void stopsBeforeTheFirstTransactionOfTheStopSecond() {
        ShardEventFramer framer = new ShardEventFramer(split(gtid(1, 10), 0, stopAtSecond(T0 + 2)));

        List<ChangeBatch> out =
                frame(framer, tx(T0, 1, 11), tx(T0 + 1, 2, 12), tx(T0 + 2, 3, 13), tx(T0, 4, 14));

        assertThat(ids(out)).containsExactly("1", "2");
        assertThat(last(out).stopped).isTrue();
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 12)));
    }

    @Test
    void aTransactionIsJudgedByItsFirstEvent() {
        // Begun in the second before the stop, its later statement is stamped with the stop's.
        ShardEventFramer framer = new ShardEventFramer(split(gtid(1, 10), 0, stopAtSecond(T0 + 1)));
        List<Binlogdata.VEvent> spanning =
                Arrays.asList(
                        timed(Binlogdata.VEventType.BEGIN, T0),
                        field("t", T0),
                        rows("t", T0, insert(1, "a")),
                        rows("t", T0 + 1, insert(2, "b")),
                        vgtid(gtid(1, 11)),
                        timed(Binlogdata.VEventType.COMMIT, T0 + 1));

        List<ChangeBatch> out = frame(framer, spanning, tx(T0 + 1, 3, 12));

        assertThat(ids(out)).containsExactly("1", "2");
        assertThat(last(out).stopped).isTrue();
    }

    @Test
    void anIdleShardPastItsStopTimeStopsAtItsCurrentPosition() {
        ShardEventFramer framer = new ShardEventFramer(split(gtid(1, 10), 0, stopAtSecond(T0 + 5)));

        frame(framer, tx(T0, 1, 11), Collections.singletonList(heartbeat(T0 + 4)));
        assertThat(framer.takeCurrentPositionWanted()).isFalse();
        frame(framer, Collections.singletonList(heartbeat(T0 + 5)));
        assertThat(framer.takeCurrentPositionWanted()).isTrue();
        assertThat(framer.takeCurrentPositionWanted()).isFalse();
        frame(framer, Collections.singletonList(heartbeat(T0 + 6)));
        assertThat(framer.takeCurrentPositionWanted()).as("asked once").isFalse();

        List<ChangeBatch> out = framer.stopAt(gtid(1, 11));

        assertThat(framer.isFinished()).isTrue();
        assertThat(out.get(0).bounds.stopGtid()).isEqualTo(gtid(1, 11));
        assertThat(last(out).stopped).isTrue();
        assertThat(last(out).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 11)));
    }

    @Test
    void aCurrentPositionAheadIsReadUpTo() {
        ShardEventFramer framer = new ShardEventFramer(split(gtid(1, 10), 0, stopAtSecond(T0 + 5)));
        frame(framer, Collections.singletonList(heartbeat(T0 + 5)));
        assertThat(framer.takeCurrentPositionWanted()).isTrue();

        List<ChangeBatch> recorded = framer.stopAt(gtid(1, 12));
        // A transaction stamped before the stop second still comes: a long one committed late.
        List<ChangeBatch> out = frame(framer, tx(T0 + 4, 1, 11), tx(T0 + 4, 2, 12), tx(T0, 3, 13));

        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).stopped).isFalse();
        assertThat(ids(out)).containsExactly("1", "2");
        assertThat(last(out).stopped).isTrue();
    }

    @Test
    void aStopResolvedInsideATransactionKeepsItsRowsCountedForARestart() {
        ShardSplit start = split(gtid(1, 10), 0, stopAtSecond(T0 + 5));
        ShardEventFramer framer = new ShardEventFramer(start);
        // A transaction's rows go out at its VGTID; its COMMIT comes in the next response.
        List<ChangeBatch> batches =
                new ArrayList<>(
                        framer.frame(
                                Arrays.asList(
                                        timed(Binlogdata.VEventType.BEGIN, T0 + 4),
                                        field("t", T0 + 4),
                                        rows("t", T0 + 4, insert(1, "v1")),
                                        vgtid(gtid(1, 11)))));
        batches.addAll(framer.stopAt(gtid(1, 12)));

        ShardSplit checkpointed = stateAfter(start, batches);
        assertThat(checkpointed.position()).isEqualTo(ShardPosition.of(gtid(1, 10)));
        assertThat(checkpointed.rowsToSkip()).as("the row already out").isEqualTo(1);
        assertThat(checkpointed.bounds().stopGtid()).isEqualTo(gtid(1, 12));

        ShardEventFramer restored = new ShardEventFramer(checkpointed);
        assertThat(ids(frame(restored, tx(T0 + 4, 1, 11), tx(T0 + 4, 2, 12))))
                .as("restored there, the row is not told again")
                .containsExactly("2");
        assertThat(restored.isFinished()).isTrue();
    }

    /** What a reader's state holds after emitting these batches. */
    private static ShardSplit stateAfter(ShardSplit split, List<ChangeBatch> batches) {
        ShardSplitState state = new ShardSplitState(split);
        for (ChangeBatch batch : batches) {
            PlanetScaleRecordEmitter.recordInState(batch, state);
        }
        return state.toSplit();
    }

    // ---- stop at latest ----

    @Test
    void aNewShardsStopIsItsPositionWhenItStarts() {
        ShardEventFramer framer =
                new ShardEventFramer(split(gtid(1, 10), 0, new SplitBounds(NO, null, true, NO)));
        assertThat(framer.needsStopPosition()).isTrue();

        List<ChangeBatch> recorded = framer.stopAt(gtid(1, 11));

        assertThat(framer.needsStopPosition()).isFalse();
        assertThat(recorded.get(0).bounds).isEqualTo(stopAt(gtid(1, 11)));
        assertThat(ids(frame(framer, tx(T0, 1, 11), tx(T0, 2, 12)))).containsExactly("1");
        assertThat(framer.isFinished()).isTrue();
    }

    // ---- start times ----

    @Test
    void aStartTimeSkipsEarlierTransactionsUpToTheFirstAtOrAfterIt() {
        ShardEventFramer framer =
                new ShardEventFramer(split(gtid(1, 10), 0, startAtSecond(T0 + 2)));

        List<ChangeBatch> out =
                frame(
                        framer,
                        tx(T0, 1, 11),
                        tx(T0 + 1, 2, 12),
                        tx(T0 + 2, 3, 13),
                        tx(T0 + 1, 4, 14),
                        tx(T0 + 3, 5, 15));

        // From the first transaction of the start second on nothing is skipped.
        assertThat(ids(out)).containsExactly("3", "4", "5");
        List<ChangeBatch> marks = new ArrayList<>();
        for (ChangeBatch batch : out) {
            if (batch.bounds != null) {
                marks.add(batch);
            }
        }
        assertThat(marks).hasSize(1);
        assertThat(marks.get(0).bounds.skipsBeforeStart()).isFalse();
        assertThat(marks.get(0).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 12)));
        assertThat(framer.isFinished()).isFalse();
    }

    @Test
    void skippedTransactionsMoveTheSafePosition() {
        ShardEventFramer framer =
                new ShardEventFramer(split(gtid(1, 10), 0, startAtSecond(T0 + 9)));

        List<ChangeBatch> out = frame(framer, tx(T0, 1, 11), tx(T0 + 1, 2, 12));

        assertThat(ids(out)).isEmpty();
        assertThat(last(out).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 12)));
        assertThat(framer.takeProgress()).isTrue();
        // A restore from there goes on skipping.
        ShardEventFramer restored =
                new ShardEventFramer(split(gtid(1, 12), 0, startAtSecond(T0 + 9)));
        assertThat(ids(frame(restored, tx(T0 + 2, 3, 13), tx(T0 + 9, 4, 14)))).containsExactly("4");
    }

    @Test
    void aStartAndAStopAtTheSameTimeMeetAtTheSamePlace() {
        List<List<Binlogdata.VEvent>> history =
                Arrays.asList(tx(T0, 1, 11), tx(T0 + 1, 2, 12), tx(T0 + 1, 3, 13), tx(T0, 4, 14));
        ShardEventFramer before = new ShardEventFramer(split(gtid(1, 10), 0, stopAtSecond(T0 + 1)));
        ShardEventFramer after = new ShardEventFramer(split(gtid(1, 10), 0, startAtSecond(T0 + 1)));
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (List<Binlogdata.VEvent> tx : history) {
            if (!before.isFinished()) {
                first.addAll(ids(before.frame(tx)));
            }
            second.addAll(ids(after.frame(tx)));
        }
        assertThat(first).containsExactly("1");
        assertThat(second).containsExactly("2", "3", "4");
    }

    // ---- the incremental snapshot's catch-up comes before the end ----

    /** Chunk [-, 100) of t read up to transaction 12, chunk [100, -) up to 14: start at 12. */
    private static ShardSplit caughtUpFrom12(boolean snapshotOnly, SplitBounds bounds, long high1) {
        byte[][] boundary = {"100".getBytes(StandardCharsets.UTF_8)};
        List<String> key = Collections.singletonList("id");
        List<KeyKind> kinds = Collections.singletonList(KeyKind.INTEGER);
        SnapshotCatchUp catchUp =
                new SnapshotCatchUp(
                        Arrays.asList(
                                new SnapshotCatchUp.Chunk(
                                        new TableChunk("t", 0, key, kinds, null, boundary),
                                        gtid(1, 12)),
                                new SnapshotCatchUp.Chunk(
                                        new TableChunk("t", 1, key, kinds, boundary, null),
                                        gtid(1, high1))));
        return new ShardSplit(
                        KEYSPACE,
                        SHARD,
                        ShardPosition.of(gtid(1, 12)),
                        0,
                        snapshotOnly,
                        Collections.emptyList(),
                        null,
                        bounds,
                        false)
                .withCatchUp(catchUp);
    }

    /**
     * A stop before the chunks' high watermarks (a latest-offset stop resolved before the chunks
     * were read): the stream reads on to the last high watermark, else a change between two chunks'
     * watermarks (here the insert of 5 into the chunk read at 12) would be missing.
     */
    @Test
    void aStopBeforeTheHighWatermarksEndsAfterTheCatchUp() {
        ShardEventFramer framer =
                new ShardEventFramer(caughtUpFrom12(false, stopAt(gtid(1, 11)), 14));
        assertThat(framer.isFinished()).isFalse();

        List<ChangeBatch> out =
                frame(framer, tx(T0, 5, 13), tx(T0, 150, 14), tx(T0, 6, 15), tx(T0, 7, 16));

        // 150 is in the chunk read at 14: not again
        assertThat(ids(out)).containsExactly("5");
        assertThat(framer.isFinished()).isTrue();
        assertThat(last(out).stopped).isTrue();
        assertThat(last(out).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 14)));
        assertThat(out).anyMatch(batch -> batch.catchUpDone);
    }

    /** A time stop before the chunks' high watermarks: the same. */
    @Test
    void aStopTimeBeforeTheHighWatermarksEndsAfterTheCatchUp() {
        ShardEventFramer framer =
                new ShardEventFramer(caughtUpFrom12(false, stopAtSecond(T0 - 10), 14));

        List<ChangeBatch> out = frame(framer, tx(T0, 5, 13), tx(T0, 150, 14), tx(T0, 6, 15));

        assertThat(ids(out)).containsExactly("5");
        assertThat(framer.isFinished()).isTrue();
        assertThat(last(out).stopped).isTrue();
        assertThat(last(out).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 14)));
    }

    /** Startup mode 'snapshot' with chunks: the snapshot is complete at the last high watermark. */
    @Test
    void aSnapshotOfChunksEndsAfterTheCatchUp() {
        ShardEventFramer framer = new ShardEventFramer(caughtUpFrom12(true, SplitBounds.NONE, 14));
        assertThat(framer.isFinished()).isFalse();

        List<ChangeBatch> out =
                frame(framer, tx(T0, 5, 13), tx(T0, 150, 14), tx(T0, 6, 15), tx(T0, 7, 16));

        assertThat(ids(out)).containsExactly("5");
        assertThat(framer.isFinished()).isTrue();
        assertThat(last(out).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 14)));
        assertThat(last(out).catchUpDone).isTrue();
    }

    /**
     * Chunks all read at one high watermark: nothing to line up, the bounded split ends at once.
     */
    @Test
    void chunksOfOneHighWatermarkEndAtOnce() {
        ShardEventFramer snapshot =
                new ShardEventFramer(caughtUpFrom12(true, SplitBounds.NONE, 12));
        assertThat(snapshot.isFinished()).isTrue();

        ShardEventFramer stopped =
                new ShardEventFramer(caughtUpFrom12(false, stopAt(gtid(1, 11)), 12));
        assertThat(stopped.isFinished()).isTrue();
        List<ChangeBatch> out = stopped.finishWithoutStream();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).stopped).isTrue();
        assertThat(out.get(0).catchUpDone).isTrue();
    }
}
