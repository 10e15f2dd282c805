package io.github.vstreamcdc.source.api;

import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The column values of one row image as VStream sends them (a {@code query.Row}): each value at an
 * offset with a length ({@code -1} for SQL NULL) in one byte array, which is the received message
 * itself on the source's hot path ({@code VStreamMessageDecoder}). Deserializers read the values in
 * place and copy what they keep; {@link RowChangeEvent#before()} and {@link RowChangeEvent#after()}
 * split them into one array per value only when asked.
 */
@Internal
public final class RowImage {

    private static final VarHandle DECODED;

    static {
        try {
            DECODED = MethodHandles.lookup().findVarHandle(RowImage.class, "decoded", int[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final byte[] bytes;

    /**
     * Per column {@code i}: its offset in {@link #bytes} at {@code 2i}, its length (-1 for NULL) at
     * {@code 2i + 1}; null for an image of {@link #packed}, whose spans are {@link #decoded}.
     */
    private final int[] given;

    /**
     * The spans of an image of {@link #packed}, read from the lengths in the message when first
     * needed, on the thread that reads the values (mostly Flink's task thread, where the values'
     * memory is then warm; the decoding thread only checks them). Written with release and read
     * with acquire semantics, so an image read by several threads never shows a half-filled array.
     */
    @SuppressWarnings("unused") // through DECODED
    private int[] decoded;

    private final int count;

    /** For {@link #packed}: where the lengths (packed sint64) and the values start in bytes. */
    private final int lengthsStart;

    private final int valuesStart;

    private RowImage(byte[] bytes, int[] spans) {
        this.bytes = bytes;
        this.given = spans;
        this.count = spans.length / 2;
        this.lengthsStart = -1;
        this.valuesStart = -1;
    }

    private RowImage(byte[] bytes, int count, int lengthsStart, int valuesStart) {
        this.bytes = bytes;
        this.given = null;
        this.count = count;
        this.lengthsStart = lengthsStart;
        this.valuesStart = valuesStart;
    }

    /** The image of a VStream row. */
    public static RowImage of(Query.Row row) {
        int count = row.getLengthsCount();
        int[] spans = new int[2 * count];
        int offset = 0;
        for (int i = 0; i < count; i++) {
            offset = span(spans, i, offset, row.getLengths(i));
        }
        return new RowImage(row.getValues().toByteArray(), spans);
    }

    /**
     * The image of a {@code query.Row} read in place: {@code count} lengths as packed sint64
     * varints at {@code lengthsStart} (-1 or less for NULL), the values one after the other at
     * {@code valuesStart}. The caller has checked them: each length a varint in int range, the
     * values within {@code bytes}.
     */
    @Internal
    public static RowImage packed(byte[] bytes, int count, int lengthsStart, int valuesStart) {
        return count == 0
                ? new RowImage(bytes, new int[0])
                : new RowImage(bytes, count, lengthsStart, valuesStart);
    }

    private int[] spans() {
        if (given != null) {
            return given;
        }
        int[] known = (int[]) DECODED.getAcquire(this);
        if (known == null) {
            known = decode();
            DECODED.setRelease(this, known);
        }
        return known;
    }

    /**
     * The spans of the values: column {@code i}'s offset at {@code 2i}, its length (-1 for NULL) at
     * {@code 2i + 1}. The image's own array if it has one; else they are decoded into {@code
     * scratch} (when it holds {@code 2 * size()}), which saves an array per image on the hot path,
     * and not kept. Read the result, never change it.
     */
    @Internal
    public int[] spans(int[] scratch) {
        if (given != null) {
            return given;
        }
        int[] known = (int[]) DECODED.getAcquire(this);
        if (known != null) {
            return known;
        }
        return scratch.length >= 2 * count ? decode(scratch) : spans();
    }

    private int[] decode() {
        return decode(new int[2 * count]);
    }

    private int[] decode(int[] spans) {
        int pos = lengthsStart;
        int offset = valuesStart;
        for (int i = 0; i < count; i++) {
            long raw = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = bytes[pos++];
                raw |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    break;
                }
            }
            offset = span(spans, i, offset, (raw >>> 1) ^ -(raw & 1));
        }
        return spans;
    }

    /**
     * Sets column {@code i}'s span from its length as VStream sends it (negative for NULL); returns
     * where the next value starts.
     */
    private static int span(int[] spans, int i, int offset, long length) {
        spans[2 * i] = offset;
        if (length < 0) {
            spans[2 * i + 1] = -1;
            return offset;
        }
        spans[2 * i + 1] = (int) length;
        return offset + (int) length;
    }

    /** The image of values given one array each ({@code null} for SQL NULL); copies them. */
    public static RowImage of(byte[][] values) {
        int count = values.length;
        int[] spans = new int[2 * count];
        int total = 0;
        for (byte[] value : values) {
            total += value == null ? 0 : value.length;
        }
        byte[] bytes = new byte[total];
        int offset = 0;
        for (int i = 0; i < count; i++) {
            spans[2 * i] = offset;
            if (values[i] == null) {
                spans[2 * i + 1] = -1;
            } else {
                spans[2 * i + 1] = values[i].length;
                System.arraycopy(values[i], 0, bytes, offset, values[i].length);
                offset += values[i].length;
            }
        }
        return new RowImage(bytes, spans);
    }

    /** The number of columns. */
    public int size() {
        return count;
    }

    /** The bytes holding all values: read, never change them. */
    public byte[] bytes() {
        return bytes;
    }

    /** Where column {@code i}'s value starts in {@link #bytes()}. */
    public int offset(int i) {
        return spans()[2 * i];
    }

    /** The length of column {@code i}'s value; -1 for SQL NULL. */
    public int length(int i) {
        return spans()[2 * i + 1];
    }

    /** Whether column {@code i} is SQL NULL. */
    public boolean isNull(int i) {
        return length(i) < 0;
    }

    /** Column {@code i}'s value in an array of its own; null for SQL NULL. */
    public byte[] value(int i) {
        int length = length(i);
        return length < 0 ? null : Arrays.copyOfRange(bytes, offset(i), offset(i) + length);
    }

    /** The values in one array each, {@code null} for SQL NULL. */
    public byte[][] toArrays() {
        byte[][] values = new byte[size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = value(i);
        }
        return values;
    }
}
