package io.github.vstreamcdc.messaging.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned serializer of {@link MessageSplit}. New versions append fields; every version keeps a
 * round-trip test.
 *
 * <p>Version 1: keyspace, table, shard, then the unacknowledged ids (count, then per id: numeric
 * flag, length, bytes).
 */
@Internal
public final class MessageSplitSerializer implements SimpleVersionedSerializer<MessageSplit> {

    public static final MessageSplitSerializer INSTANCE = new MessageSplitSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MessageSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public MessageSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "Unknown version " + version + " of a message split (known: " + VERSION + ")");
        }
        return read(new DataInputDeserializer(serialized));
    }

    /** Writes a split into a larger structure (the enumerator's state). */
    public static void write(MessageSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.keyspace());
        out.writeUTF(split.table());
        out.writeUTF(split.shard());
        List<MessageId> ids = split.unacknowledged();
        out.writeInt(ids.size());
        for (MessageId id : ids) {
            out.writeBoolean(id.isNumeric());
            byte[] bytes = id.bytes();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static MessageSplit read(DataInputView in) throws IOException {
        String keyspace = in.readUTF();
        String table = in.readUTF();
        String shard = in.readUTF();
        int count = in.readInt();
        List<MessageId> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean numeric = in.readBoolean();
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            ids.add(MessageId.of(bytes, numeric));
        }
        return new MessageSplit(keyspace, table, shard, ids);
    }
}
