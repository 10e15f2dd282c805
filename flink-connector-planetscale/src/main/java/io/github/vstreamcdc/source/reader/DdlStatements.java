package io.github.vstreamcdc.source.reader;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads which tables a DDL statement of the binlog names, without a full SQL parser: the names
 * after {@code TABLE}, in the lists of {@code DROP TABLE} and {@code RENAME TABLE}, after {@code
 * TO} of a rename and after {@code ON} of an index statement; qualified names by their last part.
 */
@Internal
final class DdlStatements {

    private DdlStatements() {}

    /** The candidates the statement names as tables. */
    static Set<String> tablesNamed(String statement, Collection<String> candidates) {
        Set<String> named = new LinkedHashSet<>(tables(tokens(statement)));
        named.retainAll(candidates);
        return named;
    }

    private static List<String> tables(List<Token> tokens) {
        List<String> names = new ArrayList<>();
        String verb = tokens.isEmpty() ? "" : tokens.get(0).keyword();
        boolean nameLists = verb.equals("DROP") || verb.equals("RENAME");
        for (int i = 0; i < tokens.size(); i++) {
            String word = tokens.get(i).keyword();
            boolean before =
                    word.equals("TABLE")
                            || (word.equals("TO")
                                    && (verb.equals("RENAME")
                                            || tokens.get(i - 1).keyword().equals("RENAME")))
                            || (word.equals("ON") && !verb.equals("ALTER"))
                            || (i == 0 && word.equals("TRUNCATE"))
                            || (nameLists && word.equals(","));
            if (!before) {
                continue;
            }
            int j = i + 1;
            if (j < tokens.size() && tokens.get(j).keyword().equals("IF")) {
                j++; // IF [NOT] EXISTS
                while (j < tokens.size()
                        && (tokens.get(j).keyword().equals("NOT")
                                || tokens.get(j).keyword().equals("EXISTS"))) {
                    j++;
                }
            }
            if (j >= tokens.size() || !tokens.get(j).isName()) {
                continue;
            }
            String name = tokens.get(j).text;
            while (j + 2 < tokens.size()
                    && tokens.get(j + 1).text.equals(".")
                    && tokens.get(j + 2).isName()) {
                j += 2;
                name = tokens.get(j).text;
            }
            names.add(name);
        }
        return names;
    }

    /** Words, back-quoted names and punctuation; string literals and comments left out. */
    private static List<Token> tokens(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '`') {
                StringBuilder name = new StringBuilder();
                i++;
                while (i < n) {
                    if (sql.charAt(i) == '`') {
                        if (i + 1 < n && sql.charAt(i + 1) == '`') {
                            name.append('`');
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    name.append(sql.charAt(i++));
                }
                out.add(new Token(name.toString(), true));
                i++;
            } else if (c == '\'' || c == '"') {
                i = skipQuoted(sql, i, c);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (isWordChar(c)) {
                int start = i;
                while (i < n && isWordChar(sql.charAt(i))) {
                    i++;
                }
                out.add(new Token(sql.substring(start, i), false));
            } else {
                if (!Character.isWhitespace(c)) {
                    out.add(new Token(String.valueOf(c), false));
                }
                i++;
            }
        }
        return out;
    }

    private static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static final class Token {
        final String text;
        final boolean quoted;

        Token(String text, boolean quoted) {
            this.text = text;
            this.quoted = quoted;
        }

        /** The word in upper case if it is an unquoted word, else empty. */
        String keyword() {
            return quoted ? "" : text.toUpperCase(Locale.ROOT);
        }

        boolean isName() {
            return quoted || (!text.isEmpty() && isWordChar(text.charAt(0)));
        }
    }
}
