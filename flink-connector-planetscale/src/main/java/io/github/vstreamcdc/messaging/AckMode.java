package io.github.vstreamcdc.messaging;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Locale;

/** When the source acknowledges a message to Vitess, which then stops redelivering it. */
@PublicEvolving
public enum AckMode {
    /**
     * After the checkpoint that covers the message completed: at-least-once. Needs checkpointing.
     */
    CHECKPOINT("checkpoint"),

    /**
     * As soon as the message was emitted, before anything downstream made it durable: no delivery
     * guarantee (a failure loses the messages in flight downstream, and repeats those whose
     * acknowledgement, sent after they left the source, had not committed). For jobs without
     * checkpointing.
     */
    ON_EMIT("on-emit");

    private final String value;

    AckMode(String value) {
        this.value = value;
    }

    /** The option value, e.g. {@code on-emit}. */
    public String value() {
        return value;
    }

    /** Parses an option value, ignoring case, blanks and {@code _} for {@code -}; null if none. */
    public static AckMode parse(String text) {
        String wanted = text.trim().replace('_', '-').toLowerCase(Locale.ROOT);
        for (AckMode mode : values()) {
            if (mode.value.equals(wanted)) {
                return mode;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
