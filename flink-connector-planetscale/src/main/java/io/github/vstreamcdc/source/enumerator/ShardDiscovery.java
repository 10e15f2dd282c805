package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.SplitBounds;

import org.apache.flink.annotation.Internal;

import java.util.List;

/**
 * Finds the shards to read. Its methods do I/O and run in the enumerator's worker ({@code
 * callAsync}): they see none of the enumerator's state, which changes only on the coordinator
 * thread. The enumerator lists all shards, picks the ones it does not know, and has only those
 * positioned.
 */
@Internal
public interface ShardDiscovery {

    /** The keyspace whose shards are read. */
    String keyspace();

    /** Names of all shards the source reads now. */
    List<String> listShards() throws Exception;

    /** First splits of the given shards, positioned as the startup and bounded modes say. */
    List<ShardSplit> firstSplits(List<String> shards) throws Exception;

    /**
     * The bounds of the shards a reshard creates, which start at its journal rather than as the
     * startup mode says; {@link SplitBounds#NONE} for an unbounded read without a start time.
     */
    default SplitBounds boundsOfNewShards() {
        return SplitBounds.NONE;
    }
}
