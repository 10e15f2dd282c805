package io.github.vstreamcdc.source.snapshot;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.client.GtidSet;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shard's binlog right after an incremental snapshot: it starts at the earliest high watermark
 * of the shard's chunks, and a row change is dropped when the chunk its key falls into already
 * holds it, that is, when the chunk's high watermark contains the change's transaction. Once the
 * stream has passed every high watermark, nothing is dropped any more (see {@link #passedBy}).
 *
 * <p>An update that moves a key from one chunk to another can be held by one of them only: it then
 * becomes the insert of the new row or the delete of the old one, whichever the snapshot lacks.
 *
 * <p>A chunk given up (high watermark {@link #GIVEN_UP}: its shard stopped serving before it was
 * read, a reshard cut over) holds every change of its range: the stream drops them all, and never
 * passes the high watermarks; its table is copied by the reshard's new shards ({@link
 * #givenUpTables}).
 */
@Internal
public final class SnapshotCatchUp {

    /** The high watermark of a chunk given up. */
    public static final String GIVEN_UP = "";

    private final Map<String, List<Chunk>> chunksByTable;
    private final List<String> highs;

    private transient Map<String, GtidSet> parsedHighs;

    /** The last transaction position parsed: the rows of a transaction share it. */
    private transient String lastPosition;

    private transient GtidSet lastTransaction;
    private transient Map<List<ColumnDescription>, int[]> keyIndexes;

    /** A finished chunk and the high watermark its rows were brought to. */
    public static final class Chunk {
        final TableChunk chunk;
        final String high;

        public Chunk(TableChunk chunk, String high) {
            this.chunk = Objects.requireNonNull(chunk, "chunk");
            this.high = Objects.requireNonNull(high, "high");
        }

        public TableChunk chunk() {
            return chunk;
        }

        public String high() {
            return high;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Chunk
                    && chunk.equals(((Chunk) o).chunk)
                    && high.equals(((Chunk) o).high);
        }

        @Override
        public int hashCode() {
            return Objects.hash(chunk, high);
        }
    }

    public SnapshotCatchUp(List<Chunk> chunks) {
        Map<String, List<Chunk>> byTable = new LinkedHashMap<>();
        List<String> allHighs = new ArrayList<>();
        for (Chunk chunk : chunks) {
            byTable.computeIfAbsent(chunk.chunk.table(), t -> new ArrayList<>()).add(chunk);
            if (!allHighs.contains(chunk.high)) {
                allHighs.add(chunk.high);
            }
        }
        byTable.values().forEach(list -> list.sort((a, b) -> a.chunk.index() - b.chunk.index()));
        this.chunksByTable = byTable;
        this.highs = allHighs;
    }

    /** The chunks, by table and then in key order. */
    public List<Chunk> chunks() {
        List<Chunk> all = new ArrayList<>();
        chunksByTable.values().forEach(all::addAll);
        return Collections.unmodifiableList(all);
    }

    /**
     * The position the shard's stream starts from: the high watermark every other one contains;
     * null if they do not line up so (then the snapshot cannot be joined to the binlog).
     */
    @Nullable
    public String startPosition() {
        for (String candidate : highs) {
            if (candidate.equals(GIVEN_UP)) {
                continue;
            }
            boolean earliest = true;
            for (String other : highs) {
                if (other.equals(GIVEN_UP)) {
                    continue;
                }
                if (!GtidSet.contains(other, candidate)) {
                    earliest = false;
                    break;
                }
            }
            if (earliest) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether the stream at this position has passed every high watermark. */
    public boolean passedBy(String position) {
        GtidSet at = GtidSet.parseMysql56(position);
        if (at == null) {
            return false;
        }
        for (String high : highs) {
            if (high.equals(GIVEN_UP) || !at.contains(parsed(high))) {
                return false;
            }
        }
        return true;
    }

    /** The tables with a chunk given up: the reshard's new shards copy them. */
    public Set<String> givenUpTables() {
        Set<String> tables = new TreeSet<>();
        chunksByTable.forEach(
                (table, chunks) -> {
                    for (Chunk chunk : chunks) {
                        if (chunk.high.equals(GIVEN_UP)) {
                            tables.add(table);
                        }
                    }
                });
        return tables;
    }

    /** Whether rows of this table are checked against the chunks. */
    public boolean covers(String table) {
        return chunksByTable.containsKey(table);
    }

    /**
     * The row change as the stream hands it over: itself, null when the snapshot already holds it,
     * or the part of an update that the snapshot lacks.
     *
     * @param row a binlog row change with the position of its transaction
     */
    @Nullable
    public RowChangeEvent apply(RowChangeEvent row) {
        List<Chunk> chunks = chunksByTable.get(row.table());
        if (chunks == null || row.position() == null || row.isSnapshot()) {
            return row;
        }
        if (!row.position().equals(lastPosition)) {
            lastTransaction = GtidSet.parseMysql56(row.position());
            lastPosition = row.position();
        }
        GtidSet transaction = lastTransaction;
        if (transaction == null) {
            return row;
        }
        int[] key = keyIndexes(row.columns(), chunks.get(0).chunk.keyColumns());
        if (key == null) {
            return row; // the key columns are not in the row: nothing to compare
        }
        boolean beforeHeld = row.before() != null && held(chunks, key, row.before(), transaction);
        boolean afterHeld = row.after() != null && held(chunks, key, row.after(), transaction);
        switch (row.op()) {
            case INSERT:
                return afterHeld ? null : row;
            case DELETE:
                return beforeHeld ? null : row;
            default:
                if (beforeHeld && afterHeld) {
                    return null;
                }
                if (!beforeHeld && !afterHeld) {
                    return row;
                }
                return beforeHeld
                        ? changed(row, RowChangeEvent.Op.INSERT, null, row.after())
                        : changed(row, RowChangeEvent.Op.DELETE, row.before(), null);
        }
    }

    private static RowChangeEvent changed(
            RowChangeEvent row, RowChangeEvent.Op op, byte[][] before, byte[][] after) {
        return new RowChangeEvent(
                row.keyspace(),
                row.shard(),
                row.table(),
                op,
                row.columns(),
                before,
                after,
                row.commitTimeMillis(),
                row.position(),
                row.transactionSeq());
    }

    private boolean held(List<Chunk> chunks, int[] keyIndex, byte[][] image, GtidSet transaction) {
        byte[][] key = new byte[keyIndex.length][];
        for (int i = 0; i < keyIndex.length; i++) {
            key[i] = image[keyIndex[i]];
            if (key[i] == null) {
                return false;
            }
        }
        Chunk chunk = find(chunks, key);
        return chunk != null
                && (chunk.high.equals(GIVEN_UP) || parsed(chunk.high).contains(transaction));
    }

    /** The chunk whose range holds the key, by binary search over the ranges in key order. */
    @Nullable
    private static Chunk find(List<Chunk> chunks, byte[][] key) {
        int low = 0;
        int high = chunks.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            TableChunk chunk = chunks.get(mid).chunk;
            if (chunk.lower() != null
                    && TableChunk.compare(chunk.keyKinds(), key, chunk.lower()) < 0) {
                high = mid - 1;
            } else if (chunk.upper() != null
                    && TableChunk.compare(chunk.keyKinds(), key, chunk.upper()) >= 0) {
                low = mid + 1;
            } else {
                return chunks.get(mid);
            }
        }
        return null;
    }

    @Nullable
    private int[] keyIndexes(List<ColumnDescription> columns, List<String> keyColumns) {
        if (keyIndexes == null) {
            keyIndexes = new IdentityHashMap<>();
        }
        int[] cached = keyIndexes.get(columns);
        if (cached != null) {
            return cached.length == 0 ? null : cached;
        }
        int[] indexes = new int[keyColumns.size()];
        for (int k = 0; k < keyColumns.size(); k++) {
            indexes[k] = -1;
            for (int c = 0; c < columns.size(); c++) {
                if (columns.get(c).name().equalsIgnoreCase(keyColumns.get(k))) {
                    indexes[k] = c;
                    break;
                }
            }
            if (indexes[k] < 0) {
                keyIndexes.put(columns, new int[0]);
                return null;
            }
        }
        keyIndexes.put(columns, indexes);
        return indexes;
    }

    private GtidSet parsed(String high) {
        if (parsedHighs == null) {
            parsedHighs = new LinkedHashMap<>();
        }
        return parsedHighs.computeIfAbsent(
                high,
                h -> {
                    GtidSet set = GtidSet.parseMysql56(h);
                    if (set == null) {
                        throw new IllegalStateException("Not a MySQL GTID position: " + h);
                    }
                    return set;
                });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotCatchUp
                && chunksByTable.equals(((SnapshotCatchUp) o).chunksByTable);
    }

    @Override
    public int hashCode() {
        return chunksByTable.hashCode();
    }

    @Override
    public String toString() {
        int count = 0;
        for (List<Chunk> list : chunksByTable.values()) {
            count += list.size();
        }
        return count + " snapshot chunks of " + chunksByTable.keySet();
    }
}
