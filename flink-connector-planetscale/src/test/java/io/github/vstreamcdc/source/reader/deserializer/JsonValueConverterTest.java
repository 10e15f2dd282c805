package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.Query.Type;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.ALL;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.BIG;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.BINARY4;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.BIT1;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.BIT64;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.BLOB_COL;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.BOOL;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.CHAR;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.DATE;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.DATETIME0;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.DATETIME6;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.DEC;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.DEC65;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.DOUBLE;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.ENUM_COL;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.FLOAT;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.INT;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.JSON;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.POINT;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.POINT_1_2;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.SET_COL;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.TEXT;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.TIME0;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.TIME6;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.TIMESTAMP6;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.TINY;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.UBIG;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.UINT;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.VARCHAR_BIN;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.VECTOR;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.YEAR;
import static io.github.vstreamcdc.source.reader.deserializer.RowDataConverterTest.hex;
import static io.github.vstreamcdc.source.types.FieldEvents.BLOB;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_BINARY;
import static io.github.vstreamcdc.source.types.FieldEvents.ENUM;
import static io.github.vstreamcdc.source.types.FieldEvents.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests {@link JsonValueConverter}. */
class JsonValueConverterTest {

    /** Converts one value with the converter of its column. */
    private static Object toJsonValue(Query.Field field, byte[] value) {
        return JsonValueConverter.of(MySqlColumn.of(field)).toJsonValue(value);
    }

    private final ObjectMapper mapper = new ObjectMapper();

