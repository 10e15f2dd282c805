package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.api.RowImage;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-place decoder against the generated parser, on the same bytes. */
class VStreamMessageDecoderTest {

    @Test
    void readsRandomResponsesLikeTheGeneratedParser() throws Exception {
        Random random = new Random(42);
        int inPlace = 0;
        for (int round = 0; round < 300; round++) {
            Vtgate.VStreamResponse response = randomResponse(random);
            inPlace += assertSameAsGenerated(response.toByteArray());
        }
        assertThat(inPlace).as("ROW events read in place").isGreaterThan(300);
    }

    @Test
    void rowEventsOfOneTableAndTransactionShareTheirEvent() throws Exception {
        Binlogdata.VEvent first = rowEvent("t", change(null, new byte[][] {bytes("1")}));
        Binlogdata.VEvent second = rowEvent("t", change(null, new byte[][] {bytes("2")}));
        Binlogdata.VEvent other = rowEvent("u", change(null, new byte[][] {bytes("3")}));
        byte[] bytes =
                Vtgate.VStreamResponse.newBuilder()
                        .addEvents(first)
                        .addEvents(second)
                        .addEvents(other)
                        .addEvents(first.toBuilder().setTimestamp(1_700_000_000L))
                        .build()
                        .toByteArray();

        VStreamMessage message = VStreamMessageDecoder.decode(bytes);

        assertThat(message.events().get(1)).isSameAs(message.events().get(0));
        assertThat(message.events().get(2)).isNotSameAs(message.events().get(1));
        assertThat(message.events().get(3).getTimestamp()).isEqualTo(1_700_000_000L);
        assertThat(message.rows(1).after(0).toArrays()).isDeepEqualTo(new byte[][] {bytes("2")});
        assertSameAsGenerated(bytes);
    }

    @Test
    void leavesPartialImagesToTheGeneratedParser() throws Exception {
        Binlogdata.RowChange partial =
                Binlogdata.RowChange.newBuilder()
                        .setAfter(row(new byte[][] {bytes("1"), null}))
                        .setDataColumns(
                                Binlogdata.RowChange.Bitmap.newBuilder()
                                        .setCount(2)
                                        .setCols(ByteString.copyFrom(new byte[] {1})))
                        .build();
        Vtgate.VStreamResponse response =
                Vtgate.VStreamResponse.newBuilder()
                        .addEvents(rowEvent("t", partial))
                        .addEvents(rowEvent("t", change(null, new byte[][] {bytes("2")})))
                        .build();

        VStreamMessage message = VStreamMessageDecoder.decode(response.toByteArray());

        assertThat(message.rows(0)).isNull();
        assertThat(message.events().get(0)).isEqualTo(response.getEvents(0));
        assertThat(message.rows(1)).isNotNull();
        assertSameAsGenerated(response.toByteArray());
    }

    @Test
    void leavesUnpackedAndOverlongLengthsToTheGeneratedParser() throws Exception {
        // query.Row with its lengths unpacked (field 1 as single varints), then one whose
        // lengths reach beyond its values.
        byte[] unpacked = rowBytes(false, new long[] {1, 2}, bytes("abc"));
        byte[] overlong = rowBytes(true, new long[] {2, 5}, bytes("abc"));
        for (byte[] row : Arrays.asList(unpacked, overlong)) {
            Binlogdata.RowChange change =
                    Binlogdata.RowChange.newBuilder().setAfter(Query.Row.parseFrom(row)).build();
            byte[] response =
                    Vtgate.VStreamResponse.newBuilder()
                            .addEvents(rowEvent("t", change))
                            .build()
                            .toByteArray();
            // The generated builder re-encodes the row packed: splice the raw row back in.
            byte[] raw = rawResponseWithAfterRow(row);

            assertThat(VStreamMessageDecoder.decode(raw).rows(0)).isNull();
            assertSameAsGenerated(raw);
            assertSameAsGenerated(response);
        }
    }

