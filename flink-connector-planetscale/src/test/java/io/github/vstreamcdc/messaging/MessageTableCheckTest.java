package io.github.vstreamcdc.messaging;

import io.github.vstreamcdc.messaging.split.MessageSplit;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.github.vstreamcdc.messaging.FakeMessageTable.MESSAGE_COMMENT;
import static io.github.vstreamcdc.messaging.FakeMessageTable.messageTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Only Vitess message tables pass, before any stream is opened. */
class MessageTableCheckTest {

    private static final String[] REQUIRED = {"id", "priority", "epoch", "time_next", "time_acked"};

    private static String[] requiredAnd(String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(REQUIRED));
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    @Test
    void aMessageTablePassesWithItsColumns() {
        assertThat(MessageTableCheck.check(messageTable(), "app", "queue"))
                .extracting(c -> c.name())
                .containsExactly("id", "priority", "epoch", "time_next", "time_acked", "payload");
    }

    @Test
    void anOrdinaryTableIsRefusedNamingItAndWhatAMessageTableIs() {
        assertThatThrownBy(
                        () ->
                                MessageTableCheck.check(
                                        FakeMessageTable.of("", "id", "payload"), "app", "orders"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Table 'app.orders' is not a Vitess message table: it has no table"
                                + " comment, and it lacks the columns priority, time_next, epoch,"
                                + " time_acked.")
                .hasMessageContaining(
                        "A message table has a comment starting with 'vitess_message'")
                .hasMessageContaining("columns id, priority, time_next, epoch, time_acked");
    }

    @Test
    void aTableWithTheColumnsButAnotherCommentIsRefused() {
        assertThatThrownBy(
                        () ->
                                MessageTableCheck.check(
                                        FakeMessageTable.of("the orders", requiredAnd("payload")),
                                        "app",
                                        "look_alike"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Table 'app.look_alike' is not a Vitess message table: its comment 'the"
                                + " orders' lacks 'vitess_message'. A message table");
    }

    @Test
    void aCommentedTableWithoutTheColumnsVitessNeedsIsRefused() {
        assertThatThrownBy(
                        () ->
                                MessageTableCheck.check(
                                        FakeMessageTable.of(MESSAGE_COMMENT, "id", "payload"),
                                        "app",
                                        "queue"))
                .hasMessageContaining(
                        "Table 'app.queue' is not a Vitess message table: it lacks the columns"
                                + " priority, time_next, epoch, time_acked.");
    }

    @Test
    void anUnreadableCommentLeavesTheColumnsToDecide() {
        assertThat(MessageTableCheck.check(FakeMessageTable.of(null, REQUIRED), "app", "queue"))
                .hasSize(5);
        assertThatThrownBy(
                        () ->
                                MessageTableCheck.check(
                                        FakeMessageTable.of(null, "id", "payload"), "app", "t"))
                .hasMessageContaining(
                        "Table 'app.t' is not a Vitess message table: it lacks the columns");
    }

    @Test
    void columnNamesAreMatchedIgnoringCase() {
        assertThat(
                        MessageTableCheck.check(
                                FakeMessageTable.of(
                                        MESSAGE_COMMENT,
                                        "ID",
                                        "Priority",
                                        "EPOCH",
                                        "time_next",
                                        "Time_Acked"),
                                "app",
                                "queue"))
                .hasSize(5);
    }

    @Test
    void aMissingTableIsNamed() {
        assertThatThrownBy(() -> MessageTableCheck.check(FakeMessageTable.of(null), "app", "nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Table 'app.nope' does not exist");
    }

    @Test
    void theEnumeratorsDiscoveryChecksTheTableBeforeMakingSplits() {
        Configuration options = new Configuration();
        options.setString("hostname", "vtgate");
        options.setString("keyspace", "app");
        options.setString("table-name", "orders");
        MessageSourceConfig config = MessageSourceConfig.from(options);
        List<String> shards = Arrays.asList("-80", "80-");

        assertThatThrownBy(
                        () ->
                                PlanetScaleMessageSource.discoverSplits(
                                        config, shards, FakeMessageTable.of("", "id", "payload")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Table 'app.orders' is not a Vitess message table");
        assertThat(PlanetScaleMessageSource.discoverSplits(config, shards, messageTable()))
                .extracting(MessageSplit::shard)
                .containsExactly("-80", "80-");
    }
}
