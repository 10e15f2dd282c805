package io.github.vstreamcdc.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reader's metrics: {@code currentFetchEventTimeLag} (the standard source metric a connector
 * provides; Flink itself derives {@code currentEmitEventTimeLag} from the records' commit-time
 * timestamps and {@code sourceIdleTime}) plus per-shard lag and reconnects. Written by the fetcher
 * thread and the task thread, read by the metric reporters.
 */
@Internal
public final class ShardReaderMetrics {

    private final SourceReaderMetricGroup group;
    private final Counter reconnects;
    private final Map<String, ShardGauges> shards = new ConcurrentHashMap<>();
    private volatile long fetchLagMillis = -1;

    public ShardReaderMetrics(SourceReaderMetricGroup group) {
        this.group = group;
        this.reconnects = group.counter("vstreamReconnects");
        group.gauge("currentFetchEventTimeLag", (Gauge<Long>) () -> fetchLagMillis);
    }

    void registerShard(String splitId) {
        shards.computeIfAbsent(
                splitId,
                id -> {
                    ShardGauges gauges = new ShardGauges();
                    MetricGroup shardGroup = group.addGroup("shard", id);
                    shardGroup.gauge("lagMillis", (Gauge<Long>) () -> gauges.lagMillis);
                    shardGroup.gauge(
                            "millisSinceLastEvent",
                            (Gauge<Long>) () -> System.currentTimeMillis() - gauges.lastSeenMillis);
                    return gauges;
                });
    }

    /** An event with a binlog timestamp was fetched. {@code currentTimeNanos} is vtgate's clock. */
    void eventSeen(String splitId, long eventTimeMillis, long currentTimeNanos) {
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

    void heartbeat(String splitId) {
        ShardGauges gauges = shards.get(splitId);
        if (gauges != null) {
            gauges.lastSeenMillis = System.currentTimeMillis();
            gauges.lagMillis = 0;
        }
    }

    void reconnected() {
        reconnects.inc();
    }

    /** Reconnects so far (the {@code vstreamReconnects} counter). */
    long reconnects() {
        return reconnects.getCount();
    }

    private static final class ShardGauges {
        volatile long lagMillis = -1;
        volatile long lastSeenMillis = System.currentTimeMillis();
    }
}
