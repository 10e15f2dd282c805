package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.event.RestoredSplitsEvent;
import io.github.vstreamcdc.source.event.ShardFinishedAck;
import io.github.vstreamcdc.source.event.ShardFinishedEvent;
import io.github.vstreamcdc.source.split.KnownTableSchema;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A split that ends at a reshard journal is reported to the enumerator, kept in the reader's
 * checkpoints until the enumerator acknowledges it, and reported again after a restore.
 */
class PlanetScaleSourceReaderTest {

    private static final String G = "MySQL56/00000000-0000-0000-0000-000000000001:1-10";

    private static final Binlogdata.Journal JOURNAL =
            Binlogdata.Journal.newBuilder()
                    .setId(7)
                    .setMigrationType(Binlogdata.MigrationType.SHARDS)
                    .addParticipants(
                            Binlogdata.KeyspaceShard.newBuilder().setKeyspace("ks").setShard("-80"))
                    .addShardGtids(
                            Binlogdata.ShardGtid.newBuilder()
                                    .setKeyspace("ks")
                                    .setShard("-40")
                                    .setGtid(G))
                    .build();

    private final List<PlanetScaleSourceReader<String>> readers = new ArrayList<>();

    /** Ends every split it is given at {@link #JOURNAL}; remembers which splits it got. */
    private static final class JournalingSplitReader
            implements SplitReader<ChangeBatch, ShardSplit> {
        final List<ShardSplit> received = new CopyOnWriteArrayList<>();
        private final List<ShardSplit> toEnd = new ArrayList<>();

        /** End the splits at their stop instead (a bounded read). */
        volatile boolean stop;

        @Override
        public synchronized RecordsWithSplitIds<ChangeBatch> fetch() {
            RecordsBySplits.Builder<ChangeBatch> out = new RecordsBySplits.Builder<>();
            for (ShardSplit split : toEnd) {
                out.add(
                        split.splitId(),
                        stop
                                ? ChangeBatch.stoppedAt(ShardPosition.of(G), 0)
                                : ChangeBatch.endOfShard(ShardPosition.of(G), JOURNAL, 0));
                out.addFinishedSplit(split.splitId());
            }
            toEnd.clear();
            return out.build();
        }

        @Override
        public synchronized void handleSplitsChanges(SplitsChange<ShardSplit> change) {
            received.addAll(change.splits());
            toEnd.addAll(change.splits());
        }

        @Override
        public void wakeUp() {}

        @Override
        public void close() {}
    }

    private PlanetScaleSourceReader<String> reader(
            JournalingSplitReader splitReader, TestingReaderContext context) {
        PlanetScaleSourceReader<String> reader =
                new PlanetScaleSourceReader<>(
                        () -> splitReader,
                        new PlanetScaleRecordEmitter<>(new NoRows()),
                        new Configuration(),
                        context);
        readers.add(reader);
        return reader;
    }

    @AfterEach
    void closeReaders() throws Exception {
        for (PlanetScaleSourceReader<String> reader : readers) {
            reader.close();
        }
    }

    private static ShardSplit split(String shard) {
        return new ShardSplit("ks", shard, ShardPosition.of(G), 0, false, Collections.emptyList());
    }

    private static List<ShardFinishedEvent> reports(TestingReaderContext context) {
        List<ShardFinishedEvent> reports = new ArrayList<>();
        for (SourceEvent event : context.getSentEvents()) {
            if (event instanceof ShardFinishedEvent) {
                reports.add((ShardFinishedEvent) event);
            }
        }
        return reports;
    }

    private static void pollUntilReported(
            PlanetScaleSourceReader<String> reader, TestingReaderContext context) throws Exception {
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (reports(context).isEmpty()) {
            assertThat(System.currentTimeMillis()).as("time to report").isLessThan(deadline);
            reader.isAvailable().get(1, TimeUnit.SECONDS);
            reader.pollNext(output);
        }
        assertThat(output.getEmittedRecords()).isEmpty();
    }

