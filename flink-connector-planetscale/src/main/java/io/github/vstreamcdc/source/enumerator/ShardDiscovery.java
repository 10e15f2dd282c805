package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.snapshot.ChunkPlanner;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.SplitBounds;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.Set;

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

    /** The tables of the keyspace that the source's selection matches now, sorted. */
    List<String> listTables() throws Exception;

    /**
     * First splits of the given shards, positioned as the startup and bounded modes say, reading
     * the given tables (or, if none are given yet, those {@link #listTables()} finds).
     */
    List<ShardSplit> firstSplits(List<String> shards, Set<String> tables) throws Exception;

    /**
     * The bounds of the shards a reshard creates, which start at its journal rather than as the
     * startup mode says; {@link SplitBounds#NONE} for an unbounded read without a start time.
     */
    default SplitBounds boundsOfNewShards() {
        return SplitBounds.NONE;
    }

    /** Releases what the discovery keeps open (its SQL connection); the enumerator closes. */
    default void close() {}

    /** Whether shards that start with a snapshot read it in chunks (incremental snapshot). */
    default boolean incrementalSnapshot() {
        return false;
    }

    /** Cuts a shard's tables into the chunks of its incremental snapshot. */
    default ChunkPlanner.Plan planChunks(String shard, Set<String> tables) throws Exception {
        throw new UnsupportedOperationException("no incremental snapshot");
    }

    /**
     * How often to look for tables that match later ({@code scan.newly-added-table.enabled}); null
     * when the tables read are fixed when the job starts.
     */
    @Nullable
    default Duration tableDiscoveryInterval() {
        return null;
    }

    /**
     * How many periodic looks for new shards or tables may fail in a row before the job fails
     * ({@code reconnect.max-attempts}, as for a shard's stream): a look that keeps failing would
     * otherwise leave new shards and tables unread while the job looks healthy.
     */
    default int maxFailuresInARow() {
        return PlanetScaleSourceOptions.RECONNECT_MAX_ATTEMPTS.defaultValue();
    }
}
