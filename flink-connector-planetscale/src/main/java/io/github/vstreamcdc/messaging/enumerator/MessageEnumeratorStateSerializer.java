package io.github.vstreamcdc.messaging.enumerator;

import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.messaging.split.MessageSplitSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned serializer of {@link MessageEnumeratorState}.
 *
 * <p>Version 1: discovered flag, count of unassigned splits, each as {@link MessageSplitSerializer}
 * version 1 writes it.
 */
@Internal
public final class MessageEnumeratorStateSerializer
        implements SimpleVersionedSerializer<MessageEnumeratorState> {

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MessageEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeBoolean(state.discovered());
        out.writeInt(state.unassigned().size());
        for (MessageSplit split : state.unassigned()) {
            MessageSplitSerializer.write(split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public MessageEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "Unknown version "
                            + version
                            + " of the message enumerator's state (known: "
                            + VERSION
                            + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        boolean discovered = in.readBoolean();
        int count = in.readInt();
        List<MessageSplit> splits = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            splits.add(MessageSplitSerializer.read(in));
        }
        return new MessageEnumeratorState(discovered, splits);
    }
}
