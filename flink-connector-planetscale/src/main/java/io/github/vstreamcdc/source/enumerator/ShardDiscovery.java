package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.annotation.Internal;

import java.util.List;
import java.util.Set;

/** Finds the shards to read and makes their first splits. Runs on the enumerator's I/O thread. */
@Internal
public interface ShardDiscovery {

    /**
     * Splits for the shards that are not in {@code known}, positioned as the startup mode says.
     *
     * @param known ids of splits the enumerator already has (pending, assigned or finished)
     */
    List<ShardSplit> discoverNewSplits(Set<String> known) throws Exception;
}
