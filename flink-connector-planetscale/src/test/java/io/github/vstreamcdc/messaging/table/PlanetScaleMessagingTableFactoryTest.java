package io.github.vstreamcdc.messaging.table;

import io.github.vstreamcdc.messaging.FakeMessageTable;
import io.github.vstreamcdc.messaging.MessageTableCheck;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.utils.FactoryMocks;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Planning a {@code planetscale-messaging} table: its options and the table it names. */
class PlanetScaleMessagingTableFactoryTest {

    private static final ResolvedSchema SCHEMA =
            ResolvedSchema.of(
                    Arrays.asList(
                            Column.physical("id", DataTypes.BIGINT()),
                            Column.physical("payload", DataTypes.BIGINT()),
                            Column.metadata("shard", DataTypes.STRING(), "shard", true)));

    /** Acknowledging on emit: the mocked planner does not checkpoint. */
    private static Map<String, String> options() {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "planetscale-messaging");
        options.put("hostname", "vtgate.example");
        options.put("keyspace", "app");
        options.put("table-name", "events_queue");
        options.put("ack.mode", "on-emit");
        return options;
    }

    private static DynamicTableSource plan(
            MessageTableCheck.Lookup table, Map<String, String> options) {
        return new PlanetScaleMessagingTableFactory(connection -> table)
                .createDynamicTableSource(FactoryMocks.createTableContext(SCHEMA, options));
    }

    @Test
    void aMessageTableIsPlanned() {
        assertThat(plan(FakeMessageTable.messageTable(), options()))
                .isInstanceOf(PlanetScaleMessagingTableSource.class);
    }

    @Test
    void anOrdinaryTableIsRefusedWhenPlanned() {
        assertThatThrownBy(() -> plan(FakeMessageTable.of("", "id", "payload"), options()))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining(
                        "Table 'default.default.t1' (connector 'planetscale-messaging'): Table"
                                + " 'app.events_queue' is not a Vitess message table")
                .hasMessageContaining(
                        "A message table has a comment starting with 'vitess_message'");
    }

    @Test
    void anEmptyShardIsRefusedWhenPlanned() {
        Map<String, String> options = options();
        options.put("shards", "-80,,80-");
        assertThatThrownBy(() -> plan(FakeMessageTable.messageTable(), options))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Option 'shards' = '-80,,80-' has an empty shard name");
    }

    @Test
    void aCheckpointTimeoutWithOnEmitIsRefusedWhenPlanned() {
        Map<String, String> options = options();
        options.put("ack.checkpoint-timeout", "1 min");
        assertThatThrownBy(() -> plan(FakeMessageTable.messageTable(), options))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining(
                        "Option 'ack.checkpoint-timeout' applies only with 'ack.mode' ="
                                + " 'checkpoint', but 'ack.mode' is 'on-emit'");
    }

    @Test
    void theConnectorFoundByItsNameRefusesAnEmptyShard() {
        Map<String, String> options = options();
        options.put("shards", ",");
        assertThatThrownBy(() -> FactoryMocks.createTableSource(SCHEMA, options))
                .hasStackTraceContaining("Option 'shards' = ',' has an empty shard name");
    }
}
