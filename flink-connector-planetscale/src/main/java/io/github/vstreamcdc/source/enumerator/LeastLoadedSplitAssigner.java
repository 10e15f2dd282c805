package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Decides which reader reads which split: each goes to the registered reader holding the fewest
 * splits. Pure: no Flink context; the enumerator calls it on the coordinator thread.
 *
 * <p>While fewer readers are registered than the job runs, it waits up to {@code readerWait} (from
 * the first call that had to wait) before handing out splits. Readers in separate processes
 * register one by one; without the wait the first one would get every split, and nothing moves a
 * split afterwards. After a restore it also waits, within the same bound, until every registered
 * reader reported the splits of its restored state ({@link #restored}): a reader registers before
 * it reports, and one that seemed empty would get more than its share.
 */
@Internal
final class LeastLoadedSplitAssigner {

    private static final Logger LOG = LoggerFactory.getLogger(LeastLoadedSplitAssigner.class);

    private final Duration readerWait;
    private final LongSupplier clock;

    /** Splits each reader reads: assigned by this enumerator or reported after a restore. */
    private final Map<Integer, Integer> load = new HashMap<>();

    /** When the current wait for missing readers began, by the clock; -1 while not waiting. */
    private long waitingSince = -1;

    /** Restored: readers report the splits of their state before they get new ones. */
    private final boolean awaitReports;

    /** Readers that reported the splits of their restored state since they (re)started. */
    private final Set<Integer> reported = new HashSet<>();

    LeastLoadedSplitAssigner(Duration readerWait, LongSupplier clock) {
        this(readerWait, clock, false);
    }

    LeastLoadedSplitAssigner(Duration readerWait, LongSupplier clock, boolean awaitReports) {
        this.readerWait = readerWait;
        this.clock = clock;
        this.awaitReports = awaitReports;
    }

    /** A reader started and reads this many splits from its own (restored) state. */
    void restored(int reader, int splits) {
        load.merge(reader, splits, Integer::sum);
        reported.add(reader);
    }

    /** A reader finished one of its splits. */
    void finished(int reader) {
        if (load.getOrDefault(reader, 0) > 0) {
            load.merge(reader, -1, Integer::sum);
        }
    }

    /** A reader failed: it restarts from a checkpoint and reports what it then reads. */
    void readerFailed(int reader) {
        load.remove(reader);
        reported.remove(reader);
    }

    /**
     * Splits per reader to hand out now: empty while nothing can be assigned yet.
     *
     * @param pending splits waiting for a reader
     * @param registered the readers registered now
     * @param expected how many readers the job runs
     */
    Map<Integer, List<ShardSplit>> assign(
            Collection<ShardSplit> pending, Set<Integer> registered, int expected) {
        if (pending.isEmpty() || registered.isEmpty() || !enoughReaders(registered, expected)) {
            return Collections.emptyMap();
        }
        Map<Integer, List<ShardSplit>> assignment = new HashMap<>();
        for (ShardSplit split : pending) {
            int owner = leastLoaded(registered);
            assignment.computeIfAbsent(owner, k -> new ArrayList<>()).add(split);
            load.merge(owner, 1, Integer::sum);
        }
        return assignment;
    }

    private boolean enoughReaders(Set<Integer> registered, int expected) {
        if (registered.size() >= expected && (!awaitReports || reported.containsAll(registered))) {
            waitingSince = -1;
            return true;
        }
        long now = clock.getAsLong();
        if (waitingSince < 0) {
            waitingSince = now;
            LOG.info(
                    "Readers {} of {} registered, {} reported their restored splits: waiting up"
                            + " to {} for the others before assigning splits",
                    new TreeSet<>(registered),
                    expected,
                    awaitReports ? new TreeSet<>(reported) : "all",
                    readerWait);
        }
        if (now - waitingSince < readerWait.toMillis()) {
            return false;
        }
        LOG.warn(
                "Only readers {} of {} registered ({} reported) within {}: assigning splits to"
                        + " them",
                new TreeSet<>(registered),
                expected,
                awaitReports ? new TreeSet<>(reported) : "all",
                readerWait);
        waitingSince = -1;
        return true;
    }

    private int leastLoaded(Set<Integer> readers) {
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        for (int reader : readers) {
            int readerLoad = load.getOrDefault(reader, 0);
            if (readerLoad < bestLoad || (readerLoad == bestLoad && reader < best)) {
                best = reader;
                bestLoad = readerLoad;
            }
        }
        return best;
    }
}
