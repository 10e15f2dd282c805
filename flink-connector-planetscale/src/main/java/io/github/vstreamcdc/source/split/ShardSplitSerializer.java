package io.github.vstreamcdc.source.split;

import io.github.vstreamcdc.source.snapshot.KeyKind;
import io.github.vstreamcdc.source.snapshot.SnapshotCatchUp;
import io.github.vstreamcdc.source.snapshot.TableChunk;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Versioned serializer of {@link ShardSplit}. New versions append fields; every version keeps a
 * round-trip test.
 *
 * <p>Version 1: keyspace, shard, gtid, table last PKs (protobuf bytes, fields included), tables
 * still to copy, rows to skip, snapshot-only flag, parent shards.
 *
 * <p>Version 2 appends the reshard journal a finished split ended at (flag + protobuf bytes).
 *
 * <p>Version 3 appends the bounds (start time, stop position as flag + text, stop-at-latest flag,
 * stop time; times in epoch millis, -1 for none) and whether the split ended at its stop.
 *
 * <p>Version 4 appends the tables the split's stream reads (a split of an older version reads what
 * {@code table-name} matches).
 *
 * <p>Version 5 appends the known table schemas: per table its name, the fields of its last FIELD
 * event (flag, count, protobuf bytes each) and the DDL read since (flag + UTF-8 bytes).
 *
 * <p>Version 6 appends the incremental snapshot's parts: the chunk the split reads (flag + chunk)
 * and the chunks its binlog joins (flag, count, chunk + high watermark each). A chunk is its table,
 * number, key columns with their kinds, and lower and upper key (flag + values each).
 */
@Internal
public final class ShardSplitSerializer implements SimpleVersionedSerializer<ShardSplit> {

    public static final ShardSplitSerializer INSTANCE = new ShardSplitSerializer();

