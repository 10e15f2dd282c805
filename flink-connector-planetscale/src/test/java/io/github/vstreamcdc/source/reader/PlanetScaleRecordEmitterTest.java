package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.SourceOutputCollector;
import io.github.vstreamcdc.source.reader.deserializer.VStreamColumns;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.ShardSplitState;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The emitter deserializes a batch's rows and moves the split's state with them. */
class PlanetScaleRecordEmitterTest {

    private static final String G10 = "MySQL56/1bac46be-e961-11f1-843f-02fc00000001:1-10";
    private static final String G11 = "MySQL56/1bac46be-e961-11f1-843f-02fc00000001:1-11";

    /** Emits "op:id" per change; an update emits twice, like the RowData schema. */
    private static final class IdSchema implements VStreamDeserializationSchema<String> {
        @Override
        public void deserialize(RowChangeEvent change, Collector<String> out) {
            byte[][] image = change.after() != null ? change.after() : change.before();
            String id = new String(image[0], StandardCharsets.UTF_8);
            out.collect(change.op().code() + ":" + id);
            if (change.op() == RowChangeEvent.Op.UPDATE) {
                out.collect("u-before:" + id);
            }
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    private static final class CapturingOutput implements SourceOutput<String> {
        final List<String> records = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void collect(String record) {
            records.add(record);
            timestamps.add(null);
        }

        @Override
        public void collect(String record, long timestamp) {
            records.add(record);
            timestamps.add(timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }

    private static RowChangeEvent change(RowChangeEvent.Op op, long id, long commitMillis) {
        byte[][] image = {Long.toString(id).getBytes(StandardCharsets.UTF_8), null};
        return new RowChangeEvent(
                "ks",
                "-80",
                "t",
                op,
                VStreamColumns.of(VEvents.fields()),
                op == RowChangeEvent.Op.INSERT || op == RowChangeEvent.Op.READ ? null : image,
                op == RowChangeEvent.Op.DELETE ? null : image,
                commitMillis,
                G10);
    }

    private final PlanetScaleRecordEmitter<String> emitter =
            new PlanetScaleRecordEmitter<>(new IdSchema());

    private static ShardSplitState state(ShardPosition position, long rowsToSkip) {
        return new ShardSplitState(
                new ShardSplit("ks", "-80", position, rowsToSkip, false, Collections.emptyList()));
    }

    @Test
    void aHeartbeatOfAnIdleShardMovesItsWatermarkOnlyWithADelayConfigured() throws Exception {
        ShardSplitState state = state(ShardPosition.of(G10), 0);
        CapturingOutput output = new CapturingOutput();

        emitter.emitRecord(ChangeBatch.idleAt(60_000), output, state);
        assertThat(output.watermarks).isEmpty();

        new PlanetScaleRecordEmitter<>(new IdSchema(), Duration.ofSeconds(5))
                .emitRecord(ChangeBatch.idleAt(60_000), output, state);
        // Below the heartbeat's second (commit times are whole seconds), minus the delay.
        assertThat(output.watermarks).containsExactly(54_999L);
        assertThat(output.records).isEmpty();
        assertThat(state.toSplit().position()).isEqualTo(ShardPosition.of(G10));
        assertThat(state.toSplit().rowsToSkip()).isZero();
    }

    /**
     * The deserializer learns that its records go straight to the source output, which copies or
     * serializes them: binary rows may then be written into one reused object.
     */
    @Test
    void theDeserializerIsToldItsRecordsGoStraightToTheSourceOutput() throws Exception {
        VStreamDeserializationSchema<String> schema =
                new VStreamDeserializationSchema<String>() {
                    @Override
                    public void deserialize(RowChangeEvent change, Collector<String> out) {
                        out.collect("reused: " + SourceOutputCollector.reusesRecords(out));
                    }

                    @Override
                    public TypeInformation<String> getProducedType() {
                        return Types.STRING;
                    }
                };
        CapturingOutput output = new CapturingOutput();
        new PlanetScaleRecordEmitter<>(schema)
                .emitRecord(
                        new ChangeBatch(
                                Collections.singletonList(change(RowChangeEvent.Op.INSERT, 1, 0)),
                                null,
                                0),
                        output,
                        state(ShardPosition.of(G10), 0));
        assertThat(output.records).containsExactly("reused: true");
    }

    @Test
    void rowsWithoutPositionCountTowardsRowsToSkip() throws Exception {
        ShardSplitState state = state(ShardPosition.of(G10), 3);
        CapturingOutput output = new CapturingOutput();

        emitter.emitRecord(
                new ChangeBatch(
                        Arrays.asList(
                                change(RowChangeEvent.Op.INSERT, 1, 5_000),
                                change(RowChangeEvent.Op.UPDATE, 2, 5_000)),
                        null,
                        5_000),
                output,
                state);

        assertThat(output.records).containsExactly("c:1", "u:2", "u-before:2");
        assertThat(output.timestamps).containsOnly(5_000L);
        ShardSplit checkpointed = state.toSplit();
        assertThat(checkpointed.position()).isEqualTo(ShardPosition.of(G10));
        // Three rows from before plus two changes (not three records) now.
        assertThat(checkpointed.rowsToSkip()).isEqualTo(5);
    }

    @Test
    void batchWithPositionMovesTheStateAndClearsRowsToSkip() throws Exception {
        ShardSplitState state = state(ShardPosition.of(G10), 4);
        CapturingOutput output = new CapturingOutput();

        emitter.emitRecord(
                new ChangeBatch(
                        Collections.singletonList(change(RowChangeEvent.Op.DELETE, 7, 9_000)),
                        ShardPosition.of(G11),
                        9_000),
                output,
                state);

        assertThat(output.records).containsExactly("d:7");
        assertThat(state.toSplit().position()).isEqualTo(ShardPosition.of(G11));
        assertThat(state.toSplit().rowsToSkip()).isZero();
    }

    @Test
    void copyRowsCarryNoTimestampAndMoveTheCopyCursor() throws Exception {
        ShardPosition copying =
                new ShardPosition(G10, List.of(VEvents.lastPk("t", 2)), Set.of("t", "u"));
        ShardSplitState state = state(ShardPosition.copyPhase(), 0);
        CapturingOutput output = new CapturingOutput();

        emitter.emitRecord(
                new ChangeBatch(
                        Arrays.asList(
                                change(RowChangeEvent.Op.READ, 1, 0),
                                change(RowChangeEvent.Op.READ, 2, 0)),
                        copying,
                        0),
                output,
                state);

        assertThat(output.records).containsExactly("r:1", "r:2");
        assertThat(output.timestamps).containsOnlyNulls();
        assertThat(state.toSplit().position()).isEqualTo(copying);
        assertThat(state.toSplit().rowsToSkip()).isZero();
    }

    @Test
    void emptyBatchWithPositionOnlyMovesTheState() throws Exception {
        ShardSplitState state = state(ShardPosition.of(G10), 2);
        CapturingOutput output = new CapturingOutput();

        emitter.emitRecord(
                new ChangeBatch(Collections.emptyList(), ShardPosition.of(G11), 0), output, state);

        assertThat(output.records).isEmpty();
        assertThat(state.toSplit()).isEqualTo(state(ShardPosition.of(G11), 0).toSplit());
    }
}
