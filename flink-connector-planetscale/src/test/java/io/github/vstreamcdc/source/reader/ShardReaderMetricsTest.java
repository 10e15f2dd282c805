package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
import org.apache.flink.runtime.metrics.groups.ProcessMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The reader's metrics, as a reporter sees them: per-shard gauges come and go with the shard. */
class ShardReaderMetricsTest {

    /** What the reporters currently see, by metric identifier. */
    private final Map<String, Metric> reported = new ConcurrentHashMap<>();

    private final ShardReaderMetrics metrics = reportingTo(reported);

    /** Metrics of a reader in Flink's own metric groups, registered in {@code reported}. */
    static ShardReaderMetrics reportingTo(Map<String, Metric> reported) {
        TestingMetricRegistry registry =
                TestingMetricRegistry.builder()
                        .setRegisterConsumer(
                                (metric, name, group) ->
                                        reported.put(group.getMetricIdentifier(name), metric))
                        .setUnregisterConsumer(
                                (metric, name, group) ->
                                        reported.remove(group.getMetricIdentifier(name)))
                        .build();
        return new ShardReaderMetrics(
                InternalSourceReaderMetricGroup.mock(ProcessMetricGroup.create(registry, "host")));
    }

    /** The reported metrics of a shard, by name. */
    static Set<String> shardMetrics(Map<String, Metric> reported, String splitId) {
        String scope = ".shard." + splitId + ".";
        return reported.keySet().stream()
                .filter(id -> id.contains(scope))
                .map(id -> id.substring(id.indexOf(scope) + scope.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private long gauge(String splitId, String name) {
        String suffix = ".shard." + splitId + "." + name;
        for (Map.Entry<String, Metric> metric : reported.entrySet()) {
            if (metric.getKey().endsWith(suffix)) {
                return (Long) ((Gauge<?>) metric.getValue()).getValue();
            }
        }
        throw new AssertionError("No metric " + suffix + " in " + reported.keySet());
    }

    @Test
    void aShardsGaugesAreReportedUntilItIsUnregistered() {
        metrics.registerShard("ks/-80");
        metrics.registerShard("ks/80-");
        assertThat(shardMetrics(reported, "ks/-80"))
                .containsExactly("lagMillis", "millisSinceLastEvent");

        metrics.unregisterShard("ks/-80");

        assertThat(shardMetrics(reported, "ks/-80")).isEmpty();
        assertThat(shardMetrics(reported, "ks/80-"))
                .containsExactly("lagMillis", "millisSinceLastEvent");
        assertThat(reported.keySet())
                .anyMatch(id -> id.endsWith(".vstreamReconnects"))
                .anyMatch(id -> id.endsWith(".currentFetchEventTimeLag"));
    }

    @Test
    void aShardReadAgainIsReportedAgain() {
        // A merge back reuses the shard's name.
        metrics.registerShard("ks/-80");
        metrics.unregisterShard("ks/-80");

        metrics.registerShard("ks/-80");

        assertThat(shardMetrics(reported, "ks/-80"))
                .containsExactly("lagMillis", "millisSinceLastEvent");
        assertThat(gauge("ks/-80", "lagMillis")).isEqualTo(-1);
    }

    @Test
    void eventsSetTheLagAndHeartbeatsClearIt() {
        metrics.registerShard("ks/-80");
        long eventSeconds = 1_700_000_000L;
        long vtgateNanos = (eventSeconds + 3) * 1_000_000_000L;
        Binlogdata.VEvent row =
                Binlogdata.VEvent.newBuilder()
                        .setType(Binlogdata.VEventType.ROW)
                        .setTimestamp(eventSeconds)
                        .setCurrentTime(vtgateNanos)
                        .build();

        metrics.eventsFetched("ks/-80", Arrays.asList(row));
        assertThat(gauge("ks/-80", "lagMillis")).isEqualTo(3_000);

        metrics.eventsFetched(
                "ks/-80",
                Arrays.asList(
                        Binlogdata.VEvent.newBuilder()
                                .setType(Binlogdata.VEventType.HEARTBEAT)
                                .build()));
        assertThat(gauge("ks/-80", "lagMillis")).isZero();
    }

    @Test
    void unregisteringInGroupsThatCannotBeClosedIsHarmless() {
        ShardReaderMetrics unregistered =
                new ShardReaderMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup());
        unregistered.registerShard("ks/-80");

        unregistered.unregisterShard("ks/-80");
        unregistered.unregisterShard("ks/-80");
        unregistered.registerShard("ks/-80");
    }
}
