package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RowData} changelog records of several tables with different schemas from one source. Each
 * record is a row with one field per table (a nested row of that table's type, named after the
 * table), of which exactly the changed table's is set; the record's {@link
 * org.apache.flink.types.RowKind} is the change's. Flink serializes these with its own row
 * serializer, no Kryo.
 *
 * <p>{@link #router()} turns the stream into one stream per table: each table's rows go to its side
 * output ({@link #outputTag}), as plain rows of the table's type:
 *
 * <pre>{@code
 * MultiTableRowDataDeserializationSchema tables = new MultiTableRowDataDeserializationSchema(types);
 * SingleOutputStreamOperator<RowData> routed =
 *         env.fromSource(source, WatermarkStrategy.noWatermarks(), "planetscale")
 *                 .process(tables.router());
 * DataStream<RowData> orders = routed.getSideOutput(tables.outputTag("orders"));
 * }</pre>
 *
 * <p>Rows of a table not in the map (e.g. one added while the job runs) are dropped.
 */
@PublicEvolving
public final class MultiTableRowDataDeserializationSchema
        implements VStreamDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final LinkedHashMap<String, RowType> tables;
    private final Map<String, RowDataDeserializationSchema> perTable = new LinkedHashMap<>();
    private final Map<String, Integer> positions = new LinkedHashMap<>();
    private final RowType recordType;

    private transient TableCollector collector;

    /**
     * @param tables each table's name (without the keyspace) and the row type to read it as; MySQL
     *     {@code TIMESTAMP} columns read as Flink {@code TIMESTAMP} in UTC
     */
    public MultiTableRowDataDeserializationSchema(Map<String, RowType> tables) {
        this(tables, ZoneOffset.UTC);
    }

    /**
     * @param tables each table's name (without the keyspace) and the row type to read it as
     * @param serverTimeZone the zone in which MySQL {@code TIMESTAMP} columns read as Flink {@code
     *     TIMESTAMP} (without time zone) show their wall-clock time, as the SQL connector's {@code
     *     server-time-zone}
     */
    public MultiTableRowDataDeserializationSchema(
            Map<String, RowType> tables, ZoneId serverTimeZone) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("Give the row type of at least one table");
        }
        this.tables = new LinkedHashMap<>(tables);
        List<RowType.RowField> fields = new ArrayList<>();
        for (Map.Entry<String, RowType> table : this.tables.entrySet()) {
            RowType type = table.getValue();
            positions.put(table.getKey(), fields.size());
            perTable.put(
                    table.getKey(),
                    new RowDataDeserializationSchema(
                            type, new ArrayList<>(), InternalTypeInfo.of(type), serverTimeZone));
            fields.add(new RowType.RowField(table.getKey(), type));
        }
        this.recordType = new RowType(fields);
    }

    /** The type of the records: one nullable nested row per table, in the order given. */
    public RowType recordType() {
        return recordType;
    }

    /** The side output of a table's rows, for {@link #router()}. */
    public OutputTag<RowData> outputTag(String table) {
        RowType type = tables.get(table);
        if (type == null) {
            throw new IllegalArgumentException(
                    "Table '" + table + "' is not one of " + tables.keySet());
        }
        return new OutputTag<>("planetscale-table-" + table, InternalTypeInfo.of(type));
    }

    /** A function that sends each table's rows to its {@link #outputTag side output}. */
    public ProcessFunction<RowData, RowData> router() {
        List<OutputTag<RowData>> tags = new ArrayList<>();
        int[] arities = new int[tables.size()];
        int i = 0;
        for (Map.Entry<String, RowType> table : tables.entrySet()) {
            tags.add(outputTag(table.getKey()));
            arities[i++] = table.getValue().getFieldCount();
        }
        return new TableRouter(tags, arities);
    }

    @Override
    public void deserialize(RowChangeEvent change, Collector<RowData> out) throws Exception {
        RowDataDeserializationSchema schema = perTable.get(change.table());
        if (schema == null) {
            return;
        }
        if (collector == null) {
            collector = new TableCollector(tables.size());
        }
        collector.out = out;
        collector.position = positions.get(change.table());
        schema.deserialize(change, collector);
    }

    /**
     * Checks the table's new shape against its row type (see {@link RowDataDeserializationSchema}).
     */
    @Override
    public void deserializeSchemaChange(SchemaChangeEvent change, Collector<RowData> out) {
        RowDataDeserializationSchema schema = perTable.get(change.table());
        if (schema != null) {
            schema.deserializeSchemaChange(change, out);
        }
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return InternalTypeInfo.of(recordType);
    }

    /** Wraps a table's row into the record at the table's position. */
    private static final class TableCollector implements Collector<RowData> {
        private final int arity;
        Collector<RowData> out;
        int position;

        TableCollector(int arity) {
            this.arity = arity;
        }

        @Override
        public void collect(RowData row) {
            GenericRowData record = new GenericRowData(row.getRowKind(), arity);
            record.setField(position, row);
            out.collect(record);
        }

        @Override
        public void close() {}
    }

    /** Sends each record's table row, with the record's row kind, to the table's side output. */
    private static final class TableRouter extends ProcessFunction<RowData, RowData> {
        private static final long serialVersionUID = 1L;

        private final List<OutputTag<RowData>> tags;
        private final int[] arities;

        TableRouter(List<OutputTag<RowData>> tags, int[] arities) {
            this.tags = tags;
            this.arities = arities;
        }

        @Override
        public void processElement(RowData record, Context ctx, Collector<RowData> out) {
            for (int i = 0; i < arities.length; i++) {
                if (!record.isNullAt(i)) {
                    RowData row = record.getRow(i, arities[i]);
                    row.setRowKind(record.getRowKind());
                    ctx.output(tags.get(i), row);
                    return;
                }
            }
        }
    }
}
