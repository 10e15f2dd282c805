package io.github.vstreamcdc.messaging;

import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The options of the messaging source ({@code 'connector' = 'planetscale-messaging'} and {@link
 * PlanetScaleMessageSourceBuilder#option}). Where VTGate is and how to reach it (host, ports,
 * credentials, TLS, psdb.cloud defaults) are the VStream source's own {@link
 * PlanetScaleSourceOptions#CONNECTION} options, read by the same code; only what is particular to
 * message tables is declared here.
 */
@PublicEvolving
public final class MessageSourceOptions {

    private MessageSourceOptions() {}

    public static final ConfigOption<String> ACK_MODE =
            ConfigOptions.key("ack.mode")
                    .stringType()
                    .defaultValue(AckMode.CHECKPOINT.value())
                    .withDescription(
                            "When messages are acknowledged: 'checkpoint' (after the checkpoint"
                                    + " that covers them completed; at-least-once; the job must"
                                    + " checkpoint) or 'on-emit' (as soon as they are emitted;"
                                    + " no delivery guarantee: a failure may lose or repeat messages; for jobs"
                                    + " without checkpointing).");

    public static final ConfigOption<Duration> ACK_CHECKPOINT_TIMEOUT =
            ConfigOptions.key("ack.checkpoint-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "With 'ack.mode' = 'checkpoint': how long after its first message a"
                                    + " reader waits for its first completed checkpoint before it"
                                    + " fails the job (nothing would ever be acknowledged without"
                                    + " one; savepoints do not count)."
                                    + " Refused when set with 'on-emit'.");

    public static final ConfigOption<Integer> SCAN_QUEUE_CAPACITY =
            ConfigOptions.key("scan.queue-capacity")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "How many received messages a reader buffers before it stops reading"
                                    + " from VTGate (a slow job then slows the message stream"
                                    + " down).");

    public static final ConfigOption<Integer> ACK_BATCH_SIZE =
            ConfigOptions.key("ack.batch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("The most message ids one acknowledging UPDATE names.");

    /** The options without which there is no source. */
    public static final List<ConfigOption<?>> REQUIRED =
            Collections.unmodifiableList(
                    Arrays.asList(
                            PlanetScaleSourceOptions.HOSTNAME,
                            PlanetScaleSourceOptions.KEYSPACE,
                            PlanetScaleSourceOptions.TABLE_NAME));

    /** The messaging options proper, in the order of the docs. */
    public static final List<ConfigOption<?>> MESSAGING =
            Collections.unmodifiableList(
                    Arrays.asList(
                            PlanetScaleSourceOptions.SHARDS,
                            ACK_MODE,
                            ACK_CHECKPOINT_TIMEOUT,
                            ACK_BATCH_SIZE,
                            SCAN_QUEUE_CAPACITY));

    /** All other options: the connection options (but the host), then {@link #MESSAGING}. */
    public static final List<ConfigOption<?>> OPTIONAL = optional();

    private static List<ConfigOption<?>> optional() {
        List<ConfigOption<?>> all = new ArrayList<>(PlanetScaleSourceOptions.CONNECTION);
        all.remove(PlanetScaleSourceOptions.HOSTNAME);
        all.addAll(MESSAGING);
        return Collections.unmodifiableList(all);
    }
}
