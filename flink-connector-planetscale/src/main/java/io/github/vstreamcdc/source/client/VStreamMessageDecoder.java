package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.api.RowImage;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.apache.flink.annotation.Internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a VStream response off the wire with the row values left where they arrived: each row image
 * of a ROW event is a {@link RowImage} over the message's own bytes (offsets and lengths), instead
 * of a {@code query.Row} message, its {@code ByteString} and a copy of that.
 *
 * <p>Rows are most of the bytes and most of the work of a stream. Everything else (the event's
 * other fields, FIELD, VGTID, DDL, JOURNAL events, ...) is parsed by the generated code. A ROW
 * event this decoder does not fully understand (a row change with a column bitmap, which only
 * partial images have; unpacked or repeated lengths; lengths beyond the values) is parsed by the
 * generated code too, as a whole, so its meaning never depends on this class.
 */
@Internal
public final class VStreamMessageDecoder {

    /** VTGate's {@code VStream} with responses read by this decoder. */
    public static final MethodDescriptor<Vtgate.VStreamRequest, VStreamMessage> VSTREAM_METHOD =
            VitessGrpc.getVStreamMethod().toBuilder(
                            VitessGrpc.getVStreamMethod().getRequestMarshaller(), new Marshaller())
                    .build();

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH = 2;
    private static final int WIRE_FIXED32 = 5;

    private final byte[] bytes;
    private int pos;

