package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.TableSelection;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.github.vstreamcdc.source.reader.VEvents.begin;
import static io.github.vstreamcdc.source.reader.VEvents.binlogSplit;
import static io.github.vstreamcdc.source.reader.VEvents.commit;
import static io.github.vstreamcdc.source.reader.VEvents.copyCompleted;
import static io.github.vstreamcdc.source.reader.VEvents.field;
import static io.github.vstreamcdc.source.reader.VEvents.gtid;
import static io.github.vstreamcdc.source.reader.VEvents.insert;
import static io.github.vstreamcdc.source.reader.VEvents.lastPk;
import static io.github.vstreamcdc.source.reader.VEvents.rows;
import static io.github.vstreamcdc.source.reader.VEvents.vgtid;
import static org.assertj.core.api.Assertions.assertThat;

/** The tables a shard's stream reads, and tables added to it while it runs. */
class ShardEventFramerTablesTest {

    private static final long TS = 1_700_000_000L;

    private static Set<String> tables(String... names) {
        return new TreeSet<>(Arrays.asList(names));
    }

    /** Tables a.* of keyspace ks, without ab. */
    private static TableSelection selection() {
        Configuration options = new Configuration();
        options.set(PlanetScaleSourceOptions.HOSTNAME, "localhost");
        options.set(PlanetScaleSourceOptions.KEYSPACE, VEvents.KEYSPACE);
        options.set(PlanetScaleSourceOptions.TABLES, "ks\\.a.*");
        options.set(PlanetScaleSourceOptions.TABLES_EXCLUDE, "ks\\.ab");
        return PlanetScaleSourceConfig.from(options).tables();
    }

    private static List<ChangeBatch> frame(ShardEventFramer framer, Binlogdata.VEvent... events) {
        return framer.frame(Arrays.asList(events));
    }

    private static List<String> tablesOfRows(List<ChangeBatch> batches) {
        List<String> out = new ArrayList<>();
        for (ChangeBatch batch : batches) {
            for (RowChangeEvent row : batch.rows) {
                out.add(row.table() + ":" + row.op().code());
            }
        }
        return out;
    }

    @Test
    void aTableAddedBetweenTransactionsIsCopiedFromTheSafePosition() {
        ShardSplit split = binlogSplit(gtid(1, 10), 0).withTables(tables("a"));
        ShardEventFramer framer = new ShardEventFramer(split);
        frame(framer, begin(), field("a", TS), rows("a", TS, insert(1, "x")), vgtid(gtid(1, 11)));
        assertThat(framer.canChangeTables()).as("rows handed over before the commit").isFalse();
        frame(framer, commit());
        assertThat(framer.canChangeTables()).isTrue();

        ChangeBatch added = framer.changeTables(tables("a", "b"));

        ShardPosition copying =
                new ShardPosition(gtid(1, 11), Collections.emptyList(), tables("b"));
        assertThat(added.positionAfter).isEqualTo(copying);
        assertThat(added.tables).containsExactly("a", "b");
        assertThat(added.rows).isEmpty();
        assertThat(framer.safePosition()).isEqualTo(copying);
        assertThat(framer.tables()).containsExactly("a", "b");
        assertThat(VStreamRequestsTest.tablesOf(framer)).containsExactly("a", "b");

        // The restarted stream: b's copy (READ rows) with a's binlog changes between, then on.
        List<ChangeBatch> batches =
                frame(
                        framer,
                        field("b", 0),
                        rows("b", 0, insert(1, "p"), insert(2, "q")),
                        vgtid(gtid(1, 11), lastPk("b", 2)),
                        commit(),
                        begin(),
                        field("a", TS),
                        rows("a", TS, insert(2, "y")),
                        vgtid(gtid(1, 12), lastPk("b", 2)),
                        commit(),
                        vgtid(gtid(1, 12)),
                        copyCompleted(),
                        begin(),
                        field("b", TS),
                        rows("b", TS, insert(3, "r")),
                        vgtid(gtid(1, 13)),
                        commit());
        assertThat(tablesOfRows(batches)).containsExactly("b:r", "b:r", "a:c", "b:c");
        assertThat(framer.safePosition()).isEqualTo(ShardPosition.of(gtid(1, 13)));
    }

    @Test
    void aSplitOfAnOlderStateAdoptsTheListWithoutACopy() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        assertThat(framer.tables()).isEmpty();

        ChangeBatch adopted = framer.changeTables(tables("a", "b"));

