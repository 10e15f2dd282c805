package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.PurgedBinlogHandling;
import io.github.vstreamcdc.source.config.TabletType;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.SplitBounds;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Topodata;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.github.vstreamcdc.source.reader.VEvents.KEYSPACE;
import static io.github.vstreamcdc.source.reader.VEvents.SHARD;
import static io.github.vstreamcdc.source.reader.VEvents.UUID_A;
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
import static io.github.vstreamcdc.source.reader.VEvents.response;
import static io.github.vstreamcdc.source.reader.VEvents.rows;
import static io.github.vstreamcdc.source.reader.VEvents.update;
import static io.github.vstreamcdc.source.reader.VEvents.vgtid;
import static org.assertj.core.api.Assertions.assertThat;

/** The split reader against a scripted VTGate: framing, copy cursors, reconnects, errors. */
class VStreamSplitReaderTest {

    private static final String SPLIT_ID = KEYSPACE + "/" + SHARD;
    private static final long TS = 1_700_000_000L;
    private static final long TIMEOUT_MS = 10_000;

    private FakeVtgate fake;
    private ShardReaderMetrics metrics;
    private VStreamSplitReader reader;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeVtgate();
        metrics = new ShardReaderMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (reader != null) {
            reader.close();
        }
        fake.close();
    }

    /** The reader's 'reconnect.stall-timeout'; off when null. */
    private Duration stallTimeout;

    /** {@code scan.watermark.heartbeat-delay}; off unless a test sets it. */
    private Duration watermarkDelay;

    /** {@code scan.purged-binlog.handling}; the default unless a test sets it. */
    private PurgedBinlogHandling purgedHandling;

    private PlanetScaleSourceConfig config(int maxAttempts, Topodata.TabletType tabletType) {
        Configuration options = new Configuration();
        // Off unless a test sets it: FakeVtgate's shard has executed more than most streams read.
        options.set(
                PlanetScaleSourceOptions.RECONNECT_STALL_TIMEOUT,
                stallTimeout != null ? stallTimeout : Duration.ZERO);
        if (watermarkDelay != null) {
            options.set(PlanetScaleSourceOptions.SCAN_WATERMARK_HEARTBEAT_DELAY, watermarkDelay);
        }
        if (purgedHandling != null) {
            options.set(PlanetScaleSourceOptions.SCAN_PURGED_BINLOG_HANDLING, purgedHandling);
        }
        options.set(PlanetScaleSourceOptions.HOSTNAME, "vtgate.example");
        options.set(PlanetScaleSourceOptions.KEYSPACE, KEYSPACE);
        options.set(PlanetScaleSourceOptions.TABLE_NAME, "t|u|e");
        options.set(PlanetScaleSourceOptions.RECONNECT_MAX_ATTEMPTS, maxAttempts);
        options.set(PlanetScaleSourceOptions.TABLET_TYPE, TabletType.valueOf(tabletType.name()));
        return PlanetScaleSourceConfig.from(options);
    }

    private VStreamSplitReader start(ShardSplit split) {
        return start(split, 10, Topodata.TabletType.PRIMARY);
    }

    private VStreamSplitReader start(
            ShardSplit split, int maxAttempts, Topodata.TabletType tabletType) {
        reader =
                new VStreamSplitReader(
                        config(maxAttempts, tabletType),
                        fake::channel,
                        fake::gtidSets,
                        metrics,
                        20,
                        100);
        reader.handleSplitsChanges(new SplitsAddition<>(Collections.singletonList(split)));
        return reader;
    }

    /** Everything the reader handed over so far. */
    private static final class Output {
        final List<ChangeBatch> batches = new ArrayList<>();
        final Set<String> finished = new HashSet<>();

        List<String> rows() {
            List<String> rows = new ArrayList<>();
            for (ChangeBatch batch : batches) {
                for (RowChangeEvent row : batch.rows) {
                    rows.add(describe(row));
                }
            }
            return rows;
        }

        List<ShardPosition> positions() {
            List<ShardPosition> positions = new ArrayList<>();
            for (ChangeBatch batch : batches) {
                if (batch.positionAfter != null) {
                    positions.add(batch.positionAfter);
                }
            }
            return positions;
        }

        List<Long> idleTimes() {
            List<Long> times = new ArrayList<>();
            for (ChangeBatch batch : batches) {
                if (batch.idleAtMillis > 0) {
                    times.add(batch.idleAtMillis);
                }
            }
            return times;
        }

        ShardPosition lastPosition() {
            List<ShardPosition> positions = positions();
            return positions.isEmpty() ? null : positions.get(positions.size() - 1);
        }
    }

    private static String describe(RowChangeEvent row) {
        byte[][] image = row.after() != null ? row.after() : row.before();
        String s = row.op().code() + ":" + new String(image[0], StandardCharsets.UTF_8);
        if (row.after() != null && row.after()[1] != null) {
            s += "=" + new String(row.after()[1], StandardCharsets.UTF_8);
        }
        return s;
    }

    private void drain(Output out) throws Exception {
        RecordsWithSplitIds<ChangeBatch> records = reader.fetch();
        String splitId;
        while ((splitId = records.nextSplit()) != null) {
            assertThat(splitId).isEqualTo(SPLIT_ID);
            ChangeBatch batch;
            while ((batch = records.nextRecordFromSplit()) != null) {
                out.batches.add(batch);
            }
        }
        out.finished.addAll(records.finishedSplits());
        records.recycle();
    }

    private Output fetchUntil(Output out, Predicate<Output> done, String what) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!done.test(out)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(
                        "Timed out waiting for "
                                + what
                                + "; rows "
                                + out.rows()
                                + ", positions "
                                + out.positions());
            }
            drain(out);
        }
        return out;
    }

    private Output fetchUntil(Predicate<Output> done, String what) throws Exception {
        return fetchUntil(new Output(), done, what);
    }

    /** Calls fetch() until it throws; returns what it threw. */
    private Throwable fetchUntilFailure(Output out) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            try {
                drain(out);
            } catch (VitessException e) {
                return e;
            }
        }
        throw new AssertionError("fetch() did not fail; rows " + out.rows());
    }

    // ---- (a) binlog framing ----

    @Test
    void binlogTransactionsBecomeRowBatchesAndCommitPositions() throws Exception {
        fake.thenSend(
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a"), insert(2, "b")),
                        rows("t", TS, update(1, "a", "a2"))),
                response(vgtid(gtid(1, 11)), commit()),
                response(begin(), rows("t", TS + 1, delete(2, "b")), vgtid(gtid(1, 12)), commit()));
        start(binlogSplit(gtid(1, 10), 0));

        Output out = fetchUntil(o -> o.positions().size() == 2, "two commits");

        assertThat(out.rows()).containsExactly("c:1=a", "c:2=b", "u:1=a2", "d:2");
        // Rows come at their transaction's VGTID; each commit is its own batch with the position.
        // (one batch per ROW event).
        assertThat(out.batches).hasSize(5);
        assertThat(out.batches.get(0).positionAfter).isNull();
        assertThat(out.batches.get(1).positionAfter).isNull();
        assertThat(out.batches.get(2).rows).isEmpty();
        assertThat(out.batches.get(2).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 11)));
        assertThat(out.batches.get(3).positionAfter).isNull();
        assertThat(out.batches.get(4).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 12)));
        RowChangeEvent first = out.batches.get(0).rows.get(0);
        assertThat(first.table()).isEqualTo("t");
        assertThat(first.commitTimeMillis()).isEqualTo(TS * 1000);
        assertThat(first.position()).isEqualTo(gtid(1, 11));
        // One column list per FIELD event, shared by its rows (deserializers cache by identity).
        assertThat(out.batches.get(3).rows.get(0).columns()).isSameAs(first.columns());

        Vtgate.VStreamRequest request = fake.requests().get(0);
        Binlogdata.ShardGtid shardGtid = request.getVgtid().getShardGtids(0);
        assertThat(shardGtid.getKeyspace()).isEqualTo(KEYSPACE);
        assertThat(shardGtid.getShard()).isEqualTo(SHARD);
        assertThat(shardGtid.getGtid()).isEqualTo(gtid(1, 10));
        assertThat(shardGtid.getTablePKsList()).isEmpty();
        assertThat(request.getFlags().getStopOnReshard()).isTrue();
        assertThat(request.getFilter().getRules(0).getMatch()).isEqualTo("/^(?:t|u|e)$");
        // The position was checked against the shard's GTID sets, with a query: a VStream from
        // "current" next to the stream could take the stream's binlog connection id on the tablet.
        assertThat(fake.awaitPositionChecks(1, 10_000))
                .containsExactly("query " + KEYSPACE + "/" + SHARD);
    }

    /**
     * A stream that sends this, then only VTGate's own heartbeats (every 200 ms) until cancelled.
     */
    private static FakeVtgate.Script thenOnlyHeartbeats(Vtgate.VStreamResponse first) {
        return (request, out) -> {
            out.onNext(first);
            while (!out.isCancelled()) {
                out.onNext(response(event(Binlogdata.VEventType.HEARTBEAT)));
                Thread.sleep(200);
            }
        };
    }

    private static Vtgate.VStreamResponse oneInsert(long id, long to) {
        return response(
                begin(),
                field("t", TS),
                rows("t", TS, insert(id, "v" + id)),
                vgtid(gtid(1, to)),
                commit());
    }

    /** Fetches for this long: longer than a stall of the 1 s timeout takes to be acted on. */
    private void fetchWhileSilent(Output out, long millis) throws Exception {
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            drain(out);
        }
    }

    /** A stream that sends this, then VTGate's own heartbeats of this time until cancelled. */
    private static FakeVtgate.Script thenHeartbeatsAt(Vtgate.VStreamResponse first, long seconds) {
        return (request, out) -> {
            out.onNext(first);
            while (!out.isCancelled()) {
                out.onNext(
                        response(
                                Binlogdata.VEvent.newBuilder()
                                        .setType(Binlogdata.VEventType.HEARTBEAT)
                                        .setTimestamp(seconds)
                                        .build()));
                Thread.sleep(200);
            }
        };
    }

    @Test
    void heartbeatsOfAShardWhoseExecutedSetTheStreamHoldsMoveItsWatermark() throws Exception {
        watermarkDelay = Duration.ofSeconds(1);
        fake.currentPosition = gtid(1, 11); // the shard has committed nothing the stream lacks
        fake.then(thenHeartbeatsAt(oneInsert(1, 11), TS + 100));
        start(binlogSplit(gtid(1, 10), 0));

        fetchUntil(
                o -> o.idleTimes().contains((TS + 100) * 1000),
                "an idle batch at the heartbeats' time");
        // the stream's own position check, then the ask for idle watermarks
        assertThat(fake.positionChecks().size()).isGreaterThanOrEqualTo(2);
    }

    /**
     * VTGate's heartbeats while the stream is behind its shard (the shard executed far more): the
     * watermark goes no further than the delay past the stream's last commit.
     */
    @Test
    void heartbeatsOfAShardAheadOfTheStreamMoveItsWatermarkNoFurtherThanItsLastCommit()
            throws Exception {
        watermarkDelay = Duration.ofSeconds(1);
        fake.then(thenHeartbeatsAt(oneInsert(1, 11), TS + 100));
        start(binlogSplit(gtid(1, 10), 0));

        Output out =
                fetchUntil(o -> fake.positionChecks().size() >= 2, "an ask of the executed set");
        fetchWhileSilent(out, 500);
        assertThat(out.idleTimes()).isNotEmpty().allMatch(t -> t == TS * 1000 + 1000);
    }

    @Test
    void aStreamThatVtgateKeepsOpenButSilentWhileTheShardCommitsIsOpenedAgain() throws Exception {
        // After a failover VTGate keeps the stream open, sending its own heartbeats, while its
        // tablet picker sleeps 30 s; the shard's new PRIMARY has meanwhile committed up to
        // 1-100000.
        stallTimeout = Duration.ofSeconds(1);
        fake.then(thenOnlyHeartbeats(oneInsert(1, 11))).thenSend(oneInsert(2, 12));
        start(binlogSplit(gtid(1, 10), 0));

        Output out = fetchUntil(o -> o.positions().size() == 2, "the row after the reopen");

        assertThat(out.rows()).containsExactly("c:1=v1", "c:2=v2");
        List<Vtgate.VStreamRequest> requests = fake.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).getVgtid().getShardGtids(0).getGtid()).isEqualTo(gtid(1, 11));
        // The stream's position check, then the query of the executed set that told the stall.
        assertThat(fake.positionChecks().subList(0, 2))
                .containsExactly(
                        "query " + KEYSPACE + "/" + SHARD, "query " + KEYSPACE + "/" + SHARD);
        assertThat(metrics.reconnects()).isEqualTo(1);
    }

    @Test
    void aSilentStreamOfAnIdleShardIsNotOpenedAgain() throws Exception {
        // Only heartbeats, but the shard has committed nothing the stream lacks: idle, not stalled.
        stallTimeout = Duration.ofSeconds(1);
        fake.currentPosition = gtid(1, 11);
        fake.then(thenOnlyHeartbeats(oneInsert(1, 11)));
        start(binlogSplit(gtid(1, 10), 0));

        Output out = fetchUntil(o -> o.positions().size() == 1, "the first transaction");
        // Two checks of the silence (each after 1 s of it), and time to act on them.
        fetchUntil(out, o -> fake.positionChecks().size() >= 3, "two checks of the silence");
        long until = System.currentTimeMillis() + StreamStallWatch.CONFIRM_MS + 500;
        while (System.currentTimeMillis() < until) {
            drain(out);
        }

        assertThat(fake.requests()).hasSize(1);
        assertThat(out.rows()).containsExactly("c:1=v1");
        assertThat(metrics.reconnects()).isZero();
    }

    @Test
    void aStreamSilentInItsCopyPhaseOrOfAReplicaIsNotWatched() throws Exception {
        stallTimeout = Duration.ofSeconds(1);
        // A copy may take long to its first rows (the table's scan): its silence is no stall. A
        // table added to a running stream is copied from a position (which the watch could
        // compare).
        fake.then(thenOnlyHeartbeats(response(begin(), field("t"), vgtid(gtid(1, 50)))));
        start(
                new ShardSplit(
                        KEYSPACE,
                        SHARD,
                        new ShardPosition(
                                gtid(1, 10),
                                Collections.emptyList(),
                                new LinkedHashSet<>(Collections.singletonList("t"))),
                        0,
                        false,
                        Collections.emptyList()));
        Output copy = new Output();
        fetchWhileSilent(copy, 1_000 + StreamStallWatch.CONFIRM_MS + 1_000);
        assertThat(fake.requests()).hasSize(1);
        assertThat(fake.positionChecks()).hasSize(1); // the stream's position check only
        reader.close();

        // A REPLICA's stream and the query may reach different replicas (lag, errant GTIDs).
        fake.then(thenOnlyHeartbeats(oneInsert(1, 11)));
        start(binlogSplit(gtid(1, 10), 0), 10, Topodata.TabletType.REPLICA);
        Output replica = fetchUntil(o -> o.positions().size() == 1, "the first transaction");
        fetchWhileSilent(replica, 1_000 + StreamStallWatch.CONFIRM_MS + 1_000);
        assertThat(fake.requests()).hasSize(2);
        assertThat(fake.positionChecks()).hasSize(2); // the streams' position checks only
        assertThat(metrics.reconnects()).isZero();
    }

    @Test
    void aStreamStillSilentAfterItsReopensIsLeftAloneUntilItMakesProgress() throws Exception {
        // E.g. VTGate holds a long transaction until its COMMIT: reopening does not cure that.
        stallTimeout = Duration.ofSeconds(1);
        fake.then(thenOnlyHeartbeats(oneInsert(1, 11)));
        for (int i = 0; i < StreamStallWatch.MAX_REOPENS + 1; i++) {
            fake.then(thenOnlyHeartbeats(response(event(Binlogdata.VEventType.OTHER))));
        }
        start(binlogSplit(gtid(1, 10), 0));

        // 1 s + 2 s, then 2 s + 2 s, and the queries: more than fetchUntil's usual 10 s on a busy
        // machine.
        Output out = new Output();
        long deadline = System.currentTimeMillis() + 30_000;
        while (fake.requests().size() < StreamStallWatch.MAX_REOPENS + 1) {
            assertThat(System.currentTimeMillis()).as("the reopens").isLessThan(deadline);
            drain(out);
        }
        // The next timeout would be 4 s, then 2 s to confirm: wait longer.
        fetchWhileSilent(out, 4_000 + StreamStallWatch.CONFIRM_MS + 1_000);

        assertThat(fake.requests()).hasSize(StreamStallWatch.MAX_REOPENS + 1);
        assertThat(metrics.reconnects()).isEqualTo(StreamStallWatch.MAX_REOPENS);
    }

    // ---- (b) copy phase ----

    @Test
    void copyTransactionIsOneBatchWithTheCopyCursor() throws Exception {
        String g = gtid(1, 50);
        fake.thenSend(
                // One copy transaction split over two responses.
                response(begin(), field("t"), vgtid(g), copyRow(1), copyRow(2)),
                response(copyRow(3), vgtid(g, lastPk("t", 3)), commit()));
        start(copySplit(false, "t", "u"));

        Output out = fetchUntil(o -> !o.positions().isEmpty(), "the copy batch");

        assertThat(out.batches).hasSize(1);
        ChangeBatch batch = out.batches.get(0);
        assertThat(out.rows()).containsExactly("r:1=v1", "r:2=v2", "r:3=v3");
        assertThat(batch.rows).allMatch(r -> r.commitTimeMillis() == 0);
        assertThat(batch.positionAfter)
                .isEqualTo(
                        new ShardPosition(
                                g,
                                Collections.singletonList(lastPk("t", 3)),
                                new HashSet<>(Arrays.asList("t", "u"))));
        // A copy from scratch asks for no cursor: VTGate copies every table of the filter.
        Binlogdata.ShardGtid asked = fake.requests().get(0).getVgtid().getShardGtids(0);
        assertThat(asked.getGtid()).isEmpty();
        assertThat(fake.requests().get(0).getFlags().getTablesToCopyList()).isEmpty();
        // Nothing to check for a copy from scratch.
        assertThat(fake.positionChecks()).isEmpty();
    }

    @Test
    void copyCursorFollowsTablesUntilCopyCompletedAndFinishesSnapshot() throws Exception {
        String g = gtid(1, 50);
        String g2 = gtid(1, 51);
        fake.thenSend(
                response(
                        begin(),
                        field("t"),
                        vgtid(g),
                        copyRow(1),
                        copyRow(2),
                        vgtid(g, lastPk("t", 2)),
                        commit()),
                response(begin(), copyRow(3), vgtid(g, lastPk("t", 3)), commit()),
                // A catch-up transaction between copy batches: a binlog change of a copied row.
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, update(1, "v1", "x1")),
                        vgtid(g2, lastPk("t", 3)),
                        commit()),
                // Table t is done: it leaves table_p_ks.
                response(begin(), vgtid(g2), commit()),
                // Table u is copied in one batch, then leaves.
                response(
                        begin(),
                        field("u"),
                        rows("u", 0, insert(10, "u10")),
                        vgtid(g2, lastPk("u", 10)),
                        commit()),
                response(begin(), vgtid(g2), commit()),
                // Table e is empty: FIELD and no rows, never in table_p_ks.
                response(begin(), field("e"), vgtid(g2)),
                response(begin(), vgtid(g2), commit()),
                response(copyCompleted(), copyCompleted()));
        start(copySplit(true, "e", "t", "u"));

        Output out = fetchUntil(o -> o.finished.contains(SPLIT_ID), "the end of the snapshot");

        assertThat(out.rows()).containsExactly("r:1=v1", "r:2=v2", "r:3=v3", "u:1=x1", "r:10=u10");
        assertThat(out.positions())
                .containsExactly(
                        new ShardPosition(g, List.of(lastPk("t", 2)), Set.of("e", "t", "u")),
                        new ShardPosition(g, List.of(lastPk("t", 3)), Set.of("e", "t", "u")),
                        new ShardPosition(g2, List.of(lastPk("t", 3)), Set.of("e", "t", "u")),
                        new ShardPosition(g2, List.of(), Set.of("e", "u")),
                        new ShardPosition(g2, List.of(lastPk("u", 10)), Set.of("e", "u")),
                        new ShardPosition(g2, List.of(), Set.of("e")),
                        new ShardPosition(g2, List.of(), Set.of()),
                        ShardPosition.of(g2));
        assertThat(out.lastPosition().isCopying()).isFalse();
        // Each copy transaction is one batch, its rows with its position.
        assertThat(out.batches.get(0).rows).hasSize(2);
        assertThat(out.batches.get(1).rows).hasSize(1);
        assertThat(out.batches.get(2).rows).hasSize(1);
        assertThat(out.batches.get(2).rows.get(0).op()).isEqualTo(RowChangeEvent.Op.UPDATE);
    }

    @Test
    void unboundedSplitStreamsOnAfterCopyCompleted() throws Exception {
        String g = gtid(1, 50);
        fake.thenSend(
                response(
                        begin(),
                        field("t"),
                        vgtid(g),
                        copyRow(1),
                        vgtid(g, lastPk("t", 1)),
                        commit()),
                response(begin(), vgtid(g), commit(), copyCompleted(), copyCompleted()),
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(2, "late")),
                        vgtid(gtid(1, 51)),
                        commit()));
        start(copySplit(false, "t"));

        Output out =
                fetchUntil(
                        o -> ShardPosition.of(gtid(1, 51)).equals(o.lastPosition()),
                        "the binlog change after the copy");

        assertThat(out.finished).isEmpty();
        assertThat(out.rows()).containsExactly("r:1=v1", "c:2=late");
    }

    // ---- (b2) bounded splits ----

    private static ShardSplit bounded(String gtid, SplitBounds bounds) {
        return binlogSplit(gtid, 0).withBounds(bounds);
    }

    /**
     * A split from GTID 10 with a stop at the shard's current position (11), two commits streamed
     * (11 and 12): it ends after the first.
     */
    private Output readToTheCurrentPosition() throws Exception {
        fake.currentPosition = gtid(1, 11);
        fake.thenSend(
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        vgtid(gtid(1, 11)),
                        commit()),
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(2, "b")),
                        vgtid(gtid(1, 12)),
                        commit()));
        start(bounded(gtid(1, 10), new SplitBounds(-1, null, true, -1)));

        Output out = fetchUntil(o -> o.finished.contains(SPLIT_ID), "the stop");

        assertThat(out.rows()).containsExactly("c:1=a");
        assertThat(out.lastPosition()).isEqualTo(ShardPosition.of(gtid(1, 11)));
        return out;
    }

    @Test
    void aNewShardAsksForItsCurrentPositionAndStopsThere() throws Exception {
        Output out = readToTheCurrentPosition();

        assertThat(out.batches)
                .anyMatch(b -> b.bounds != null && gtid(1, 11).equals(b.bounds.stopGtid()));
        assertThat(out.batches.get(out.batches.size() - 1).stopped).isTrue();
        // Asked (with a query, not a VStream) before the stream opened.
        assertThat(fake.positionChecks())
                .isNotEmpty()
                .allMatch(check -> check.equals("query " + KEYSPACE + "/" + SHARD));
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void aStopPositionComesFromVtgatesVStreamWhenTheQueryFails() throws Exception {
        fake.gtidQueryFails = true;

        readToTheCurrentPosition();

        assertThat(fake.positionChecks())
                .startsWith("query " + KEYSPACE + "/" + SHARD, "vstream " + KEYSPACE + "/" + SHARD);
    }

    @Test
    void aStopPositionThatCannotBeAskedForFailsTheReadInsteadOfAskingForever() throws Exception {
        fake.currentPositionFailure =
                io.grpc.Status.PERMISSION_DENIED.withDescription("user 'app' may not stream");
        start(bounded(gtid(1, 10), new SplitBounds(-1, null, true, -1)));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("Cannot get the current position of " + SPLIT_ID)
                .hasMessageContaining("PERMISSION_DENIED");
        // The query failed first; VTGate's VStream was asked then.
        assertThat(fake.positionChecks())
                .startsWith("query " + KEYSPACE + "/" + SHARD, "vstream " + KEYSPACE + "/" + SHARD);
    }

    @Test
    void anIdleShardPastItsStopTimeStopsAtItsCurrentPosition() throws Exception {
        fake.currentPosition = gtid(1, 10);
        fake.thenSend(
                response(
                        Binlogdata.VEvent.newBuilder()
                                .setType(Binlogdata.VEventType.HEARTBEAT)
                                .setTimestamp(TS + 1)
                                .build()));
        start(bounded(gtid(1, 10), new SplitBounds(-1, null, false, (TS + 1) * 1000)));

        Output out = fetchUntil(o -> o.finished.contains(SPLIT_ID), "the stop");

        assertThat(out.rows()).isEmpty();
        assertThat(out.batches.get(out.batches.size() - 1).stopped).isTrue();
        // Heartbeats asked for, as none are configured.
        assertThat(fake.requests().get(0).getFlags().getHeartbeatInterval()).isEqualTo(1);
    }

    @Test
    void aSplitAtItsStopFinishesWithoutStreaming() throws Exception {
        start(bounded(gtid(1, 10), new SplitBounds(-1, gtid(1, 9), false, -1)));

        Output out = fetchUntil(o -> o.finished.contains(SPLIT_ID), "the stop");

        assertThat(out.batches).singleElement().satisfies(b -> assertThat(b.stopped).isTrue());
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void snapshotSplitRestoredAfterItsLastTableFinishesWithoutStreaming() throws Exception {
        ShardSplit split =
                new ShardSplit(
                        KEYSPACE,
                        SHARD,
                        ShardPosition.of(gtid(1, 50)),
                        0,
                        true,
                        Collections.emptyList());
        start(split);

        Output out = fetchUntil(o -> o.finished.contains(SPLIT_ID), "the finished split");

        assertThat(out.rows()).isEmpty();
        assertThat(fake.requests()).isEmpty();
    }

    // ---- (c) reconnects ----

    @Test
    void reconnectMidTransactionResumesFromSafePositionAndSkipsRowsHandedOver() throws Exception {
        fake.thenSendAndFail(
                        Status.UNAVAILABLE.withDescription("connection reset"),
                        response(begin(), field("t", TS), rows("t", TS, insert(1, "a"))),
                        response(rows("t", TS, insert(2, "b"), insert(3, "c"))))
                .thenSend(
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(1, "a"), insert(2, "b")),
                                rows("t", TS, insert(3, "c"), insert(4, "d")),
                                vgtid(gtid(1, 11)),
                                commit()));
        start(binlogSplit(gtid(1, 10), 0));

        Output out =
                fetchUntil(
                        o -> ShardPosition.of(gtid(1, 11)).equals(o.lastPosition()),
                        "the replayed commit");

        assertThat(out.rows()).containsExactly("c:1=a", "c:2=b", "c:3=c", "c:4=d");
        assertThat(fake.requests()).hasSize(2);
        assertThat(fake.requests().get(1).getVgtid()).isEqualTo(fake.requests().get(0).getVgtid());
        assertThat(fake.requests().get(1).getVgtid().getShardGtids(0).getGtid())
                .isEqualTo(gtid(1, 10));
        assertThat(metrics.reconnects()).isEqualTo(1);
        // One channel for all streams; the position is checked once per split.
        assertThat(fake.channelsOpened()).isEqualTo(1);
        assertThat(fake.awaitPositionChecks(1, 10_000)).hasSize(1);
    }

    @Test
    void aProjectionThatADdlBrokeReadsOnWithEveryColumn() throws Exception {
        Binlogdata.VEvent ddl =
                Binlogdata.VEvent.newBuilder()
                        .setType(Binlogdata.VEventType.DDL)
                        .setTimestamp(TS)
                        .setStatement("alter table t rename column v to v2")
                        .build();
        fake.thenSendAndFail(
                        Status.UNKNOWN.withDescription("column 'v' not found in table 't'"),
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(1, "a")),
                                vgtid(gtid(1, 11)),
                                commit()),
                        response(vgtid(gtid(1, 12)), ddl))
                .thenSend(
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(2, "b")),
                                vgtid(gtid(1, 13)),
                                commit()));
        Configuration options = new Configuration();
        options.set(PlanetScaleSourceOptions.HOSTNAME, "vtgate.example");
        options.set(PlanetScaleSourceOptions.KEYSPACE, KEYSPACE);
        options.set(PlanetScaleSourceOptions.TABLE_NAME, "t");
        PlanetScaleSourceConfig projected =
                PlanetScaleSourceConfig.from(options).withColumns(Arrays.asList("id", "v"));
        reader = new VStreamSplitReader(projected, fake::channel, fake::gtidSets, metrics, 20, 100);
        reader.handleSplitsChanges(
                new SplitsAddition<>(Collections.singletonList(binlogSplit(gtid(1, 10), 0))));

        Output out =
                fetchUntil(
                        o -> ShardPosition.of(gtid(1, 13)).equals(o.lastPosition()),
                        "the row after the DDL");

        assertThat(out.rows()).containsExactly("c:1=a", "c:2=b");
        assertThat(fake.requests()).hasSize(2);
        assertThat(fake.requests().get(0).getFilter().getRules(0).getFilter())
                .isEqualTo("select `id`, `v` from `t`");
        assertThat(fake.requests().get(1).getFilter().getRules(0).getFilter())
                .isEqualTo("select * from `t`");
        assertThat(fake.requests().get(1).getVgtid().getShardGtids(0).getGtid())
                .isEqualTo(gtid(1, 12));
    }

    @Test
    void reconnectAfterCommitStartsFromTheCommitAndSkipsNothing() throws Exception {
        fake.thenSendAndFail(
                        Status.UNAVAILABLE.withDescription("io exception"),
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(1, "a")),
                                vgtid(gtid(1, 11)),
                                commit()))
                .thenSend(
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(2, "b")),
                                vgtid(gtid(1, 12)),
                                commit()));
        start(binlogSplit(gtid(1, 10), 0));

        Output out =
                fetchUntil(
                        o -> ShardPosition.of(gtid(1, 12)).equals(o.lastPosition()),
                        "the second commit");

        assertThat(out.rows()).containsExactly("c:1=a", "c:2=b");
        assertThat(fake.requests().get(1).getVgtid().getShardGtids(0).getGtid())
                .isEqualTo(gtid(1, 11));
    }

    @Test
    void restoredSplitSkipsTheRowsOfItsCheckpoint() throws Exception {
        fake.thenSend(
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a"), insert(2, "b"), insert(3, "c")),
                        vgtid(gtid(1, 11)),
                        commit()));
        start(binlogSplit(gtid(1, 10), 2));

        Output out = fetchUntil(o -> o.lastPosition() != null, "the commit");

        assertThat(out.rows()).containsExactly("c:3=c");
    }

    @Test
    void replayWithFewerRowsThanHandedOverFails() throws Exception {
        fake.thenSend(
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        vgtid(gtid(1, 11)),
                        commit()));
        start(binlogSplit(gtid(1, 10), 2));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure).hasMessageContaining(SPLIT_ID).hasMessageContaining("fewer row");
    }

    @Test
    void copyResumeAsksForTheCursorWithFieldsAndTheRemainingTables() throws Exception {
        String g = gtid(1, 50);
        fake.thenSendAndFail(
                        Status.UNAVAILABLE.withDescription("connection closed"),
                        response(
                                begin(),
                                field("t"),
                                vgtid(g),
                                copyRow(1),
                                copyRow(2),
                                vgtid(g, lastPk("t", 2)),
                                commit()),
                        // Rows of the next batch, not committed when the stream breaks.
                        response(begin(), copyRow(3)))
                .thenSend(
                        response(
                                begin(),
                                field("t"),
                                copyRow(3),
                                copyRow(4),
                                vgtid(g, lastPk("t", 4)),
                                commit()));
        start(copySplit(false, "t", "u"));

        Output out =
                fetchUntil(o -> o.positions().size() == 2, "the copy batch after the reconnect");

        // The uncommitted copy row was never handed over, so nothing is lost or repeated.
        assertThat(out.rows()).containsExactly("r:1=v1", "r:2=v2", "r:3=v3", "r:4=v4");
        Vtgate.VStreamRequest resumed = fake.requests().get(1);
        Binlogdata.ShardGtid asked = resumed.getVgtid().getShardGtids(0);
        assertThat(asked.getGtid()).isEqualTo(g);
        assertThat(asked.getTablePKsList())
                .containsExactly(
                        lastPk("t", 2),
                        Binlogdata.TableLastPK.newBuilder().setTableName("u").build());
        assertThat(asked.getTablePKs(0).getLastpk().getFieldsList()).isNotEmpty();
        assertThat(resumed.getFlags().getTablesToCopyList()).containsExactlyInAnyOrder("t", "u");
    }

    // ---- (d) fatal errors ----

    @Test
    void invalidPositionFailsWithShardAndPositionNamed() throws Exception {
        fake.thenSendAndFail(Status.INVALID_ARGUMENT.withDescription("bad position"));
        start(binlogSplit(gtid(1, 10), 0));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("shard " + SPLIT_ID)
                .hasMessageContaining(gtid(1, 10))
                .hasMessageContaining("bad position")
                .hasMessageContaining("vtgate.example:15991");
        assertThat(failure.getMessage()).doesNotContain("io.grpc").doesNotContain("\n\tat ");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void purgedBinlogFailsWithAdviceAndNoRetry() throws Exception {
        fake.thenSendAndFail(
                Status.UNKNOWN.withDescription(
                        "vttablet: rpc error: code = Unknown desc = Cannot replicate because the"
                                + " source purged required binary logs. Replicate the missing"
                                + " transactions from elsewhere, or provision a new replica from"
                                + " backup. (errno 1236) (sqlstate HY000)"));
        start(binlogSplit(gtid(1, 10), 0));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining("shard " + SPLIT_ID)
                .hasMessageContaining(gtid(1, 10))
                .hasMessageContaining("purged")
                .hasMessageContaining("'initial'")
                .hasMessageContaining("'scan.purged-binlog.handling' = 're-snapshot'");
        assertThat(fake.requests()).hasSize(1);
    }

    private static final Status PURGED =
            Status.UNKNOWN.withDescription(
                    "vttablet: rpc error: code = Unknown desc = Cannot replicate because the source"
                            + " purged required binary logs. (errno 1236) (sqlstate HY000)");

    @Test
    void aPurgedPositionIsCopiedAnewWhenAskedTo() throws Exception {
        purgedHandling = PurgedBinlogHandling.RE_SNAPSHOT;
        String g = gtid(1, 80);
        fake.thenSendAndFail(PURGED)
                .thenSend(
                        response(begin(), field("t"), vgtid(g), copyRow(1), copyRow(2)),
                        response(vgtid(g, lastPk("t", 2)), commit()),
                        response(copyCompleted()),
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(3, "new")),
                                vgtid(gtid(1, 81)),
                                commit()));
        start(binlogSplit(gtid(1, 10), 0).withTables(Collections.singleton("t")));

        Output out =
                fetchUntil(
                        o -> ShardPosition.of(gtid(1, 81)).equals(o.lastPosition()),
                        "the change after the new copy");

        // The copy's start is recorded first (a restore copies anew too), then the copy's rows.
        assertThat(out.positions().get(0))
                .isEqualTo(
                        new ShardPosition(
                                ShardPosition.GTID_COPY,
                                Collections.emptyList(),
                                Collections.singleton("t")));
        assertThat(out.rows()).containsExactly("r:1=v1", "r:2=v2", "c:3=new");
        assertThat(fake.requests()).hasSize(2);
        assertThat(fake.requests().get(0).getVgtid().getShardGtids(0).getGtid())
                .isEqualTo(gtid(1, 10));
        assertThat(fake.requests().get(1).getVgtid().getShardGtids(0).getGtid()).isEmpty();
        assertThat(metrics.copiedAnew()).isEqualTo(1);
        assertThat(out.finished).isEmpty();
    }

    @Test
    void aCopyAnewResumesAfterAReconnectWithItsTablesAndCursors() throws Exception {
        purgedHandling = PurgedBinlogHandling.RE_SNAPSHOT;
        String g = gtid(1, 80);
        fake.thenSendAndFail(PURGED)
                .thenSendAndFail(
                        Status.UNAVAILABLE.withDescription("io exception"),
                        response(
                                begin(),
                                field("t"),
                                vgtid(g),
                                copyRow(1),
                                copyRow(2),
                                vgtid(g, lastPk("t", 2)),
                                commit()))
                .thenSend(
                        response(
                                begin(),
                                field("t"),
                                copyRow(3),
                                vgtid(g, lastPk("t", 3)),
                                commit()),
                        response(begin(), vgtid(g), commit()),
                        response(copyCompleted()));
        Set<String> tables = new TreeSet<>(Arrays.asList("t", "u"));
        start(binlogSplit(gtid(1, 10), 0).withTables(tables));

        Output out =
                fetchUntil(o -> ShardPosition.of(g).equals(o.lastPosition()), "the copy's end");

        assertThat(out.positions().get(0))
                .isEqualTo(
                        new ShardPosition(
                                ShardPosition.GTID_COPY, Collections.emptyList(), tables));
        assertThat(out.rows()).containsExactly("r:1=v1", "r:2=v2", "r:3=v3");
        // The copy resumed where it was: its table cursor, its tables to copy.
        Vtgate.VStreamRequest resumed = fake.requests().get(2);
        assertThat(resumed.getVgtid().getShardGtids(0).getGtid()).isEqualTo(g);
        assertThat(resumed.getVgtid().getShardGtids(0).getTablePKsList()).contains(lastPk("t", 2));
        assertThat(resumed.getFlags().getTablesToCopyList()).containsExactlyInAnyOrder("t", "u");
        assertThat(metrics.copiedAnew()).isEqualTo(1);
    }

    @Test
    void aPurgedPositionFoundByThePositionCheckIsCopiedAnew() throws Exception {
        // VTGate stays silent for such a position (it looks for a tablet for 90 s); the check of
        // the shard's GTID sets finds it purged.
        purgedHandling = PurgedBinlogHandling.RE_SNAPSHOT;
        fake.purged = gtid(1, 50);
        fake.currentPosition = gtid(1, 80);
        // The first stream may be cancelled before VTGate sees it: each call answers by position.
        FakeVtgate.Script byPosition =
                (request, out) -> {
                    if (request.getVgtid().getShardGtids(0).getGtid().isEmpty()) {
                        out.onNext(
                                response(
                                        begin(),
                                        field("t"),
                                        vgtid(gtid(1, 80)),
                                        copyRow(7),
                                        vgtid(gtid(1, 80), lastPk("t", 7)),
                                        commit()));
                    }
                };
        fake.then(byPosition).then(byPosition);
        start(binlogSplit(gtid(1, 10), 0).withTables(Collections.singleton("t")));

        Output out = fetchUntil(o -> !o.rows().isEmpty(), "the new copy's row");

        assertThat(out.rows()).containsExactly("r:7=v7");
        assertThat(out.positions().get(0).gtid()).isEmpty();
        assertThat(out.positions().get(0).remainingTables()).containsExactly("t");
        List<Vtgate.VStreamRequest> requests = fake.requests();
        assertThat(requests.get(requests.size() - 1).getVgtid().getShardGtids(0).getGtid())
                .isEmpty();
        assertThat(metrics.copiedAnew()).isEqualTo(1);
    }

    @Test
    void aBoundedReadWhosePositionWasPurgedFailsAlsoWhenAskedToCopyAnew() throws Exception {
        purgedHandling = PurgedBinlogHandling.RE_SNAPSHOT;
        fake.thenSendAndFail(PURGED);
        start(
                bounded(
                        gtid(1, 10),
                        new SplitBounds(
                                SplitBounds.NO_TIME, gtid(1, 90), false, SplitBounds.NO_TIME)));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining("purged")
                .hasMessageContaining(gtid(1, 10))
                .hasMessageContaining("does not apply to a bounded read");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void aSplitThatDoesNotListItsTablesIsNotCopiedAnew() throws Exception {
        // Its copy could not resume: the position would not say which tables remain.
        purgedHandling = PurgedBinlogHandling.RE_SNAPSHOT;
        fake.thenSendAndFail(PURGED);
        start(binlogSplit(gtid(1, 10), 0));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining("purged")
                .hasMessageContaining(gtid(1, 10))
                .hasMessageContaining("does not list");
        assertThat(fake.requests()).hasSize(1);
        assertThat(metrics.copiedAnew()).isZero();
    }

    @Test
    void aCopyAnewWhosePositionIsPurgedAgainFails() throws Exception {
        purgedHandling = PurgedBinlogHandling.RE_SNAPSHOT;
        String g = gtid(1, 80);
        fake.thenSendAndFail(PURGED)
                .thenSendAndFail(
                        PURGED,
                        response(
                                begin(),
                                field("t"),
                                vgtid(g),
                                copyRow(1),
                                vgtid(g, lastPk("t", 1)),
                                commit()));
        start(binlogSplit(gtid(1, 10), 0).withTables(Collections.singleton("t")));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining("purged")
                .hasMessageContaining("copied anew already")
                .hasMessageContaining("'initial'");
        assertThat(fake.requests()).hasSize(2);
        assertThat(metrics.copiedAnew()).isEqualTo(1);
    }

    @Test
    void positionFromAnotherServerFailsWithoutWaitingForVtgate() throws Exception {
        String foreign = "MySQL56/11111111-2222-3333-4444-555555555555:1-5";
        // Like VTGate with such a position: the stream stays silent.
        start(binlogSplit(foreign, 0));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining(foreign)
                .hasMessageContaining("shard " + SPLIT_ID)
                .hasMessageContaining("11111111-2222-3333-4444-555555555555")
                .hasMessageContaining("scan.startup.specific-offset");
    }

    @Test
    void positionAheadOfTheShardFails() throws Exception {
        fake.currentPosition = gtid(1, 100);
        start(binlogSplit(gtid(1, 500), 0));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining(gtid(1, 500))
                .hasMessageContaining("ahead")
                .hasMessageContaining(UUID_A + ":101-500");
    }

    @Test
    void positionAheadOfALaggingReplicaIsLeftToVtgate() throws Exception {
        fake.currentPosition = gtid(1, 100);
        fake.thenSend(
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        vgtid(gtid(1, 501)),
                        commit()));
        start(binlogSplit(gtid(1, 500), 0), 3, Topodata.TabletType.REPLICA);

        Output out = fetchUntil(o -> o.lastPosition() != null, "the commit");

        assertThat(out.rows()).containsExactly("c:1=a");
        assertThat(fake.awaitPositionChecks(1, 10_000)).hasSize(1);
    }

    @Test
    void aPurgedPositionOnAReplicaIsNamedWhenTheReaderGivesUp() throws Exception {
        // VTGate skips replicas that cannot serve the position and reports only "no tablet";
        // another replica might still hold it, so the reader retries, and says why when it stops.
        fake.purged = gtid(1, 50);
        Status noTablet =
                Status.CANCELLED.withDescription(
                        "failed to find a REPLICA tablet for VStream in ks/-80 within the test"
                                + " cell(s): context has expired");
        fake.thenSendAndFail(noTablet).thenSendAndFail(noTablet);
        start(binlogSplit(gtid(1, 10), 0), 1, Topodata.TabletType.REPLICA);

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining("Gave up on shard " + SPLIT_ID)
                .hasMessageContaining("found no tablet")
                .hasMessageContaining("The binlog of a REPLICA tablet")
                .hasMessageContaining("'tablet-type' = 'PRIMARY'")
                .hasMessageContaining("purged")
                .hasMessageContaining(gtid(1, 10))
                .hasMessageContaining("'initial'");
        assertThat(fake.requests()).hasSize(2);
    }

    // ---- (e) reconnect budget ----

    @Test
    void givesUpAfterMaxAttemptsInARow() throws Exception {
        for (int i = 0; i < 10; i++) {
            fake.thenSendAndFail(Status.UNAVAILABLE.withDescription("io exception"));
        }
        start(binlogSplit(gtid(1, 10), 0), 3, Topodata.TabletType.PRIMARY);

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining("Gave up on shard " + SPLIT_ID)
                .hasMessageContaining("'reconnect.max-attempts' = 3")
                .hasMessageContaining("vtgate.example:15991 is unreachable")
                .hasMessageContaining(gtid(1, 10));
        assertThat(fake.requests()).hasSize(4);
        assertThat(metrics.reconnects()).isEqualTo(3);
    }

    @Test
    void zeroAttemptsFailsOnTheFirstTransientError() throws Exception {
        fake.thenSendAndFail(Status.UNAVAILABLE.withDescription("io exception"));
        start(binlogSplit(gtid(1, 10), 0), 0, Topodata.TabletType.PRIMARY);

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure).hasMessageContaining("Gave up");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void progressRestartsTheCount() throws Exception {
        Status lost = Status.UNAVAILABLE.withDescription("connection reset");
        fake.thenSendAndFail(lost)
                .thenSendAndFail(lost)
                .thenSendAndFail(
                        lost,
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(1, "a")),
                                vgtid(gtid(1, 11)),
                                commit()))
                .thenSendAndFail(lost)
                .thenSend(
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(2, "b")),
                                vgtid(gtid(1, 12)),
                                commit()));
        start(binlogSplit(gtid(1, 10), 0), 2, Topodata.TabletType.PRIMARY);

        Output out =
                fetchUntil(
                        o -> ShardPosition.of(gtid(1, 12)).equals(o.lastPosition()),
                        "the change after four failures, two in a row at most");

        assertThat(out.rows()).containsExactly("c:1=a", "c:2=b");
        assertThat(metrics.reconnects()).isEqualTo(4);
    }

    @Test
    void responsesWithoutProgressDoNotRestartTheCount() throws Exception {
        // The first stream hands a row over, then every stream fails after replaying it: no
        // progress, so the failures count up to the limit.
        for (int i = 0; i < 6; i++) {
            fake.thenSendAndFail(
                    Status.UNAVAILABLE.withDescription("connection reset"),
                    response(
                            begin(),
                            field("t", TS),
                            rows("t", TS, insert(1, "a")),
                            vgtid(gtid(1, 11))));
        }
        start(binlogSplit(gtid(1, 10), 0), 2, Topodata.TabletType.PRIMARY);

        Output out = new Output();
        Throwable failure = fetchUntilFailure(out);

        assertThat(failure).hasMessageContaining("Gave up");
        assertThat(out.rows()).containsExactly("c:1=a");
        assertThat(fake.requests()).hasSize(3);
    }

    @Test
    void reconnectsPromptlyOnceVtgateIsBack() throws Exception {
        fake.close();
        fake = new FakeVtgate(false);
        fake.thenSend(
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        vgtid(gtid(1, 11)),
                        commit()));
        start(binlogSplit(gtid(1, 10), 0), 1000, Topodata.TabletType.PRIMARY);

        // VTGate is down for six seconds: the channel's own connect backoff (1 s, 1.6 s, ...)
        // has grown to seconds by then.
        Output out = new Output();
        long downUntil = System.currentTimeMillis() + 6_000;
        while (System.currentTimeMillis() < downUntil) {
            drain(out);
        }
        assertThat(metrics.reconnects()).isGreaterThan(3);
        assertThat(fake.requests()).isEmpty();

        long back = System.nanoTime();
        fake.listen();
        fetchUntil(out, o -> o.lastPosition() != null, "the change once VTGate is back");

        // The reader's backoff (at most 100 ms here) decides, not the channel's.
        assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofMillis(1500));
        assertThat(out.rows()).containsExactly("c:1=a");
    }

    // ---- (f) flow control ----

    @Test
    void neverMoreThanPrefetchResponsesInFlight() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean blocked = new AtomicBoolean();
        fake.then(
                (request, out) -> {
                    Runnable pump =
                            new Runnable() {
                                @Override
                                public synchronized void run() {
                                    // An endless binlog: as much as flow control lets through.
                                    while (out.isReady()) {
                                        int i = sent.incrementAndGet();
                                        out.onNext(
                                                response(
                                                        begin(),
                                                        field("t", TS),
                                                        rows("t", TS, insert(i, "r" + i)),
                                                        vgtid(gtid(1, 10 + i)),
                                                        commit()));
                                    }
                                    blocked.set(true);
                                }
                            };
                    out.setOnReadyHandler(
                            () -> {
                                blocked.set(false);
                                pump.run();
                            });
                    pump.run();
                });
        start(binlogSplit(gtid(1, 10), 0));

        Output out = new Output();
        for (int round = 0; round < 3; round++) {
            drain(out);
            int handled = out.positions().size();
            awaitStable(sent, blocked);
            assertThat(sent.get() - handled)
                    .as("responses sent but not yet consumed, after %s consumed", handled)
                    .isEqualTo(VStreamSplitReader.PREFETCH);
        }
        assertThat(out.positions()).isNotEmpty();
        int total = out.positions().size();
        assertThat(out.rows()).hasSize(total);
        assertThat(out.lastPosition()).isEqualTo(ShardPosition.of(gtid(1, 10 + total)));
    }

    /** Waits until the fake cannot send and its count stays put for a moment. */
    private static void awaitStable(AtomicInteger sent, AtomicBoolean blocked)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        int last = -1;
        int stableRounds = 0;
        while (stableRounds < 5) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(
                        "The fake never stopped sending: " + sent.get() + " responses sent");
            }
            int now = sent.get();
            stableRounds = blocked.get() && now == last ? stableRounds + 1 : 0;
            last = now;
            Thread.sleep(50);
        }
    }

    // ---- (g) partial images ----

    @Test
    void partialRowImageFails() throws Exception {
        Binlogdata.RowChange partial =
                insert(1, "a").toBuilder()
                        .setDataColumns(
                                Binlogdata.RowChange.Bitmap.newBuilder()
                                        .setCount(2)
                                        .setCols(ByteString.copyFrom(new byte[] {0b01})))
                        .build();
        fake.thenSend(response(begin(), field("t", TS), rows("t", TS, partial)));
        start(binlogSplit(gtid(1, 10), 0));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining("'ks.t'")
                .hasMessageContaining("shard " + SHARD)
                .hasMessageContaining("partial row image")
                .hasMessageContaining("binlog_row_image=FULL");
    }

    @Test
    void partialJsonFailsButAFullImageWithTheBitmapPasses() throws Exception {
        Binlogdata.RowChange.Bitmap allColumns =
                Binlogdata.RowChange.Bitmap.newBuilder()
                        .setCount(2)
                        .setCols(ByteString.copyFrom(new byte[] {0b11}))
                        .build();
        // PARTIAL_JSON on, but this update wrote the whole value: no bit set.
        Binlogdata.RowChange whole =
                update(1, "{}", "{\"a\":1}").toBuilder()
                        .setDataColumns(allColumns)
                        .setJsonPartialValues(
                                Binlogdata.RowChange.Bitmap.newBuilder()
                                        .setCount(2)
                                        .setCols(ByteString.copyFrom(new byte[] {0})))
                        .build();
        Binlogdata.RowChange partial =
                update(1, "{\"a\":1}", "JSON_INSERT(`v`, '$.b', 2)").toBuilder()
                        .setDataColumns(allColumns)
                        .setJsonPartialValues(
                                Binlogdata.RowChange.Bitmap.newBuilder()
                                        .setCount(2)
                                        .setCols(ByteString.copyFrom(new byte[] {0b10})))
                        .build();
        CountDownLatch firstTaken = new CountDownLatch(1);
        fake.then(
                (request, stream) -> {
                    stream.onNext(
                            response(
                                    begin(),
                                    field("t", TS),
                                    rows("t", TS, whole),
                                    vgtid(gtid(1, 11)),
                                    commit()));
                    firstTaken.await();
                    stream.onNext(response(begin(), rows("t", TS, partial)));
                });
        start(binlogSplit(gtid(1, 10), 0));

        Output out = fetchUntil(o -> o.lastPosition() != null, "the whole JSON update");
        firstTaken.countDown();
        Throwable failure = fetchUntilFailure(out);

        assertThat(out.rows()).containsExactly("u:1={\"a\":1}");
        assertThat(failure)
                .hasMessageContaining("partial JSON")
                .hasMessageContaining("PARTIAL_JSON")
                .hasMessageContaining(gtid(1, 11));
    }

    // ---- (h) JOURNAL ----

    @Test
    void journalEndsTheSplitAfterItsRowsAndIgnoresTheStreamsEnd() throws Exception {
        // A merge: VTGate sends the JOURNAL, then fails the stream because the other participant
        // is not in it. The split ends at the journal; the failure is not an error.
        fake.thenSendAndFail(
                Status.INTERNAL.withDescription(
                        "not all journaling participants are in the stream"),
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        vgtid(gtid(1, 11)),
                        commit()),
                response(
                        begin(),
                        journal(Binlogdata.MigrationType.SHARDS),
                        vgtid(gtid(1, 12)),
                        commit()));
        start(binlogSplit(gtid(1, 10), 0));

        Output out = fetchUntil(o -> o.finished.contains(SPLIT_ID), "the split's end");
        for (int i = 0; i < 5; i++) {
            drain(out); // the stream's failure must not surface
        }

        assertThat(out.rows()).containsExactly("c:1=a");
        ChangeBatch last = out.batches.get(out.batches.size() - 1);
        assertThat(last.journal).isNotNull();
        assertThat(last.journal.getShardGtids(0).getGtid()).isEqualTo(gtid(1, 500));
        assertThat(last.rows).isEmpty();
        // Resuming the old shard would start after its last commit before the journal.
        assertThat(last.positionAfter).isEqualTo(ShardPosition.of(gtid(1, 11)));
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void aFinishedSplitsMetricsAreNoLongerReported() throws Exception {
        Map<String, Metric> reported = new ConcurrentHashMap<>();
        metrics = ShardReaderMetricsTest.reportingTo(reported);
        fake.thenSend(
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        vgtid(gtid(1, 11)),
                        commit()),
                response(begin(), journal(Binlogdata.MigrationType.SHARDS)));
        start(binlogSplit(gtid(1, 10), 0));
        assertThat(ShardReaderMetricsTest.shardMetrics(reported, SPLIT_ID)).isNotEmpty();

        fetchUntil(o -> o.finished.contains(SPLIT_ID), "the split's end");

        assertThat(ShardReaderMetricsTest.shardMetrics(reported, SPLIT_ID)).isEmpty();
    }

    @Test
    void tablesJournalIsNotTheEndOfTheShard() throws Exception {
        fake.thenSend(
                response(begin(), journal(Binlogdata.MigrationType.TABLES), vgtid(gtid(1, 11))),
                response(commit()),
                response(
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        vgtid(gtid(1, 12)),
                        commit()));
        start(binlogSplit(gtid(1, 10), 0));

        Output out = fetchUntil(o -> o.positions().size() == 2, "both commits");

        assertThat(out.rows()).containsExactly("c:1=a");
        assertThat(out.finished).isEmpty();
    }

    @Test
    void journalDuringTheCopyPhaseEndsTheSplitWithItsCopyState() throws Exception {
        // Table t copied up to row 1, then the catch-up before the next table meets the journal
        // (u not begun): the new shards are to copy on from there.
        fake.thenSendAndFail(
                Status.INTERNAL.withDescription(
                        "not all journaling participants are in the stream"),
                response(
                        begin(),
                        field("t"),
                        vgtid(gtid(1, 10)),
                        copyRow(1),
                        vgtid(gtid(1, 10), lastPk("t", 1)),
                        commit()),
                response(
                        begin(),
                        copyRow(2), // a copy batch that the journal cuts off: not handed over
                        journal(Binlogdata.MigrationType.SHARDS),
                        vgtid(gtid(1, 12)),
                        commit()));
        start(copySplit(false, "t", "u"));

        Output out = fetchUntil(o -> o.finished.contains(SPLIT_ID), "the split's end");
        for (int i = 0; i < 5; i++) {
            drain(out); // the stream's failure must not surface
        }

        assertThat(out.rows()).containsExactly("r:1=v1");
        ChangeBatch last = out.batches.get(out.batches.size() - 1);
        assertThat(last.journal).isNotNull();
        assertThat(last.rows).isEmpty();
        assertThat(last.positionAfter)
                .isEqualTo(
                        new ShardPosition(
                                gtid(1, 10),
                                Collections.singletonList(lastPk("t", 1)),
                                new LinkedHashSet<>(Arrays.asList("t", "u"))));
    }

    @Test
    void journalDuringABoundedSnapshotFailsWithAdvice() throws Exception {
        fake.thenSend(
                response(
                        begin(),
                        field("t"),
                        vgtid(gtid(1, 10)),
                        copyRow(1),
                        vgtid(gtid(1, 10), lastPk("t", 1)),
                        commit()),
                response(begin(), journal(Binlogdata.MigrationType.SHARDS)));
        start(copySplit(true, "t", "u"));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining("Shard " + SPLIT_ID)
                .hasMessageContaining("before its snapshot was complete")
                .hasMessageContaining("'snapshot'");
    }

    @Test
    void deletedShardFailsWithAdviceAndNoRetry() throws Exception {
        fake.thenSendAndFail(
                Status.FAILED_PRECONDITION.withDescription(
                        "failed to determine if keyspace ks has been resharded: shard provided in"
                                + " VGTID, "
                                + SHARD
                                + ", not found in the ks keyspace"));
        start(binlogSplit(gtid(1, 10), 0));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure)
                .hasMessageContaining("shard " + SPLIT_ID)
                .hasMessageContaining(gtid(1, 10))
                .hasMessageContaining("no longer exists")
                .hasMessageContaining("'initial'");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void rowsBeforeTheirFieldEventFail() throws Exception {
        fake.thenSend(response(begin(), rows("t", TS, insert(1, "a"))));
        start(binlogSplit(gtid(1, 10), 0));

        Throwable failure = fetchUntilFailure(new Output());

        assertThat(failure).hasMessageContaining("before its FIELD event");
    }

    @Test
    void heartbeatsAndOtherEventsCarryNoRows() throws Exception {
        fake.thenSend(
                response(event(Binlogdata.VEventType.HEARTBEAT)),
                response(vgtid(gtid(1, 11)), event(Binlogdata.VEventType.OTHER)));
        start(binlogSplit(gtid(1, 10), 0));

        Output out = fetchUntil(o -> o.lastPosition() != null, "the OTHER event's position");

        assertThat(out.rows()).isEmpty();
        assertThat(out.lastPosition()).isEqualTo(ShardPosition.of(gtid(1, 11)));
    }

    // ---- tables added while running ----

    @Test
    void aTableTheEnumeratorAddsIsCopiedFromTheLastCommitWhileTheOthersStream() throws Exception {
        fake.thenSend(
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(1, "a")),
                                vgtid(gtid(1, 11)),
                                commit()))
                .thenSend(
                        response(
                                field("u"),
                                rows("u", 0, insert(7, "x")),
                                vgtid(gtid(1, 11), lastPk("u", 7)),
                                commit(),
                                vgtid(gtid(1, 11)),
                                copyCompleted()));
        WantedTables wanted = new WantedTables();
        reader =
                new VStreamSplitReader(
                        config(10, Topodata.TabletType.PRIMARY),
                        fake::channel,
                        fake::gtidSets,
                        metrics,
                        20,
                        100,
                        wanted);
        ShardSplit split =
                binlogSplit(gtid(1, 10), 0)
                        .withTables(new java.util.TreeSet<>(Collections.singleton("t")));
        reader.handleSplitsChanges(new SplitsAddition<>(Collections.singletonList(split)));
        Output out = fetchUntil(o -> o.positions().size() == 1, "the first commit");

        wanted.set(new java.util.TreeSet<>(java.util.Arrays.asList("t", "u")));
        fetchUntil(out, o -> o.rows().size() == 2 && o.positions().size() == 4, "u's copy");

        assertThat(out.rows()).containsExactly("c:1=a", "r:7=x");
        ChangeBatch added = out.batches.get(2);
        assertThat(added.tables).containsExactly("t", "u");
        assertThat(added.positionAfter.remainingTables()).containsExactly("u");
        assertThat(out.lastPosition()).isEqualTo(ShardPosition.of(gtid(1, 11)));
        Vtgate.VStreamRequest second = fake.requests().get(1);
        Binlogdata.ShardGtid from = second.getVgtid().getShardGtids(0);
        assertThat(from.getGtid()).isEqualTo(gtid(1, 11));
        assertThat(from.getTablePKsList())
                .extracting(Binlogdata.TableLastPK::getTableName)
                .containsExactly("u");
        assertThat(second.getFlags().getTablesToCopyList()).containsExactly("u");
        assertThat(second.getFilter().getRulesList())
                .extracting(Binlogdata.Rule::getMatch)
                .containsExactly("t", "u");
        assertThat(fake.requests().get(0).getFilter().getRulesList())
                .extracting(Binlogdata.Rule::getMatch)
                .containsExactly("t");
    }

    @Test
    void aTableDroppedDuringItsCopyIsLeftOutInsteadOfFailingForever() throws Exception {
        fake.thenSendAndFail(
                        io.grpc.Status.UNKNOWN.withDescription(
                                "vttablet: rpc error: code = Unknown desc = table u is not present"
                                        + " in the database"))
                .thenSend(
                        response(
                                begin(),
                                field("t", TS),
                                rows("t", TS, insert(1, "a")),
                                vgtid(gtid(1, 12)),
                                commit()));
        ShardPosition copying =
                new ShardPosition(
                        gtid(1, 11),
                        Collections.emptyList(),
                        new java.util.LinkedHashSet<>(Collections.singleton("u")));
        ShardSplit split =
                binlogSplit(gtid(1, 11), 0)
                        .withPosition(copying, 0)
                        .withTables(new java.util.TreeSet<>(java.util.Arrays.asList("t", "u")));
        start(split);

        Output out = fetchUntil(o -> o.positions().size() == 2, "the commit after the drop");

        assertThat(out.batches.get(0).tables).containsExactly("t");
        assertThat(out.batches.get(0).positionAfter).isEqualTo(ShardPosition.of(gtid(1, 11)));
        assertThat(out.rows()).containsExactly("c:1=a");
        assertThat(fake.requests().get(1).getFilter().getRulesList())
                .extracting(Binlogdata.Rule::getMatch)
                .containsExactly("t");
    }
}
