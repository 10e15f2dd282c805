package io.github.vstreamcdc.e2e.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/** One timed read of a known amount of data by one consumer. */
final class Measurement {

    final String consumer;
    final long events;
    final long startNanos;
    final long firstNanos;
    final long lastNanos;
    final long wireBytes;
    long cpuNanos = -1;

    /** CPU time of the JIT compiler threads from the start to the last event; -1 if not known. */
    long jitNanos = -1;

    /**
     * CPU time of the garbage collector's threads from the start to the last event; -1 if not
     * known.
     */
    long gcNanos = -1;

    /** CPU time per group of threads, if asked for ({@link #withThreadCpu}). */
    String threadCpu = "";

    /** The JVM's CPU time from the first to the last event; -1 if not known. */
    long steadyCpuNanos = -1;

    /** The JVM's CPU time over the late window (see {@link #withLateCpu}); -1 if not known. */
    long lateCpuNanos = -1;

    /** The row events of the late window. */
    long lateEvents;

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
     * Notes the JVM's CPU time over the late window, the last {@code events} row events of the
     * read: the steady state of a job that runs on, its start and first compilations behind it.
     */
    Measurement withLateCpu(long cpuAtWindowStart, long cpuAtLast, long events) {
        if (cpuAtWindowStart >= 0 && cpuAtLast >= 0 && events > 0) {
            lateCpuNanos = cpuAtLast - cpuAtWindowStart;
            lateEvents = events;
        }
        return this;
    }

    /** CPU time of the whole JVM per million events of the late window. */
    double lateCpuSecondsPerMillion() {
        return lateCpuNanos < 0 ? Double.NaN : lateCpuNanos / 1e9 / (lateEvents / 1e6);
    }

    /**
     * Of {@link #cpuSecondsPerMillion}: the JIT compiler threads' CPU time, per million events.
     * They run beside the reading; each job start has them compile (and recompile) code anew.
     */
    double jitSecondsPerMillion() {
        return jitNanos < 0 ? Double.NaN : jitNanos / 1e9 / (events / 1e6);
    }

    /** Of {@link #cpuSecondsPerMillion}: the garbage collector threads' CPU time. */
    double gcSecondsPerMillion() {
        return gcNanos < 0 ? Double.NaN : gcNanos / 1e9 / (events / 1e6);
    }

    /** {@link #cpuSecondsPerMillion} without the JIT compiler threads' CPU time. */
    double cpuWithoutJitSecondsPerMillion() {
        return cpuSecondsPerMillion() - jitSecondsPerMillion();
    }

    /** Notes the VM threads' CPU time between two readings of {@link #vmThreadsCpuNanos()}. */
    Measurement withVmThreads(long[] atStart, long[] atEnd) {
        if (atStart[0] >= 0 && atEnd[0] >= 0) {
            jitNanos = atEnd[0] - atStart[0];
            gcNanos = atEnd[1] - atStart[1];
        }
        return this;
    }

    /**
     * CPU time so far of the JVM's JIT compiler threads and of its garbage collector threads, from
     * {@code /proc/self/task} (Linux; in ns where the threads' schedstat is there, else 10 ms
     * ticks), threads that ended since an earlier reading counted with their last value (the JVM
     * starts and stops compiler threads as it needs them); {@code {-1, -1}} where that is not
     * there.
     */
    static synchronized long[] vmThreadsCpuNanos() {
        Map<String, Object[]> threads = readThreads();
        if (threads == null) {
            return new long[] {-1, -1};
        }
        boolean precise = SchedStat.available();
        Map<String, long[]> now = new HashMap<>();
        long jit = 0;
        long gc = 0;
        for (Map.Entry<String, Object[]> thread : threads.entrySet()) {
            String name = (String) thread.getValue()[0];
            int group =
                    name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")
                            ? 0
                            : name.startsWith("GC Thread") || name.startsWith("G1 ") ? 1 : -1;
            if (group < 0) {
                continue;
            }
            long ran = precise ? SchedStat.runNanos(thread.getKey()) : -1;
            long nanos =
                    ran >= 0
                            ? ran
                            : ((Long) thread.getValue()[1] + (Long) thread.getValue()[2])
                                    * 10_000_000L;
            now.put(thread.getKey(), new long[] {group, nanos});
            if (group == 0) {
                jit += nanos;
            } else {
                gc += nanos;
            }
        }
        for (Map.Entry<String, long[]> last : VM_THREADS.entrySet()) {
            long[] seen = now.get(last.getKey());
            if (seen == null || seen[0] != last.getValue()[0] || seen[1] < last.getValue()[1]) {
                VM_THREADS_ENDED[(int) last.getValue()[0]] += last.getValue()[1];
            }
        }
        VM_THREADS.clear();
        VM_THREADS.putAll(now);
        return new long[] {VM_THREADS_ENDED[0] + jit, VM_THREADS_ENDED[1] + gc};
    }

