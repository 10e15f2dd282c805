package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.RowImage;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.config.DroppedColumnHandling;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.annotation.Nullable;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Declared columns across schema changes: matched by name, dropped ones fail or become NULL. */
class RowDataDeserializationSchemaTest {

    private static final RowType DECLARED =
            RowType.of(
                    new org.apache.flink.table.types.logical.LogicalType[] {
                        new BigIntType(false),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new BigIntType()
                    },
                    new String[] {"id", "v", "n"});

    private static final List<ColumnDescription> V1 =
            Arrays.asList(
                    ColumnDescription.of("id", "bigint", false),
                    ColumnDescription.of("v", "varchar(20)", true),
                    ColumnDescription.of("n", "int", true));

    /** {@link #DECLARED}'s fields, then metadata fields of these names and types. */
    private static RowType declaredAnd(
            List<String> names, org.apache.flink.table.types.logical.LogicalType... types) {
        List<RowType.RowField> fields = new ArrayList<>(DECLARED.getFields());
        for (int i = 0; i < types.length; i++) {
            fields.add(new RowType.RowField(names.get(i), types[i]));
        }
        return new RowType(fields);
    }

    private static RowDataDeserializationSchema schema(DroppedColumnHandling dropped) {
        return new RowDataDeserializationSchema(
                DECLARED,
                Collections.emptyList(),
                InternalTypeInfo.of(DECLARED),
                ZoneOffset.UTC,
                dropped);
    }

    private static SchemaChangeEvent change(List<ColumnDescription> columns, String ddl) {
        return new SchemaChangeEvent(
                "ks", "-80", "t", ddl, V1, columns, "MySQL56/a:1-10", 1_700_000_000_000L);
    }

    private static RowChangeEvent insert(List<ColumnDescription> columns, String... values) {
        return insert(columns, bytes(values));
    }

    private static RowChangeEvent insert(List<ColumnDescription> columns, byte[][] row) {
        return new RowChangeEvent(
                "ks",
                "-80",
                "t",
                RowChangeEvent.Op.INSERT,
                columns,
                null,
                row,
                1_700_000_000_000L,
                "MySQL56/a:1-11");
    }

    private static List<RowData> collect(
            RowDataDeserializationSchema schema,
            @Nullable SchemaChangeEvent change,
            RowChangeEvent row)
            throws Exception {
        List<RowData> out = new ArrayList<>();
        Collector<RowData> collector =
                new Collector<RowData>() {
                    @Override
                    public void collect(RowData record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                };
        if (change != null) {
            schema.deserializeSchemaChange(change, collector);
        }
        schema.deserialize(row, collector);
        return out;
    }

    @Test
    void addedColumnsAreIgnoredAndAWidenedTypeTheDeclaredOneHoldsIsRead() throws Exception {
        List<ColumnDescription> v2 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("extra", "int", true),
                        ColumnDescription.of("v", "varchar(100)", true),
                        ColumnDescription.of("n", "bigint", true));
        List<RowData> rows =
                collect(
                        schema(DroppedColumnHandling.FAIL),
                        change(v2, "alter table t add column extra int after id"),
                        insert(v2, "1", "7", "a", "9000000000"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getLong(0)).isEqualTo(1L);
        assertThat(rows.get(0).getString(1).toString()).isEqualTo("a");
        assertThat(rows.get(0).getLong(2)).isEqualTo(9_000_000_000L);
    }

    @Test
    void aRenamedDeclaredColumnFailsAtTheChangeWithWhereAndAdvice() {
        List<ColumnDescription> v2 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("v2", "varchar(20)", true),
                        ColumnDescription.of("n", "int", true));
        assertThatThrownBy(
                        () ->
                                schema(DroppedColumnHandling.FAIL)
                                        .deserializeSchemaChange(
                                                change(v2, "alter table t rename column v to v2"),
                                                null))
                .hasMessageContaining("'ks.t'")
                .hasMessageContaining("shard -80")
                .hasMessageContaining("position MySQL56/a:1-10")
                .hasMessageContaining("rename column v to v2")
                .hasMessageContaining("Column 'v'")
                .hasMessageContaining("'schema-change.dropped-column' = 'null'");
    }

