package io.github.vstreamcdc.source.reader.deserializer;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.data.writer.BinaryWriter;
import org.apache.flink.table.runtime.typeutils.InternalSerializers;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BinaryType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.CharType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.SmallIntType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.TinyIntType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BinaryRowBuilder} writes the rows Flink's {@link BinaryRowWriter} writes, byte for byte.
 */
class BinaryRowBuilderTest {

    @Test
    void everySimpleTypeAsFlinksWriterWritesIt() {
        List<LogicalType> types = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        add(types, values, new BooleanType(), true);
        add(types, values, new BooleanType(), false);
        add(types, values, new TinyIntType(), (byte) -7);
        add(types, values, new SmallIntType(), (short) -30000);
        add(types, values, new IntType(), -123456789);
        add(types, values, new DateType(), 19_000);
        add(types, values, new TimeType(3), 86_399_999);
        add(types, values, new BigIntType(), Long.MIN_VALUE + 1);
        add(types, values, new FloatType(), -1.5e-7f);
        add(types, values, new DoubleType(), Math.PI);
        add(types, values, new DecimalType(18, 4), DecimalData.fromUnscaledLong(-12345, 18, 4));
        add(types, values, new TimestampType(3), TimestampData.fromEpochMillis(-1_234_567L));
        add(types, values, new LocalZonedTimestampType(0), TimestampData.fromEpochMillis(5000L));
        for (int length = 0; length <= 17; length++) {
            String text = "abcdefghijklmnopq".substring(0, length);
            add(
                    types,
                    values,
                    new VarCharType(VarCharType.MAX_LENGTH),
                    StringData.fromString(text));
            add(types, values, new VarBinaryType(100), text.getBytes(StandardCharsets.UTF_8));
        }
        add(types, values, new CharType(3), StringData.fromString("\u00e9\u00e8"));
        add(types, values, new BinaryType(2), new byte[] {(byte) 0xFF, 0});
        // Nulls, also past the first word of null bits (56 fields with the header's 8 bits).
        for (int i = 0; i < 30; i++) {
            add(types, values, i % 2 == 0 ? new IntType() : new VarCharType(5), null);
        }
        add(types, values, new BigIntType(), 42L);

        for (RowKind kind : RowKind.values()) {
            // From no room at all for the variable part, so that it grows, and with plenty.
            for (int capacity : new int[] {0, 1000}) {
                BinaryRowBuilder builder = new BinaryRowBuilder(types.size(), capacity);
                for (int i = 0; i < types.size(); i++) {
                    if (values.get(i) == null) {
                        builder.setNull(i);
                    } else {
                        builder.writeValue(i, types.get(i), values.get(i));
                    }
                }
                BinaryRowData built = builder.build(kind);
                BinaryRowData expected = flinkRow(types, values, kind);
                assertThat(built.getSizeInBytes()).isEqualTo(expected.getSizeInBytes());
                assertThat(built).isEqualTo(expected);
                assertThat(built.getRowKind()).isEqualTo(kind);
                assertValues(built, types, values);
                assertThat(built.getLong(types.size() - 1)).isEqualTo(42L);
            }
        }
    }

    @Test
    void bytesInPlaceAsFlinksWriterWritesThem() {
        byte[] message = "xx-short-and a longer value-yy".getBytes(StandardCharsets.UTF_8);
        BinaryRowBuilder builder = new BinaryRowBuilder(3, 0);
        builder.writeBytes(0, message, 3, 5);
        builder.writeBytes(1, message, 9, 18);
        builder.writeLong(2, 7L);
        List<LogicalType> types =
                Arrays.asList(new VarCharType(100), new VarBinaryType(100), new BigIntType());
        List<Object> values =
                Arrays.asList(
                        StringData.fromString("short"),
                        "and a longer value".getBytes(StandardCharsets.UTF_8),
                        7L);
        assertThat(builder.build(RowKind.UPDATE_AFTER))
                .isEqualTo(flinkRow(types, values, RowKind.UPDATE_AFTER));
    }

