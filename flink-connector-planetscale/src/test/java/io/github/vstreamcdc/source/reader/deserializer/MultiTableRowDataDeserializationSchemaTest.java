package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Rows of tables with different schemas in one stream, and their routing to side outputs. */
class MultiTableRowDataDeserializationSchemaTest {

    private static final List<ColumnDescription> ORDERS =
            Arrays.asList(
                    ColumnDescription.of("id", "bigint", false),
                    ColumnDescription.of("total", "decimal(10,2)", true));
    private static final List<ColumnDescription> NOTES =
            Arrays.asList(
                    ColumnDescription.of("id", "bigint", false),
                    ColumnDescription.of("text", "varchar(20)", true),
                    ColumnDescription.of("pinned", "tinyint(1)", true));

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static RowChangeEvent change(
            String table, List<ColumnDescription> columns, RowChangeEvent.Op op, byte[][] row) {
        boolean before = op == RowChangeEvent.Op.DELETE;
        return new RowChangeEvent(
                "customer",
                "-80",
                table,
                op,
                columns,
                before ? row : null,
                before ? null : row,
                1_000L,
                "pos");
    }

    private static Collector<RowData> into(List<RowData> records) {
        return new Collector<RowData>() {
            @Override
            public void collect(RowData record) {
                records.add(record);
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void timestampsShowTheWallClockOfTheGivenServerZone() throws Exception {
        Map<String, RowType> types = new LinkedHashMap<>();
        types.put(
                "events",
                (RowType)
                        DataTypes.ROW(DataTypes.FIELD("at", DataTypes.TIMESTAMP(0)))
                                .getLogicalType());
        List<ColumnDescription> columns =
                Arrays.asList(ColumnDescription.of("at", "timestamp", true));
        List<RowData> records = new ArrayList<>();
        Collector<RowData> out = into(records);
        // VStream sends TIMESTAMP values in UTC.
        RowChangeEvent event =
                change(
                        "events",
                        columns,
                        RowChangeEvent.Op.INSERT,
                        new byte[][] {b("2024-01-01 10:00:00")});
        new MultiTableRowDataDeserializationSchema(types, ZoneId.of("+02:00"))
                .deserialize(event, out);
        new MultiTableRowDataDeserializationSchema(types).deserialize(event, out);
        assertThat(records.get(0).getRow(0, 1).getTimestamp(0, 0).toLocalDateTime())
                .isEqualTo(LocalDateTime.parse("2024-01-01T12:00:00"));
        assertThat(records.get(1).getRow(0, 1).getTimestamp(0, 0).toLocalDateTime())
                .isEqualTo(LocalDateTime.parse("2024-01-01T10:00:00"));
    }

    @Test
    void eachTableInItsOwnFieldAndRoutedToItsSideOutput() throws Exception {
        Map<String, RowType> types = new LinkedHashMap<>();
        types.put(
                "orders",
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                                        DataTypes.FIELD("total", DataTypes.DECIMAL(10, 2)))
                                .getLogicalType());
        types.put(
                "notes",
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                                        DataTypes.FIELD("text", DataTypes.STRING()),
                                        DataTypes.FIELD("pinned", DataTypes.BOOLEAN()))
                                .getLogicalType());
        MultiTableRowDataDeserializationSchema schema =
                new MultiTableRowDataDeserializationSchema(types);
        assertThat(schema.recordType().getFieldNames()).containsExactly("orders", "notes");

        List<RowData> records = new ArrayList<>();
        Collector<RowData> out = into(records);
        schema.deserialize(
                change(
                        "orders",
                        ORDERS,
                        RowChangeEvent.Op.INSERT,
                        new byte[][] {b("1"), b("9.50")}),
                out);
        schema.deserialize(
                change(
                        "notes",
                        NOTES,
                        RowChangeEvent.Op.DELETE,
                        new byte[][] {b("7"), b("hi"), b("1")}),
                out);
        schema.deserialize(
                change("other", ORDERS, RowChangeEvent.Op.INSERT, new byte[][] {b("2"), b("1")}),
                out);
        assertThat(records).hasSize(2);

        // Through Flink's serializer, as between tasks.
        TypeSerializer<RowData> serializer =
                schema.getProducedType()
                        .createSerializer(
                                new org.apache.flink.api.common.serialization
                                        .SerializerConfigImpl());
        List<RowData> copies = new ArrayList<>();
        for (RowData record : records) {
            DataOutputSerializer bytes = new DataOutputSerializer(64);
            serializer.serialize(record, bytes);
            copies.add(serializer.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer())));
        }

        Map<String, List<String>> routed = new LinkedHashMap<>();
        ProcessFunction<RowData, RowData> router = schema.router();
        ProcessFunction<RowData, RowData>.Context context =
                router.new Context() {
                    @Override
                    public Long timestamp() {
                        return null;
                    }

                    @Override
                    public org.apache.flink.streaming.api.TimerService timerService() {
                        return null;
                    }

                    @Override
                    public <X> void output(OutputTag<X> tag, X value) {
                        RowData row = (RowData) value;
                        String text =
                                row.getRowKind().shortString()
                                        + row.getLong(0)
                                        + (row.getArity() == 2
                                                ? "," + row.getDecimal(1, 10, 2)
                                                : "," + row.getString(1) + "," + row.getBoolean(2));
                        routed.computeIfAbsent(tag.getId(), k -> new ArrayList<>()).add(text);
                    }
                };
        for (RowData copy : copies) {
            router.processElement(copy, context, out);
        }
        assertThat(routed)
                .containsEntry(schema.outputTag("orders").getId(), Arrays.asList("+I1,9.50"))
                .containsEntry(schema.outputTag("notes").getId(), Arrays.asList("-D7,hi,true"));
        assertThat(copies.get(1).getRowKind()).isEqualTo(RowKind.DELETE);
    }
}