    @Test
    void finishedSplitIsReportedAndKeptUntilTheEnumeratorAcknowledgesIt() throws Exception {
        TestingReaderContext context = new TestingReaderContext();
        PlanetScaleSourceReader<String> reader = reader(new JournalingSplitReader(), context);
        reader.start();
        reader.addSplits(Collections.singletonList(split("-80")));

        pollUntilReported(reader, context);

        assertThat(reports(context)).hasSize(1);
        assertThat(reports(context).get(0).splitId()).isEqualTo("ks/-80");
        assertThat(reports(context).get(0).journal()).isEqualTo(JOURNAL);

        List<ShardSplit> first = reader.snapshotState(1);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).splitId()).isEqualTo("ks/-80");
        assertThat(first.get(0).finishedAt()).isEqualTo(JOURNAL);

        // Kept, whatever checkpoints complete, until the enumerator acknowledges it.
        reader.notifyCheckpointComplete(1);
        assertThat(reader.snapshotState(2)).hasSize(1);
        reader.handleSourceEvents(new ShardFinishedAck("ks/-80", "another journal"));
        assertThat(reader.snapshotState(3)).hasSize(1);
        reader.handleSourceEvents(
                new ShardFinishedAck("ks/-80", ShardFinishedEvent.journalKey(JOURNAL)));
        assertThat(reader.snapshotState(4)).isEmpty();
        assertThat(reports(context)).hasSize(1);
    }

    @Test
    void aSplitStoppedByItsBoundIsReportedAndKeptUntilAcknowledged() throws Exception {
        TestingReaderContext context = new TestingReaderContext();
        JournalingSplitReader splitReader = new JournalingSplitReader();
        splitReader.stop = true;
        PlanetScaleSourceReader<String> reader = reader(splitReader, context);
        reader.start();
        reader.addSplits(Collections.singletonList(split("-80")));

        pollUntilReported(reader, context);

        assertThat(reports(context))
                .singleElement()
                .satisfies(r -> assertThat(r.journal()).isNull());
        List<ShardSplit> state = reader.snapshotState(1);
        assertThat(state).singleElement().satisfies(s -> assertThat(s.stopped()).isTrue());
        reader.handleSourceEvents(
                new ShardFinishedAck("ks/-80", ShardFinishedEvent.journalKey(JOURNAL)));
        assertThat(reader.snapshotState(2)).hasSize(1);
        reader.handleSourceEvents(new ShardFinishedAck("ks/-80", ShardFinishedEvent.STOP_KEY));
        assertThat(reader.snapshotState(3)).isEmpty();

        // Restored from the first checkpoint: reported again, not read again.
        TestingReaderContext restoredContext = new TestingReaderContext();
        JournalingSplitReader restoredSplits = new JournalingSplitReader();
        PlanetScaleSourceReader<String> restored = reader(restoredSplits, restoredContext);
        restored.addSplits(state);
        restored.start();
        assertThat(reports(restoredContext))
                .singleElement()
                .satisfies(r -> assertThat(r.journal()).isNull());
        assertThat(restoredSplits.received).isEmpty();
    }

    @Test
    void restoredFinishedSplitIsReportedAgainAndNotRead() throws Exception {
        TestingReaderContext context = new TestingReaderContext();
        JournalingSplitReader splitReader = new JournalingSplitReader();
        PlanetScaleSourceReader<String> reader = reader(splitReader, context);
        Map<String, KnownTableSchema> schemas =
                Collections.singletonMap(
                        "orders", KnownTableSchema.UNKNOWN.withDdl("CREATE TABLE orders (id int)"));
        ShardSplit finished = split("-80").withSchemas(schemas).finishedAt(JOURNAL);
        ShardSplit open = split("80-");

        // As Flink restores: the splits of the checkpoint first, then start().
        reader.addSplits(List.of(finished, open));
        reader.start();

        assertThat(reports(context)).hasSize(1);
        assertThat(reports(context).get(0).splitId()).isEqualTo("ks/-80");
        assertThat(reports(context).get(0).journal()).isEqualTo(JOURNAL);
        // The shards that replace it start knowing what it knew of the tables.
        assertThat(reports(context).get(0).schemas()).isEqualTo(schemas);
        // The enumerator learns how many shards this reader holds, for balancing.
        assertThat(context.getSentEvents())
                .filteredOn(e -> e instanceof RestoredSplitsEvent)
                .singleElement()
                .satisfies(e -> assertThat(((RestoredSplitsEvent) e).splits()).isEqualTo(1));
        assertThat(reader.snapshotState(5).stream().map(ShardSplit::splitId))
                .containsExactlyInAnyOrder("ks/-80", "ks/80-");
        // Only the open split is read; the finished one stays in the state until acknowledged.
        long deadline = System.currentTimeMillis() + 10_000;
        while (splitReader.received.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(
                        splitReader.received.stream()
                                .map(ShardSplit::splitId)
                                .collect(Collectors.toList()))
                .containsExactly("ks/80-");
        reader.notifyCheckpointComplete(5);
        assertThat(reader.snapshotState(6).stream().filter(s -> s.finishedAt() != null)).hasSize(1);
        reader.handleSourceEvents(
                new ShardFinishedAck("ks/-80", ShardFinishedEvent.journalKey(JOURNAL)));
        assertThat(reader.snapshotState(7).stream().filter(s -> s.finishedAt() != null)).isEmpty();
    }

    @Test
    void aShardNameReusedByAMergeReplacesTheFinishedSplit() throws Exception {
        TestingReaderContext context = new TestingReaderContext();
        JournalingSplitReader splitReader = new JournalingSplitReader();
        PlanetScaleSourceReader<String> reader = reader(splitReader, context);
        reader.addSplits(List.of(split("-80").finishedAt(JOURNAL)));
        reader.start();
        assertThat(reports(context)).hasSize(1);

        // The merge's new -80 arrives before a checkpoint released the old one.
        reader.addSplits(List.of(split("-80")));

        List<ShardSplit> state = reader.snapshotState(1);
        assertThat(state).hasSize(1);
        assertThat(state.get(0).splitId()).isEqualTo("ks/-80");
        assertThat(state.get(0).finishedAt()).isNull();
    }

    /** The batches of these tests carry no rows. */
    private static final class NoRows implements VStreamDeserializationSchema<String> {
        @Override
        public void deserialize(RowChangeEvent change, Collector<String> out) {
            throw new AssertionError("no rows expected");
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
