package io.github.vstreamcdc.messaging.table;

import io.github.vstreamcdc.messaging.VitessMessage;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;

/** The metadata columns of a {@code planetscale-messaging} table. */
@Internal
public enum MessageMetadata {
    /** The shard the message was stored on and acknowledged at, e.g. {@code -80}. */
    SHARD("shard", DataTypes.STRING().notNull()),
    /**
     * How many times Vitess had sent the message before: 0 on the first delivery. Null unless the
     * table streams its {@code epoch} column ({@code vt_message_cols}).
     */
    EPOCH("epoch", DataTypes.BIGINT()),
    /** Whether the message was sent before ({@code epoch > 0}); null like {@code epoch}. */
    REDELIVERED("redelivered", DataTypes.BOOLEAN()),
    /** A streamed {@code time_created} column (Unix nanoseconds) as a time; null without one. */
    TIME_CREATED("time_created", DataTypes.TIMESTAMP_LTZ(9));

    private final String key;
    private final DataType dataType;

    MessageMetadata(String key, DataType dataType) {
        this.key = key;
        this.dataType = dataType;
    }

    public String key() {
        return key;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The value for Flink's internal data structures; null when not available. */
    public Object read(VitessMessage message) {
        switch (this) {
            case SHARD:
                return StringData.fromString(message.shard());
            case EPOCH:
                return message.epoch();
            case REDELIVERED:
                return message.redelivered();
            case TIME_CREATED:
                Long nanos = message.timeCreatedNanos();
                return nanos == null
                        ? null
                        : TimestampData.fromEpochMillis(
                                Math.floorDiv(nanos, 1_000_000L),
                                (int) Math.floorMod(nanos, 1_000_000L));
            default:
                throw new IllegalStateException("Unknown metadata " + this);
        }
    }

    public static MessageMetadata ofKey(String key) {
        for (MessageMetadata metadata : values()) {
            if (metadata.key.equals(key)) {
                return metadata;
            }
        }
        throw new IllegalArgumentException("Unknown metadata key '" + key + "'");
    }
}
