package io.github.vstreamcdc.e2e;

import org.apache.flink.api.common.functions.MapFunction;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the first record of a job until the test releases it: the source reads ahead until Flink's
 * queue is full, then waits, so that a test can change the database between the chunks it read and
 * the ones it will read. One job at a time (the test JVM runs one test at a time).
 */
final class HoldFirstRecord<T> implements MapFunction<T, T> {

    private static final long serialVersionUID = 1L;

    private static volatile CountDownLatch held = new CountDownLatch(0);
    private static volatile CountDownLatch released = new CountDownLatch(0);

    /** Arms the hold for the next job's first record. */
    static void arm() {
        held = new CountDownLatch(1);
        released = new CountDownLatch(1);
    }

    /** Whether the first record arrived (and is held) within two minutes. */
    static boolean awaitHeld() throws InterruptedException {
        return held.await(2, TimeUnit.MINUTES);
    }

    static void release() {
        released.countDown();
    }

    @Override
    public T map(T record) throws InterruptedException {
        if (held.getCount() > 0) {
            held.countDown();
            if (!released.await(3, TimeUnit.MINUTES)) {
                throw new IllegalStateException("not released");
            }
        }
        return record;
    }
}