    private Object json(Query.Field field, String value) {
        return toJsonValue(field, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nullForEveryType() {
        for (Query.Field field : ALL) {
            assertThat(toJsonValue(field, null)).as(field.getName()).isNull();
        }
    }

    @Test
    void textOfOtherCharacterSetsIsDecodedByTheSetTheFieldNames() {
        Query.Field latin1 = field("l", Type.VARCHAR, "varchar(20)", 20, 8, 0, 0);
        assertThat(toJsonValue(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9})).isEqualTo("café");
        Query.Field latin1Enum = field("e", Type.ENUM, "enum('é','b')", 1, 8, 0, ENUM);
        assertThat(toJsonValue(latin1Enum, new byte[] {(byte) 0xE9})).isEqualTo("é");
        assertThat(json(latin1Enum, "é")).as("binlog events: UTF-8").isEqualTo("é");
    }

    @Test
    void numbersAreExact() {
        assertThat(json(BOOL, "1")).isEqualTo(1L);
        assertThat(json(TINY, "-128")).isEqualTo(-128L);
        assertThat(json(INT, "-2147483648")).isEqualTo(-2147483648L);
        assertThat(json(UINT, "4294967295")).isEqualTo(4294967295L);
        assertThat(json(BIG, "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(json(UBIG, "18446744073709551615"))
                .isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(json(UBIG, "1")).isEqualTo(BigInteger.ONE);
        assertThat(json(YEAR, "2155")).isEqualTo(2155L);
        assertThat(json(FLOAT, "3.4028235E+38")).isEqualTo(Float.MAX_VALUE);
        assertThat(json(DOUBLE, "1.7976931348623157E+308")).isEqualTo(Double.MAX_VALUE);
        assertThat(json(DEC, "-12345678.90")).isEqualTo("-12345678.90");
        String max65 = "99999999999999999999999999999999999.999999999999999999999999999999";
        assertThat(json(DEC65, max65)).isEqualTo(max65);
    }

    @Test
    void temporalAsIsoText() {
        assertThat(json(DATE, "2024-02-29")).isEqualTo("2024-02-29");
        assertThat(json(DATE, "0000-00-00")).isNull();
        assertThat(json(DATE, "2024-00-01")).isNull();
        assertThat(json(TIME6, "-838:59:59.000000")).isEqualTo("-838:59:59.000000");
        assertThat(json(TIME0, "838:59:59")).isEqualTo("838:59:59");
        assertThat(json(DATETIME6, "9999-12-31 23:59:59.999999"))
                .isEqualTo("9999-12-31T23:59:59.999999");
        assertThat(json(DATETIME0, "0000-00-00 00:00:00")).isNull();
        assertThat(json(TIMESTAMP6, "2038-01-19 03:14:07.999999"))
                .isEqualTo("2038-01-19T03:14:07.999999Z");
        assertThat(json(TIMESTAMP6, "0000-00-00 00:00:00.000000")).isNull();
    }

    @Test
    void stringsAndBytes() {
        assertThat(json(CHAR, "héllo 😀")).isEqualTo("héllo 😀");
        assertThat(json(TEXT, "𝄞")).isEqualTo("𝄞");
        assertThat(json(VARCHAR_BIN, "Tag")).isEqualTo("Tag");
        assertThat(toJsonValue(BINARY4, new byte[] {1, 0, 0, 0})).isEqualTo("AQAAAA==");
        assertThat(toJsonValue(BLOB_COL, new byte[] {(byte) 0xFF})).isEqualTo("/w==");
        assertThat(toJsonValue(BIT1, new byte[] {1})).isEqualTo(true);
        assertThat(toJsonValue(BIT1, new byte[] {0})).isEqualTo(false);
        assertThat(toJsonValue(BIT64, hex("FFFFFFFFFFFFFFFF"))).isEqualTo("//////////8=");
        assertThat(json(ENUM_COL, "b")).isEqualTo("b");
        assertThat(json(ENUM_COL, "1")).as("older vtgate's index").isEqualTo("a");
        assertThat(json(SET_COL, "x,z")).isEqualTo("x,z");
        assertThat(json(SET_COL, "6")).as("older vtgate's bitmask").isEqualTo("y,z");
    }

    @Test
    void jsonColumnsAreEmbeddedTrees() throws Exception {
        String doc =
                "{\"price\":12.3400,\"n\":[1,2.5e300,{\"deep\":0.1000000000000000055511151231257827}],"
                        + "\"big\":123456789012345678901234567890,\"s\":\"😀\",\"t\":true,"
                        + "\"nil\":null}";
        Object value = json(JSON, doc);
        assertThat(value).isInstanceOf(JsonNode.class);
        JsonNode node = (JsonNode) value;
        assertThat(node.get("price").decimalValue()).isEqualTo(new BigDecimal("12.3400"));
        assertThat(node.get("n").get(2).get("deep").decimalValue())
                .isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
        assertThat(node.get("big").bigIntegerValue())
                .isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(node.get("s").asText()).isEqualTo("😀");

        // Embedded in an event, the document is JSON, not a string, with its exact numbers.
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("doc", value);
        event.put("amount", json(DEC, "0.10"));
        assertThat(mapper.writeValueAsString(event))
                .isEqualTo(
                        "{\"doc\":{\"n\":[1,2.5E+300,{\"deep\":"
                                + "0.1000000000000000055511151231257827}],\"s\":\"😀\","
                                + "\"t\":true,\"big\":123456789012345678901234567890,"
                                + "\"nil\":null,\"price\":12.3400},\"amount\":\"0.10\"}");

        assertThat(((JsonNode) json(JSON, "null")).isNull()).isTrue();
        assertThat(((JsonNode) json(JSON, "[]")).isArray()).isTrue();
        assertThat(((JsonNode) json(JSON, "\"text\"")).asText()).isEqualTo("text");
    }

    @Test
    void jsonMembersInMySqlOrderInBothPhases() throws Exception {
        // The copy phase carries MySQL's text; a binlog event Vitess' rendering, keys by bytes.
        String copy = "{\"b\": 3, \"aa\": 4, \"ä\": 2, \"price\": 12.50}";
        String binlog = "{\"aa\": 4, \"b\": 3, \"price\": 12.50, \"ä\": 2}";
        String expected = "{\"b\":3,\"aa\":4,\"ä\":2,\"price\":12.50}";
        assertThat(mapper.writeValueAsString(json(JSON, copy))).isEqualTo(expected);
        assertThat(mapper.writeValueAsString(json(JSON, binlog))).isEqualTo(expected);
    }

    @Test
    void notAJsonDocument() {
        assertThatThrownBy(() -> json(JSON, "JSON_INSERT(`doc`, '$.a', 1)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Cannot convert a value of column 'doc' (MySQL type json) to JSON: the"
                                + " value is not a JSON document");
        assertThatThrownBy(() -> json(JSON, "{} {}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void spatial() throws Exception {
        Object value = toJsonValue(POINT, POINT_1_2);
        assertThat(mapper.writeValueAsString(value))
                .isEqualTo("{\"srid\":0,\"wkb\":\"AQEAAAAAAAAAAADwPwAAAAAAAABA\"}");
        Query.Field polygon = field("area", Type.GEOMETRY, "polygon", -1, CS_BINARY, 0, BLOB | 128);
        assertThatThrownBy(() -> toJsonValue(polygon, new byte[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 'area' (MySQL type polygon)");
    }

    @Test
    void vectors() {
        byte[] value =
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(0.5f)
                        .putFloat(-1f)
                        .array();
        assertThat(toJsonValue(VECTOR, value)).isEqualTo(Arrays.asList(0.5f, -1f));
    }

    @Test
    void badNumbers() {
        assertThatThrownBy(() -> json(INT, "1.5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot convert a value of column 'i' (MySQL type int)");
    }
}
