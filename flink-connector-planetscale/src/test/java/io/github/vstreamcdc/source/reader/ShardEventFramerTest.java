package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.filter.RowFilter;
import io.github.vstreamcdc.source.snapshot.KeyKind;
import io.github.vstreamcdc.source.snapshot.SnapshotCatchUp;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.github.vstreamcdc.source.reader.VEvents.KEYSPACE;
import static io.github.vstreamcdc.source.reader.VEvents.SHARD;
import static io.github.vstreamcdc.source.reader.VEvents.begin;
import static io.github.vstreamcdc.source.reader.VEvents.binlogSplit;
import static io.github.vstreamcdc.source.reader.VEvents.commit;
import static io.github.vstreamcdc.source.reader.VEvents.copyCompleted;
import static io.github.vstreamcdc.source.reader.VEvents.copyRow;
import static io.github.vstreamcdc.source.reader.VEvents.copySplit;
import static io.github.vstreamcdc.source.reader.VEvents.delete;
import static io.github.vstreamcdc.source.reader.VEvents.event;
import static io.github.vstreamcdc.source.reader.VEvents.field;
import static io.github.vstreamcdc.source.reader.VEvents.gtid;
import static io.github.vstreamcdc.source.reader.VEvents.insert;
import static io.github.vstreamcdc.source.reader.VEvents.journal;
import static io.github.vstreamcdc.source.reader.VEvents.lastPk;
import static io.github.vstreamcdc.source.reader.VEvents.rows;
import static io.github.vstreamcdc.source.reader.VEvents.update;
import static io.github.vstreamcdc.source.reader.VEvents.vgtid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The framing of one shard's events into batches, fed with hand-built events: no stream. */
class ShardEventFramerTest {

    private static final long TS = 1_700_000_000L;

    private static List<ChangeBatch> frame(ShardEventFramer framer, Binlogdata.VEvent... events) {
        return framer.frame(Arrays.asList(events));
    }

    /** "op:id" or "op:id=v" per row, over all batches. */
    private static List<String> rowsOf(List<ChangeBatch> batches) {
        List<String> rows = new ArrayList<>();
        for (ChangeBatch batch : batches) {
            for (RowChangeEvent row : batch.rows) {
                byte[][] image = row.after() != null ? row.after() : row.before();
                String s = row.op().code() + ":" + text(image[0]);
                if (row.after() != null && row.after()[1] != null) {
                    s += "=" + text(row.after()[1]);
                }
                rows.add(s);
            }
        }
        return rows;
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }

    private static Binlogdata.VEvent commitAt(long id) {
        return vgtid(gtid(1, id));
    }

    // ---- binlog framing and safe positions ----

