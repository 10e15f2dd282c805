package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;

import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests {@link JsonDeserializationSchema}: the change events it writes, across schema changes. */
class JsonDeserializationSchemaTest {

    private final JsonDeserializationSchema schema = new JsonDeserializationSchema();

    private static byte[][] row(String... values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private String deserialize(RowChangeEvent change) throws Exception {
        List<String> out = new ArrayList<>();
        schema.deserialize(
                change,
                new Collector<String>() {
                    @Override
                    public void collect(String record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                });
        assertThat(out).hasSize(1);
        // ts_ms of the event is the wall clock: cut it out.
        return out.get(0).replaceFirst(",\"ts_ms\":[0-9]+,\"source\"", ",\"source\"");
    }

    @Test
    void updatesAndSchemaChanges() throws Exception {
        List<ColumnDescription> v1 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint unsigned", false),
                        ColumnDescription.of("amount", "decimal(12,2)", true),
                        ColumnDescription.of("doc", "json", true));
        RowChangeEvent update =
                new RowChangeEvent(
                        "ks",
                        "-80",
                        "orders",
                        RowChangeEvent.Op.UPDATE,
                        v1,
                        row("18446744073709551615", "1.50", null),
                        row("18446744073709551615", "2.25", "{\"b\": 1, \"aa\": 12.50}"),
                        1_700_000_000_123L,
                        "MySQL56/a:1-9");
        assertThat(deserialize(update))
                .isEqualTo(
                        "{\"before\":{\"id\":18446744073709551615,\"amount\":\"1.50\",\"doc\":null},"
                                + "\"after\":{\"id\":18446744073709551615,\"amount\":\"2.25\","
                                + "\"doc\":{\"b\":1,\"aa\":12.50}},\"op\":\"u\","
                                + "\"source\":{\"db\":\"ks\",\"keyspace\":\"ks\",\"shard\":\"-80\","
                                + "\"table\":\"orders\",\"position\":\"MySQL56/a:1-9\",\"transaction_seq\":0,"
                                + "\"ts_ms\":1700000000123,\"snapshot\":false}}");

        // The table changes on the shard: a new column list, new converters.
        List<ColumnDescription> v2 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint unsigned", false),
                        ColumnDescription.of("amount", "varchar(10)", true));
        RowChangeEvent read =
                new RowChangeEvent(
                        "ks",
                        "-80",
                        "orders",
                        RowChangeEvent.Op.READ,
                        v2,
                        null,
                        row("1", "cheap"),
                        0L,
                        "MySQL56/a:1-10");
        assertThat(deserialize(read))
                .isEqualTo(
                        "{\"before\":null,\"after\":{\"id\":1,\"amount\":\"cheap\"},\"op\":\"r\","
                                + "\"source\":{\"db\":\"ks\",\"keyspace\":\"ks\",\"shard\":\"-80\","
                                + "\"table\":\"orders\",\"position\":\"MySQL56/a:1-10\",\"transaction_seq\":0,"
                                + "\"ts_ms\":0,\"snapshot\":true}}");
    }

    @Test
    void schemaChangesAreRecordsOnlyWhenAskedFor() throws Exception {
        List<ColumnDescription> before =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("v", "varchar(20)", true));
        List<ColumnDescription> after =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("v2", "varchar(20)", true));
        SchemaChangeEvent change =
                new SchemaChangeEvent(
                        "ks",
                        "-80",
                        "orders",
                        "alter table orders rename column v to v2",
                        before,
                        after,
                        "MySQL56/a:1-10",
                        1_700_000_001_000L);
        List<String> out = new ArrayList<>();
        Collector<String> collector =
                new Collector<String>() {
                    @Override
                    public void collect(String record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                };
        schema.deserializeSchemaChange(change, collector);
        assertThat(out).isEmpty();

        new JsonDeserializationSchema(true).deserializeSchemaChange(change, collector);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).replaceFirst(",\"ts_ms\":[0-9]+,\"source\"", ",\"source\""))
                .isEqualTo(
                        "{\"ddl\":\"alter table orders rename column v to v2\","
                                + "\"columns\":[{\"name\":\"id\",\"type\":\"bigint\",\"nullable\":false},"
                                + "{\"name\":\"v2\",\"type\":\"varchar(20)\",\"nullable\":true}],"
                                + "\"previous_columns\":[{\"name\":\"id\",\"type\":\"bigint\","
                                + "\"nullable\":false},{\"name\":\"v\",\"type\":\"varchar(20)\","
                                + "\"nullable\":true}],\"source\":{\"db\":\"ks\",\"keyspace\":\"ks\","
                                + "\"shard\":\"-80\",\"table\":\"orders\",\"position\":\"MySQL56/a:1-10\","
                                + "\"ts_ms\":1700000001000}}");
        assertThat(change.droppedColumns()).containsExactly("v");
        assertThat(change.addedColumns()).containsExactly("v2");
    }
}