    @Test
    void aDroppedDeclaredColumnIsNullWhenAskedFor() throws Exception {
        List<ColumnDescription> v2 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("n", "int", true));
        List<RowData> rows =
                collect(
                        schema(DroppedColumnHandling.NULL),
                        change(v2, "alter table t drop column v"),
                        insert(v2, "2", "5"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).isNullAt(1)).isTrue();
        assertThat(rows.get(0).getLong(2)).isEqualTo(5L);
    }

    @Test
    void aTypeTheDeclaredOneCannotHoldFails() {
        RowType declaredInt =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            new BigIntType(false), new IntType()
                        },
                        new String[] {"id", "n"});
        RowDataDeserializationSchema schema =
                new RowDataDeserializationSchema(
                        declaredInt,
                        Collections.emptyList(),
                        InternalTypeInfo.of(declaredInt),
                        ZoneOffset.UTC,
                        DroppedColumnHandling.NULL);
        List<ColumnDescription> v2 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("n", "bigint", true));
        assertThatThrownBy(
                        () ->
                                schema.deserializeSchemaChange(
                                        change(v2, "alter table t modify n bigint"), null))
                .hasMessageContaining("Column 'n'")
                .hasMessageContaining("bigint")
                .hasMessageContaining("shard -80");
    }

    private static final String LONG = String.join("", Collections.nCopies(40, "metadata"));

    /**
     * @param simple whether all fields are of simple types (rows written by {@link
     *     BinaryRowBuilder}); else a metadata field is a TIMESTAMP_LTZ(6) (Flink's writer)
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void binaryRowsHoldWhatGenericRowsHoldWithMetadataAndKinds(boolean simple) throws Exception {
        RowType produced =
                declaredAnd(
                        Arrays.asList("kind", "nothing"),
                        new VarCharType(false, VarCharType.MAX_LENGTH),
                        simple ? new BigIntType() : new LocalZonedTimestampType(6));
        List<RowDataDeserializationSchema.MetadataReader> metadata =
                Arrays.asList(
                        // Longer than the room a binary row is first given.
                        kindText(LONG, true), change -> null);
        RowDataDeserializationSchema generic =
                new RowDataDeserializationSchema(
                        DECLARED,
                        metadata,
                        InternalTypeInfo.of(produced),
                        ZoneOffset.UTC,
                        DroppedColumnHandling.FAIL);
        RowDataDeserializationSchema binary = generic.withBinaryRows();
        RowChangeEvent update =
                new RowChangeEvent(
                        "ks",
                        "-80",
                        "t",
                        RowChangeEvent.Op.UPDATE,
                        V1,
                        bytes("1", "a much longer text than eight bytes", null),
                        bytes("1", null, "-7"),
                        1_700_000_000_000L,
                        "MySQL56/a:1-11");

        List<RowData> genericRows = collect(generic, null, update);
        List<RowData> binaryRows = collect(binary, null, update);
        assertThat(binaryRows).hasSize(2).allMatch(row -> row instanceof BinaryRowData);
        assertThat(binaryRows)
                .extracting(RowData::getRowKind)
                .containsExactly(RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER);
        for (int i = 0; i < 2; i++) {
            assertThat(values(binaryRows.get(i), produced))
                    .isEqualTo(values(genericRows.get(i), produced));
        }
        assertThat(values(binaryRows.get(0), produced))
                .containsExactly(
                        1L,
                        StringData.fromString("a much longer text than eight bytes"),
                        null,
                        StringData.fromString(LONG + "-U"),
                        null);
        assertThat(values(binaryRows.get(1), produced))
                .containsExactly(1L, null, -7L, StringData.fromString(LONG + "+U"), null);
    }

    @Test
    void aRowWithFewerValuesThanItsFieldEventFailsWithWhatItHas() {
        for (RowDataDeserializationSchema schema :
                Arrays.asList(
                        schema(DroppedColumnHandling.FAIL),
                        schema(DroppedColumnHandling.FAIL).withBinaryRows())) {
            assertThatThrownBy(() -> collect(schema, null, insert(V1, "1")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "A row of table 'ks.t' (shard -80) has 1 values, but its FIELD event"
                                    + " has 3 columns");
        }
    }

    @Test
    void binaryRowsNeedTheProducedRowType() {
        RowDataDeserializationSchema schema =
                new RowDataDeserializationSchema(
                        DECLARED,
                        Collections.singletonList(change -> null),
                        InternalTypeInfo.of(DECLARED),
                        ZoneOffset.UTC);
        assertThatThrownBy(schema::withBinaryRows)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 physical and 1 metadata fields");
    }

    /**
     * An update's after row takes the before row's values of the columns it left alone (those that
     * live in their slot): the same values as converting it on its own, also where the before value
     * was a zero date (NULL) and where a text the update left alone moved in the row.
     */
    @Test
    void anUpdatesAfterRowHoldsTheSameValuesWhenItTakesTheBeforeRows() throws Exception {
        RowType declared =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            new BigIntType(false),
                            new DecimalType(10, 2),
                            new DateType(),
                            new TimestampType(3),
                            new VarCharType(VarCharType.MAX_LENGTH),
                            new VarCharType(VarCharType.MAX_LENGTH),
                            new IntType()
                        },
                        new String[] {"id", "price", "day", "at", "grows", "stays", "n"});
        List<ColumnDescription> columns =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("price", "decimal(10,2)", true),
                        ColumnDescription.of("day", "date", true),
                        ColumnDescription.of("at", "datetime(3)", true),
                        ColumnDescription.of("grows", "varchar(100)", true),
                        ColumnDescription.of("stays", "varchar(100)", true),
                        ColumnDescription.of("n", "int", true));
        RowDataDeserializationSchema generic =
                new RowDataDeserializationSchema(
                        declared,
                        Collections.emptyList(),
                        InternalTypeInfo.of(declared),
                        ZoneOffset.UTC,
                        DroppedColumnHandling.FAIL);
        String stays = "a text the update left alone, in the variable part";
        RowChangeEvent update =
                new RowChangeEvent(
                        "ks",
                        "-80",
                        "t",
                        RowChangeEvent.Op.UPDATE,
                        columns,
                        bytes(
                                "7",
                                "12.50",
                                "0000-00-00",
                                "2024-01-02 03:04:05.678",
                                "short text!",
                                stays,
                                "5"),
                        bytes(
                                "7",
                                "12.50",
                                "0000-00-00",
                                "2024-01-02 03:04:05.678",
                                "a text that grew longer than it was before",
                                stays,
                                "6"),
                        1_700_000_000_000L,
                        "MySQL56/a:1-11");

        List<RowData> binaryRows = collect(generic.withBinaryRows(), null, update);
        List<RowData> genericRows = collect(generic, null, update);

        assertThat(binaryRows).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(values(binaryRows.get(i), declared))
                    .isEqualTo(values(genericRows.get(i), declared));
        }
        List<Object> after = values(binaryRows.get(1), declared);
        assertThat(after.get(1)).isEqualTo(DecimalData.fromUnscaledLong(1250, 10, 2));
        assertThat(after.get(2)).isNull();
        assertThat(after.get(5)).isEqualTo(StringData.fromString(stays));
        assertThat(after.get(6)).isEqualTo(6);
    }

    /**
     * Images read in place from a message (as the source's decoder makes them; their spans decoded
     * into the deserializer's scratch arrays) give the same rows as images of one array per value:
     * an update whose after row takes the before row's values, then an insert and an update of a
     * wider row, then the first update again.
     */
    @Test
    void imagesReadInPlaceGiveTheSameRowsAsImagesOfArrays() throws Exception {
        RowType declared =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            new BigIntType(false),
                            new DecimalType(10, 2),
                            new VarCharType(VarCharType.MAX_LENGTH),
                            new IntType()
                        },
                        new String[] {"id", "price", "v", "n"});
        List<ColumnDescription> columns =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("price", "decimal(10,2)", true),
                        ColumnDescription.of("v", "varchar(100)", true),
                        ColumnDescription.of("n", "int", true));
        List<ColumnDescription> wider = new ArrayList<>(columns);
        wider.add(ColumnDescription.of("added", "varchar(10)", true));
        RowDataDeserializationSchema generic =
                new RowDataDeserializationSchema(
                        declared,
                        Collections.emptyList(),
                        InternalTypeInfo.of(declared),
                        ZoneOffset.UTC,
                        DroppedColumnHandling.FAIL);
        RowDataDeserializationSchema binary = generic.withBinaryRows();
        byte[][] before = bytes("7", "12.50", "a text longer than eight bytes", "5");
        byte[][] after = bytes("7", "12.50", "short", null);
        byte[][] insert = bytes("8", "-0.01", "eight by", "-3", "x");
        // The after image's n lies where the before image's text had the same digit: compared
        // with the wrong image's spans, n would wrongly keep the before row's value.
        byte[][] widerBefore = bytes("8", "-0.01", "eight by4", "-3", "x");
        byte[][] widerAfter = bytes("8", "99.99", "eight by", "4", null);
        List<RowChangeEvent[]> changes =
                Arrays.asList(
                        inPlaceAndArrays(RowChangeEvent.Op.UPDATE, columns, before, after),
                        inPlaceAndArrays(RowChangeEvent.Op.INSERT, wider, null, insert),
                        inPlaceAndArrays(RowChangeEvent.Op.UPDATE, wider, widerBefore, widerAfter),
                        inPlaceAndArrays(RowChangeEvent.Op.UPDATE, columns, before, after));
        for (RowChangeEvent[] change : changes) {
            List<RowData> inPlace = collect(binary, null, change[0]);
            List<RowData> arrays = collect(generic, null, change[1]);
            assertThat(inPlace).hasSameSizeAs(arrays).allMatch(r -> r instanceof BinaryRowData);
            for (int i = 0; i < arrays.size(); i++) {
                assertThat(inPlace.get(i).getRowKind()).isEqualTo(arrays.get(i).getRowKind());
                assertThat(values(inPlace.get(i), declared))
                        .isEqualTo(values(arrays.get(i), declared));
            }
        }
        assertThat(values(collect(binary, null, changes.get(3)[0]).get(1), declared))
                .containsExactly(
                        7L,
                        DecimalData.fromUnscaledLong(1250, 10, 2),
                        StringData.fromString("short"),
                        null);
    }

    /**
     * Binary rows handed to the source output are written into one reused object (two for an
     * update), and each is, byte for byte, the row written into an array of its own: a NULL after a
     * value (also in a second update's before row), a shorter text after a longer one (the
     * padding), a longer one after a shorter one (a new array), an inline text after a long one, a
     * metadata text of each row's kind.
     */
    @Test
    void rowsHandedToTheSourceOutputReuseTheirObjectAndEqualRowsOfTheirOwn() throws Exception {
        RowType produced =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            new BigIntType(false),
                            new VarCharType(VarCharType.MAX_LENGTH),
                            new IntType(),
                            new VarCharType(false, VarCharType.MAX_LENGTH)
                        },
                        new String[] {"id", "v", "n", "kind"});
        RowType declared =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            new BigIntType(false),
                            new VarCharType(VarCharType.MAX_LENGTH),
                            new IntType()
                        },
                        new String[] {"id", "v", "n"});
        List<ColumnDescription> columns =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("v", "varchar(100)", true),
                        ColumnDescription.of("n", "int", true));
        RowDataDeserializationSchema binary =
                new RowDataDeserializationSchema(
                                declared,
                                Collections.singletonList(kindText("the row's kind is ", false)),
                                InternalTypeInfo.of(produced),
                                ZoneOffset.UTC,
                                DroppedColumnHandling.FAIL)
                        .withBinaryRows();
        String thirty = "a text of thirty bytes, padded";
        List<RowChangeEvent> changes =
                Arrays.asList(
                        inPlaceAndArrays(
                                RowChangeEvent.Op.INSERT,
                                columns,
                                null,
                                bytes("1", "nine byte", "5"))[0],
                        inPlaceAndArrays(
                                RowChangeEvent.Op.UPDATE,
                                columns,
                                bytes("1", "nine byte", "5"),
                                bytes("1", thirty, null))[0],
                        inPlaceAndArrays(
                                RowChangeEvent.Op.UPDATE,
                                columns,
                                bytes("1", thirty, null),
                                bytes("1", "ten bytes.", "6"))[0],
                        inPlaceAndArrays(
                                RowChangeEvent.Op.INSERT,
                                columns,
                                null,
                                bytes("2", "inline", null))[0],
                        inPlaceAndArrays(
                                RowChangeEvent.Op.DELETE, columns, bytes("2", null, "7"), null)[0]);
        List<RowData> own = new ArrayList<>();
        for (RowChangeEvent change : changes) {
            own.addAll(collect(binary, null, change));
        }
        List<BinaryRowData> handedOn = new ArrayList<>();
        Set<RowData> objects = Collections.newSetFromMap(new IdentityHashMap<>());
        SourceOutputCollector<RowData> output =
                new SourceOutputCollector<RowData>() {
                    @Override
                    public boolean reachesSourceOutput() {
                        return true;
                    }

                    @Override
                    public void collect(RowData record) {
                        objects.add(record);
                        handedOn.add(((BinaryRowData) record).copy()); // as Flink's chain does
                    }

                    @Override
                    public void close() {}
                };
        RowDataDeserializationSchema reusing = binary.withBinaryRows();
        for (RowChangeEvent change : changes) {
            reusing.deserialize(change, output);
        }
        assertThat(objects).hasSize(2);
        Set<RowData> ownObjects = Collections.newSetFromMap(new IdentityHashMap<>());
        ownObjects.addAll(own); // collected elsewhere than the source output: rows of their own
        assertThat(ownObjects).hasSameSizeAs(own);
        assertThat(handedOn).hasSameSizeAs(own).hasSize(7);
        for (int i = 0; i < own.size(); i++) {
            assertThat(handedOn.get(i)).isEqualTo(own.get(i));
            assertThat(handedOn.get(i).hashCode()).isEqualTo(own.get(i).hashCode());
        }
        assertThat(values(handedOn.get(2), produced))
                .containsExactly(
                        1L,
                        StringData.fromString(thirty),
                        null,
                        StringData.fromString("the row's kind is UPDATE_AFTER"));
    }

    /**
     * A metadata column of text: the prefix and the record's kind ({@link RowKind#shortString} if
     * {@code shortKind}, else its name); it must be read with the kind.
     */
    private static RowDataDeserializationSchema.MetadataReader kindText(
            String prefix, boolean shortKind) {
        return new RowDataDeserializationSchema.MetadataReader() {
            @Override
            public Object read(RowChangeEvent change) {
                throw new AssertionError("read with the kind");
            }

            @Override
            public Object read(RowChangeEvent change, RowKind kind) {
                return StringData.fromString(
                        prefix + (shortKind ? kind.shortString() : kind.toString()));
            }
        };
    }

    /** A change with images read in place from one message, and the same with arrays. */
    private static RowChangeEvent[] inPlaceAndArrays(
            RowChangeEvent.Op op,
            List<ColumnDescription> columns,
            @Nullable byte[][] before,
            @Nullable byte[][] after) {
        return new RowChangeEvent[] {
            RowChangeEvent.ofImages(
                    "ks",
                    "-80",
                    "t",
                    op,
                    columns,
                    before == null ? null : packed(before),
                    after == null ? null : packed(after),
                    1_700_000_000_000L,
                    "MySQL56/a:1-11",
                    1),
            new RowChangeEvent(
                    "ks",
                    "-80",
                    "t",
                    op,
                    columns,
                    before,
                    after,
                    1_700_000_000_000L,
                    "MySQL56/a:1-11",
                    1)
        };
    }

    /**
     * A text value that grows in UTF-8 (latin1 here) outgrows its estimate: its row grows, later
     * rows are sized for their own values again (the room learnt is the metadata's only).
     *
     * @param simple whether the metadata field is of a simple type (the rows are written by {@code
     *     BinaryRowBuilder}); else by Flink's writer
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aValueLargerThanItsEstimateGrowsOnlyItsOwnRow(boolean simple) throws Exception {
        RowType produced =
                declaredAnd(
                        Collections.singletonList("nothing"),
                        simple ? new BigIntType() : new LocalZonedTimestampType(6));
        RowDataDeserializationSchema schema =
                new RowDataDeserializationSchema(
                                DECLARED,
                                Collections.singletonList(change -> null),
                                InternalTypeInfo.of(produced),
                                ZoneOffset.UTC,
                                DroppedColumnHandling.FAIL)
                        .withBinaryRows();
        List<ColumnDescription> latin1 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of(MySqlColumn.of("v", "varchar(65535)", true, 8)),
                        ColumnDescription.of("n", "int", true));
        byte[] accents = new byte[100_000];
        Arrays.fill(accents, (byte) 0xE9); // é in latin1 (cp1252), two bytes in UTF-8
        RowData large = collect(schema, null, latin1Insert(latin1, accents)).get(0);
        assertThat(large.getString(1).toString()).hasSize(100_000).matches("é+");
        assertThat(((BinaryRowData) large).getSizeInBytes()).isGreaterThan(200_000);

        for (int i = 0; i < 3; i++) {
            BinaryRowData small =
                    (BinaryRowData)
                            collect(schema, null, latin1Insert(latin1, new byte[] {'x'})).get(0);
            assertThat(small.getString(1).toString()).isEqualTo("x");
            assertThat(small.getSegments()[0].size()).as("the row's array").isLessThan(1_000);
        }
    }

    private static RowChangeEvent latin1Insert(List<ColumnDescription> columns, byte[] text) {
        return insert(columns, new byte[][] {"1".getBytes(StandardCharsets.UTF_8), text, null});
    }

    /**
     * An image read in place: a prefix no one reads, the lengths as packed sint64 varints (-1 for
     * NULL), then the values.
     */
    private static RowImage packed(byte[][] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x2A);
        for (byte[] value : values) {
            long length = value == null ? -1 : value.length;
            long zigzag = (length << 1) ^ (length >> 63);
            while ((zigzag & ~0x7FL) != 0) {
                out.write((int) ((zigzag & 0x7F) | 0x80));
                zigzag >>>= 7;
            }
            out.write((int) zigzag);
        }
        int valuesStart = out.size();
        for (byte[] value : values) {
            if (value != null) {
                out.write(value, 0, value.length);
            }
        }
        return RowImage.packed(out.toByteArray(), values.length, 1, valuesStart);
    }

    private static byte[][] bytes(String... values) {
        byte[][] row = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            row[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return row;
    }

    private static List<Object> values(RowData row, RowType type) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < type.getFieldCount(); i++) {
            out.add(RowData.createFieldGetter(type.getTypeAt(i), i).getFieldOrNull(row));
        }
        return out;
    }
}
