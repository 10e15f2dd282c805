package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;

import javax.annotation.Nullable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reader's metrics: {@code currentFetchEventTimeLag} (the standard source metric a connector
 * provides; Flink itself derives {@code currentEmitEventTimeLag} from the records' commit-time
 * timestamps and {@code sourceIdleTime}) plus per-shard lag, reconnects and snapshot progress
 * ({@link SnapshotProgress}; {@code isSnapshotting} also per reader: any shard copies). Written by
 * the fetcher thread and the task thread, read by the metric reporters.
 *
 * <p>Each shard's gauges live in their own {@code shard} subgroup, closed when the reader stops
 * reading the shard (e.g. after a reshard): Flink's {@link MetricGroup} has no way to remove a
 * metric, but closing a subgroup unregisters its metrics from the reporters. A shard read again
 * later (a merge back reusing its name) gets a new subgroup.
 */
@Internal
public final class ShardReaderMetrics {

    private final SourceReaderMetricGroup group;
    private final Counter reconnects;
    private final Counter purgedResnapshots;
    private final Map<String, ShardGauges> shards = new ConcurrentHashMap<>();
    private volatile long fetchLagMillis = -1;

    /** Incremental snapshot: chunks read, their rows, and chunks waiting to be read. */
    private final Counter chunksRead;

    private final Counter chunkRowsRead;
    private volatile int chunksWaiting;

    public ShardReaderMetrics(SourceReaderMetricGroup group) {
        this.group = group;
        this.reconnects = group.counter("vstreamReconnects");
        this.purgedResnapshots = group.counter("purgedBinlogResnapshots");
        this.chunksRead = group.counter("snapshotChunksRead");
        this.chunkRowsRead = group.counter("snapshotChunkRowsRead");
        group.gauge("currentFetchEventTimeLag", (Gauge<Long>) () -> fetchLagMillis);
        group.gauge("isSnapshotting", (Gauge<Integer>) () -> anySnapshotting() ? 1 : 0);
    }

    private boolean anySnapshotting() {
        if (chunksWaiting > 0) {
            return true;
        }
        for (ShardGauges gauges : shards.values()) {
            if (gauges.progress != null && gauges.progress.isSnapshotting()) {
                return true;
            }
        }
        return false;
    }

    void registerShard(String splitId) {
        registerShard(splitId, null);
    }

    /** Registers a shard's gauges, with those of its snapshot progress if given. */
    void registerShard(String splitId, @Nullable SnapshotProgress progress) {
        shards.computeIfAbsent(
                splitId,
                id -> {
                    ShardGauges gauges = new ShardGauges(group.addGroup("shard", id), progress);
                    if (progress != null) {
                        progress.registerGauges(gauges.group);
                    }
                    gauges.group.gauge("lagMillis", (Gauge<Long>) () -> gauges.lagMillis);
                    gauges.group.gauge(
                            "millisSinceLastEvent",
                            (Gauge<Long>) () -> System.currentTimeMillis() - gauges.lastSeenMillis);
                    return gauges;
                });
    }

    /** Chunks of an incremental snapshot were read; {@code waiting} are still to read. */
    void chunksRead(int chunks, long rows, int waiting) {
        chunksRead.inc(chunks);
        chunkRowsRead.inc(rows);
        chunksWaiting = waiting;
    }

    /** Chunks of an incremental snapshot wait to be read. */
    void chunksWaiting(int waiting) {
        chunksWaiting = waiting;
    }

    /** The reader no longer reads the shard: its gauges stop being reported. */
    void unregisterShard(String splitId) {
        ShardGauges gauges = shards.remove(splitId);
        // Only Flink's own groups can be closed; other groups (e.g. unregistered ones) report
        // nothing anyway.
        if (gauges != null && gauges.group instanceof AbstractMetricGroup) {
            ((AbstractMetricGroup<?>) gauges.group).close();
        }
    }

    /** Events of a shard's stream were fetched. */
    void eventsFetched(String splitId, List<Binlogdata.VEvent> events) {
        // The gauges keep the last timed event's lag: judge only that one (a response holds
        // thousands of row events).
        Binlogdata.VEvent lastTimed = null;
        for (Binlogdata.VEvent event : events) {
            if (event.getTimestamp() > 0) {
                lastTimed = event;
            }
            if (event.getType() == Binlogdata.VEventType.HEARTBEAT) {
                if (lastTimed != null) {
                    eventSeen(splitId, lastTimed.getTimestamp() * 1000, lastTimed.getCurrentTime());
                    lastTimed = null;
                }
                heartbeat(splitId);
            }
        }
        if (lastTimed != null) {
            eventSeen(splitId, lastTimed.getTimestamp() * 1000, lastTimed.getCurrentTime());
        }
    }

    /** An event with a binlog timestamp was fetched. {@code currentTimeNanos} is vtgate's clock. */
    private void eventSeen(String splitId, long eventTimeMillis, long currentTimeNanos) {
        long now = System.currentTimeMillis();
        long senderNow = currentTimeNanos > 0 ? currentTimeNanos / 1_000_000 : now;
        long lag = Math.max(0, senderNow - eventTimeMillis);
        fetchLagMillis = Math.max(0, now - eventTimeMillis);
        ShardGauges gauges = shards.get(splitId);
        if (gauges != null) {
            gauges.lagMillis = lag;
            gauges.lastSeenMillis = now;
        }
    }

    private void heartbeat(String splitId) {
        ShardGauges gauges = shards.get(splitId);
        if (gauges != null) {
            gauges.lastSeenMillis = System.currentTimeMillis();
            gauges.lagMillis = 0;
        }
    }

    void reconnected() {
        reconnects.inc();
    }

    /** A shard's tables are copied anew: the binlog lost its position. */
    void copiedAnew(String splitId) {
        purgedResnapshots.inc();
    }

    /** Shards copied anew so far (the {@code purgedBinlogResnapshots} counter). */
    long copiedAnew() {
        return purgedResnapshots.getCount();
    }

    /** Reconnects so far (the {@code vstreamReconnects} counter). */
    long reconnects() {
        return reconnects.getCount();
    }

    private static final class ShardGauges {
        final MetricGroup group;
        @Nullable final SnapshotProgress progress;
        volatile long lagMillis = -1;
        volatile long lastSeenMillis = System.currentTimeMillis();

        ShardGauges(MetricGroup group, @Nullable SnapshotProgress progress) {
            this.group = group;
            this.progress = progress;
        }
    }
}