        assertThat(adopted.positionAfter).isEqualTo(ShardPosition.of(gtid(1, 10)));
        assertThat(adopted.tables).containsExactly("a", "b");
        assertThat(framer.safePosition().isCopying()).isFalse();
    }

    @Test
    void rowsOfTablesTheSplitDoesNotReadAreDropped() {
        ShardEventFramer framer =
                new ShardEventFramer(binlogSplit(gtid(1, 10), 0).withTables(tables("a")));
        List<ChangeBatch> batches =
                frame(
                        framer,
                        begin(),
                        field("a", TS),
                        field("other", TS),
                        rows("other", TS, insert(5, "n")),
                        rows("a", TS, insert(1, "x")),
                        vgtid(gtid(1, 11)),
                        commit());
        assertThat(tablesOfRows(batches)).containsExactly("a:c");
    }

    @Test
    void aSplitThatNamesNoTablesKeepsWhatTheSelectionMatches() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0), selection());
        List<ChangeBatch> batches =
                frame(
                        framer,
                        begin(),
                        field("a1", TS),
                        field("ab", TS),
                        field("_vt_hld_6ace8bcef73211ea87e9f875a4d24e90_20200915120410", TS),
                        rows("ab", TS, insert(1, "x")),
                        rows("a1", TS, insert(2, "y")),
                        rows(
                                "_vt_hld_6ace8bcef73211ea87e9f875a4d24e90_20200915120410",
                                TS,
                                insert(3, "z")),
                        vgtid(gtid(1, 11)),
                        commit());
        assertThat(tablesOfRows(batches)).containsExactly("a1:c");
    }

    @Test
    void aNarrowerSelectionAfterARestoreStopsReadingTheTablesItLeavesOut() {
        ShardEventFramer framer =
                new ShardEventFramer(
                        binlogSplit(gtid(1, 10), 0).withTables(tables("a1", "ab")), selection());
        // The stream still reads both (the rows to skip may count ab's), and narrows at a safe
        // point.
        assertThat(framer.streamedTables()).containsExactly("a1", "ab");
        assertThat(framer.selectedTables()).containsExactly("a1");
        List<ChangeBatch> batches =
                frame(
                        framer,
                        begin(),
                        field("a1", TS),
                        field("ab", TS),
                        rows("ab", TS, insert(1, "x")),
                        rows("a1", TS, insert(2, "y")),
                        vgtid(gtid(1, 11)),
                        commit());
        assertThat(tablesOfRows(batches)).containsExactly("a1:c");
    }

    @Test
    void aNarrowerSelectionRestoredInsideATransactionSkipsExactlyTheRowsHandedOverBefore() {
        // The job before the restore read a1 and ab, and handed over 2 rows of the transaction
        // (ab:1, a1:2) before its checkpoint.
        ShardEventFramer framer =
                new ShardEventFramer(
                        binlogSplit(gtid(1, 10), 2).withTables(tables("a1", "ab")), selection());
        assertThat(framer.canChangeTables()).isFalse();
        List<ChangeBatch> batches =
                frame(
                        framer,
                        begin(),
                        field("ab", TS),
                        field("a1", TS),
                        rows("ab", TS, insert(1, "x")),
                        rows("a1", TS, insert(2, "y")),
                        rows("ab", TS, insert(3, "z")),
                        rows("a1", TS, insert(4, "w")));
        batches.addAll(frame(framer, vgtid(gtid(1, 11))));
        // ab's row after the skipped ones is counted, not handed over: a checkpoint there, and
        // another restart, skip exactly 2 + 2 rows.
        assertThat(tablesOfRows(batches)).containsExactly("a1:c");
        assertThat(batches.stream().mapToInt(b -> b.rows.size() + b.hiddenRows).sum()).isEqualTo(2);
        framer.restart();
        List<ChangeBatch> replay =
                frame(
                        framer,
                        begin(),
                        field("ab", TS),
                        field("a1", TS),
                        rows("ab", TS, insert(1, "x")),
                        rows("a1", TS, insert(2, "y")),
                        rows("ab", TS, insert(3, "z")),
                        rows("a1", TS, insert(4, "w")),
                        rows("a1", TS, insert(5, "v")),
                        vgtid(gtid(1, 11)),
                        commit());
        assertThat(tablesOfRows(replay)).containsExactly("a1:c");
        assertThat(replay.get(0).rows.get(0).after()[0]).isEqualTo("5".getBytes());
        assertThat(framer.canChangeTables()).isTrue();
        ChangeBatch narrowed = framer.changeTables(framer.selectedTables());
        assertThat(narrowed.tables).containsExactly("a1");
        assertThat(framer.streamedTables()).containsExactly("a1");
    }

    @Test
    void aTableThatVanishedIsLeftOutAlsoFromACopyInProgress() {
        ShardPosition copying =
                new ShardPosition(
                        gtid(1, 11),
                        Collections.singletonList(lastPk("b", 5)),
                        new java.util.LinkedHashSet<>(Arrays.asList("b", "c")));
        ShardSplit split = binlogSplit(gtid(1, 11), 0).withPosition(copying, 0);
        ShardEventFramer framer = new ShardEventFramer(split.withTables(tables("a", "b", "c")));

        ChangeBatch batch = framer.changeTables(tables("a", "c"));

        assertThat(batch.tables).containsExactly("a", "c");
        assertThat(framer.safePosition())
                .isEqualTo(new ShardPosition(gtid(1, 11), Collections.emptyList(), tables("c")));
        assertThat(framer.tablesToCopy()).containsExactly("c");
    }
}
