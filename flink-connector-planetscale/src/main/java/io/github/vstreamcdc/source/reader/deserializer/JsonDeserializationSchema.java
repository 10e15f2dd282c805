package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.util.Collector;

import java.util.List;

/**
 * Produces one JSON text per change, shaped like Flink CDC's (Debezium's) change events: {@code
 * before}, {@code after}, {@code op} (r, c, u, d), {@code ts_ms} and {@code source} (db and
 * keyspace, shard, table, position, commit time). Values keep their exact precision: DECIMAL as
 * strings, JSON columns embedded as JSON.
 *
 * <p>Built with {@code includeSchemaChanges}, it also produces one JSON text per schema change of a
 * read table on a shard, before the table's first row in the new shape: it has no {@code op}, but
 * {@code ddl} (the statement, or null), {@code columns} and {@code previous_columns} (each column's
 * {@code name}, {@code type} as MySQL's {@code column_type}, and {@code nullable}), {@code ts_ms}
 * and {@code source} (without {@code transaction_seq} and {@code snapshot}).
 */
@PublicEvolving
public final class JsonDeserializationSchema implements VStreamDeserializationSchema<String> {

    private static final long serialVersionUID = 1L;

    private final boolean includeSchemaChanges;

    private transient ObjectMapper mapper;
    private transient SchemaCache<JsonValueConverter[]> converters;

    /** Row changes only. */
    public JsonDeserializationSchema() {
        this(false);
    }

    /**
     * @param includeSchemaChanges whether schema changes are produced too (as Flink CDC's {@code
     *     includeSchemaChanges})
     */
    public JsonDeserializationSchema(boolean includeSchemaChanges) {
        this.includeSchemaChanges = includeSchemaChanges;
    }

    @Override
    public void deserialize(RowChangeEvent change, Collector<String> out) throws Exception {
        open();
        JsonValueConverter[] values =
                converters.get(
                        change, c -> JsonValueConverter.of(VStreamColumns.parsed(c.columns())));
        ObjectNode event = mapper.createObjectNode();
        event.set("before", image(change.columns(), values, change.before()));
        event.set("after", image(change.columns(), values, change.after()));
        event.put("op", change.op().code());
        event.put("ts_ms", System.currentTimeMillis());
        ObjectNode source = event.putObject("source");
        source.put("db", change.keyspace()); // Flink CDC's name for the database
        source.put("keyspace", change.keyspace());
        source.put("shard", change.shard());
        source.put("table", change.table());
        source.put("position", change.position());
        source.put("transaction_seq", change.transactionSeq());
        source.put("ts_ms", change.commitTimeMillis());
        source.put("snapshot", change.op() == RowChangeEvent.Op.READ);
        out.collect(mapper.writeValueAsString(event));
    }

    @Override
    public void deserializeSchemaChange(SchemaChangeEvent change, Collector<String> out)
            throws Exception {
        if (!includeSchemaChanges) {
            return;
        }
        open();
        ObjectNode event = mapper.createObjectNode();
        event.put("ddl", change.ddl());
        event.set("columns", columns(change.columns()));
        event.set("previous_columns", columns(change.previousColumns()));
        event.put("ts_ms", System.currentTimeMillis());
        ObjectNode source = event.putObject("source");
        source.put("db", change.keyspace());
        source.put("keyspace", change.keyspace());
        source.put("shard", change.shard());
        source.put("table", change.table());
        source.put("position", change.position());
        source.put("ts_ms", change.commitTimeMillis());
        out.collect(mapper.writeValueAsString(event));
    }

    private void open() {
        if (mapper == null) {
            // Exact decimals: 12.50 inside a JSON column stays 12.50.
            mapper = new ObjectMapper().setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
            converters = new SchemaCache<>();
        }
    }

    private ArrayNode columns(List<ColumnDescription> columns) {
        if (columns == null) {
            return null;
        }
        ArrayNode list = mapper.createArrayNode();
        for (ColumnDescription column : columns) {
            ObjectNode node = list.addObject();
            node.put("name", column.name());
            node.put("type", column.columnType());
            node.put("nullable", column.nullable());
        }
        return list;
    }

    private ObjectNode image(
            List<ColumnDescription> columns, JsonValueConverter[] values, byte[][] row) {
        if (row == null) {
            return null;
        }
        ObjectNode node = mapper.createObjectNode();
        for (int i = 0; i < values.length; i++) {
            node.set(columns.get(i).name(), mapper.valueToTree(values[i].toJsonValue(row[i])));
        }
        return node;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }
}