    /**
     * A restarted builder writes Flink's rows into its row object; it keeps its array and segment
     * for rows of the same size, and lets go of an array far larger than the row (one huge row).
     */
    @Test
    void aRestartedBuilderWritesFlinksRowsAndLetsGoOfAHugeArray() {
        List<LogicalType> types =
                Arrays.asList(new VarCharType(VarCharType.MAX_LENGTH), new IntType());
        char[] huge = new char[2 << 20];
        Arrays.fill(huge, 'h');
        String hugeText = new String(huge);
        BinaryRowBuilder builder = new BinaryRowBuilder(2, 0);
        byte[] hugeBytes = hugeText.getBytes(StandardCharsets.UTF_8);
        builder.writeBytes(0, hugeBytes, 0, hugeBytes.length);
        builder.writeInt(1, 5);
        BinaryRowData row = builder.build(RowKind.INSERT);
        assertThat(row)
                .isEqualTo(
                        flinkRow(
                                types,
                                Arrays.asList(StringData.fromString(hugeText), 5),
                                RowKind.INSERT));

        List<Object> segments = new ArrayList<>();
        for (String text : new String[] {"ten bytes.", "ten bytes!"}) {
            builder.restart(16);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            builder.writeBytes(0, bytes, 0, bytes.length);
            builder.setNull(1);
            assertThat(builder.build(RowKind.DELETE))
                    .isSameAs(row)
                    .isEqualTo(
                            flinkRow(
                                    types,
                                    Arrays.asList(StringData.fromString(text), null),
                                    RowKind.DELETE));
            segments.add(row.getSegments());
            assertThat(row.getSegments()[0].size()).isLessThan(1 << 20);
        }
        assertThat(segments.get(1)).isSameAs(segments.get(0));

        // A restart clears what the row before set: field 1's null bit, field 0's slot (which
        // pointed to its text; a null's slot is all zeros in Flink's rows); then field 1's slot.
        byte[] inlineText = "abc".getBytes(StandardCharsets.UTF_8);
        builder.restart(16);
        builder.setNull(0);
        builder.writeInt(1, 7);
        assertThat(builder.build(RowKind.INSERT))
                .isEqualTo(flinkRow(types, Arrays.asList(null, 7), RowKind.INSERT));
        builder.restart(16);
        builder.writeBytes(0, inlineText, 0, inlineText.length);
        builder.setNull(1);
        assertThat(builder.build(RowKind.INSERT))
                .isEqualTo(
                        flinkRow(
                                types,
                                Arrays.asList(StringData.fromString("abc"), null),
                                RowKind.INSERT));
    }

    @Test
    void sameBytesComparesEveryByteOfRangesOfAnyLength() {
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) (31 * i + 7);
        }
        for (int length = 0; length <= 40; length++) {
            for (int aOffset : new int[] {0, 3, 64 - length}) {
                int bOffset = 64 - length - (aOffset == 0 ? 0 : 1);
                System.arraycopy(a, aOffset, b, bOffset, length);
                assertThat(BinaryRowBuilder.sameBytes(a, aOffset, b, bOffset, length))
                        .as("length %d at %d and %d", length, aOffset, bOffset)
                        .isTrue();
                for (int differs = 0; differs < length; differs++) {
                    b[bOffset + differs] ^= 0x40;
                    assertThat(BinaryRowBuilder.sameBytes(a, aOffset, b, bOffset, length))
                            .as("length %d, byte %d differs", length, differs)
                            .isFalse();
                    b[bOffset + differs] ^= 0x40;
                }
            }
        }
    }

    @Test
    void simpleTypes() {
        assertThat(BinaryRowBuilder.isSimple(new DecimalType(18, 2))).isTrue();
        assertThat(BinaryRowBuilder.isSimple(new DecimalType(19, 2))).isFalse();
        assertThat(BinaryRowBuilder.isSimple(new TimestampType(3))).isTrue();
        assertThat(BinaryRowBuilder.isSimple(new TimestampType(6))).isFalse();
        assertThat(BinaryRowBuilder.isSimple(new LocalZonedTimestampType(6))).isFalse();
        assertThat(BinaryRowBuilder.isSimple(new ArrayType(new IntType()))).isFalse();
    }

    private static void add(
            List<LogicalType> types, List<Object> values, LogicalType type, Object value) {
        types.add(type);
        values.add(value);
    }

    private static BinaryRowData flinkRow(
            List<LogicalType> types, List<Object> values, RowKind kind) {
        BinaryRowData row = new BinaryRowData(types.size());
        BinaryRowWriter writer = new BinaryRowWriter(row);
        writer.writeRowKind(kind);
        for (int i = 0; i < types.size(); i++) {
            if (values.get(i) == null) {
                writer.setNullAt(i);
            } else {
                BinaryWriter.write(
                        writer,
                        i,
                        values.get(i),
                        types.get(i),
                        InternalSerializers.create(types.get(i)));
            }
        }
        writer.complete();
        return row;
    }

    /** Reads the values back as Flink reads them. */
    private static void assertValues(
            BinaryRowData row, List<LogicalType> types, List<Object> values) {
        for (int i = 0; i < types.size(); i++) {
            Object read = RowData.createFieldGetter(types.get(i), i).getFieldOrNull(row);
            if (read instanceof byte[]) {
                assertThat((byte[]) read).isEqualTo((byte[]) values.get(i));
            } else {
                assertThat(read).isEqualTo(values.get(i));
            }
        }
    }
}
