package io.github.vstreamcdc.source.event;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Enumerator to readers, with {@code scan.newly-added-table.enabled}: all tables the source reads
 * now. A reader's shards that do not read some of them yet copy those and then stream them.
 */
@Internal
public final class CapturedTablesEvent implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final TreeSet<String> tables;

    public CapturedTablesEvent(Set<String> tables) {
        this.tables = new TreeSet<>(tables);
    }

    public Set<String> tables() {
        return Collections.unmodifiableSet(tables);
    }

    @Override
    public String toString() {
        return "CapturedTablesEvent" + tables;
    }
}
