package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.vstreamcdc.e2e.SourceTestSupport.COLUMNS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills the job's task at three moments (during the copy phase, inside a 10k-row transaction, and
 * while idle) and checks that every change came out exactly once: each one is counted, not only the
 * final state.
 */
@ExtendWith(VitessClusterExtension.class)
class ExactlyOnceFailoverITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    private static final int ROWS = 30_000;
    private static final int TX_ROWS = 10_000;

    /** Failures injected so far; one per stage. */
    static final AtomicInteger FAILURES = new AtomicInteger();

    static final AtomicInteger CHECKPOINTS = new AtomicInteger();
    static volatile int armedStage;

    /** Completed checkpoints when the armed stage's first record went by; -1 before. */
    static volatile int checkpointsAtStageStart = -1;

    /**
     * Slows the armed stage down (so that checkpoints fall inside it) and throws once, on a record
     * of the stage, after two checkpoints completed since the stage began: the restore then starts
     * from a position inside the copy phase or inside the transaction.
     */
    static final class FailingMap implements MapFunction<RowData, RowData>, CheckpointListener {
        private long seen;

        @Override
        public RowData map(RowData row) throws InterruptedException {
            int stage = armedStage;
            if (stage == 0 || FAILURES.get() >= stage || !inStage(stage, row)) {
                return row;
            }
            if (stage < 3 && ++seen % 5 == 0) {
                Thread.sleep(1);
            }
            if (checkpointsAtStageStart < 0) {
                checkpointsAtStageStart = CHECKPOINTS.get();
            } else if ((stage == 3 || CHECKPOINTS.get() >= checkpointsAtStageStart + 2)
                    // both subtasks may get here at once: only one throws
                    && FAILURES.compareAndSet(stage - 1, stage)) {
                checkpointsAtStageStart = -1;
                throw new RuntimeException(
                        "Injected failure " + stage + " at " + SourceTestSupport.describe(row));
            }
            return row;
        }

        private static boolean inStage(int stage, RowData row) {
            switch (stage) {
                case 1: // the copy phase
                    return row.getRowKind() == RowKind.INSERT && row.getLong(0) <= ROWS;
                case 2: // the big transaction
                    return row.getRowKind() == RowKind.UPDATE_BEFORE
                            || row.getRowKind() == RowKind.UPDATE_AFTER;
                default: // the first change after an idle stretch
                    return row.getLong(0) > ROWS;
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    void everyChangeExactlyOnceAcrossFailures(VitessCluster cluster) throws Exception {
        String table = "it_failover";
        // Wide rows make small copy batches (VStream cuts them by bytes): checkpoints, which fall
        // between batches, then land inside the copy phase.
        TestTables.createSharded(
                cluster,
                table,
                COLUMNS + ", pad VARCHAR(255) NOT NULL DEFAULT '" + "x".repeat(200) + "'");
        SourceTestSupport.insertRange(cluster, "customer", table, 1, ROWS, "v");
        FAILURES.set(0);
        CHECKPOINTS.set(0);
        checkpointsAtStageStart = -1;
        armedStage = 1;

        PlanetScaleSource<RowData> source =
                SourceTestSupport.source(cluster, "customer")
                        .tableName(table)
                        .startupMode(StartupMode.INITIAL)
                        .build();
        try (CollectedOutput output =
                CollectedOutput.run(source, 2, 300, s -> s.map(new FailingMap()))) {
            // Stage 1: the copy phase, with a failure in its middle.
            output.await(rows -> rows.size() >= ROWS, Duration.ofMinutes(4), "the copied rows");
            assertThat(FAILURES.get())
                    .as(
                            "failure during the copy (checkpoints %s, at stage start %s)",
                            CHECKPOINTS.get(), checkpointsAtStageStart)
                    .isEqualTo(1);

            // Stage 2: one transaction updating 10k rows, failing in its middle.
            checkpointsAtStageStart = -1;
            armedStage = 2;
            try (Connection c = cluster.connect("customer");
                    Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("UPDATE " + table + " SET v = CONCAT('u', id) WHERE id <= " + TX_ROWS);
                c.commit();
            }
            output.await(
                    rows -> rows.size() >= ROWS + 2 * TX_ROWS,
                    Duration.ofMinutes(4),
                    "the transaction's updates");
            assertThat(FAILURES.get()).as("failure inside the transaction").isEqualTo(2);

            // Stage 3: idle with completed checkpoints, then a change that fails once.
            int checkpoints = CHECKPOINTS.get();
            while (CHECKPOINTS.get() < checkpoints + 3) {
                Thread.sleep(100);
            }
            checkpointsAtStageStart = -1;
            armedStage = 3;
            SourceTestSupport.insertRange(cluster, "customer", table, ROWS + 1, ROWS + 10, "late");
            List<RowData> rows =
                    output.await(
                            r -> r.size() >= ROWS + 2 * TX_ROWS + 10,
                            Duration.ofMinutes(3),
                            "the rows after the idle stretch");
            assertThat(FAILURES.get()).as("failure after idling").isEqualTo(3);
            Thread.sleep(3000);
            rows = output.snapshot();

            Map<String, Integer> counts = new HashMap<>();
            for (RowData row : rows) {
                counts.merge(SourceTestSupport.describe(row), 1, Integer::sum);
            }
            assertThat(counts.entrySet())
                    .as("changes emitted more than once")
                    .noneMatch(e -> e.getValue() > 1);
            assertThat(rows).hasSize(ROWS + 2 * TX_ROWS + 10);
            for (long id = 1; id <= ROWS; id++) {
                assertThat(counts).containsKey("+I[" + id + ", v" + id + "]");
            }
            for (long id = 1; id <= TX_ROWS; id++) {
                assertThat(counts).containsKey("-U[" + id + ", v" + id + "]");
                assertThat(counts).containsKey("+U[" + id + ", u" + id + "]");
            }
            for (long id = ROWS + 1; id <= ROWS + 10; id++) {
                assertThat(counts).containsKey("+I[" + id + ", late" + id + "]");
            }
            Map<Long, String> applied = new java.util.TreeMap<>();
            rows.forEach(r -> SourceTestSupport.apply(applied, r));
            assertThat(applied).isEqualTo(SourceTestSupport.select(cluster, "customer", table));
        }
    }
}
