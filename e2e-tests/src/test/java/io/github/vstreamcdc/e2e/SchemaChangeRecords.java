package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.client.GtidSet;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.types.RowKind;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The output of {@code new JsonDeserializationSchema(true)} for one table {@code (id BIGINT, v
 * VARCHAR, ...)}, parsed: row changes (with {@code op}) and schema changes (without), in output
 * order. Checks that each shard has one schema change per DDL, between the last row of the old
 * shape and the first of the new, and gives the row changes as {@code (id, v)} records for {@link
 * ChangelogCheck}.
 */
final class SchemaChangeRecords {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final String table;
    private final List<JsonNode> records = new ArrayList<>();

    private SchemaChangeRecords(String table, List<String> output) {
        this.table = table;
        for (String json : output) {
            JsonNode record = parse(json);
            if (table.equals(tableOf(record))) {
                records.add(record);
            }
        }
    }

    /** The records of the table in the job's output. */
    static SchemaChangeRecords of(String table, List<String> output) {
        return new SchemaChangeRecords(table, output);
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("Not JSON: " + json, e);
        }
    }

    static boolean isSchemaChange(JsonNode record) {
        return !record.has("op");
    }

    static String tableOf(JsonNode record) {
        return record.path("source").path("table").asText();
    }

    static String shardOf(JsonNode record) {
        return record.path("source").path("shard").asText();
    }

    /** The names of a row change's columns (of its after image, or before for a delete). */
    static List<String> imageColumns(JsonNode row) {
        JsonNode image = row.path("after").isObject() ? row.get("after") : row.get("before");
        List<String> names = new ArrayList<>();
        image.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** "name type" of each column of a schema change's {@code columns} or previous ones. */
    static List<String> columns(JsonNode columns) {
        List<String> described = new ArrayList<>();
        columns.forEach(
                c -> described.add(c.path("name").asText() + " " + c.path("type").asText()));
        return described;
    }

    private static List<String> names(List<String> described) {
        List<String> names = new ArrayList<>();
        described.forEach(d -> names.add(d.substring(0, d.indexOf(' '))));
        return names;
    }

    int size() {
        return records.size();
    }

    /** The schema changes of a shard, in order. */
    List<JsonNode> schemaChanges(String shard) {
        List<JsonNode> changes = new ArrayList<>();
        for (JsonNode record : byShard().getOrDefault(shard, List.of())) {
            if (isSchemaChange(record)) {
                changes.add(record);
            }
        }
        return changes;
    }

    Map<String, List<JsonNode>> byShard() {
        Map<String, List<JsonNode>> shards = new TreeMap<>();
        for (JsonNode record : records) {
            shards.computeIfAbsent(shardOf(record), s -> new ArrayList<>()).add(record);
        }
        return shards;
    }

    /**
     * Asserts for every given shard: exactly one schema change per step, in order, whose columns
     * ("name type", types as MySQL's column_type starts, e.g. "int") are those of the step and
     * whose previous columns are those of the step before; every row change has the column names of
     * the schema in force where it stands, and every row before a schema change is at a position
     * before it, every row after it at or after it.
     *
     * @param steps the columns at the start, then after each schema change
     */
    void assertSchemaSteps(List<String> shards, List<List<String>> steps) {
        Map<String, List<JsonNode>> byShard = byShard();
        for (String shard : shards) {
            List<JsonNode> shardRecords = byShard.getOrDefault(shard, List.of());
            int step = 0;
            List<String> changePositions = new ArrayList<>();
            for (JsonNode record : shardRecords) {
                if (isSchemaChange(record)) {
                    step++;
                    String where = "schema change " + step + " of " + table + "@" + shard;
                    assertThat(step)
                            .as("%s: more than expected: %s", where, record)
                            .isLessThan(steps.size());
                    assertTypes(
                            where + " columns", columns(record.get("columns")), steps.get(step));
                    assertThat(record.get("previous_columns"))
                            .as(where + " previous_columns")
                            .isNotNull();
                    assertTypes(
                            where + " previous_columns",
                            columns(record.get("previous_columns")),
                            steps.get(step - 1));
                    changePositions.add(record.path("source").path("position").asText());
                } else {
                    assertThat(imageColumns(record))
                            .as(
                                    "columns of a row of %s@%s after %d schema changes: %s",
                                    table, shard, step, record)
                            .isEqualTo(names(steps.get(step)));
                }
            }
            assertThat(step)
                    .as("schema changes of %s@%s", table, shard)
                    .isEqualTo(steps.size() - 1);
            assertPlacedByPosition(shard, shardRecords, changePositions);
        }
    }

    /** Each described column "name type" starts as expected ("n int" matches "n int(11)"). */
    private static void assertTypes(String what, List<String> actual, List<String> expected) {
        assertThat(names(actual)).as(what + " " + actual).isEqualTo(names(expected));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as(what).startsWith(expected.get(i));
        }
    }

    private void assertPlacedByPosition(
            String shard, List<JsonNode> shardRecords, List<String> changePositions) {
        int step = 0;
        for (JsonNode record : shardRecords) {
            if (isSchemaChange(record)) {
                step++;
                continue;
            }
            String position = record.path("source").path("position").asText();
            for (int i = 0; i < changePositions.size(); i++) {
                boolean after = GtidSet.contains(position, changePositions.get(i));
                assertThat(after)
                        .as(
                                "a row of %s@%s %s schema change %d (at %s) in the output is at %s:"
                                        + " %s",
                                table,
                                shard,
                                i < step ? "after" : "before",
                                i + 1,
                                changePositions.get(i),
                                position,
                                record)
                        .isEqualTo(i < step);
            }
        }
    }

    /** The row changes as (id, v) records of their kinds, for {@link ChangelogCheck}. */
    List<RowData> rows() {
        List<RowData> rows = new ArrayList<>();
        for (JsonNode record : records) {
            if (isSchemaChange(record)) {
                continue;
            }
            String op = record.get("op").asText();
            switch (op) {
                case "r":
                case "c":
                    rows.add(row(RowKind.INSERT, record.get("after")));
                    break;
                case "u":
                    rows.add(row(RowKind.UPDATE_BEFORE, record.get("before")));
                    rows.add(row(RowKind.UPDATE_AFTER, record.get("after")));
                    break;
                case "d":
                    rows.add(row(RowKind.DELETE, record.get("before")));
                    break;
                default:
                    throw new AssertionError("Unknown op " + op + " in " + record);
            }
        }
        return rows;
    }

    private static RowData row(RowKind kind, JsonNode image) {
        JsonNode v = image.get("v");
        GenericRowData row =
                GenericRowData.of(
                        image.get("id").asLong(),
                        v == null || v.isNull() ? null : StringData.fromString(v.asText()));
        row.setRowKind(kind);
        return row;
    }

    /** Each id's last image (column to value as text), after applying every row change. */
    Map<Long, Map<String, String>> lastImages() {
        Map<Long, Map<String, String>> images = new TreeMap<>();
        for (JsonNode record : records) {
            if (isSchemaChange(record)) {
                continue;
            }
            if ("d".equals(record.get("op").asText())) {
                images.remove(record.get("before").get("id").asLong());
            } else {
                JsonNode after = record.get("after");
                Map<String, String> image = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> fields = after.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    image.put(
                            field.getKey(),
                            field.getValue().isNull() ? null : field.getValue().asText());
                }
                images.put(after.get("id").asLong(), image);
            }
        }
        return images;
    }

    /**
     * Asserts that each id's last image equals the row in the table, on the columns both have, and
     * returns how many ids have an image with all the table's columns (written after the last
     * schema change).
     */
    int assertImagesMatch(Callable<Connection> connections) throws Exception {
        Map<Long, Map<String, String>> table = select(connections);
        Map<Long, Map<String, String>> images = lastImages();
        assertThat(images.keySet()).as("ids of %s", this.table).isEqualTo(table.keySet());
        int complete = 0;
        for (Map.Entry<Long, Map<String, String>> row : table.entrySet()) {
            Map<String, String> image = images.get(row.getKey());
            Map<String, String> common = new LinkedHashMap<>(row.getValue());
            common.keySet().retainAll(image.keySet());
            Map<String, String> imageCommon = new LinkedHashMap<>(image);
            imageCommon.keySet().retainAll(common.keySet());
            assertThat(imageCommon)
                    .as("the last image of id %s vs the table's row %s", row.getKey(), row)
                    .isEqualTo(common);
            if (image.keySet().equals(row.getValue().keySet())) {
                complete++;
            }
        }
        return complete;
    }

    private Map<Long, Map<String, String>> select(Callable<Connection> connections)
            throws Exception {
        Map<Long, Map<String, String>> rows = new TreeMap<>();
        try (Connection c = connections.call();
                Statement s = c.createStatement()) {
            s.execute("SET workload = 'olap'");
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i), rs.getString(i));
                    }
                    rows.put(rs.getLong("id"), row);
                }
            }
        }
        return rows;
    }
}
