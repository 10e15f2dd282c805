package io.github.vstreamcdc.messaging.split;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code id} of a message, as its MySQL text encoding: what an acknowledgement names. A numeric
 * id is written into the ack statement as a number (so that MySQL uses the primary key without a
 * conversion), any other as a binary string.
 */
@Internal
public final class MessageId implements Serializable {

    private static final long serialVersionUID = 1L;

    private final byte[] value;
    private final boolean numeric;

    private MessageId(byte[] value, boolean numeric) {
        this.value = value;
        this.numeric = numeric;
    }

    /** An id of the given raw bytes; {@code numeric} when its column is an integer type. */
    public static MessageId of(byte[] value, boolean numeric) {
        if (value == null) {
            throw new IllegalArgumentException("A message id must not be NULL");
        }
        return new MessageId(value.clone(), numeric && isInteger(value));
    }

    /** A numeric id. */
    public static MessageId of(long value) {
        return new MessageId(Long.toString(value).getBytes(StandardCharsets.US_ASCII), true);
    }

    public byte[] bytes() {
        return value.clone();
    }

    public boolean isNumeric() {
        return numeric;
    }

    /** The id as text (UTF-8 of the bytes); for messages and the SQL literal of numeric ids. */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }

    private static boolean isInteger(byte[] value) {
        if (value.length == 0 || value.length > 21) {
            return false;
        }
        for (int i = 0; i < value.length; i++) {
            byte b = value[i];
            if (!(b >= '0' && b <= '9') && !(i == 0 && b == '-' && value.length > 1)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MessageId)) {
            return false;
        }
        MessageId that = (MessageId) o;
        return numeric == that.numeric && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value) * 31 + (numeric ? 1 : 0);
    }

    @Override
    public String toString() {
        return numeric ? text() : "'" + text() + "'";
    }
}
