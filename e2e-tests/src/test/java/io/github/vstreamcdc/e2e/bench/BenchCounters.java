package io.github.vstreamcdc.e2e.bench;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.RowData;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the benchmark jobs' last operator saw. The jobs run in this JVM's MiniCluster and load their
 * classes from the application class path, so these statics are shared with the driver.
 */
final class BenchCounters {

    static final AtomicLong RECORDS = new AtomicLong();
    static volatile long first = 1;
    static volatile long target = Long.MAX_VALUE;
    static volatile long firstNanos;
    static volatile long targetNanos;
    static volatile long firstCpuNanos;
    static volatile long targetCpuNanos;

    /** At the target: {@link Measurement#processCpuNanosWithEndedThreads}. */
    static volatile long targetCpuNanosWithEndedThreads;

    static volatile long mark = Long.MAX_VALUE;
    static volatile long markCpuNanos;

    /**
     * Counted down at the expected last record (after its times are noted): the driver waits on it
     * instead of polling, as it waits for the bare consumer, so that neither pays for the wait.
     */
    static volatile CountDownLatch reached = new CountDownLatch(1);

    private BenchCounters() {}

    /**
     * The benchmark jobs' pipeline: the source, then {@code last} chained to it (a filter that
     * counts or slows and passes nothing on), then a discarding sink.
     */
    static void discardInto(
            StreamExecutionEnvironment env,
            Source<RowData, ?, ?> source,
            String sourceName,
            FilterFunction<RowData> last,
            String lastName) {
        env.fromSource(source, WatermarkStrategy.noWatermarks(), sourceName)
                .filter(last)
                .name(lastName)
                .sinkTo(new DiscardingSink<>());
    }

    /**
     * Waits for the expected last record; checks every second that the job still runs.
     *
     * @param what what the records are, for the error message
     */
    static void awaitTarget(JobClient job, long deadlineNanos, long from, String what)
            throws Exception {
        while (!reached.await(1, TimeUnit.SECONDS)) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException(
                        "The source delivered "
                                + (RECORDS.get() - from)
                                + " of "
                                + (target - from)
                                + " "
                                + what);
            }
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("The job ended: " + status);
            }
        }
    }

    /**
     * @param markRecord the record whose CPU time starts the late window (see {@link
     *     Measurement#withLateCpu})
     */
    static void reset(long expectedRecords, long markRecord) {
        RECORDS.set(0);
        expect(1, expectedRecords);
        mark = markRecord;
    }

    /**
     * Moves the measured window to records [firstRecord, lastRecord] (counted since the last {@link
     * #reset}), without a late window: the next burst of a long-running job.
     */
    static void expect(long firstRecord, long lastRecord) {
        reached = new CountDownLatch(1);
        first = firstRecord;
        target = lastRecord;
        mark = Long.MAX_VALUE;
        markCpuNanos = -1;
        firstNanos = 0;
        targetNanos = 0;
        firstCpuNanos = -1;
        targetCpuNanos = -1;
        targetCpuNanosWithEndedThreads = -1;
    }

    /**
     * The discarding sink: counts each record, notes the time of the first and of the expected last
     * one, and drops it (nothing is passed on).
     */
    static final class CountingDiscard implements FilterFunction<RowData> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(RowData row) {
            long count = RECORDS.incrementAndGet();
            if (count == first) {
                firstNanos = System.nanoTime();
                firstCpuNanos = Measurement.processCpuNanos();
            }
            if (count == mark) {
                markCpuNanos = Measurement.processCpuNanos();
            }
            if (count == target) {
                targetNanos = System.nanoTime();
                targetCpuNanos = Measurement.processCpuNanos();
                targetCpuNanosWithEndedThreads = Measurement.processCpuNanosWithEndedThreads();
                reached.countDown();
            }
            return false;
        }
    }

    /** A slow sink: sleeps for each record, then drops it. */
    static final class SlowDiscard implements FilterFunction<RowData> {
        private static final long serialVersionUID = 1L;

        private final long sleepMillis;

        SlowDiscard(long sleepMillis) {
            this.sleepMillis = sleepMillis;
        }

        @Override
        public boolean filter(RowData row) throws InterruptedException {
            Thread.sleep(sleepMillis);
            if (RECORDS.incrementAndGet() == 1) {
                firstNanos = System.nanoTime();
            }
            return false;
        }
    }
}
