package io.github.vstreamcdc.e2e;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.table.data.RowData;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A pass-through map that the fault tests arm from outside (static state: the MiniCluster runs in
 * the test's JVM): it can slow records down, so that a phase lasts long enough for a fault to land
 * inside it, and throw once on the first record matching a condition (a task failure, restored from
 * the last checkpoint).
 */
final class TaskFault implements MapFunction<RowData, RowData> {

    static final AtomicInteger FAILURES = new AtomicInteger();
    private static volatile long delayMicros;
    private static volatile Predicate<RowData> trigger;

    static void reset() {
        FAILURES.set(0);
        delayMicros = 0;
        trigger = null;
    }

    /** Slows every record down by this much (0: full speed). */
    static void delay(long micros) {
        delayMicros = micros;
    }

    /** Throws once, on the first record the condition accepts (called for every record). */
    static void failOn(Predicate<RowData> condition) {
        trigger = condition;
    }

    static boolean armed() {
        return trigger != null;
    }

    @Override
    public RowData map(RowData row) {
        long micros = delayMicros;
        if (micros > 0) {
            LockSupport.parkNanos(micros * 1000);
        }
        Predicate<RowData> condition = trigger;
        if (condition != null && condition.test(row)) {
            synchronized (TaskFault.class) {
                // both subtasks may match at once: one fails
                if (trigger == condition) {
                    trigger = null;
                    FAILURES.incrementAndGet();
                    throw new RuntimeException(
                            "Injected task failure at " + ChangelogCheck.describe(row));
                }
            }
        }
        return row;
    }
}