    private static final int VERSION = 6;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ShardSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public ShardSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException(
                    "Unknown version "
                            + version
                            + " of a PlanetScale shard split (known: 1 to "
                            + VERSION
                            + ")");
        }
        return read(new DataInputDeserializer(serialized), version);
    }

    private static void write(ShardSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.keyspace());
        out.writeUTF(split.shard());
        writePosition(split.position(), out);
        out.writeLong(split.rowsToSkip());
        out.writeBoolean(split.snapshotOnly());
        writeStrings(split.parentShards(), out);
        Binlogdata.Journal journal = split.finishedAt();
        out.writeBoolean(journal != null);
        if (journal != null) {
            byte[] bytes = journal.toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        SplitBounds bounds = split.bounds();
        out.writeLong(bounds.startTimestampMillis());
        out.writeBoolean(bounds.stopGtid() != null);
        if (bounds.stopGtid() != null) {
            out.writeUTF(bounds.stopGtid());
        }
        out.writeBoolean(bounds.stopAtLatest());
        out.writeLong(bounds.stopTimestampMillis());
        out.writeBoolean(split.stopped());
        writeStrings(split.tables(), out);
        writeSchemas(split.schemas(), out);
        out.writeBoolean(split.chunk() != null);
        if (split.chunk() != null) {
            writeChunk(split.chunk(), out);
        }
        SnapshotCatchUp catchUp = split.catchUp();
        out.writeBoolean(catchUp != null);
        if (catchUp != null) {
            out.writeInt(catchUp.chunks().size());
            for (SnapshotCatchUp.Chunk chunk : catchUp.chunks()) {
                writeChunk(chunk.chunk(), out);
                out.writeUTF(chunk.high());
            }
        }
    }

    /** Writes a chunk of an incremental snapshot (also for the enumerator's state). */
    public static void writeChunk(TableChunk chunk, DataOutputView out) throws IOException {
        out.writeUTF(chunk.table());
        out.writeInt(chunk.index());
        writeStrings(chunk.keyColumns(), out);
        for (KeyKind kind : chunk.keyKinds()) {
            out.writeUTF(kind.name());
        }
        writeKey(chunk.lower(), out);
        writeKey(chunk.upper(), out);
    }

    /** Reads what {@link #writeChunk} wrote. */
    public static TableChunk readChunk(DataInputView in) throws IOException {
        String table = in.readUTF();
        int index = in.readInt();
        List<String> columns = readStrings(in);
        List<KeyKind> kinds = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            kinds.add(KeyKind.valueOf(in.readUTF()));
        }
        byte[][] lower = readKey(in);
        byte[][] upper = readKey(in);
        return new TableChunk(table, index, columns, kinds, lower, upper);
    }

    private static void writeKey(byte[][] key, DataOutputView out) throws IOException {
        out.writeBoolean(key != null);
        if (key != null) {
            out.writeInt(key.length);
            for (byte[] value : key) {
                writeBytes(value, out);
            }
        }
    }

    private static byte[][] readKey(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        byte[][] key = new byte[in.readInt()][];
        for (int i = 0; i < key.length; i++) {
            key[i] = readBytes(in);
        }
        return key;
    }

    /** Per table, its known schema (the split's {@link ShardSplit#schemas()}). */
    public static void writeSchemas(Map<String, KnownTableSchema> schemas, DataOutputView out)
            throws IOException {
        out.writeInt(schemas.size());
        for (Map.Entry<String, KnownTableSchema> entry : schemas.entrySet()) {
            out.writeUTF(entry.getKey());
            writeSchema(entry.getValue(), out);
        }
    }

    /** What {@link #writeSchemas} wrote. */
    public static Map<String, KnownTableSchema> readSchemas(DataInputView in) throws IOException {
        Map<String, KnownTableSchema> schemas = new TreeMap<>();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String table = in.readUTF();
            schemas.put(table, readSchema(in));
        }
        return schemas;
    }

    private static void writeSchema(KnownTableSchema schema, DataOutputView out)
            throws IOException {
        List<Query.Field> fields = schema.fields();
        out.writeBoolean(fields != null);
        if (fields != null) {
            out.writeInt(fields.size());
            for (Query.Field field : fields) {
                writeBytes(field.toByteArray(), out);
            }
        }
        String ddl = schema.pendingDdl();
        out.writeBoolean(ddl != null);
        if (ddl != null) {
            writeBytes(ddl.getBytes(StandardCharsets.UTF_8), out);
        }
    }

    private static KnownTableSchema readSchema(DataInputView in) throws IOException {
        List<Query.Field> fields = null;
        if (in.readBoolean()) {
            int count = in.readInt();
            fields = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                fields.add(Query.Field.parseFrom(readBytes(in)));
            }
        }
        String ddl = in.readBoolean() ? new String(readBytes(in), StandardCharsets.UTF_8) : null;
        return KnownTableSchema.restored(fields, ddl);
    }

    private static void writeBytes(byte[] bytes, DataOutputView out) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }

    private static ShardSplit read(DataInputView in, int version) throws IOException {
        String keyspace = in.readUTF();
        String shard = in.readUTF();
        ShardPosition position = readPosition(in);
        long rowsToSkip = in.readLong();
        boolean snapshotOnly = in.readBoolean();
        List<String> parents = readStrings(in);
        Binlogdata.Journal journal = null;
        if (version >= 2 && in.readBoolean()) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            journal = Binlogdata.Journal.parseFrom(bytes);
        }
        SplitBounds bounds = SplitBounds.NONE;
        boolean stopped = false;
        if (version >= 3) {
            long start = in.readLong();
            String stopGtid = in.readBoolean() ? in.readUTF() : null;
            boolean stopAtLatest = in.readBoolean();
            long stop = in.readLong();
            bounds = new SplitBounds(start, stopGtid, stopAtLatest, stop);
            stopped = in.readBoolean();
        }
        Set<String> tables =
                version >= 4 ? new LinkedHashSet<>(readStrings(in)) : Collections.emptySet();
        Map<String, KnownTableSchema> schemas = version >= 5 ? readSchemas(in) : new TreeMap<>();
        ShardSplit split =
                new ShardSplit(
                                keyspace,
                                shard,
                                position,
                                rowsToSkip,
                                snapshotOnly,
                                parents,
                                journal,
                                bounds,
                                stopped,
                                tables)
                        .withSchemas(schemas);
        if (version >= 6) {
            if (in.readBoolean()) {
                split = split.withChunk(readChunk(in));
            }
            if (in.readBoolean()) {
                int count = in.readInt();
                List<SnapshotCatchUp.Chunk> chunks = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    TableChunk chunk = readChunk(in);
                    chunks.add(new SnapshotCatchUp.Chunk(chunk, in.readUTF()));
                }
                split = split.withCatchUp(new SnapshotCatchUp(chunks));
            }
        }
        return split;
    }

    /** Writes a position (also of a split in other state: events, the enumerator's). */
    public static void writePosition(ShardPosition position, DataOutputView out)
            throws IOException {
        out.writeUTF(position.gtid());
        out.writeInt(position.tablePKs().size());
        for (Binlogdata.TableLastPK pk : position.tablePKs()) {
            byte[] bytes = pk.toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        writeStrings(position.remainingTables(), out);
    }

    /** What {@link #writePosition} wrote. */
    public static ShardPosition readPosition(DataInputView in) throws IOException {
        String gtid = in.readUTF();
        int count = in.readInt();
        List<Binlogdata.TableLastPK> pks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            pks.add(Binlogdata.TableLastPK.parseFrom(bytes));
        }
        Set<String> remaining = new LinkedHashSet<>(readStrings(in));
        return new ShardPosition(gtid, pks, remaining);
    }

    private static void writeStrings(java.util.Collection<String> values, DataOutputView out)
            throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            out.writeUTF(value);
        }
    }

    private static List<String> readStrings(DataInputView in) throws IOException {
        int count = in.readInt();
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(in.readUTF());
        }
        return values;
    }
}
