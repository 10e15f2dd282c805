package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs a job and drains its output on a background thread, so tests can wait for conditions; of any
 * record type ({@link CollectedOutput} for RowData).
 */
class CollectedRecords<T> implements AutoCloseable {

    private final CloseableIterator<T> iterator;
    private final List<T> rows = new ArrayList<>();
    private final Thread drainer;
    private volatile Throwable failure;
    private volatile boolean finished;

    CollectedRecords(CloseableIterator<T> iterator) {
        this.iterator = iterator;
        this.drainer = new Thread(this::drain, "collect-drainer");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** Runs the source (checkpoints every {@code checkpointMillis} if > 0) through the pipeline. */
    static <T> CollectedRecords<T> collect(
            PlanetScaleSource<T> source,
            int parallelism,
            long checkpointMillis,
            Function<DataStream<T>, DataStream<T>> pipeline)
            throws Exception {
        return new CollectedRecords<>(execute(source, parallelism, checkpointMillis, pipeline));
    }

    static <T> CloseableIterator<T> execute(
            PlanetScaleSource<T> source,
            int parallelism,
            long checkpointMillis,
            Function<DataStream<T>, DataStream<T>> pipeline)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        if (checkpointMillis > 0) {
            env.enableCheckpointing(checkpointMillis);
        }
        DataStream<T> stream =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "planetscale");
        return pipeline.apply(stream).executeAndCollect("e2e");
    }

    private void drain() {
        try {
            while (iterator.hasNext()) {
                T row = iterator.next();
                synchronized (rows) {
                    rows.add(row);
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            finished = true;
        }
    }

    List<T> snapshot() {
        synchronized (rows) {
            return new ArrayList<>(rows);
        }
    }

    boolean finished() {
        return finished;
    }

    /** Waits until the output satisfies the condition; fails with the last output otherwise. */
    List<T> await(Predicate<List<T>> condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<T> current = snapshot();
            if (condition.test(current)) {
                return current;
            }
            if (failure != null) {
                throw new AssertionError("The job failed while waiting for " + what, failure);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Timed out after "
                                + timeout
                                + " waiting for "
                                + what
                                + "; got "
                                + current.size()
                                + " records");
            }
            Thread.sleep(200);
        }
    }

    /** Waits for the job to fail and returns the failure. */
    Throwable awaitFailure(Duration timeout) throws InterruptedException {
        drainer.join(timeout.toMillis());
        if (failure == null) {
            throw new AssertionError(
                    "The job did not fail within " + timeout + (finished ? " (it ended)" : ""));
        }
        return failure;
    }

    /** Waits for a bounded job to end and returns everything it produced. */
    List<T> awaitEnd(Duration timeout) throws InterruptedException {
        drainer.join(timeout.toMillis());
        if (!finished) {
            throw new AssertionError("The bounded job did not finish within " + timeout);
        }
        if (failure != null) {
            throw new AssertionError("The job failed", failure);
        }
        return snapshot();
    }

    @Override
    public void close() throws Exception {
        iterator.close();
        drainer.join(30_000);
    }
}
