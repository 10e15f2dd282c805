package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.RowChangeEvent;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a deserializer derives from a table's columns (its converters), kept per table and shard
 * until the columns change. The reader gives a new column list when a FIELD event changes a table's
 * schema on a shard, so the list's identity tells whether the cached value still holds.
 *
 * @param <T> the derived value
 */
@Internal
final class SchemaCache<T> {

    private final Map<String, Entry<T>> entries = new HashMap<>();

    /** The last hit: rows come in runs of one table, so most lookups need no key. */
    private String lastShard;

    private String lastTable;
    private Entry<T> last;

    /** The value for the change's columns, made by {@code create} if it is not cached. */
    T get(RowChangeEvent change, Function<RowChangeEvent, T> create) {
        return get(change.shard(), change.table(), change.columns(), () -> create.apply(change));
    }

    /**
     * The value of the last hit if it is for these columns of the table on the shard; else null.
     */
    @Nullable
    T last(String shard, String table, List<?> columns) {
        return last != null
                        && last.columns == columns
                        && table.equals(lastTable)
                        && shard.equals(lastShard)
                ? last.value
                : null;
    }

    /** The value for a table's columns on a shard, made by {@code create} if it is not cached. */
    T get(String shard, String table, List<?> columns, Supplier<T> create) {
        T hit = last(shard, table, columns);
        if (hit != null) {
            return hit;
        }
        String key = shard + '/' + table;
        Entry<T> cached = entries.get(key);
        if (cached == null || cached.columns != columns) {
            cached = new Entry<>(columns, create.get());
            entries.put(key, cached);
        }
        last = cached;
        lastShard = shard;
        lastTable = table;
        return cached.value;
    }

    private static final class Entry<T> {
        final List<?> columns;
        final T value;

        Entry(List<?> columns, T value) {
            this.columns = columns;
            this.value = value;
        }
    }
}
