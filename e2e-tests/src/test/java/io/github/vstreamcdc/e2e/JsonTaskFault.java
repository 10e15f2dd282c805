package io.github.vstreamcdc.e2e;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A pass-through map over the JSON records of {@code JsonDeserializationSchema} that the tests arm
 * from outside (static state: the MiniCluster runs in the test's JVM): it throws once on the first
 * record a condition accepts (a task failure, restored from the last checkpoint), counts completed
 * checkpoints and remembers how many had completed when each shard's last schema change went by.
 */
final class JsonTaskFault implements MapFunction<String, String>, CheckpointListener {

    static final AtomicInteger FAILURES = new AtomicInteger();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();

    /** Shard to the checkpoints completed when its last schema change passed this map. */
    static final Map<String, Integer> SCHEMA_CHANGE_SEEN = new ConcurrentHashMap<>();

    private static final AtomicReference<Predicate<JsonNode>> TRIGGER = new AtomicReference<>();

    static void reset() {
        FAILURES.set(0);
        CHECKPOINTS.set(0);
        SCHEMA_CHANGE_SEEN.clear();
        TRIGGER.set(null);
    }

    /** Throws once, on the first record the condition accepts (called for every record). */
    static void failOn(Predicate<JsonNode> condition) {
        TRIGGER.set(condition);
    }

    static boolean armed() {
        return TRIGGER.get() != null;
    }

    @Override
    public String map(String json) {
        JsonNode record = SchemaChangeRecords.parse(json);
        Predicate<JsonNode> condition = TRIGGER.get();
        // both subtasks may match at once: only one throws
        if (condition != null && condition.test(record) && TRIGGER.compareAndSet(condition, null)) {
            FAILURES.incrementAndGet();
            throw new RuntimeException("Injected task failure at " + json);
        }
        if (SchemaChangeRecords.isSchemaChange(record)) {
            SCHEMA_CHANGE_SEEN.put(SchemaChangeRecords.shardOf(record), CHECKPOINTS.get());
        }
        return json;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINTS.incrementAndGet();
    }
}