    private VStreamMessageDecoder(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Decodes one serialized {@code vtgate.VStreamResponse}.
     *
     * @throws InvalidProtocolBufferException if it is not one
     */
    public static VStreamMessage decode(byte[] bytes) throws InvalidProtocolBufferException {
        try {
            return new VStreamMessageDecoder(bytes).message();
        } catch (NotDecoded e) {
            // Malformed at the top level: the generated parser says how (or reads it after all).
            return VStreamMessage.of(Vtgate.VStreamResponse.parseFrom(bytes).getEventsList());
        }
    }

    private VStreamMessage message() throws InvalidProtocolBufferException {
        List<Binlogdata.VEvent> events = new ArrayList<>();
        List<VStreamMessage.RowChanges> rows = new ArrayList<>();
        int end = bytes.length;
        while (pos < end) {
            int tag = tag(end);
            if (tag >>> 3 == Vtgate.VStreamResponse.EVENTS_FIELD_NUMBER
                    && (tag & 7) == WIRE_LENGTH) {
                int length = length(end);
                int start = pos;
                pos = start + length;
                VStreamMessage.RowChanges changes = rowChanges(start, pos);
                rows.add(changes);
                events.add(changes == null ? event(start, length) : rowEvent());
            } else {
                skip(tag, end);
            }
        }
        return new VStreamMessage(events, rows.toArray(new VStreamMessage.RowChanges[0]));
    }

    private Binlogdata.VEvent event(int start, int length) throws InvalidProtocolBufferException {
        return Binlogdata.VEvent.parser().parseFrom(bytes, start, length);
    }

    // ---- ROW events ----

    /**
     * The byte ranges (start, end pairs) of the current ROW event without its row changes: the
     * event before and after its row_event field, then the row_event's other fields.
     */
    private int[] parts = new int[8];

    private int partCount;

    /** The row images of the VEvent at [start, end); null if it is not a ROW event read here. */
    private VStreamMessage.RowChanges rowChanges(int start, int end) {
        int saved = pos;
        try {
            pos = start;
            int type = 0;
            int rowEventTag = -1;
            int rowEventStart = 0;
            int rowEventEnd = 0;
            while (pos < end) {
                int tagStart = pos;
                int tag = tag(end);
                int field = tag >>> 3;
                if (field == Binlogdata.VEvent.TYPE_FIELD_NUMBER && (tag & 7) == WIRE_VARINT) {
                    type = (int) varint(end);
                } else if (field == Binlogdata.VEvent.ROW_EVENT_FIELD_NUMBER
                        && (tag & 7) == WIRE_LENGTH) {
                    if (rowEventTag >= 0) {
                        return null; // two parts to merge: the generated parser's job
                    }
                    int length = length(end);
                    rowEventTag = tagStart;
                    rowEventStart = pos;
                    rowEventEnd = pos + length;
                    pos = rowEventEnd;
                } else {
                    skip(tag, end);
                }
            }
            if (type != Binlogdata.VEventType.ROW_VALUE || rowEventTag < 0) {
                return null;
            }
            partCount = 0;
            addPart(start, rowEventTag);
            addPart(rowEventEnd, end);
            return changes(rowEventStart, rowEventEnd);
        } catch (NotDecoded e) {
            return null;
        } finally {
            pos = saved;
        }
    }

    /**
     * The row changes of the RowEvent at [start, end); the ranges of its other fields go to {@link
     * #parts}.
     */
    private VStreamMessage.RowChanges changes(int start, int end) {
        pos = start;
        int partStart = start;
        List<RowImage> before = new ArrayList<>();
        List<RowImage> after = new ArrayList<>();
        while (pos < end) {
            int tagStart = pos;
            int tag = tag(end);
            if (tag >>> 3 == Binlogdata.RowEvent.ROW_CHANGES_FIELD_NUMBER
                    && (tag & 7) == WIRE_LENGTH) {
                if (tagStart > partStart) {
                    addPart(partStart, tagStart);
                }
                int length = length(end);
                int changeEnd = pos + length;
                change(changeEnd, before, after);
                pos = changeEnd;
                partStart = changeEnd;
            } else {
                skip(tag, end);
            }
        }
        if (end > partStart) {
            addPart(partStart, end);
        }
        return new VStreamMessage.RowChanges(
                before.toArray(new RowImage[0]), after.toArray(new RowImage[0]));
    }

    /** One RowChange, from {@link #pos} to {@code end}: adds its images (null if absent). */
    private void change(int end, List<RowImage> before, List<RowImage> after) {
        RowImage beforeImage = null;
        RowImage afterImage = null;
        while (pos < end) {
            int tag = tag(end);
            int field = tag >>> 3;
            if ((field == Binlogdata.RowChange.BEFORE_FIELD_NUMBER
                            || field == Binlogdata.RowChange.AFTER_FIELD_NUMBER)
                    && (tag & 7) == WIRE_LENGTH) {
                int length = length(end);
                int rowEnd = pos + length;
                RowImage image = row(rowEnd);
                pos = rowEnd;
                if (field == Binlogdata.RowChange.BEFORE_FIELD_NUMBER) {
                    if (beforeImage != null) {
                        throw NotDecoded.INSTANCE; // parts to merge
                    }
                    beforeImage = image;
                } else {
                    if (afterImage != null) {
                        throw NotDecoded.INSTANCE;
                    }
                    afterImage = image;
                }
            } else if (field == Binlogdata.RowChange.DATA_COLUMNS_FIELD_NUMBER
                    || field == Binlogdata.RowChange.JSON_PARTIAL_VALUES_FIELD_NUMBER) {
                // Partial images: the reader checks them on the generated message.
                throw NotDecoded.INSTANCE;
            } else {
                skip(tag, end);
            }
        }
        before.add(beforeImage);
        after.add(afterImage);
    }

    /**
     * One query.Row, from {@link #pos} to {@code end}: checked here, its lengths read where they
     * are used ({@link RowImage#packed}).
     */
    private RowImage row(int end) {
        int lengthsStart = -1;
        int count = 0;
        long valuesNeeded = 0;
        int valuesStart = 0;
        int valuesLength = 0;
        while (pos < end) {
            int tag = tag(end);
            int field = tag >>> 3;
            if (field == 1 && (tag & 7) == WIRE_LENGTH && lengthsStart < 0) {
                // lengths: packed sint64, as every proto3 writer sends them
                int length = length(end);
                int lengthsEnd = pos + length;
                lengthsStart = pos;
                while (pos < lengthsEnd) {
                    long raw = varint(lengthsEnd);
                    long value = (raw >>> 1) ^ -(raw & 1);
                    if (value > Integer.MAX_VALUE) {
                        throw NotDecoded.INSTANCE;
                    }
                    if (value > 0) {
                        valuesNeeded += value;
                    }
                    count++;
                }
                if (pos != lengthsEnd) {
                    throw NotDecoded.INSTANCE;
                }
            } else if (field == 2 && (tag & 7) == WIRE_LENGTH) {
                valuesLength = length(end);
                valuesStart = pos;
                pos += valuesLength;
            } else if (field == 1) {
                throw NotDecoded.INSTANCE; // unpacked or repeated lengths
            } else {
                skip(tag, end);
            }
        }
        if (valuesNeeded > valuesLength) {
            throw NotDecoded.INSTANCE; // the generated parser's images would fail too
        }
        return RowImage.packed(bytes, count, lengthsStart, valuesStart);
    }

    /** The last ROW event built, and the byte ranges (start, end pairs) it was built of. */
    private Binlogdata.VEvent lastRowEvent;

    private int[] lastParts = new int[0];

    /**
     * The ROW event just read without its row changes: its {@link #parts} parsed by the generated
     * code (protobuf merges them). Events of one table in one transaction (or copy batch) share
     * those bytes, so they share the one event built.
     */
    private Binlogdata.VEvent rowEvent() throws InvalidProtocolBufferException {
        if (lastRowEvent != null && sameBytes(parts, partCount, lastParts)) {
            return lastRowEvent;
        }
        Binlogdata.VEvent.Builder event = Binlogdata.VEvent.newBuilder();
        event.mergeFrom(bytes, parts[0], parts[1] - parts[0]);
        event.mergeFrom(bytes, parts[2], parts[3] - parts[2]);
        Binlogdata.RowEvent.Builder rowEvent = Binlogdata.RowEvent.newBuilder();
        for (int i = 4; i < partCount; i += 2) {
            rowEvent.mergeFrom(bytes, parts[i], parts[i + 1] - parts[i]);
        }
        lastRowEvent = event.setRowEvent(rowEvent).build();
        lastParts = Arrays.copyOf(parts, partCount);
        return lastRowEvent;
    }

    private void addPart(int from, int to) {
        if (partCount + 2 > parts.length) {
            parts = Arrays.copyOf(parts, 2 * parts.length);
        }
        parts[partCount++] = from;
        parts[partCount++] = to;
    }

    /**
     * Whether the ranges {@code parts} hold the same bytes as {@code previous} (of this message).
     */
    private boolean sameBytes(int[] parts, int count, int[] previous) {
        if (count != previous.length) {
            return false;
        }
        for (int i = 0; i < count; i += 2) {
            if (!Arrays.equals(
                    bytes, parts[i], parts[i + 1], bytes, previous[i], previous[i + 1])) {
                return false;
            }
        }
        return true;
    }

    // ---- wire format ----

    private int tag(int end) {
        long tag = varint(end);
        if (tag <= 0 || tag > Integer.MAX_VALUE) {
            throw NotDecoded.INSTANCE;
        }
        return (int) tag;
    }

    private int length(int end) {
        long length = varint(end);
        if (length < 0 || length > end - pos) {
            throw NotDecoded.INSTANCE;
        }
        return (int) length;
    }

    private long varint(int end) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw NotDecoded.INSTANCE;
            }
            byte b = bytes[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw NotDecoded.INSTANCE;
    }