    @Test
    void readsRowsWithLengthsAfterValuesNegativeLengthsAndNoColumns() throws Exception {
        long[] lengths = {3, -1, -2, 0, 2};
        int size = 0;
        for (long length : lengths) {
            size += CodedOutputStream.computeSInt64SizeNoTag(length);
        }
        int lengthsSize = size;
        // The values first, then the packed lengths: proto3 allows any field order.
        byte[] valuesFirst =
                message(
                        out -> {
                            out.writeByteArray(2, bytes("abcde"));
                            out.writeTag(1, 2);
                            out.writeUInt32NoTag(lengthsSize);
                            for (long length : lengths) {
                                out.writeSInt64NoTag(length);
                            }
                        });
        byte[] noColumns = message(out -> out.writeByteArray(2, new byte[0]));
        for (byte[] row : Arrays.asList(valuesFirst, noColumns)) {
            byte[] raw = rawResponseWithAfterRow(row);
            assertThat(VStreamMessageDecoder.decode(raw).rows(0)).isNotNull();
            assertSameAsGenerated(raw);
        }
        RowImage image =
                VStreamMessageDecoder.decode(rawResponseWithAfterRow(valuesFirst)).rows(0).after(0);
        assertThat(image.toArrays())
                .isDeepEqualTo(new byte[][] {bytes("abc"), null, null, new byte[0], bytes("de")});
        assertThat(image.isNull(2)).isTrue();
    }

