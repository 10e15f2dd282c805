package io.github.vstreamcdc.source.types;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests {@link MySqlJson}: JSON documents in MySQL's text form. */
class MySqlJsonTest {

    @Test
    void jsonInMySqlTextForm() {
        // What Vitess v24 sends in a binlog event (keys by bytes) and in the copy phase (MySQL's
        // text: keys by length, then bytes) for the same document.
        String binlog =
                "{\"\": 5, \"aa\": 4, \"b\": 3, \"esc\": \"<a href=\\\"x\\\">&\\n\\t\\\\/\\u0001\","
                        + " \"key with \\\"quote\\\"\": 1, \"ä\": 2}";
        String copy =
                "{\"\": 5, \"b\": 3, \"aa\": 4, \"ä\": 2, \"esc\": \"<a href=\\\"x\\\">&\\n\\t\\\\/\\u0001\","
                        + " \"key with \\\"quote\\\"\": 1}";
        assertThat(MySqlJson.canonicalJson(binlog)).isEqualTo(copy);
        assertThat(MySqlJson.canonicalJson(copy)).isEqualTo(copy);

        String nested =
                "{\"big\": 12345678901234567890.123456789, \"dbl\": 1.5e300, \"earr\": [],"
                        + " \"empty\": {}, \"i64\": -9223372036854775808, \"name\": \"Zoë 😀\","
                        + " \"nested\": [[1, 2.0, [3.25]], {\"f\": false, \"k\": null, \"t\":"
                        + " true}], \"price\": 12.50, \"small\": 0.0000001, \"u64\":"
                        + " 18446744073709551615}";
        assertThat(MySqlJson.canonicalJson(nested))
                .isEqualTo(
                        "{\"big\": 12345678901234567890.123456789, \"dbl\": 1.5e300, \"i64\":"
                                + " -9223372036854775808, \"u64\": 18446744073709551615,"
                                + " \"earr\": [], \"name\": \"Zoë 😀\", \"empty\": {},"
                                + " \"price\": 12.50, \"small\": 0.0000001, \"nested\": [[1,"
                                + " 2.0, [3.25]], {\"f\": false, \"k\": null, \"t\": true}]}");

        // Keys compare by their characters' UTF-8 bytes, however they are escaped.
        assertThat(MySqlJson.canonicalJson("{\"\\u00e4\":1,\"ab\":2,\"\\u00e3\":3}"))
                .isEqualTo("{\"ab\": 2, \"\\u00e3\": 3, \"\\u00e4\": 1}");
        assertThat(MySqlJson.canonicalJson("{\"😀\":1,\"\\ud83d\\ude00x\":2,\"abcd\":3}"))
                .isEqualTo("{\"abcd\": 3, \"😀\": 1, \"\\ud83d\\ude00x\": 2}");

        // Whitespace as MySQL prints it; scalars exactly as written.
        assertThat(MySqlJson.canonicalJson(" {\"b\" :[1,-0.0 ,1E-5],\n\"a\":{ } } "))
                .isEqualTo("{\"a\": {}, \"b\": [1, -0.0, 1E-5]}");
        for (String scalar :
                new String[] {
                    "null",
                    "true",
                    "12.5",
                    "-0.000000000000000000000000000001",
                    "\"just a string\"",
                    "[]",
                    "{}",
                    "\"{\\\"b\\\": 1, \\\"a\\\": 2}\""
                }) {
            assertThat(MySqlJson.canonicalJson(scalar)).isEqualTo(scalar);
        }

        for (String bad :
                new String[] {
                    "JSON_INSERT(`doc`, '$.a', 1)",
                    "{} {}",
                    "{\"a\" 1}",
                    "{\"a\": 1,}",
                    "[1 2]",
                    "\"open",
                    "01",
                    "",
                    "{\"\\u12\": 1}"
                }) {
            assertThatThrownBy(() -> MySqlJson.canonicalJson(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a JSON document");
        }
        String deep = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[";
        assertThatThrownBy(() -> MySqlJson.canonicalJson(deep + deep + deep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deeper than 100 levels");
    }
}