    /** Per compiler or GC thread (by id) at the last reading: its group (0 JIT, 1 GC), its CPU. */
    private static final Map<String, long[]> VM_THREADS = new HashMap<>();

    /** The CPU of the compiler (0) and GC (1) threads that ended, as last seen. */
    private static final long[] VM_THREADS_ENDED = new long[2];

    /**
     * Whether measurements note the CPU time of each group of threads ({@code bench.thread.cpu}).
     */
    static final boolean THREAD_CPU = Boolean.getBoolean("bench.thread.cpu");

    /**
     * Per thread of this JVM (by id): its name, user and system clock ticks so far; empty unless
     * {@link #THREAD_CPU}.
     */
    static Map<String, Object[]> threadTicks() {
        Map<String, Object[]> threads = THREAD_CPU ? readThreads() : null;
        return threads == null ? new HashMap<>() : threads;
    }

    /**
     * Per thread (by id), from {@code /proc/self/task}: its name, user and system clock ticks so
     * far; null where that is not there.
     */
    private static Map<String, Object[]> readThreads() {
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) {
            return null;
        }
        Map<String, Object[]> out = new HashMap<>();
        for (File task : tasks) {
            String stat;
            try {
                stat = new String(Files.readAllBytes(new File(task, "stat").toPath()), UTF_8);
            } catch (IOException e) {
                continue; // a thread that ended
            }
            int close = stat.lastIndexOf(')');
            String name = stat.substring(stat.indexOf('(') + 1, close);
            String[] fields = stat.substring(close + 2).split(" ");
            // Fields 14 and 15 of proc(5): utime and stime; fields[0] is field 3.
            out.put(
                    task.getName(),
                    new Object[] {name, Long.parseLong(fields[11]), Long.parseLong(fields[12])});
        }
        return out;
    }

    /**
     * Notes the CPU time (user and system, ms) each group of threads (names with numbers as N) used
     * between two readings of {@link #threadTicks}; the kernel's share shows thread hand-overs that
     * a sampling profiler does not see.
     */
    Measurement withThreadCpu(Map<String, Object[]> before, Map<String, Object[]> after) {
        if (!THREAD_CPU) {
            return this;
        }
        Map<String, long[]> groups = new HashMap<>();
        for (Map.Entry<String, Object[]> thread : after.entrySet()) {
            Object[] now = thread.getValue();
            Object[] then = before.get(thread.getKey());
            long user = (Long) now[1] - (then == null ? 0 : (Long) then[1]);
            long system = (Long) now[2] - (then == null ? 0 : (Long) then[2]);
            String name = ((String) now[0]).replaceAll("[0-9]+", "N");
            long[] group = groups.computeIfAbsent(name, k -> new long[2]);
            group[0] += user * 10;
            group[1] += system * 10;
        }
        StringBuilder text = new StringBuilder();
        groups.entrySet().stream()
                .filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
                .sorted(
                        (a, b) ->
                                Long.compare(
                                        b.getValue()[0] + b.getValue()[1],
                                        a.getValue()[0] + a.getValue()[1]))
                .forEach(
                        e ->
                                text.append(
                                        String.format(
                                                "%n    %-45s user %5d ms, system %5d ms",
                                                e.getKey(), e.getValue()[0], e.getValue()[1])));
        threadCpu = text.toString();
        return this;
    }

    /**
     * Notes the JVM's CPU time between two readings of one clock ({@link #processCpuNanos} or
     * {@link #processCpuNanosWithEndedThreads}).
     */
    Measurement withCpu(long cpuAtStart, long cpuAtEnd) {
        if (cpuAtStart >= 0 && cpuAtEnd >= 0) {
            cpuNanos = cpuAtEnd - cpuAtStart;
        }
        return this;
    }

    /**
     * The CPU time this JVM has used, in nanoseconds, for windows inside a running job (its threads
     * outlive the window): the sum of its threads' run times from {@code
     * /proc/self/task/<id>/schedstat} (Linux), plus the last seen run time of each thread that has
     * ended since. A thread that starts and ends between two readings is missed, and one that ends
     * loses what it ran after the last reading: windows that run whole jobs use {@link
     * #processCpuNanosWithEndedThreads}. Where schedstat is not there, that one's value. A reading
     * costs about a millisecond of CPU, the same for both consumers.
     */
    static long processCpuNanos() {
        long precise = SchedStat.read();
        return precise >= 0 ? precise : processCpuNanosWithEndedThreads();
    }

    /**
     * The CPU time this JVM has used, threads that ended included, from the platform's bean (on
     * Linux counted in 10 ms ticks: against bursts of about 200 ms of CPU that moved each round's
     * ratio by up to a tenth, hence {@link #processCpuNanos} there); -1 where it does not tell. For
     * windows that run whole jobs, whose threads start and end inside them.
     */
    static long processCpuNanosWithEndedThreads() {
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

    /** The JVM's CPU time in nanoseconds from its threads' scheduler statistics. */
    private static final class SchedStat {
        private static final File TASKS = new File("/proc/self/task");

        /** Per live thread (by id), its run time at the last reading. */
        private static final Map<String, Long> LAST = new HashMap<>();

        /** The run times of the threads that ended, as last seen. */
        private static long ended;

        private static boolean unavailable;

        /** Whether the threads' schedstat gives their run times (it is read once to tell). */
        static synchronized boolean available() {
            if (!unavailable && LAST.isEmpty()) {
                read();
            }
            return !unavailable;
        }

        static synchronized long read() {
            if (unavailable) {
                return -1;
            }
            String[] tasks = TASKS.list();
            if (tasks == null) {
                unavailable = true;
                return -1;
            }
            Map<String, Long> now = new HashMap<>();
            long sum = 0;
            for (String task : tasks) {
                long ran = runNanos(task);
                Long last = LAST.get(task);
                if (ran < 0) {
                    if (last == null || !new File(TASKS, task).exists()) {
                        continue; // it ended while we read: counted as ended below
                    }
                    ran = last; // a failed read of a live thread: its last value
                } else if (last != null && ran < last) {
                    ended += last; // a new thread with an ended one's id
                    LAST.remove(task);
                }
                now.put(task, ran);
                sum += ran;
            }
            if (sum == 0) {
                unavailable = true; // no threads, or a kernel that prints zeros
                return -1;
            }
            for (Map.Entry<String, Long> last : LAST.entrySet()) {
                if (!now.containsKey(last.getKey())) {
                    ended += last.getValue();
                }
            }
            LAST.clear();
            LAST.putAll(now);
            return ended + sum;
        }

        /** A thread's run time from the first field of its schedstat; -1 if not readable. */
        static long runNanos(String task) {
            try {
                byte[] line = Files.readAllBytes(new File(TASKS, task + "/schedstat").toPath());
                long value = 0;
                int i = 0;
                for (; i < line.length && line[i] >= '0' && line[i] <= '9'; i++) {
                    value = value * 10 + (line[i] - '0');
                }
                return i == 0 ? -1 : value;
            } catch (IOException e) {
                return -1;
            }
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
                                + " %.2f CPU s per 1M events (%.2f first to last, %.2f late window; from"
                                + " the start %.2f JIT, %.2f GC)",
                        consumer,
                        events,
                        seconds(),
                        startupSeconds(),
                        totalRate(),
                        steadyRate(),
                        cpuSecondsPerMillion(),
                        steadyCpuSecondsPerMillion(),
                        lateCpuSecondsPerMillion(),
                        jitSecondsPerMillion(),
                        gcSecondsPerMillion())
                + threadCpu;
    }
}
