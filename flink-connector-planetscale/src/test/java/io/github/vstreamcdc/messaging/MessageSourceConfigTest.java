package io.github.vstreamcdc.messaging;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The messaging options, and the connection options shared with the VStream source. */
class MessageSourceConfigTest {

    private static Configuration options(String host) {
        Configuration options = new Configuration();
        options.setString("hostname", host);
        options.setString("keyspace", "ks");
        options.setString("table-name", "queue");
        return options;
    }

    @Test
    void defaults() {
        MessageSourceConfig config = MessageSourceConfig.from(options("vtgate"));
        assertThat(config.ackMode()).isEqualTo(AckMode.CHECKPOINT);
        assertThat(config.connection().mysqlPort()).isEqualTo(15306);
        assertThat(config.connection().security().tls()).isFalse();
        assertThat(config.shards()).isEmpty();
        assertThat(config.queueCapacity()).isEqualTo(1000);
        assertThat(config.ackBatchSize()).isEqualTo(500);
    }

    @Test
    void planetScaleHostDefaultsComeFromTheSharedConnectionOptions() {
        Configuration options = options("aws.connect.psdb.cloud");
        options.setString("username", "u");
        options.setString("password", "pscale_pw_secret");
        options.setString("ack.mode", "ON_EMIT");
        options.setString("shards", "-80, 80-");
        MessageSourceConfig config = MessageSourceConfig.from(options);
        assertThat(config.connection().mysqlPort()).isEqualTo(3306);
        assertThat(config.connection().security().tls()).isTrue();
        assertThat(config.ackMode()).isEqualTo(AckMode.ON_EMIT);
        assertThat(config.shards()).containsExactly("-80", "80-");
        assertThat(config.toString()).doesNotContain("pscale_pw_secret");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Configuration options = new Configuration();
        options.setString("mysql.port", "99999");
        options.setString("ack.mode", "sometimes");
        options.setString("scan.queue-capacity", "0");
        options.setString("tablet-type", "replica");
        options.setString("ack.batch-size", "many");
        options.setString("ack.checkpoint-timeout", "soon");
        assertThatThrownBy(() -> MessageSourceConfig.from(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'hostname'")
                .hasMessageContaining("'keyspace'")
                .hasMessageContaining("'table-name'")
                .hasMessageContaining("'mysql.port'")
                .hasMessageContaining("Allowed values: checkpoint, on-emit")
                .hasMessageContaining("'scan.queue-capacity' is 0")
                .hasMessageContaining("PRIMARY tablets only")
                // read as the VStream source reads its options: the value and what is allowed
                .hasMessageContaining("Option 'ack.batch-size' = 'many' is not a whole number")
                .hasMessageContaining(
                        "Option 'ack.checkpoint-timeout' = 'soon' is not a duration like '30 s'");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"-80,,80- | -80,,80-", "'-80, ' | -80,", "',' | ','"})
    void anEmptyShardIsRefusedNotDropped(String shards, String shown) {
        Configuration options = options("vtgate");
        options.setString("shards", shards);
        assertThatThrownBy(() -> MessageSourceConfig.from(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Option 'shards' = '"
                                + shown
                                + "' has an empty shard name; expected"
                                + " shards separated by commas");
    }

    @Test
    void theBuilderRefusesAnEmptyShard() {
        PlanetScaleMessageSourceBuilder<String> builder =
                PlanetScaleMessageSource.<String>builder()
                        .hostname("vtgate")
                        .keyspace("ks")
                        .tableName("queue")
                        .shards("-80", "", "80-")
                        .deserializer(new TextDeserializer());
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Option 'shards' = '-80,,80-' has an empty shard name");
    }

    @Test
    void aCheckpointTimeoutSetWithOnEmitIsRefusedNamingBothOptions() {
        Configuration options = options("vtgate");
        options.setString("ack.mode", "on-emit");
        options.setString("ack.checkpoint-timeout", "5 min");
        assertThatThrownBy(() -> MessageSourceConfig.from(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "Option 'ack.checkpoint-timeout' applies only with 'ack.mode' ="
                                + " 'checkpoint', but 'ack.mode' is 'on-emit': remove"
                                + " 'ack.checkpoint-timeout', or set 'ack.mode' = 'checkpoint'");
    }

    @Test
    void theCheckpointTimeoutIsFineWithCheckpointAcksAndItsDefaultWithOnEmit() {
        Configuration checkpoint = options("vtgate");
        checkpoint.setString("ack.checkpoint-timeout", "5 min");
        assertThat(MessageSourceConfig.from(checkpoint).checkpointTimeout()).hasMinutes(5);
        Configuration onEmit = options("vtgate");
        onEmit.setString("ack.mode", "on-emit");
        assertThat(MessageSourceConfig.from(onEmit).ackMode()).isEqualTo(AckMode.ON_EMIT);
    }

    private static final class TextDeserializer implements MessageDeserializationSchema<String> {
        @Override
        public String deserialize(VitessMessage message) {
            return message.text("payload");
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
