package io.github.vstreamcdc.messaging.split;

import io.github.vstreamcdc.messaging.enumerator.MessageEnumeratorState;
import io.github.vstreamcdc.messaging.enumerator.MessageEnumeratorStateSerializer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Version 1 round trips of the split and the enumerator state. */
class MessageSplitSerializerTest {

    private static final MessageSplit SPLIT =
            new MessageSplit(
                    "ks",
                    "queue",
                    "-80",
                    Arrays.asList(
                            MessageId.of(42),
                            MessageId.of("-7".getBytes(StandardCharsets.US_ASCII), true),
                            MessageId.of(new byte[] {0, (byte) 0xff, 'x'}, false)));

    @Test
    void splitRoundTrip() throws Exception {
        MessageSplitSerializer serializer = MessageSplitSerializer.INSTANCE;
        MessageSplit back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(SPLIT));
        assertThat(back).isEqualTo(SPLIT);
        assertThat(back.splitId()).isEqualTo("ks/-80");
        assertThat(back.unacknowledged().get(0).isNumeric()).isTrue();
        assertThat(back.unacknowledged().get(2).isNumeric()).isFalse();
        assertThat(back.unacknowledged().get(2).bytes()).containsExactly(0, 0xff, 'x');
        assertThatThrownBy(() -> serializer.deserialize(2, serializer.serialize(SPLIT)))
                .hasMessageContaining("Unknown version 2");
    }

    @Test
    void enumeratorStateRoundTrip() throws Exception {
        MessageEnumeratorStateSerializer serializer = new MessageEnumeratorStateSerializer();
        MessageEnumeratorState state =
                new MessageEnumeratorState(
                        true, Arrays.asList(SPLIT, MessageSplit.of("ks", "queue", "80-")));
        assertThat(serializer.deserialize(1, serializer.serialize(state))).isEqualTo(state);
        MessageEnumeratorState initial = MessageEnumeratorState.initial();
        assertThat(serializer.deserialize(1, serializer.serialize(initial)))
                .isEqualTo(initial)
                .extracting(MessageEnumeratorState::unassigned)
                .isEqualTo(Collections.emptyList());
    }

    @Test
    void onlyIntegerTextIsANumericId() {
        assertThat(MessageId.of("12a".getBytes(StandardCharsets.US_ASCII), true).isNumeric())
                .isFalse();
        assertThat(MessageId.of("-".getBytes(StandardCharsets.US_ASCII), true).isNumeric())
                .isFalse();
        assertThat(MessageId.of(123).toString()).isEqualTo("123");
    }
}
