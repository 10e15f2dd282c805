package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.reader.deserializer.MySqlTypeMapping.Column;
import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.io.Serializable;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one VStream column value into a plain Java value for a JSON change event, ready for
 * Jackson's {@code ObjectMapper#valueToTree} or {@code writeValueAsString}:
 *
 * <ul>
 *   <li>SQL NULL: {@code null};
 *   <li>integers and YEAR: {@link Long}; BIGINT UNSIGNED: {@link BigInteger} (exact);
 *   <li>FLOAT: {@link Float}; DOUBLE: {@link Double};
 *   <li>DECIMAL: its exact text, as a {@link String} (JSON numbers lose precision in most readers);
 *   <li>DATE {@code 2024-01-31}, TIME {@code -838:59:59.000000} (as MySQL prints it), DATETIME
 *       {@code 2024-01-31T10:15:30.123456}, TIMESTAMP {@code 2024-01-31T10:15:30.123456Z} (UTC):
 *       ISO-8601 text; zero dates ({@code 0000-00-00}, a zero month or day): {@code null};
 *   <li>CHAR, VARCHAR, TEXT, ENUM, SET (comma-separated members): {@link String};
 *   <li>BINARY, VARBINARY, BLOB, BIT(n &gt; 1): base64 {@link String}; BIT(1): {@link Boolean};
 *   <li>JSON: the document as a {@link JsonNode} (numbers exact, object members in MySQL's order),
 *       not as a string;
 *   <li>spatial types: a {@link Map} {@code {"srid": 4326, "wkb": "<base64 WKB>"}};
 *   <li>VECTOR: a {@link List} of {@link Float}.
 * </ul>
 */
@Internal
public final class JsonValueConverter implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    /**
     * The JSON-friendly value of a column value.
     *
     * @param field the column, from the table's FIELD event
     * @param value the value as VStream sends it; null for SQL NULL
     * @throws IllegalArgumentException if the value is not in the column type's text encoding
     */
    public Object toJsonValue(Query.Field field, byte[] value) {
        if (value == null) {
            return null;
        }
        Column column = Column.of(field);
        try {
            return convert(column, value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "Cannot convert a value of column '%s' (MySQL type %s) to JSON: %s",
                            column.name, column.typeName, e.getMessage()),
                    e);
        }
    }

    private static Object convert(Column column, byte[] value) {
        String text;
        switch (column.kind) {
            case BIGINT_UNSIGNED:
                return new BigInteger(text(value));
            case FLOAT:
                return Float.parseFloat(text(value));
            case DOUBLE:
                return Double.parseDouble(text(value));
            case DECIMAL:
            case TIME:
            case TEXT:
                return text(value);
            case DATE:
                text = text(value);
                return MySqlTypeMapping.parseDate(text) == null ? null : text;
            case DATETIME:
                text = text(value);
                return MySqlTypeMapping.parseDateTime(text) == null ? null : text.replace(' ', 'T');
            case TIMESTAMP:
                text = text(value);
                return MySqlTypeMapping.parseDateTime(text) == null
                        ? null
                        : text.replace(' ', 'T') + 'Z';
            case ENUM:
                return MySqlTypeMapping.enumText(column, text(value));
            case SET:
                return MySqlTypeMapping.setText(column, text(value));
            case BIT:
                return column.bitLength == 1
                        ? (Object) (MySqlTypeMapping.bitsToLong(value) != 0)
                        : base64(value);
            case BINARY:
                return base64(value);
            case JSON:
                return parseJson(value);
            case GEOMETRY:
                Map<String, Object> geometry = new LinkedHashMap<>();
                geometry.put("srid", MySqlTypeMapping.geometrySrid(value));
                geometry.put("wkb", MySqlTypeMapping.geometryWkbBase64(value));
                return geometry;
            case VECTOR:
                float[] floats = MySqlTypeMapping.vectorToFloats(value);
                List<Float> out = new ArrayList<>(floats.length);
                for (float f : floats) {
                    out.add(f);
                }
                return out;
            default:
                // The other integers and YEAR.
                return Long.parseLong(text(value));
        }
    }

    private static JsonNode parseJson(byte[] value) {
        // Object members in MySQL's order, whether the value comes from the copy phase or a binlog
        // event (Vitess orders keys differently there); numbers keep every digit.
        String canonical = MySqlTypeMapping.canonicalJson(text(value));
        try {
            return MAPPER.readTree(canonical);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "the value is not a JSON document (partial JSON updates, MySQL's"
                            + " binlog_row_value_options=PARTIAL_JSON, are not supported): "
                            + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String base64(byte[] value) {
        return Base64.getEncoder().encodeToString(value);
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
