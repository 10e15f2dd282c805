package io.github.vstreamcdc.e2e.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** One timed read of a known amount of data by one consumer. */
final class Measurement {

    final String consumer;
    final long events;
    final long startNanos;
    final long firstNanos;
    final long lastNanos;
    final long wireBytes;
    long cpuNanos = -1;

    /** Time the JIT compilers spent from the start to the last event, millis; -1 if not known. */
    long jitMillis = -1;

    /** The JVM's CPU time from the first to the last event; -1 if not known. */
    long steadyCpuNanos = -1;

    /**
     * @param events the row events read (a snapshot row, an insert, an update, a delete)
     * @param startNanos when the consumer started (request sent, or job submitted)
     * @param firstNanos when the first row arrived
     * @param lastNanos when the last expected row arrived
     * @param wireBytes serialized VStream responses, where known (else -1)
     */
    Measurement(
            String consumer,
            long events,
            long startNanos,
            long firstNanos,
            long lastNanos,
            long wireBytes) {
        this.consumer = consumer;
        this.events = events;
        this.startNanos = startNanos;
        this.firstNanos = firstNanos;
        this.lastNanos = lastNanos;
        this.wireBytes = wireBytes;
    }

    /** Events per second from the start (request / job submission) to the last event. */
    double totalRate() {
        return events / ((lastNanos - startNanos) / 1e9);
    }

    /** Events per second from the first to the last event: the start-up cost left out. */
    double steadyRate() {
        return events / ((lastNanos - firstNanos) / 1e9);
    }

    /** CPU time of the whole JVM per million events, from the start to the last event. */
    double cpuSecondsPerMillion() {
        return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e9 / (events / 1e6);
    }

    /**
     * CPU time of the whole JVM per million events, from the first to the last event: the job's
     * start (and end) left out.
     */
    double steadyCpuSecondsPerMillion() {
        return steadyCpuNanos < 0 ? Double.NaN : steadyCpuNanos / 1e9 / (events / 1e6);
    }

    /** Notes the JVM's CPU time from the first to the last event (readings of processCpuNanos). */
    Measurement withSteadyCpu(long cpuAtFirst, long cpuAtLast) {
        if (cpuAtFirst >= 0 && cpuAtLast >= 0) {
            steadyCpuNanos = cpuAtLast - cpuAtFirst;
        }
        return this;
    }

    /**
     * Of {@link #cpuSecondsPerMillion}: the JIT compilers' time, per million events. Their threads
     * run beside the reading; a job's start makes them compile (and recompile) Flink's code anew.
     */
    double jitSecondsPerMillion() {
        return jitMillis < 0 ? Double.NaN : jitMillis / 1e3 / (events / 1e6);
    }

    /** {@link #cpuSecondsPerMillion} without the JIT compilers' time. */
    double cpuWithoutJitSecondsPerMillion() {
        return cpuSecondsPerMillion() - jitSecondsPerMillion();
    }

    /** Notes the JIT compilers' time between two readings of {@link #jitMillis()}. */
    Measurement withJit(long jitAtStart, long jitAtEnd) {
        if (jitAtStart >= 0 && jitAtEnd >= 0) {
            jitMillis = jitAtEnd - jitAtStart;
        }
        return this;
    }

    /** The JIT compilers' total time so far (millis), or -1 where the JVM does not tell. */
    static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime()
                : -1;
    }

    /** Notes the JVM's CPU time between two readings of {@link #processCpuNanos}. */
    Measurement withCpu(long cpuAtStart, long cpuAtEnd) {
        if (cpuAtStart >= 0 && cpuAtEnd >= 0) {
            cpuNanos = cpuAtEnd - cpuAtStart;
        }
        return this;
    }

    /** The CPU time this JVM has used, or -1 where the platform does not tell. */
    static long processCpuNanos() {
        try {
            Class<?> bean = Class.forName("com.sun.management.OperatingSystemMXBean");
            Object os = ManagementFactory.getOperatingSystemMXBean();
            if (!bean.isInstance(os)) {
                return -1;
            }
            return (Long) bean.getMethod("getProcessCpuTime").invoke(os);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    double startupSeconds() {
        return (firstNanos - startNanos) / 1e9;
    }

    double seconds() {
        return (lastNanos - startNanos) / 1e9;
    }

    @Override
    public String toString() {
        return String.format(
                "%s: %d events in %.2f s (first after %.2f s): %.0f/s total, %.0f/s steady,"
                        + " %.2f CPU s per 1M events (%.2f first to last, %.2f JIT)",
                consumer,
                events,
                seconds(),
                startupSeconds(),
                totalRate(),
                steadyRate(),
                cpuSecondsPerMillion(),
                steadyCpuSecondsPerMillion(),
                jitSecondsPerMillion());
    }
}
