package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.types.ColumnText;
import io.github.vstreamcdc.source.types.MySqlBinaryValues;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.source.types.MySqlJson;
import io.github.vstreamcdc.source.types.MySqlTextValues;

import org.apache.flink.annotation.Internal;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the values of one VStream column into a plain Java value for a JSON change event, ready for
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
 *
 * <p>The conversion is chosen once per column; a converter keeps no mutable state.
 */
@Internal
public final class JsonValueConverter {

    private static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final MySqlColumn column;

    /** Converts a non-null value; null when the column's type is not supported. */
    private final ValueConverter converter;

    private JsonValueConverter(MySqlColumn column) {
        this.column = column;
        this.converter = column.isSupported() ? create(column) : null;
    }

    /** The converter of one column's values. */
    public static JsonValueConverter of(MySqlColumn column) {
        return new JsonValueConverter(column);
    }

    /** One converter per column, in the columns' order. */
    public static JsonValueConverter[] of(List<MySqlColumn> columns) {
        JsonValueConverter[] out = new JsonValueConverter[columns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = of(columns.get(i));
        }
        return out;
    }

    /**
     * The JSON-friendly value of a column value.
     *
     * @param value the value as VStream sends it; null for SQL NULL
     * @throws IllegalArgumentException if the value is not in the column type's text encoding, or
     *     the column's type is not supported
     */
    public Object toJsonValue(byte[] value) {
        if (value == null) {
            return null;
        }
        column.checkSupported();
        try {
            return converter.convert(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "Cannot convert a value of column '%s' (MySQL type %s) to JSON: %s",
                            column.name(), column.typeName(), e.getMessage()),
                    e);
        }
    }

    /** Converts one non-null value. */
    @FunctionalInterface
    private interface ValueConverter {
        Object convert(byte[] value);
    }

    private static ValueConverter create(MySqlColumn column) {
        switch (column.kind()) {
            case BIGINT_UNSIGNED:
                return v -> new BigInteger(text(v));
            case FLOAT:
                return v -> Float.parseFloat(text(v));
            case DOUBLE:
                return v -> Double.parseDouble(text(v));
            case DECIMAL:
            case TIME:
                return JsonValueConverter::text;
            case TEXT:
                return ColumnText.of(column)::text;
            case DATE:
                return v -> {
                    String text = text(v);
                    return MySqlTextValues.parseDate(text) == null ? null : text;
                };
            case DATETIME:
                return v -> {
                    String text = text(v);
                    return MySqlTextValues.parseDateTime(text) == null
                            ? null
                            : text.replace(' ', 'T');
                };
            case TIMESTAMP:
                return v -> {
                    String text = text(v);
                    return MySqlTextValues.parseDateTime(text) == null
                            ? null
                            : text.replace(' ', 'T') + 'Z';
                };
            case ENUM:
                ColumnText enumText = ColumnText.of(column);
                return v -> MySqlTextValues.enumText(column, enumText.member(v));
            case SET:
                ColumnText setText = ColumnText.of(column);
                return v -> MySqlTextValues.setText(column, setText.member(v));
            case BIT:
                return column.bitLength() == 1
                        ? v -> MySqlBinaryValues.bitsToLong(v) != 0
                        : JsonValueConverter::base64;
            case BINARY:
                return JsonValueConverter::base64;
            case JSON:
                return JsonValueConverter::parseJson;
            case GEOMETRY:
                return v -> {
                    Map<String, Object> geometry = new LinkedHashMap<>();
                    geometry.put("srid", MySqlBinaryValues.geometrySrid(v));
                    geometry.put("wkb", MySqlBinaryValues.geometryWkbBase64(v));
                    return geometry;
                };
            case VECTOR:
                return v -> {
                    float[] floats = MySqlBinaryValues.vectorToFloats(v);
                    List<Float> out = new ArrayList<>(floats.length);
                    for (float f : floats) {
                        out.add(f);
                    }
                    return out;
                };
            default:
                // The other integers and YEAR.
                return v -> Long.parseLong(text(v));
        }
    }

    private static JsonNode parseJson(byte[] value) {
        // Object members in MySQL's order, whether the value comes from the copy phase or a binlog
        // event (Vitess orders keys differently there); numbers keep every digit.
        String canonical = MySqlJson.canonicalJson(text(value));
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
