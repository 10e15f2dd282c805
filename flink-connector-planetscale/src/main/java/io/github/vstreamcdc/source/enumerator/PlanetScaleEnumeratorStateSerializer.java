package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.JournalKey;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.source.split.KnownTableSchema;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.ShardSplitSerializer;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Versioned serializer of {@link PlanetScaleEnumeratorState}.
 *
 * <p>Version 1: unassigned splits (each in the split serializer's current format, prefixed with
 * that format's version), assigned ids, finished ids, initial-discovery flag.
 *
 * <p>Version 2 appends the pending reshard journals (protobuf bytes) and the keys of resolved ones
 * (as {@link JournalKey#toString()} renders them).
 *
 * <p>Version 3 appends the tables the source reads.
 *
 * <p>Version 4 appends the incremental snapshots under way: per shard split id its chunks (as the
 * split serializer writes them), the tables VStream copies, the high watermark of each chunk read
 * (chunk split id + position) and the snapshot id that saw them all read (-1 before).
 *
 * <p>Version 5 appends the table schemas of old shards that ended at a journal whose new shards
 * have not started: per split id, the schemas as the split serializer writes them.
 *
 * <p>Version 6 appends the tables those old shards read when they ended: per split id, the names.
 *
 * <p>Version 7 appends the copy states of those old shards that ended while copying: per split id,
 * the position as the split serializer writes it.
 *
 * <p>Version 8 appends, per incremental snapshot under way (in version 4's order), the shard's
 * position before its first chunk was read ("" if not known). A chunk given up (its shard stopped
 * serving) has the high watermark "" (any version).
 *
 * <p>Version 9 appends the ids of the shards that finished at their stop (a bounded read), not at a
 * journal.
 */
@Internal
public final class PlanetScaleEnumeratorStateSerializer
        implements SimpleVersionedSerializer<PlanetScaleEnumeratorState> {

    private static final int VERSION = 9;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(PlanetScaleEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(state.unassigned().size());
        for (ShardSplit split : state.unassigned()) {
            byte[] bytes = ShardSplitSerializer.INSTANCE.serialize(split);
            out.writeInt(ShardSplitSerializer.INSTANCE.getVersion());
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        writeStrings(state.assigned(), out);
        writeStrings(state.finished(), out);
        out.writeBoolean(state.initialDiscoveryDone());
        out.writeInt(state.pendingJournals().size());
        for (Binlogdata.Journal journal : state.pendingJournals()) {
            byte[] bytes = journal.toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        out.writeInt(state.resolvedJournals().size());
        for (JournalKey key : state.resolvedJournals()) {
            out.writeUTF(key.toString());
        }
        writeStrings(state.tables(), out);
        out.writeInt(state.snapshotPlans().size());
        for (Map.Entry<String, IncrementalSnapshots.ShardPlan> entry :
                state.snapshotPlans().entrySet()) {
            IncrementalSnapshots.ShardPlan plan = entry.getValue();
            out.writeUTF(entry.getKey());
            out.writeInt(plan.chunks.size());
            for (TableChunk chunk : plan.chunks) {
                ShardSplitSerializer.writeChunk(chunk, out);
            }
            writeStrings(plan.copiedTables, out);
            out.writeInt(plan.highs.size());
            for (Map.Entry<String, String> high : plan.highs.entrySet()) {
                out.writeUTF(high.getKey());
                out.writeUTF(high.getValue());
            }
            out.writeLong(plan.completeAtSnapshot);
        }
        out.writeInt(state.parentSchemas().size());
        for (Map.Entry<String, Map<String, KnownTableSchema>> entry :
                state.parentSchemas().entrySet()) {
            out.writeUTF(entry.getKey());
            ShardSplitSerializer.writeSchemas(entry.getValue(), out);
        }
        out.writeInt(state.parentTables().size());
        for (Map.Entry<String, Set<String>> entry : state.parentTables().entrySet()) {
            out.writeUTF(entry.getKey());
            writeStrings(entry.getValue(), out);
        }
        out.writeInt(state.parentCopies().size());
        for (Map.Entry<String, ShardPosition> entry : state.parentCopies().entrySet()) {
            out.writeUTF(entry.getKey());
            ShardSplitSerializer.writePosition(entry.getValue(), out);
        }
        for (IncrementalSnapshots.ShardPlan plan : state.snapshotPlans().values()) {
            out.writeUTF(plan.plannedAt);
        }
        writeStrings(state.stopped(), out);
        return out.getCopyOfBuffer();
    }

    @Override
    public PlanetScaleEnumeratorState deserialize(int version, byte[] serialized)
            throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException(
                    "Unknown version "
                            + version
                            + " of the PlanetScale enumerator state (known: 1 to "
                            + VERSION
                            + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int count = in.readInt();
        List<ShardSplit> unassigned = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int splitVersion = in.readInt();
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            unassigned.add(ShardSplitSerializer.INSTANCE.deserialize(splitVersion, bytes));
        }
        Set<String> assigned = readStrings(in);
        Set<String> finished = readStrings(in);
        boolean initialDone = in.readBoolean();
        List<Binlogdata.Journal> journals = new ArrayList<>();
        Set<JournalKey> resolved = new LinkedHashSet<>();
        if (version >= 2) {
            int journalCount = in.readInt();
            for (int i = 0; i < journalCount; i++) {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                journals.add(Binlogdata.Journal.parseFrom(bytes));
            }
            int resolvedCount = in.readInt();
            for (int i = 0; i < resolvedCount; i++) {
                resolved.add(readJournalKey(in));
            }
        }
        Set<String> tables = version >= 3 ? readStrings(in) : new LinkedHashSet<>();
        Map<String, IncrementalSnapshots.ShardPlan> plans = new LinkedHashMap<>();
        if (version >= 4) {
            int planCount = in.readInt();
            for (int i = 0; i < planCount; i++) {
                String shardSplitId = in.readUTF();
                int chunkCount = in.readInt();
                List<TableChunk> chunks = new ArrayList<>(chunkCount);
                for (int c = 0; c < chunkCount; c++) {
                    chunks.add(ShardSplitSerializer.readChunk(in));
                }
                Set<String> copied = readStrings(in);
                int highCount = in.readInt();
                Map<String, String> highs = new LinkedHashMap<>();
                for (int h = 0; h < highCount; h++) {
                    highs.put(in.readUTF(), in.readUTF());
                }
                IncrementalSnapshots.ShardPlan plan =
                        new IncrementalSnapshots.ShardPlan(chunks, copied, highs, "");
                plan.completeAtSnapshot = in.readLong();
                plans.put(shardSplitId, plan);
            }
        }
        Map<String, Map<String, KnownTableSchema>> parentSchemas = new LinkedHashMap<>();
        if (version >= 5) {
            int schemaCount = in.readInt();
            for (int i = 0; i < schemaCount; i++) {
                parentSchemas.put(in.readUTF(), ShardSplitSerializer.readSchemas(in));
            }
        }
        Map<String, Set<String>> parentTables = new LinkedHashMap<>();
        if (version >= 6) {
            int parentCount = in.readInt();
            for (int i = 0; i < parentCount; i++) {
                parentTables.put(in.readUTF(), readStrings(in));
            }
        }
        Map<String, ShardPosition> parentCopies = new LinkedHashMap<>();
        if (version >= 7) {
            int copyCount = in.readInt();
            for (int i = 0; i < copyCount; i++) {
                parentCopies.put(in.readUTF(), ShardSplitSerializer.readPosition(in));
            }
        }
        if (version >= 8) {
            for (Map.Entry<String, IncrementalSnapshots.ShardPlan> entry : plans.entrySet()) {
                IncrementalSnapshots.ShardPlan plan = entry.getValue();
                IncrementalSnapshots.ShardPlan positioned =
                        new IncrementalSnapshots.ShardPlan(
                                plan.chunks, plan.copiedTables, plan.highs, in.readUTF());
                positioned.completeAtSnapshot = plan.completeAtSnapshot;
                entry.setValue(positioned);
            }
        }
        Set<String> stopped = version >= 9 ? readStrings(in) : new LinkedHashSet<>();
        return new PlanetScaleEnumeratorState(
                unassigned,
                assigned,
                finished,
                initialDone,
                journals,
                resolved,
                tables,
                plans,
                parentSchemas,
                parentTables,
                parentCopies,
                stopped);
    }

    private static JournalKey readJournalKey(DataInputView in) throws IOException {
        String rendered = in.readUTF();
        try {
            return JournalKey.parse(rendered);
        } catch (IllegalArgumentException e) {
            throw new IOException("Corrupt enumerator state: " + e.getMessage(), e);
        }
    }

    private static void writeStrings(Set<String> values, DataOutputView out) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            out.writeUTF(value);
        }
    }

    private static Set<String> readStrings(DataInputView in) throws IOException {
        int count = in.readInt();
        Set<String> values = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            values.add(in.readUTF());
        }
        return values;
    }
}
