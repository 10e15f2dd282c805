package io.github.vstreamcdc.source.event;

import io.github.vstreamcdc.source.split.KnownTableSchema;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplitSerializer;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import javax.annotation.Nullable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reader to enumerator: a shard's split has ended at a reshard's JOURNAL, which names the shards
 * that replace it and where they start, at the stop of a bounded read (no journal), or a chunk of
 * an incremental snapshot was read (no journal; its position is the chunk's high watermark).
 * (Snapshot splits, which end with their copy phase, are not reported.)
 *
 * <p>Readers send it again after a restore for every finished split still in their state, so a lost
 * event cannot stall the shards that replace it.
 */
@Internal
public final class ShardFinishedEvent implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final String splitId;

    /** What {@link ShardFinishedAck#journalKey()} carries for a split that ended at its stop. */
    public static final String STOP_KEY = "stop";

    /**
     * The JOURNAL event's journal, as protobuf bytes (a SourceEvent must be Serializable); null for
     * a split that ended at its stop.
     */
    @Nullable private final byte[] journal;

    /** The split's position when it ended: for a snapshot chunk, its high watermark. */
    @Nullable private final String position;

    /**
     * The table schemas the split knew when it ended at a journal ({@link
     * ShardSplitSerializer#writeSchemas}): the shards that replace it start knowing them, so that a
     * schema change they see first is told as one. Null: none.
     */
    @Nullable private final byte[] schemas;

    /**
     * The tables the split read when it ended at a journal: the shards that replace it start with
     * them (a table the source added since is copied on them). Null: none told.
     */
    @Nullable private final String[] tables;

    /**
     * The split's position ({@link ShardSplitSerializer#writePosition}) when it ended at a journal
     * while copying: the tables still to copy and how far each got, which the shards that replace
     * it copy on from. Null: the split was not copying.
     */
    @Nullable private final byte[] copy;

    public ShardFinishedEvent(String splitId, @Nullable Binlogdata.Journal journal) {
        this(splitId, journal, null, Collections.emptyMap(), Collections.emptySet(), null);
    }

    public ShardFinishedEvent(
            String splitId,
            @Nullable Binlogdata.Journal journal,
            @Nullable String position,
            Map<String, KnownTableSchema> schemas,
            Set<String> tables,
            @Nullable ShardPosition copy) {
        this.splitId = Objects.requireNonNull(splitId);
        this.journal = journal == null ? null : journal.toByteArray();
        this.position = position;
        this.schemas =
                schemas.isEmpty()
                        ? null
                        : encode(out -> ShardSplitSerializer.writeSchemas(schemas, out));
        this.tables = tables.isEmpty() ? null : tables.toArray(new String[0]);
        this.copy =
                copy == null || !copy.isCopying()
                        ? null
                        : encode(out -> ShardSplitSerializer.writePosition(copy, out));
    }

    /**
     * The split's position when it ended at a journal while copying (tables still to copy, how far
     * each got); null if it was not copying.
     */
    @Nullable
    public ShardPosition copy() {
        if (copy == null) {
            return null;
        }
        try {
            return ShardSplitSerializer.readPosition(new DataInputDeserializer(copy));
        } catch (IOException e) {
            throw new IllegalStateException("Corrupt copy position in " + this, e);
        }
    }

    /** The tables the split read when it ended at a journal (empty: not told). */
    public Set<String> tables() {
        return tables == null
                ? Collections.emptySet()
                : Collections.unmodifiableSet(new TreeSet<>(Arrays.asList(tables)));
    }

    private interface Writer {
        void write(DataOutputSerializer out) throws IOException;
    }

    private static byte[] encode(Writer writer) {
        DataOutputSerializer out = new DataOutputSerializer(256);
        try {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.getCopyOfBuffer();
    }

    /** The table schemas the split knew when it ended (empty for none). */
    public Map<String, KnownTableSchema> schemas() {
        if (schemas == null) {
            return Collections.emptyMap();
        }
        try {
            return ShardSplitSerializer.readSchemas(new DataInputDeserializer(schemas));
        } catch (IOException e) {
            throw new IllegalStateException("Corrupt schemas in " + this, e);
        }
    }

    /** The split's position when it ended (a snapshot chunk's high watermark); may be null. */
    @Nullable
    public String position() {
        return position;
    }

    public String splitId() {
        return splitId;
    }

    /** The reshard journal that ended the split; null if it ended at its stop. */
    @Nullable
    public Binlogdata.Journal journal() {
        if (journal == null) {
            return null;
        }
        try {
            return Binlogdata.Journal.parseFrom(journal);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Corrupt journal in " + this, e);
        }
    }

    /**
     * The rendered {@link JournalKey} of a journal, as {@link ShardFinishedAck#journalKey()}
     * carries it; {@link #STOP_KEY} for none (a split that ended at its stop).
     */
    public static String journalKey(@Nullable Binlogdata.Journal journal) {
        return journal == null ? STOP_KEY : JournalKey.of(journal).toString();
    }

    @Override
    public String toString() {
        return "ShardFinishedEvent{"
                + splitId
                + (journal == null ? ", at its stop}" : ", at a journal}");
    }
}
