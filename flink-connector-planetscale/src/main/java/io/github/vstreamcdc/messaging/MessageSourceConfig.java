package io.github.vstreamcdc.messaging;

import io.github.vstreamcdc.source.config.OptionReader;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.TabletType;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.github.vstreamcdc.messaging.MessageSourceOptions.ACK_BATCH_SIZE;
import static io.github.vstreamcdc.messaging.MessageSourceOptions.ACK_CHECKPOINT_TIMEOUT;
import static io.github.vstreamcdc.messaging.MessageSourceOptions.ACK_MODE;
import static io.github.vstreamcdc.messaging.MessageSourceOptions.SCAN_QUEUE_CAPACITY;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.KEYSPACE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TABLET_TYPE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.TABLE_NAME;

/**
 * The validated options of one messaging source. The connection options are read by {@link
 * PlanetScaleSourceConfig#connectionFrom}, with the VStream source's rules and psdb.cloud defaults;
 * {@link #from} adds the problems of the messaging options and reports all in one message. The
 * password never appears in {@link #toString()}.
 */
@Internal
public final class MessageSourceConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Configuration options;
    private final VitessConnectionOptions connection;
    private final String keyspace;
    private final String table;
    private final List<String> shards;
    private final AckMode ackMode;
    private final Duration checkpointTimeout;
    private final int ackBatchSize;
    private final int queueCapacity;

    private MessageSourceConfig(Configuration options, OptionReader reader) {
        this.options = options;
        this.connection = PlanetScaleSourceConfig.connectionFrom(reader);
        this.keyspace = reader.required(KEYSPACE);
        this.table = reader.required(TABLE_NAME);
        this.shards = PlanetScaleSourceConfig.shardsFrom(reader);
        String mode = reader.text(ACK_MODE);
        this.ackMode = mode == null ? AckMode.CHECKPOINT : AckMode.parse(mode);
        if (ackMode == null) {
            reader.problem(
                    "Invalid value for option '%s': '%s'. Allowed values: %s, %s",
                    ACK_MODE.key(), mode, AckMode.CHECKPOINT.value(), AckMode.ON_EMIT.value());
        }
        this.checkpointTimeout = reader.duration(ACK_CHECKPOINT_TIMEOUT);
        if (checkpointTimeout != null && checkpointTimeout.toMillis() <= 0) {
            reader.problem("Option '%s' must be positive", ACK_CHECKPOINT_TIMEOUT.key());
        }
        if (ackMode == AckMode.ON_EMIT && reader.text(ACK_CHECKPOINT_TIMEOUT) != null) {
            // Only when given: its default must not stop on-emit, but a value set says that its
            // author expects a wait for checkpoints that on-emit never does.
            reader.problem(
                    "Option '%s' applies only with '%s' = '%s', but '%s' is '%s': remove '%s',"
                            + " or set '%s' = '%s' to acknowledge after checkpoints",
                    ACK_CHECKPOINT_TIMEOUT.key(),
                    ACK_MODE.key(),
                    AckMode.CHECKPOINT.value(),
                    ACK_MODE.key(),
                    AckMode.ON_EMIT.value(),
                    ACK_CHECKPOINT_TIMEOUT.key(),
                    ACK_MODE.key(),
                    AckMode.CHECKPOINT.value());
        }
        this.ackBatchSize = orDefault(reader.positive(ACK_BATCH_SIZE), ACK_BATCH_SIZE);
        this.queueCapacity = orDefault(reader.positive(SCAN_QUEUE_CAPACITY), SCAN_QUEUE_CAPACITY);
        String tabletType = reader.text(TABLET_TYPE);
        if (tabletType != null && !TabletType.PRIMARY.name().equalsIgnoreCase(tabletType)) {
            reader.problem(
                    "Option '%s' is '%s', but messages are served by PRIMARY tablets only",
                    TABLET_TYPE.key(), tabletType);
        }
    }

    /**
     * Reads and checks the options of {@link MessageSourceOptions}.
     *
     * @throws IllegalArgumentException listing every problem, each naming its option
     */
    public static MessageSourceConfig from(ReadableConfig given) {
        Configuration options = new Configuration();
        List<ConfigOption<?>> all = new ArrayList<>(MessageSourceOptions.REQUIRED);
        all.addAll(MessageSourceOptions.OPTIONAL);
        for (ConfigOption<?> option : all) {
            ConfigOption<String> text =
                    ConfigOptions.key(option.key()).stringType().noDefaultValue();
            given.getOptional(text).ifPresent(value -> options.set(text, value));
        }
        OptionReader reader = new OptionReader(options);
        MessageSourceConfig config = new MessageSourceConfig(options, reader);
        if (!reader.problems().isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid PlanetScale messaging source configuration: "
                            + String.join("; ", reader.problems()));
        }
        return config;
    }

    private static int orDefault(Integer value, ConfigOption<Integer> option) {
        return value == null ? option.defaultValue() : value;
    }

    /** The options as given (text values). */
    public Configuration options() {
        return new Configuration(options);
    }

    public VitessConnectionOptions connection() {
        return connection;
    }

    public String keyspace() {
        return keyspace;
    }

    /** The message table. */
    public String table() {
        return table;
    }

    /** The shards to read; empty means all shards of the keyspace. */
    public List<String> shards() {
        return shards;
    }

    public AckMode ackMode() {
        return ackMode;
    }

    public Duration checkpointTimeout() {
        return checkpointTimeout;
    }

    public int ackBatchSize() {
        return ackBatchSize;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageSourceConfig
                && options.toMap().equals(((MessageSourceConfig) o).options.toMap());
    }

    @Override
    public int hashCode() {
        return options.toMap().hashCode();
    }

    @Override
    public String toString() {
        return "MessageSourceConfig{"
                + connection
                + ", table="
                + keyspace
                + "."
                + table
                + ", shards="
                + (shards.isEmpty() ? "all" : shards)
                + ", ackMode="
                + ackMode
                + '}';
    }
}
