package io.github.vstreamcdc.source.reader;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The latest table list the enumerator sent, handed from the reader's task thread to its fetcher
 * thread, which adds the missing tables to each shard's stream at its next safe point.
 */
@Internal
final class WantedTables {

    @Nullable private volatile Set<String> latest;

    /** The task thread: the enumerator sent this list. */
    void set(Set<String> tables) {
        latest = Collections.unmodifiableSet(new TreeSet<>(tables));
    }

    /** The fetcher thread: the newest list; null before the first. */
    @Nullable
    Set<String> latest() {
        return latest;
    }
}
