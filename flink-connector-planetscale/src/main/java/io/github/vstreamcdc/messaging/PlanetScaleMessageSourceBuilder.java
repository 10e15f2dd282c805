package io.github.vstreamcdc.messaging;

import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Builds a {@link PlanetScaleMessageSource}. Every setter stands for an option of {@link
 * MessageSourceOptions} (connection options included); {@link #build()} checks them all and reports
 * every problem in one message.
 *
 * <pre>{@code
 * PlanetScaleMessageSource<MyEvent> source = PlanetScaleMessageSource.<MyEvent>builder()
 *     .hostname("aws.connect.psdb.cloud")
 *     .username("...").password("pscale_pw_...")
 *     .keyspace("app").tableName("events_queue")
 *     .deserializer(message -> ...)
 *     .build();
 * }</pre>
 *
 * @param <T> the record type
 */
@PublicEvolving
public final class PlanetScaleMessageSourceBuilder<T> {

    private final Configuration options = new Configuration();
    private MessageDeserializationSchema<T> deserializer;

    PlanetScaleMessageSourceBuilder() {}

    /** Sets any option of {@link MessageSourceOptions} or of the VStream source's connection. */
    public <V> PlanetScaleMessageSourceBuilder<T> option(ConfigOption<V> option, V value) {
        options.set(option, value);
        return this;
    }

    /** Sets all the given options. */
    public PlanetScaleMessageSourceBuilder<T> options(Configuration given) {
        options.addAll(given);
        return this;
    }

    public PlanetScaleMessageSourceBuilder<T> hostname(String hostname) {
        return option(PlanetScaleSourceOptions.HOSTNAME, hostname);
    }

    /** VTGate's gRPC port, which serves the message streams ({@code StreamExecute}). */
    public PlanetScaleMessageSourceBuilder<T> port(int port) {
        return option(PlanetScaleSourceOptions.PORT, port);
    }

    /** VTGate's MySQL-protocol port: shard discovery, columns, acknowledgements. */
    public PlanetScaleMessageSourceBuilder<T> mysqlPort(int mysqlPort) {
        return option(PlanetScaleSourceOptions.MYSQL_PORT, mysqlPort);
    }

    public PlanetScaleMessageSourceBuilder<T> username(String username) {
        return option(PlanetScaleSourceOptions.USERNAME, username);
    }

    public PlanetScaleMessageSourceBuilder<T> password(String password) {
        return option(PlanetScaleSourceOptions.PASSWORD, password);
    }

    public PlanetScaleMessageSourceBuilder<T> keyspace(String keyspace) {
        return option(PlanetScaleSourceOptions.KEYSPACE, keyspace);
    }

    /** The message table (a table with the {@code vitess_message} comment). */
    public PlanetScaleMessageSourceBuilder<T> tableName(String table) {
        return option(PlanetScaleSourceOptions.TABLE_NAME, table);
    }

    /** The shards to read; default all. */
    public PlanetScaleMessageSourceBuilder<T> shards(String... shards) {
        return option(PlanetScaleSourceOptions.SHARDS, String.join(",", shards));
    }

    public PlanetScaleMessageSourceBuilder<T> ackMode(AckMode mode) {
        return option(MessageSourceOptions.ACK_MODE, mode.value());
    }

    public PlanetScaleMessageSourceBuilder<T> deserializer(
            MessageDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /**
     * Checks the settings and builds the source.
     *
     * @throws IllegalArgumentException naming every wrong or missing setting
     */
    public PlanetScaleMessageSource<T> build() {
        if (deserializer == null) {
            throw new IllegalArgumentException(
                    "Invalid PlanetScale messaging source configuration: a deserializer is"
                            + " required");
        }
        return new PlanetScaleMessageSource<>(MessageSourceConfig.from(options), deserializer);
    }
}