    @Test
    void binlogRowsWaitForTheirVgtidAndTheCommitCarriesThePosition() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));

        List<ChangeBatch> first =
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a"), insert(2, "b")),
                        rows("t", TS, update(1, "a", "a2")));
        List<ChangeBatch> second = frame(framer, commitAt(11), commit());

        assertThat(first).isEmpty();
        // One batch per ROW event (checkpoints can fall between them), then the commit.
        assertThat(second).hasSize(3);
        assertThat(second.get(0).positionAfter).isNull();
        assertThat(second.get(1).positionAfter).isNull();
        assertThat(rowsOf(second)).containsExactly("c:1=a", "c:2=b", "u:1=a2");
        RowChangeEvent row = second.get(0).rows.get(0);
        assertThat(row.keyspace()).isEqualTo(KEYSPACE);
        assertThat(row.shard()).isEqualTo(SHARD);
        assertThat(row.table()).isEqualTo("t");
        assertThat(row.commitTimeMillis()).isEqualTo(TS * 1000);
        assertThat(row.isSnapshot()).isFalse();
        // The position after the transaction, and the order in it.
        assertThat(second.subList(0, 2))
                .flatExtracting(b -> b.rows)
                .extracting(r -> ((RowChangeEvent) r).position())
                .containsOnly(gtid(1, 11));
        assertThat(second.subList(0, 2))
                .flatExtracting(b -> b.rows)
                .extracting(r -> ((RowChangeEvent) r).transactionSeq())
                .containsExactly(1L, 2L, 3L);
        assertThat(second.get(0).eventTimeMillis).isEqualTo(TS * 1000);

        assertThat(second.get(2).rows).isEmpty();
        assertThat(second.get(2).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 11)));
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 11)));
    }

    @Test
    void aHugeTransactionIsHandedOverInPartsTheFirstWithoutPosition() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        frame(framer, begin(), field("t", TS));
        List<ChangeBatch> early = new ArrayList<>();
        for (int i = 0; i < ShardEventFramer.MAX_HELD_ROWS + 1; i++) {
            early.addAll(frame(framer, rows("t", TS, insert(i, "x"))));
        }
        List<ChangeBatch> end = frame(framer, commitAt(11), commit());

        // One batch per ROW event, as they came, so that checkpoints can fall between them.
        assertThat(early).hasSize(ShardEventFramer.MAX_HELD_ROWS);
        assertThat(early)
                .flatExtracting(b -> b.rows)
                .hasSize(ShardEventFramer.MAX_HELD_ROWS)
                .allMatch(r -> ((RowChangeEvent) r).position() == null);
        assertThat(end.get(0).rows).hasSize(1);
        assertThat(end.get(0).rows.get(0).position()).isEqualTo(gtid(1, 11));
        assertThat(end.get(0).rows.get(0).transactionSeq())
                .isEqualTo(ShardEventFramer.MAX_HELD_ROWS + 1);
    }

    @Test
    void heldRowsGoOutOneBatchPerRowEventAtMostMaxBatchRowsEach() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        Binlogdata.RowChange[] big = new Binlogdata.RowChange[ShardEventFramer.MAX_BATCH_ROWS + 5];
        for (int i = 0; i < big.length; i++) {
            big[i] = insert(100 + i, "b");
        }
        List<ChangeBatch> held =
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a"), insert(2, "a")),
                        rows("t", TS, big));
        assertThat(held).isEmpty();
        List<ChangeBatch> out = frame(framer, commitAt(11), commit());
        assertThat(out)
                .extracting(b -> b.rows.size())
                .containsExactly(2, ShardEventFramer.MAX_BATCH_ROWS, 5, 0);
        assertThat(out.get(1).rows.get(0).position()).isEqualTo(gtid(1, 11));
    }

    @Test
    void theSafePositionMovesOnlyAtTransactionBoundaries() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));

        // A VGTID alone is not a boundary; a boundary without a new VGTID moves nothing.
        assertThat(frame(framer, begin(), field("t", TS), commitAt(11))).isEmpty();
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 10)));
        assertThat(frame(framer, rows("t", TS, insert(1, "a")))).isEmpty();
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 10)));

        List<ChangeBatch> ends =
                frame(
                        framer,
                        commit(),
                        commit(),
                        commitAt(12),
                        event(Binlogdata.VEventType.DDL),
                        commitAt(13),
                        event(Binlogdata.VEventType.OTHER),
                        commitAt(14),
                        event(Binlogdata.VEventType.ROLLBACK));

        assertThat(ends)
                .extracting(b -> b.positionAfter)
                .filteredOn(p -> p != null)
                .containsExactly(
                        ShardPosition.of(gtid(1, 11)),
                        ShardPosition.of(gtid(1, 12)),
                        ShardPosition.of(gtid(1, 13)),
                        ShardPosition.of(gtid(1, 14)));
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 14)));
    }

    @Test
    void vgtidsOfOtherShardsAreNotThisShardsPosition() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        Binlogdata.VEvent otherShard =
                Binlogdata.VEvent.newBuilder()
                        .setType(Binlogdata.VEventType.VGTID)
                        .setVgtid(
                                Binlogdata.VGtid.newBuilder()
                                        .addShardGtids(
                                                Binlogdata.ShardGtid.newBuilder()
                                                        .setKeyspace(KEYSPACE)
                                                        .setShard("80-")
                                                        .setGtid(gtid(1, 99))))
                        .build();

        assertThat(frame(framer, otherShard, commit())).isEmpty();
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 10)));
    }

    @Test
    void progressIsRowsHandedOverOrAMovedPosition() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        assertThat(framer.takeProgress()).isFalse();

        frame(framer, begin(), field("t", TS));
        assertThat(framer.takeProgress()).isFalse();
        frame(framer, rows("t", TS, insert(1, "a")));
        assertThat(framer.takeProgress()).isFalse(); // held until the VGTID
        frame(framer, commitAt(11));
        assertThat(framer.takeProgress()).isTrue();
        assertThat(framer.takeProgress()).isFalse();
        frame(framer, commit());
        assertThat(framer.takeProgress()).isTrue();
        // The same position again is no progress.
        frame(framer, commitAt(11), commit());
        assertThat(framer.takeProgress()).isFalse();
    }

    // ---- restarts inside a transaction ----

    @Test
    void aSplitRestoredInsideATransactionSkipsTheRowsOfItsCheckpoint() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 2));
        assertThat(framer.rowsToDrop()).isEqualTo(2);

        List<ChangeBatch> batches =
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        rows("t", TS, insert(2, "b"), insert(3, "c")),
                        commitAt(11),
                        commit());

        assertThat(rowsOf(batches)).containsExactly("c:3=c");
        assertThat(framer.rowsToDrop()).isZero();
        assertThat(batches.get(batches.size() - 1).positionAfter)
                .isEqualTo(ShardPosition.of(gtid(1, 11)));
    }

    @Test
    void aRestartDropsTheRowsHandedOverSinceTheSafePosition() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        List<ChangeBatch> before =
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        rows("t", TS, insert(2, "b")),
                        commitAt(11));

        // The stream breaks between the VGTID and the COMMIT.
        framer.restart();
        assertThat(framer.rowsToDrop()).isEqualTo(2);
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 10)));
        List<ChangeBatch> replay =
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a"), insert(2, "b"), insert(3, "c")),
                        commitAt(11),
                        commit());

        assertThat(rowsOf(before)).containsExactly("c:1=a", "c:2=b");
        assertThat(rowsOf(replay)).containsExactly("c:3=c");
        assertThat(replay.get(0).rows.get(0).transactionSeq()).isEqualTo(3);
        // After the commit nothing is left to drop on the next restart.
        framer.restart();
        assertThat(framer.rowsToDrop()).isZero();
    }

    @Test
    void aReplayWithFewerRowsThanHandedOverFails() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 2));

        assertThatThrownBy(
                        () ->
                                frame(
                                        framer,
                                        begin(),
                                        field("t", TS),
                                        rows("t", TS, insert(1, "a")),
                                        commitAt(11),
                                        commit()))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining(KEYSPACE + "/" + SHARD)
                .hasMessageContaining("fewer row");
    }

    // ---- FIELD events ----

    @Test
    void rowsUseTheirTablesLatestFieldEvent() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        List<ChangeBatch> old =
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        rows("t", TS, insert(2, "b")),
                        commitAt(11),
                        commit());
        // ALTER TABLE t ADD COLUMN w: VStream sends the new FIELD event before the next rows.
        List<Query.Field> widened = new ArrayList<>(VEvents.fields());
        widened.add(Query.Field.newBuilder().setName("w").setType(Query.Type.INT32).build());
        Binlogdata.VEvent newField =
                Binlogdata.VEvent.newBuilder()
                        .setType(Binlogdata.VEventType.FIELD)
                        .setTimestamp(TS + 1)
                        .setFieldEvent(
                                Binlogdata.FieldEvent.newBuilder()
                                        .setTableName(KEYSPACE + ".t")
                                        .addAllFields(widened))
                        .build();
        List<ChangeBatch> altered =
                frame(
                        framer,
                        begin(),
                        newField,
                        rows("t", TS + 1, insert(3, "c")),
                        rows("t", TS + 1, delete(3, "c")),
                        commitAt(12));

        RowChangeEvent first = old.get(0).rows.get(0);
        RowChangeEvent second = old.get(1).rows.get(0);
        // The same instance until the schema changes: deserializers cache per schema by identity.
        assertThat(second.columns()).isSameAs(first.columns());
        RowChangeEvent third = altered.get(0).rows.get(0);
        assertThat(third.columns()).isNotSameAs(first.columns());
        assertThat(altered.get(1).rows.get(0).columns()).isSameAs(third.columns());
        assertThat(rowsOf(altered)).containsExactly("c:3=c", "d:3");
    }

    @Test
    void rowsBeforeTheirFieldEventFailAlsoAfterARestart() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        frame(framer, begin(), field("t", TS), rows("t", TS, insert(1, "a")));

        // A new stream sends its own FIELD events: those of the old one are forgotten.
        framer.restart();
        assertThatThrownBy(() -> frame(framer, begin(), rows("t", TS, insert(1, "a"))))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("'t' before its FIELD event");
    }

    // ---- copy phase ----

    @Test
    void copyRowsWaitForTheirCommitAndGoOutWithTheCopyCursor() {
        String g = gtid(1, 50);
        ShardEventFramer framer = new ShardEventFramer(copySplit(false, "t", "u"));

        List<ChangeBatch> open = frame(framer, begin(), field("t"), vgtid(g), copyRow(1));
        List<ChangeBatch> committed = frame(framer, copyRow(2), vgtid(g, lastPk("t", 2)), commit());

        assertThat(open).isEmpty();
        assertThat(committed).hasSize(1);
        ChangeBatch batch = committed.get(0);
        assertThat(rowsOf(committed)).containsExactly("r:1=v1", "r:2=v2");
        assertThat(batch.rows).allMatch(r -> r.commitTimeMillis() == 0);
        assertThat(batch.rows).allMatch(RowChangeEvent::isSnapshot);
        assertThat(batch.rows).allMatch(r -> g.equals(r.position()));
        assertThat(batch.rows).extracting(RowChangeEvent::transactionSeq).containsExactly(1L, 2L);
        assertThat(batch.positionAfter)
                .isEqualTo(new ShardPosition(g, List.of(lastPk("t", 2)), Set.of("t", "u")));
        assertThat(framer.takeProgress()).isTrue();
    }

    @Test
    void copyCursorFollowsTablesUntilCopyCompletedEndsTheSnapshot() {
        String g = gtid(1, 50);
        String g2 = gtid(1, 51);
        ShardEventFramer framer = new ShardEventFramer(copySplit(true, "e", "t", "u"));

        List<ChangeBatch> batches = new ArrayList<>();
        batches.addAll(
                frame(
                        framer,
                        begin(),
                        field("t"),
                        vgtid(g),
                        copyRow(1),
                        vgtid(g, lastPk("t", 1)),
                        commit()));
        // A catch-up transaction between copy batches: a binlog change of a copied row.
        batches.addAll(
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, update(1, "v1", "x1")),
                        vgtid(g2, lastPk("t", 1)),
                        commit()));
        // Table t is done: it leaves table_p_ks.
        batches.addAll(frame(framer, begin(), vgtid(g2), commit()));
        // Table e is empty: a FIELD event and no rows, never in table_p_ks.
        batches.addAll(frame(framer, begin(), field("e"), vgtid(g2), commit()));
        assertThat(framer.isFinished()).isFalse();
        batches.addAll(frame(framer, copyCompleted(), copyCompleted(), begin(), field("t", TS)));

        assertThat(rowsOf(batches)).containsExactly("r:1=v1", "u:1=x1");
        assertThat(batches.get(1).rows.get(0).commitTimeMillis()).isEqualTo(TS * 1000);
        assertThat(batches)
                .extracting(b -> b.positionAfter)
                .containsExactly(
                        new ShardPosition(g, List.of(lastPk("t", 1)), Set.of("e", "t", "u")),
                        new ShardPosition(g2, List.of(lastPk("t", 1)), Set.of("e", "t", "u")),
                        new ShardPosition(g2, List.of(), Set.of("e", "u")),
                        new ShardPosition(g2, List.of(), Set.of("u")),
                        ShardPosition.of(g2));
        // A snapshot ends with the copy phase: the events after it are not looked at.
        assertThat(framer.isFinished()).isTrue();
    }

    @Test
    void anUnboundedSplitFollowsTheBinlogAfterTheCopyPhase() {
        String g = gtid(1, 50);
        ShardEventFramer framer = new ShardEventFramer(copySplit(false, "t"));

        List<ChangeBatch> batches = new ArrayList<>();
        batches.addAll(
                frame(
                        framer,
                        begin(),
                        field("t"),
                        vgtid(g),
                        copyRow(1),
                        vgtid(g, lastPk("t", 1)),
                        commit()));
        batches.addAll(frame(framer, copyCompleted()));
        batches.addAll(
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(2, "late")),
                        commitAt(51),
                        commit()));

        assertThat(framer.isFinished()).isFalse();
        assertThat(rowsOf(batches)).containsExactly("r:1=v1", "c:2=late");
        assertThat(batches.get(1).positionAfter).isEqualTo(ShardPosition.of(g));
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 51)));
    }

    @Test
    void aRestartInsideACopyTransactionDropsItsBufferedRows() {
        String g = gtid(1, 50);
        ShardEventFramer framer = new ShardEventFramer(copySplit(false, "t"));
        frame(
                framer,
                begin(),
                field("t"),
                vgtid(g),
                copyRow(1),
                vgtid(g, lastPk("t", 1)),
                commit());
        frame(framer, begin(), copyRow(2));

        framer.restart();
        // Copy rows were never handed over before their commit: nothing to drop.
        assertThat(framer.rowsToDrop()).isZero();
        List<ChangeBatch> resumed =
                frame(framer, begin(), field("t"), copyRow(2), vgtid(g, lastPk("t", 2)), commit());

        assertThat(rowsOf(resumed)).containsExactly("r:2=v2");
    }

    @Test
    void copyRowsWithoutAPositionFail() {
        ShardEventFramer framer = new ShardEventFramer(copySplit(false, "t"));

        assertThatThrownBy(() -> frame(framer, begin(), field("t"), copyRow(1), commit()))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("ended without a position");
    }

    @Test
    void aSnapshotRestoredAfterItsLastTableIsFinishedBeforeAnyEvent() {
        ShardSplit done =
                new ShardSplit(
                        KEYSPACE,
                        SHARD,
                        ShardPosition.of(gtid(1, 50)),
                        0,
                        true,
                        Collections.emptyList());

        assertThat(new ShardEventFramer(done).isFinished()).isTrue();
        assertThat(new ShardEventFramer(copySplit(true, "t")).isFinished()).isFalse();
        assertThat(new ShardEventFramer(binlogSplit(gtid(1, 50), 0)).isFinished()).isFalse();
    }

    // ---- journals ----

    @Test
    void aShardsJournalEndsTheSplitAtTheLastCommit() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        List<ChangeBatch> batches =
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        commitAt(11),
                        commit(),
                        begin(),
                        journal(Binlogdata.MigrationType.SHARDS),
                        commitAt(12),
                        commit(),
                        rows("t", TS, insert(2, "b")));

        assertThat(framer.isFinished()).isTrue();
        assertThat(rowsOf(batches)).containsExactly("c:1=a");
        ChangeBatch last = batches.get(batches.size() - 1);
        assertThat(last.journal).isNotNull();
        assertThat(last.journal.getId()).isEqualTo(7);
        assertThat(last.rows).isEmpty();
        assertThat(last.positionAfter).isEqualTo(ShardPosition.of(gtid(1, 11)));
        assertThat(last.eventTimeMillis).isEqualTo(TS * 1000);
    }

    @Test
    void aTablesJournalIsNotTheEndOfTheShard() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));

        List<ChangeBatch> batches =
                frame(framer, begin(), journal(Binlogdata.MigrationType.TABLES), commitAt(11));
        batches.addAll(frame(framer, commit()));

        assertThat(framer.isFinished()).isFalse();
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).journal).isNull();
        assertThat(batches.get(0).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 11)));
    }

    @Test
    void aShardsJournalDuringTheCopyPhaseEndsTheSplitWithTheCopyStillToDo() {
        ShardEventFramer framer = new ShardEventFramer(copySplit(false, "t", "u"));

        List<ChangeBatch> batches =
                frame(
                        framer,
                        begin(),
                        field("t"),
                        copyRow(1),
                        vgtid(gtid(1, 10), lastPk("t", 1)),
                        commit(),
                        begin(),
                        copyRow(2),
                        journal(Binlogdata.MigrationType.SHARDS));

        assertThat(framer.isFinished()).isTrue();
        // Row 2 came after the last copy position: not handed over, the new shards copy it.
        assertThat(rowsOf(batches)).containsExactly("r:1=v1");
        ChangeBatch last = batches.get(batches.size() - 1);
        assertThat(last.journal).isNotNull();
        assertThat(last.positionAfter)
                .isEqualTo(
                        new ShardPosition(
                                gtid(1, 10),
                                Collections.singletonList(lastPk("t", 1)),
                                new LinkedHashSet<>(Arrays.asList("t", "u"))));
    }

    /**
     * Table t's chunk [-, 100) read up to transaction 5, [100, -) given up (its shard stopped
     * serving): the stream's catch-up after an incremental snapshot.
     */
    private static SnapshotCatchUp givenUpAbove100() {
        byte[][] boundary = {"100".getBytes(StandardCharsets.UTF_8)};
        List<String> key = Collections.singletonList("id");
        List<KeyKind> kinds = Collections.singletonList(KeyKind.INTEGER);
        return new SnapshotCatchUp(
                Arrays.asList(
                        new SnapshotCatchUp.Chunk(
                                new TableChunk("t", 0, key, kinds, null, boundary), gtid(1, 5)),
                        new SnapshotCatchUp.Chunk(
                                new TableChunk("t", 1, key, kinds, boundary, null),
                                SnapshotCatchUp.GIVEN_UP)));
    }

    @Test
    void aShardsJournalAfterChunksWereGivenUpHandsTheirTablesToTheNewShards() {
        ShardEventFramer framer =
                new ShardEventFramer(binlogSplit(gtid(1, 10), 0).withCatchUp(givenUpAbove100()));
        List<ChangeBatch> batches =
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, delete(1, "a"), delete(200, "b"), insert(300, "c")),
                        commitAt(11),
                        commit(),
                        begin(),
                        journal(Binlogdata.MigrationType.SHARDS));

        // The delete of a row of the chunk read goes out; the given-up range's changes do not
        // (the new shards copy the table as it is after the journal).
        assertThat(rowsOf(batches)).containsExactly("d:1");
        ChangeBatch last = batches.get(batches.size() - 1);
        assertThat(last.journal).isNotNull();
        assertThat(last.positionAfter)
                .isEqualTo(
                        new ShardPosition(
                                gtid(1, 11), Collections.emptyList(), Collections.singleton("t")));
    }

    /**
     * An update that moves a row from a chunk that holds its transaction to one that does not, and
     * out of the pushed-down filter: the filter makes it a delete, which the first chunk already
     * holds. (The catch-up alone would make it an insert of the new image, which the filter
     * excludes.)
     */
    @Test
    void theFilterGivesAnUpdateItsMeaningBeforeTheCatchUp() {
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
                                        gtid(1, 5))));
        Binlogdata.RowChange moved =
                Binlogdata.RowChange.newBuilder()
                        .setBefore(VEvents.row(1, "a"))
                        .setAfter(VEvents.row(200, "b"))
                        .build();
        RowFilter below150 =
                new RowFilter(
                        Collections.singletonList(
                                new RowFilter.Condition(
                                        "id",
                                        RowFilter.Op.LT,
                                        Collections.singletonList(BigDecimal.valueOf(150)))));

        ShardEventFramer filtered =
                new ShardEventFramer(binlogSplit(gtid(1, 10), 0).withCatchUp(catchUp))
                        .filteredBy(below150);
        assertThat(
                        rowsOf(
                                frame(
                                        filtered,
                                        begin(),
                                        field("t", TS),
                                        rows("t", TS, moved),
                                        commitAt(11))))
                .isEmpty();

        ShardEventFramer unfiltered =
                new ShardEventFramer(binlogSplit(gtid(1, 10), 0).withCatchUp(catchUp));
        assertThat(
                        rowsOf(
                                frame(
                                        unfiltered,
                                        begin(),
                                        field("t", TS),
                                        rows("t", TS, moved),
                                        commitAt(11))))
                .containsExactly("c:200=b");
    }

    @Test
    void aShardsJournalDuringABoundedSnapshotFails() {
        ShardEventFramer framer = new ShardEventFramer(copySplit(true, "t"));

        assertThatThrownBy(
                        () ->
                                frame(
                                        framer,
                                        begin(),
                                        field("t"),
                                        copyRow(1),
                                        journal(Binlogdata.MigrationType.SHARDS)))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("before its snapshot was complete")
                .hasMessageContaining("'snapshot'");
    }

    private static Binlogdata.VEvent heartbeatAt(long seconds) {
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.HEARTBEAT)
                .setTimestamp(seconds)
                .build();
    }

    private static long idleAt(List<ChangeBatch> batches) {
        assertThat(batches).hasSize(1);
        return batches.get(0).idleAtMillis;
    }

    /**
     * VTGate's own heartbeats carry its time also while the stream is far behind (waiting for a
     * tablet after a restore from an old checkpoint, or for the COMMIT of a large transaction): the
     * idle time goes at most the delay past what the stream is known to have delivered, so that the
     * watermark (the idle time minus the delay) stays below every commit still to come.
     */
    @Test
    void aHeartbeatMovesTheWatermarkOnlyAsFarAsTheStreamIsKnownToHaveDelivered() {
        ShardEventFramer framer =
                new ShardEventFramer(binlogSplit(gtid(1, 10), 0)).idleWatermarks(5000);

        // a transaction of an hour ago, then VTGate's heartbeat of now
        frame(framer, begin(), field("t", TS), rows("t", TS, insert(1, "a")), commitAt(11));
        frame(framer, commit());
        assertThat(idleAt(frame(framer, heartbeatAt(TS + 3600)))).isEqualTo((TS + 5) * 1000);
        assertThat(framer.takeExecutedWanted()).isTrue();
        assertThat(framer.takeExecutedWanted()).as("once per ask").isFalse();
        // the shard had committed more than the stream's position holds: no further, and the
        // next ask no sooner than half the delay later
        framer.executedWas(gtid(1, 12));
        assertThat(idleAt(frame(framer, heartbeatAt(TS + 3601)))).isEqualTo((TS + 5) * 1000);
        assertThat(framer.takeExecutedWanted()).isFalse();
        assertThat(idleAt(frame(framer, heartbeatAt(TS + 3603)))).isEqualTo((TS + 5) * 1000);
        assertThat(framer.takeExecutedWanted()).isTrue();
        // the position holds the shard's executed set, read after the heartbeat of TS + 3603
        framer.executedWas(gtid(1, 11));
        assertThat(idleAt(frame(framer, heartbeatAt(TS + 3604)))).isEqualTo((TS + 3604) * 1000);

        // then VTGate waits for a tablet and sends heartbeats of its own: no further than the delay
        assertThat(idleAt(frame(framer, heartbeatAt(TS + 3700)))).isEqualTo((TS + 3608) * 1000);
        assertThat(framer.takeExecutedWanted()).isTrue();
        framer.executedWas(null); // the shard's PRIMARY could not be asked
        assertThat(idleAt(frame(framer, heartbeatAt(TS + 3701)))).isEqualTo((TS + 3608) * 1000);

        // a new stream may start far behind: nothing until it is known again
        framer.restart();
        assertThat(frame(framer, heartbeatAt(TS + 3702))).isEmpty();
        assertThat(framer.takeExecutedWanted()).isTrue();
        framer.executedWas(gtid(1, 11));
        assertThat(idleAt(frame(framer, heartbeatAt(TS + 3703)))).isEqualTo((TS + 3703) * 1000);
    }

    @Test
    void withoutIdleWatermarksAHeartbeatAsksNothing() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        Binlogdata.VEvent beat =
                Binlogdata.VEvent.newBuilder()
                        .setType(Binlogdata.VEventType.HEARTBEAT)
                        .setTimestamp(TS + 5)
                        .build();
        assertThat(frame(framer, beat)).isEmpty();
        assertThat(framer.takeExecutedWanted()).isFalse();
    }

    @Test
    void aShardsJournalInsideAReplayedTransactionFails() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 1));

        assertThatThrownBy(() -> frame(framer, begin(), journal(Binlogdata.MigrationType.SHARDS)))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("inside a transaction");
    }

    // ---- heartbeats ----

    @Test
    void aHeartbeatOutsideTransactionsSaysTheShardIsIdleAtItsTime() {
        ShardEventFramer framer =
                new ShardEventFramer(binlogSplit(gtid(1, 10), 0)).idleWatermarks(1000);
        Binlogdata.VEvent beat =
                Binlogdata.VEvent.newBuilder()
                        .setType(Binlogdata.VEventType.HEARTBEAT)
                        .setTimestamp(TS + 5)
                        .build();
        // Not before the stream is known to have delivered everything: the shard's executed set,
        // read after this heartbeat, is in its position.
        assertThat(frame(framer, beat)).isEmpty();
        assertThat(framer.takeExecutedWanted()).isTrue();
        framer.executedWas(gtid(1, 10));

        List<ChangeBatch> idle = frame(framer, beat);
        assertThat(idle).hasSize(1);
        assertThat(idle.get(0).idleAtMillis).isEqualTo((TS + 5) * 1000);
        assertThat(idle.get(0).rows).isEmpty();
        assertThat(idle.get(0).positionAfter).isNull();
        assertThat(framer.takeProgress()).isFalse();

        // Inside a transaction (rows held, or not yet committed) the shard is not idle.
        frame(framer, begin(), field("t", TS + 6), rows("t", TS + 6, insert(1, "a")));
        assertThat(frame(framer, beat)).isEmpty();
        frame(framer, commitAt(11), commit());
        assertThat(frame(framer, beat)).hasSize(1);
    }

    @Test
    void heartbeatsCarryNothingAndLeaveAnOpenTransactionAlone() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        frame(framer, begin(), field("t", TS), rows("t", TS, insert(1, "a")));
        framer.takeProgress();

        List<ChangeBatch> beats =
                frame(
                        framer,
                        event(Binlogdata.VEventType.HEARTBEAT),
                        event(Binlogdata.VEventType.HEARTBEAT));

        assertThat(beats).isEmpty();
        assertThat(framer.takeProgress()).isFalse();
        List<ChangeBatch> rest =
                frame(framer, rows("t", TS, insert(2, "b")), commitAt(11), commit());
        assertThat(rowsOf(rest)).containsExactly("c:1=a", "c:2=b");
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 11)));
    }
}
