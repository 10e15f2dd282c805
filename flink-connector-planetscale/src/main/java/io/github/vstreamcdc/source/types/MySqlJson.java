package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A JSON document in MySQL's text form, whichever phase it comes from: object members in the order
 * MySQL keeps them (shorter keys first, then by the bytes of their UTF-8 encoding), {@code ", "}
 * between members and elements, {@code ": "} after a key, and every scalar (string, number, {@code
 * true}, {@code false}, {@code null}) exactly as written.
 *
 * <p>The copy phase carries MySQL's own text of a JSON column; binlog events carry Vitess'
 * rendering of MySQL's binary JSON, which orders object keys by their bytes alone ({@code {"aa": 1,
 * "b": 2}} where MySQL prints {@code {"b": 2, "aa": 1}}). Both come out as MySQL prints them.
 */
@Internal
public final class MySqlJson {

    /** MySQL's limit on the nesting of JSON documents. */
    private static final int MAX_JSON_DEPTH = 100;

    private static final Pattern JSON_NUMBER =
            Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

    private MySqlJson() {}

    /**
     * The document in MySQL's text form.
     *
     * @throws IllegalArgumentException if the text is not one JSON document
     */
    public static String canonicalJson(String text) {
        return new JsonText(text).document();
    }

    /** A recursive descent over one JSON text that rewrites it into MySQL's form. */
    private static final class JsonText {

        /** MySQL's order of object keys: by UTF-8 length, then by bytes (unsigned). */
        private static final Comparator<Member> MYSQL_KEY_ORDER =
                (a, b) -> {
                    if (a.keyBytes.length != b.keyBytes.length) {
                        return Integer.compare(a.keyBytes.length, b.keyBytes.length);
                    }
                    for (int i = 0; i < a.keyBytes.length; i++) {
                        int diff = (a.keyBytes[i] & 0xFF) - (b.keyBytes[i] & 0xFF);
                        if (diff != 0) {
                            return diff;
                        }
                    }
                    return 0;
                };

        private final String in;
        private int pos;

        JsonText(String in) {
            this.in = in;
        }

        String document() {
            StringBuilder out = new StringBuilder(in.length() + 16);
            value(out, 0);
            skipWhitespace();
            if (pos != in.length()) {
                throw error("unexpected text after the document");
            }
            return out.toString();
        }

        private void value(StringBuilder out, int depth) {
            if (depth > MAX_JSON_DEPTH) {
                throw error("the document nests deeper than " + MAX_JSON_DEPTH + " levels");
            }
            skipWhitespace();
            if (pos >= in.length()) {
                throw error("unexpected end of the text");
            }
            char c = in.charAt(pos);
            if (c == '{') {
                object(out, depth);
            } else if (c == '[') {
                array(out, depth);
            } else if (c == '"') {
                out.append(string());
            } else {
                out.append(scalar());
            }
        }

        private void object(StringBuilder out, int depth) {
            pos++;
            skipWhitespace();
            if (pos < in.length() && in.charAt(pos) == '}') {
                pos++;
                out.append("{}");
                return;
            }
            List<Member> members = new ArrayList<>();
            while (true) {
                skipWhitespace();
                if (pos >= in.length() || in.charAt(pos) != '"') {
                    throw error("expected an object key");
                }
                String key = string();
                skipWhitespace();
                expect(':');
                StringBuilder value = new StringBuilder();
                value(value, depth + 1);
                members.add(new Member(key, value));
                skipWhitespace();
                if (pos < in.length() && in.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                break;
            }
            members.sort(MYSQL_KEY_ORDER);
            out.append('{');
            for (int i = 0; i < members.size(); i++) {
                Member member = members.get(i);
                out.append(i == 0 ? "" : ", ").append(member.key).append(": ");
                out.append(member.value);
            }
            out.append('}');
        }

        private void array(StringBuilder out, int depth) {
            pos++;
            skipWhitespace();
            out.append('[');
            if (pos < in.length() && in.charAt(pos) == ']') {
                pos++;
                out.append(']');
                return;
            }
            while (true) {
                value(out, depth + 1);
                skipWhitespace();
                if (pos < in.length() && in.charAt(pos) == ',') {
                    pos++;
                    out.append(", ");
                    continue;
                }
                expect(']');
                out.append(']');
                return;
            }
        }

        /** A string literal, quotes and escapes included, as written. */
        private String string() {
            int start = pos++;
            while (pos < in.length()) {
                char c = in.charAt(pos++);
                if (c == '\\') {
                    pos++;
                } else if (c == '"') {
                    return in.substring(start, pos);
                }
            }
            throw error("unterminated string");
        }

        /** A number, true, false or null, as written. */
        private String scalar() {
            int start = pos;
            while (pos < in.length() && ",:]} \t\r\n".indexOf(in.charAt(pos)) < 0) {
                pos++;
            }
            String token = in.substring(start, pos);
            if (!"true".equals(token)
                    && !"false".equals(token)
                    && !"null".equals(token)
                    && !JSON_NUMBER.matcher(token).matches()) {
                pos = start;
                throw error("unexpected token");
            }
            return token;
        }

        private void expect(char c) {
            if (pos >= in.length() || in.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skipWhitespace() {
            while (pos < in.length() && " \t\r\n".indexOf(in.charAt(pos)) >= 0) {
                pos++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(
                    String.format(
                            "the value is not a JSON document (partial JSON updates, MySQL's"
                                    + " binlog_row_value_options=PARTIAL_JSON, are not"
                                    + " supported): %s at offset %d",
                            what, pos));
        }

        /** An object member: its key literal, the key's UTF-8 bytes and its rewritten value. */
        private static final class Member {
            final String key;
            final byte[] keyBytes;
            final CharSequence value;

            Member(String key, CharSequence value) {
                this.key = key;
                this.keyBytes = unescape(key).getBytes(StandardCharsets.UTF_8);
                this.value = value;
            }
        }

        /** The characters of a JSON string literal (with its quotes). */
        private static String unescape(String literal) {
            StringBuilder out = new StringBuilder(literal.length());
            int last = literal.length() - 1;
            for (int i = 1; i < last; i++) {
                char c = literal.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escaped = literal.charAt(++i);
                switch (escaped) {
                    case 'b':
                        out.append('\b');
                        break;
                    case 'f':
                        out.append('\f');
                        break;
                    case 'n':
                        out.append('\n');
                        break;
                    case 'r':
                        out.append('\r');
                        break;
                    case 't':
                        out.append('\t');
                        break;
                    case 'u':
                        try {
                            if (i + 5 > last) {
                                throw new NumberFormatException("short \\u escape");
                            }
                            out.append(
                                    (char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(
                                    "the value is not a JSON document: bad escape in the key "
                                            + literal,
                                    e);
                        }
                        i += 4;
                        break;
                    default:
                        // \" \\ \/
                        out.append(escaped);
                }
            }
            return out.toString();
        }
    }
}
