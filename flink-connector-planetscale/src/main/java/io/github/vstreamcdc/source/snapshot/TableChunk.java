package io.github.vstreamcdc.source.snapshot;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One primary-key range of one table on one shard: the rows with {@code lower <= key < upper} (an
 * open end when null), read by a SELECT and brought to a binlog position by the incremental
 * snapshot. Keys are the MySQL text values of the key columns, in key order.
 */
@Internal
public final class TableChunk {

    /** Between a shard's split id and a chunk's table and number in the chunk's split id. */
    public static final String ID_SEPARATOR = "#";

    private final String table;
    private final int index;
    private final List<String> keyColumns;
    private final List<KeyKind> keyKinds;
    @Nullable private final byte[][] lower;
    @Nullable private final byte[][] upper;

    public TableChunk(
            String table,
            int index,
            List<String> keyColumns,
            List<KeyKind> keyKinds,
            @Nullable byte[][] lower,
            @Nullable byte[][] upper) {
        this.table = Objects.requireNonNull(table, "table");
        this.index = index;
        this.keyColumns = Collections.unmodifiableList(new ArrayList<>(keyColumns));
        this.keyKinds = Collections.unmodifiableList(new ArrayList<>(keyKinds));
        this.lower = lower;
        this.upper = upper;
    }

    public String table() {
        return table;
    }

    /** The chunk's number within its table, from 0 in key order. */
    public int index() {
        return index;
    }

    public List<String> keyColumns() {
        return keyColumns;
    }

    public List<KeyKind> keyKinds() {
        return keyKinds;
    }

    /** The smallest key of the chunk; null for the table's first chunk. */
    @Nullable
    public byte[][] lower() {
        return lower;
    }

    /** The smallest key after the chunk; null for the table's last chunk. */
    @Nullable
    public byte[][] upper() {
        return upper;
    }

    /** Whether the key (text values in key order, none null) falls into this chunk. */
    public boolean contains(byte[][] key) {
        return (lower == null || compare(keyKinds, key, lower) >= 0)
                && (upper == null || compare(keyKinds, key, upper) < 0);
    }

    /** Compares two keys column by column, as MySQL orders the primary key. */
    static int compare(List<KeyKind> kinds, byte[][] a, byte[][] b) {
        for (int i = 0; i < kinds.size(); i++) {
            int c = kinds.get(i).compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The chunk's split id on the shard of split id {@code shardSplitId}. */
    public String splitId(String shardSplitId) {
        return shardSplitId + ID_SEPARATOR + table + ID_SEPARATOR + index;
    }

    /** The shard's split id of a split id, the split id itself unless it is a chunk's. */
    public static String shardSplitId(String splitId) {
        int at = splitId.indexOf(ID_SEPARATOR);
        return at < 0 ? splitId : splitId.substring(0, at);
    }

    /** Whether a split id is a chunk's. */
    public static boolean isChunkId(String splitId) {
        return splitId.contains(ID_SEPARATOR);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TableChunk)) {
            return false;
        }
        TableChunk that = (TableChunk) o;
        return index == that.index
                && table.equals(that.table)
                && keyColumns.equals(that.keyColumns)
                && keyKinds.equals(that.keyKinds)
                && Arrays.deepEquals(lower, that.lower)
                && Arrays.deepEquals(upper, that.upper);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                table,
                index,
                keyColumns,
                keyKinds,
                Arrays.deepHashCode(lower),
                Arrays.deepHashCode(upper));
    }

    @Override
    public String toString() {
        return table + " chunk " + index + " [" + render(lower) + ", " + render(upper) + ")";
    }

    private static String render(@Nullable byte[][] key) {
        if (key == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < key.length; i++) {
            sb.append(i == 0 ? "" : ",").append(new String(key[i], StandardCharsets.UTF_8));
        }
        return sb.append(')').toString();
    }
}
