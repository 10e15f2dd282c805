package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests {@link SchemaCache}: one value per table and shard, until the column list changes. */
class SchemaCacheTest {

    static RowChangeEvent change(String shard, String table, List<ColumnDescription> columns) {
        return new RowChangeEvent(
                "ks",
                shard,
                table,
                RowChangeEvent.Op.INSERT,
                columns,
                null,
                new byte[columns.size()][],
                1_000L,
                "MySQL56/a:1-2");
    }

    @Test
    void rebuildsOnlyWhenTheColumnListChanges() {
        List<ColumnDescription> v1 =
                Collections.singletonList(ColumnDescription.of("id", "int", false));
        List<ColumnDescription> v2 =
                Collections.singletonList(ColumnDescription.of("id", "int", false));
        AtomicInteger made = new AtomicInteger();
        SchemaCache<Integer> cache = new SchemaCache<>();

        assertThat(cache.get(change("-80", "t", v1), c -> made.incrementAndGet())).isEqualTo(1);
        assertThat(cache.get(change("-80", "t", v1), c -> made.incrementAndGet())).isEqualTo(1);
        // Another shard or table has its own entry.
        assertThat(cache.get(change("80-", "t", v1), c -> made.incrementAndGet())).isEqualTo(2);
        assertThat(cache.get(change("-80", "u", v1), c -> made.incrementAndGet())).isEqualTo(3);
        // A new FIELD event gives a new list, even with equal columns.
        assertThat(cache.get(change("-80", "t", v2), c -> made.incrementAndGet())).isEqualTo(4);
        assertThat(cache.get(change("-80", "t", v2), c -> made.incrementAndGet())).isEqualTo(4);
        assertThat(cache.get(change("80-", "t", v1), c -> made.incrementAndGet())).isEqualTo(2);
    }
}
