package io.github.vstreamcdc.source.reader.deserializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;
import org.apache.flink.types.RowKind;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes one row in Flink's binary row format ({@link BinaryRowData}: a header byte and null bits,
 * an 8-byte slot per field, then the variable-length part) into an array, for the types whose
 * values fit the slot or are byte strings ({@link #isSimple}). A builder may write one row after
 * another into the same array and row object ({@link #restart}), for records that Flink copies or
 * serializes as soon as they are emitted ({@link SourceOutputCollector}): no allocation per row
 * then, unless a row outgrows the array.
 *
 * <p>Why not Flink's {@code BinaryRowWriter}: per row it allocates a writer and a segment, wraps
 * every string in objects of its own and copies it with {@code Unsafe}'s checked copy: converting
 * the benchmark's row of five columns took about 135 ns with it, 100 ns with this class. The layout
 * is the one {@code BinaryRowWriter} writes, byte for byte (see the test), which Flink keeps
 * stable: it is the format of SQL jobs' state.
 */
@Internal
final class BinaryRowBuilder {

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** Bits of the header (the row kind) before the null bits. */
    private static final int HEADER_BITS = 8;

    /** A restarted builder keeps an array of up to this size, or four times its row's. */
    private static final int MAX_KEPT_BYTES = 1 << 20;

    /** Byte strings of up to this many bytes live in their slot. */
    private static final int MAX_INLINE_BYTES = 7;

    private final int arity;
    private final int nullBitsBytes;
    private byte[] bytes;
    private int cursor;
    private BinaryRowData row;

    /** The segment over {@link #bytes} that {@link #row} points to; null before the first. */
    private MemorySegment[] segments;

    /**
     * @param arity the row's number of fields
     * @param variableBytes the expected size of the variable-length part (it grows if needed)
     */
    BinaryRowBuilder(int arity, int variableBytes) {
        this.arity = arity;
        this.nullBitsBytes = BinaryRowData.calculateBitSetWidthInBytes(arity);
        this.cursor = nullBitsBytes + 8 * arity;
        this.bytes = new byte[cursor + variableBytes];
    }

    /**
     * Starts a new row in this builder's row object (the row built before is overwritten), in its
     * array if that fits. The fixed part is cleared; the variable part needs no clearing, as each
     * value clears its padding. An array far larger than the row (left by one huge row) is let go.
     *
     * @param variableBytes the expected size of the variable-length part (it grows if needed)
     */
    void restart(int variableBytes) {
        int fixed = nullBitsBytes + 8 * arity;
        int needed = fixed + variableBytes;
        if (bytes.length < needed || (bytes.length > MAX_KEPT_BYTES && bytes.length / 4 > needed)) {
            bytes = new byte[needed];
        } else {
            // 8 bytes at a time (the fixed part is whole words): cheaper than Arrays.fill's call
            // into the JDK's fill routine for these few bytes.
            for (int i = 0; i < fixed; i += 8) {
                LONGS.set(bytes, i, 0L);
            }
        }
        cursor = fixed;
    }

    /** Whether {@link #writeValue} writes values of a type (without Flink's serializers). */
    static boolean isSimple(LogicalType type) {
        switch (type.getTypeRoot()) {
            case BOOLEAN:
            case TINYINT:
            case SMALLINT:
            case INTEGER:
            case DATE:
            case TIME_WITHOUT_TIME_ZONE:
            case BIGINT:
            case FLOAT:
            case DOUBLE:
            case CHAR:
            case VARCHAR:
            case BINARY:
            case VARBINARY:
                return true;
            case DECIMAL:
                return DecimalData.isCompact(LogicalTypeChecks.getPrecision(type));
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return TimestampData.isCompact(LogicalTypeChecks.getPrecision(type));
            default:
                return false;
        }
    }

    /** Whether values of a type are byte strings (their slot may point to the variable part). */
    static boolean isByteString(LogicalType type) {
        switch (type.getTypeRoot()) {
            case CHAR:
            case VARCHAR:
            case BINARY:
            case VARBINARY:
                return true;
            default:
                return false;
        }
    }

    private int slot(int pos) {
        return nullBitsBytes + 8 * pos;
    }

    void setNull(int pos) {
        int bit = pos + HEADER_BITS;
        bytes[bit >>> 3] |= (byte) (1 << (bit & 7));
    }

    void writeLong(int pos, long value) {
        LONGS.set(bytes, slot(pos), value);
    }

    void writeInt(int pos, int value) {
        INTS.set(bytes, slot(pos), value);
    }

    void writeShort(int pos, short value) {
        SHORTS.set(bytes, slot(pos), value);
    }

    void writeByte(int pos, byte value) {
        bytes[slot(pos)] = value;
    }

    /** A byte string (text or binary): in its slot if short, else in the variable part. */
    void writeBytes(int pos, byte[] source, int offset, int length) {
        if (length <= MAX_INLINE_BYTES) {
            long inline = 0;
            for (int i = 0; i < length; i++) {
                long b = source[offset + i] & 0xFFL;
                inline |= LITTLE_ENDIAN ? b << (8 * i) : b << (8 * (6 - i));
            }
            writeLong(pos, ((0x80L | length) << 56) | inline);
            return;
        }
        int rounded = (length + 7) & ~7;
        if (cursor + rounded > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(cursor + rounded, 2 * bytes.length));
        }
        // The padding after the value is zero, as Flink's writer leaves it: rows are compared and
        // hashed by their bytes, and a restarted array holds an earlier row's.
        LONGS.set(bytes, cursor + rounded - 8, 0L);
        System.arraycopy(source, offset, bytes, cursor, length);
        writeLong(pos, ((long) cursor << 32) | length);
        cursor += rounded;
    }

    /**
     * Writes a non-null value of Flink's internal data structures of a type that {@link #isSimple}.
     */
    void writeValue(int pos, LogicalType type, Object value) {
        switch (type.getTypeRoot()) {
            case BOOLEAN:
                writeByte(pos, (byte) ((Boolean) value ? 1 : 0));
                break;
            case TINYINT:
                writeByte(pos, (Byte) value);
                break;
            case SMALLINT:
                writeShort(pos, (Short) value);
                break;
            case INTEGER:
            case DATE:
            case TIME_WITHOUT_TIME_ZONE:
                writeInt(pos, (Integer) value);
                break;
            case BIGINT:
                writeLong(pos, (Long) value);
                break;
            case FLOAT:
                writeInt(pos, Float.floatToRawIntBits((Float) value));
                break;
            case DOUBLE:
                writeLong(pos, Double.doubleToRawLongBits((Double) value));
                break;
            case CHAR:
            case VARCHAR:
                byte[] text = ((BinaryStringData) (StringData) value).toBytes();
                writeBytes(pos, text, 0, text.length);
                break;
            case BINARY:
            case VARBINARY:
                byte[] binary = (byte[]) value;
                writeBytes(pos, binary, 0, binary.length);
                break;
            case DECIMAL:
                writeLong(pos, ((DecimalData) value).toUnscaledLong());
                break;
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                writeLong(pos, ((TimestampData) value).getMillisecond());
                break;
            default:
                throw new IllegalArgumentException("Not a simple type: " + type);
        }
    }

    boolean isNull(int pos) {
        int bit = pos + HEADER_BITS;
        return (bytes[bit >>> 3] & (1 << (bit & 7))) != 0;
    }

    /**
     * Copies a field's slot from a row of the same arity: only for values that live in their slot
     * (numbers, dates, compact decimals and timestamps), not byte strings, whose slot may point
     * into the other row's variable part.
     */
    void copySlot(int pos, BinaryRowBuilder from) {
        LONGS.set(bytes, slot(pos), (long) LONGS.get(from.bytes, from.slot(pos)));
    }

    /**
     * Whether two ranges of {@code length} bytes are equal, read 8 or 4 bytes at a time (the last
     * read may overlap the one before): whether an update's after image holds a value's text of its
     * before image, so that the value's slot may be copied ({@link #copySlot}) instead of parsed
     * again. These values are short (a number's or a date-time's text): {@code Arrays.equals} on
     * ranges checks them and, from 8 bytes, calls the JDK's vectorized comparison (made for long
     * arrays), which cost about as much as parsing the value again.
     */
    static boolean sameBytes(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        if (length >= 8) {
            int last = length - 8;
            for (int i = 0; i < last; i += 8) {
                if ((long) LONGS.get(a, aOffset + i) != (long) LONGS.get(b, bOffset + i)) {
                    return false;
                }
            }
            return (long) LONGS.get(a, aOffset + last) == (long) LONGS.get(b, bOffset + last);
        }
        if (length >= 4) {
            int last = length - 4;
            return (int) INTS.get(a, aOffset) == (int) INTS.get(b, bOffset)
                    && (int) INTS.get(a, aOffset + last) == (int) INTS.get(b, bOffset + last);
        }
        for (int i = 0; i < length; i++) {
            if (a[aOffset + i] != b[bOffset + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The row, of the given kind; the builder is done (its values stay readable) until it is {@link
     * #restart}ed, which reuses the row object.
     */
    BinaryRowData build(RowKind kind) {
        // The header byte, as BinaryRowData#setRowKind writes it, without a segment's checks.
        bytes[0] = kind.toByteValue();
        if (row == null) {
            row = new BinaryRowData(arity);
        }
        if (segments == null || segments[0].getArray() != bytes) {
            segments = new MemorySegment[] {MemorySegmentFactory.wrap(bytes)};
        }
        // The array form: pointTo(MemorySegment, ...) would wrap the segment in a new array.
        row.pointTo(segments, 0, cursor);
        return row;
    }

    /** The size of the row's variable-length part so far. */
    int variableBytes() {
        return cursor - nullBitsBytes - 8 * arity;
    }

    /** What {@link #build} returned. */
    BinaryRowData row() {
        return row;
    }
}
