package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A keyspace whose shards the test sets; every new shard starts at one position. */
class TestShards implements ShardDiscovery {

    private final String keyspace;
    private final ShardPosition start;

    /** The shards the keyspace has now. */
    volatile List<String> current;

    /** The tables the selection matches now; none by default (splits then name no tables). */
    volatile List<String> tables = new ArrayList<>();

    /** How often the enumerator looks for new tables; null: never. */
    volatile Duration tableInterval;

    /** Thrown by the looks for shards and tables while set (VTGate's MySQL port refusing). */
    volatile RuntimeException lookFailure;

    TestShards(String keyspace, ShardPosition start, String... shards) {
        this.keyspace = keyspace;
        this.start = start;
        this.current = new ArrayList<>(Arrays.asList(shards));
    }

    @Override
    public String keyspace() {
        return keyspace;
    }

    @Override
    public List<String> listShards() {
        if (lookFailure != null) {
            throw lookFailure;
        }
        return new ArrayList<>(current);
    }

    @Override
    public List<String> listTables() {
        if (lookFailure != null) {
            throw lookFailure;
        }
        return new ArrayList<>(tables);
    }

    @Override
    public Duration tableDiscoveryInterval() {
        return tableInterval;
    }

    @Override
    public List<ShardSplit> firstSplits(List<String> shards, Set<String> read) {
        Set<String> splitTables = read.isEmpty() ? new TreeSet<>(tables) : read;
        List<ShardSplit> splits = new ArrayList<>();
        for (String shard : shards) {
            splits.add(
                    new ShardSplit(keyspace, shard, start, 0, false, Collections.emptyList())
                            .withTables(splitTables));
        }
        return splits;
    }

    /** Runs the enumerator's queued one-time I/O (a discovery lists, then positions new shards). */
    static void runDiscovery(MockSplitEnumeratorContext<ShardSplit> context) throws Throwable {
        while (!context.getOneTimeCallables().isEmpty()) {
            context.runNextOneTimeCallable();
        }
    }
}