    private void skip(int tag, int end) {
        switch (tag & 7) {
            case WIRE_VARINT:
                varint(end);
                break;
            case WIRE_FIXED64:
                advance(8, end);
                break;
            case WIRE_LENGTH:
                int length = length(end); // before reading pos: it moves it
                pos += length;
                break;
            case WIRE_FIXED32:
                advance(4, end);
                break;
            default:
                throw NotDecoded.INSTANCE; // groups: not in Vitess' protocol
        }
    }

    private void advance(int count, int end) {
        if (count > end - pos) {
            throw NotDecoded.INSTANCE;
        }
        pos += count;
    }

    /** This decoder leaves the part to the generated parser. Thrown without a stack trace. */
    private static final class NotDecoded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final NotDecoded INSTANCE = new NotDecoded();

        private NotDecoded() {
            super(null, null, false, false);
        }
    }

    /** gRPC's side: reads the message's bytes once, then decodes them. */
    private static final class Marshaller implements MethodDescriptor.Marshaller<VStreamMessage> {

        @Override
        public InputStream stream(VStreamMessage value) {
            throw new UnsupportedOperationException("VStream responses are only read");
        }

        @Override
        public VStreamMessage parse(InputStream stream) {
            try {
                return decode(readAll(stream));
            } catch (IOException e) {
                throw Status.INTERNAL
                        .withDescription("Invalid protobuf byte sequence")
                        .withCause(e)
                        .asRuntimeException();
            }
        }

        private static byte[] readAll(InputStream stream) throws IOException {
            int known = stream.available(); // gRPC's message streams know their length
            byte[] bytes = new byte[known];
            int read = 0;
            while (read < known) {
                int n = stream.read(bytes, read, known - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            int next = stream.read();
            if (read == known && next < 0) {
                return bytes;
            }
            // Not a known-length stream after all: read the rest the slow way.
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(2 * read, 8192));
            out.write(bytes, 0, read);
            if (next >= 0) {
                out.write(next);
                byte[] chunk = new byte[8192];
                for (int n; (n = stream.read(chunk)) >= 0; ) {
                    out.write(chunk, 0, n);
                }
            }
            return out.toByteArray();
        }
    }
}