    @Test
    void failsOnMalformedBytesLikeTheGeneratedParser() throws Exception {
        byte[] whole =
                Vtgate.VStreamResponse.newBuilder()
                        .addEvents(rowEvent("t", change(null, new byte[][] {bytes("12345")})))
                        .build()
                        .toByteArray();
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            boolean generatedFails;
            try {
                Vtgate.VStreamResponse.parseFrom(truncated);
                generatedFails = false;
            } catch (InvalidProtocolBufferException e) {
                generatedFails = true;
            }
            if (generatedFails) {
                assertThatThrownBy(() -> VStreamMessageDecoder.decode(truncated))
                        .isInstanceOf(InvalidProtocolBufferException.class);
            } else {
                assertSameAsGenerated(truncated);
            }
        }
    }

    /**
     * @return how many ROW events were read in place
     */
    private static int assertSameAsGenerated(byte[] bytes) throws Exception {
        Vtgate.VStreamResponse expected = Vtgate.VStreamResponse.parseFrom(bytes);
        VStreamMessage message = VStreamMessageDecoder.decode(bytes);
        assertThat(message.events()).hasSize(expected.getEventsCount());
        int inPlace = 0;
        for (int i = 0; i < expected.getEventsCount(); i++) {
            Binlogdata.VEvent event = expected.getEvents(i);
            VStreamMessage.RowChanges rows = message.rows(i);
            if (rows == null) {
                assertThat(message.events().get(i)).isEqualTo(event);
                continue;
            }
            inPlace++;
            List<Binlogdata.RowChange> changes = event.getRowEvent().getRowChangesList();
            Binlogdata.VEvent withoutChanges =
                    event.toBuilder()
                            .setRowEvent(event.getRowEvent().toBuilder().clearRowChanges())
                            .build();
            assertThat(message.events().get(i)).isEqualTo(withoutChanges);
            assertThat(rows.size()).isEqualTo(changes.size());
            for (int c = 0; c < changes.size(); c++) {
                Binlogdata.RowChange change = changes.get(c);
                assertSameImage(change.hasBefore() ? change.getBefore() : null, rows.before(c));
                assertSameImage(change.hasAfter() ? change.getAfter() : null, rows.after(c));
            }
        }
        return inPlace;
    }

    private static void assertSameImage(Query.Row expected, RowImage actual) {
        if (expected == null) {
            assertThat(actual).isNull();
            return;
        }
        assertThat(actual).isNotNull();
        assertThat(actual.toArrays()).isDeepEqualTo(RowImage.of(expected).toArrays());
    }

    // ---- data ----

    private static Vtgate.VStreamResponse randomResponse(Random random) {
        Vtgate.VStreamResponse.Builder response = Vtgate.VStreamResponse.newBuilder();
        int events = 1 + random.nextInt(8);
        for (int e = 0; e < events; e++) {
            switch (random.nextInt(5)) {
                case 0:
                    response.addEvents(
                            Binlogdata.VEvent.newBuilder()
                                    .setType(Binlogdata.VEventType.VGTID)
                                    .setVgtid(
                                            Binlogdata.VGtid.newBuilder()
                                                    .addShardGtids(
                                                            Binlogdata.ShardGtid.newBuilder()
                                                                    .setKeyspace("ks")
                                                                    .setShard("-80")
                                                                    .setGtid("MySQL56/x:1-" + e))));
                    break;
                case 1:
                    response.addEvents(
                            Binlogdata.VEvent.newBuilder()
                                    .setType(Binlogdata.VEventType.FIELD)
                                    .setFieldEvent(
                                            Binlogdata.FieldEvent.newBuilder()
                                                    .setTableName("t" + e)
                                                    .addFields(
                                                            Query.Field.newBuilder()
                                                                    .setName("id")
                                                                    .setType(Query.Type.INT64))));
                    break;
                default:
                    List<Binlogdata.RowChange> changes = new ArrayList<>();
                    int count = random.nextInt(6);
                    for (int c = 0; c < count; c++) {
                        int kind = random.nextInt(3);
                        changes.add(
                                change(
                                        kind == 1 ? null : randomValues(random),
                                        kind == 2 ? null : randomValues(random)));
                    }
                    Binlogdata.VEvent.Builder row =
                            rowEvent(
                                            "t" + random.nextInt(3),
                                            changes.toArray(new Binlogdata.RowChange[0]))
                                    .toBuilder()
                                    .setTimestamp(random.nextInt(2) * 1_700_000_000L)
                                    .setCurrentTime(random.nextLong() & Long.MAX_VALUE)
                                    .setKeyspace("ks")
                                    .setShard("-80");
                    if (random.nextBoolean()) {
                        row.setRowEvent(
                                row.getRowEvent().toBuilder()
                                        .setKeyspace("ks")
                                        .setShard("-80")
                                        .setFlags(random.nextInt(4)));
                    }
                    response.addEvents(row);
            }
        }
        return response.build();
    }

    private static byte[][] randomValues(Random random) {
        byte[][] values = new byte[random.nextInt(7)][];
        for (int i = 0; i < values.length; i++) {
            int length =
                    random.nextInt(5) == 0 ? -1 : random.nextInt(random.nextInt(3) == 0 ? 300 : 12);
            if (length >= 0) {
                values[i] = new byte[length];
                random.nextBytes(values[i]);
            }
        }
        return values;
    }

    private static Binlogdata.VEvent rowEvent(String table, Binlogdata.RowChange... changes) {
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.ROW)
                .setRowEvent(
                        Binlogdata.RowEvent.newBuilder()
                                .setTableName("ks." + table)
                                .addAllRowChanges(Arrays.asList(changes)))
                .build();
    }

    private static Binlogdata.RowChange change(byte[][] before, byte[][] after) {
        Binlogdata.RowChange.Builder change = Binlogdata.RowChange.newBuilder();
        if (before != null) {
            change.setBefore(row(before));
        }
        if (after != null) {
            change.setAfter(row(after));
        }
        return change.build();
    }

    private static Query.Row row(byte[][] values) {
        Query.Row.Builder row = Query.Row.newBuilder();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] value : values) {
            row.addLengths(value == null ? -1 : value.length);
            if (value != null) {
                all.write(value, 0, value.length);
            }
        }
        return row.setValues(ByteString.copyFrom(all.toByteArray())).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A query.Row written by hand: lengths packed or one varint each, then the values. */
    private static byte[] rowBytes(boolean packed, long[] lengths, byte[] values)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        if (packed) {
            int size = 0;
            for (long length : lengths) {
                size += CodedOutputStream.computeSInt64SizeNoTag(length);
            }
            coded.writeTag(1, 2);
            coded.writeUInt32NoTag(size);
            for (long length : lengths) {
                coded.writeSInt64NoTag(length);
            }
        } else {
            for (long length : lengths) {
                coded.writeSInt64(1, length);
            }
        }
        coded.writeByteArray(2, values);
        coded.flush();
        return out.toByteArray();
    }

    /** VStreamResponse{events: VEvent{type: ROW, row_event: {table_name, row_changes{after}}}}. */
    private static byte[] rawResponseWithAfterRow(byte[] row) throws IOException {
        byte[] change = message(out -> out.writeByteArray(2, row));
        byte[] rowEvent =
                message(
                        out -> {
                            out.writeString(1, "ks.t");
                            out.writeByteArray(2, change);
                        });
        byte[] event =
                message(
                        out -> {
                            out.writeEnum(1, Binlogdata.VEventType.ROW_VALUE);
                            out.writeByteArray(5, rowEvent);
                        });
        return message(out -> out.writeByteArray(1, event));
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writer.write(out);
        out.flush();
        return bytes.toByteArray();
    }
}
