package io.github.vstreamcdc.source.config;

import io.github.vstreamcdc.source.client.VitessInternalTables;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which tables of the keyspace a source reads: either {@code table-name} (one regular expression
 * over table names) or {@code tables} with an optional {@code tables.exclude} (comma-separated
 * regular expressions over {@code keyspace.table}, as Flink CDC's and Debezium's include and
 * exclude lists). Vitess' own tables ({@link VitessInternalTables}) are never selected.
 */
@Internal
public final class TableSelection implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String keyspace;
    @Nullable private final String tableName;
    private final List<String> include;
    private final List<String> exclude;

    private transient Pattern tableNamePattern;
    private transient List<Pattern> includePatterns;
    private transient List<Pattern> excludePatterns;

    TableSelection(
            String keyspace,
            @Nullable String tableName,
            List<String> include,
            List<String> exclude) {
        this.keyspace = keyspace;
        this.tableName = tableName;
        this.include = Collections.unmodifiableList(new ArrayList<>(include));
        this.exclude = Collections.unmodifiableList(new ArrayList<>(exclude));
    }

    /**
     * Reads {@code table-name}, {@code tables} and {@code tables.exclude}: exactly one of the first
     * two, each regular expression valid.
     *
     * @return null if there are problems (added to the reader)
     */
    @Nullable
    static TableSelection read(OptionReader reader, String keyspace) {
        String tableName = reader.text(PlanetScaleSourceOptions.TABLE_NAME);
        List<String> include = list(reader, PlanetScaleSourceOptions.TABLES);
        List<String> exclude = list(reader, PlanetScaleSourceOptions.TABLES_EXCLUDE);
        int before = reader.problems().size();
        if (tableName == null && include.isEmpty()) {
            if (!reader.isSet(PlanetScaleSourceOptions.TABLE_NAME)
                    && !reader.isSet(PlanetScaleSourceOptions.TABLES)) {
                reader.missing(
                        "'"
                                + PlanetScaleSourceOptions.TABLE_NAME.key()
                                + "' (or '"
                                + PlanetScaleSourceOptions.TABLES.key()
                                + "')");
            } else {
                reader.problem(
                        "Option '%s' must not be empty",
                        reader.isSet(PlanetScaleSourceOptions.TABLE_NAME)
                                ? PlanetScaleSourceOptions.TABLE_NAME.key()
                                : PlanetScaleSourceOptions.TABLES.key());
            }
        } else if (tableName != null && !include.isEmpty()) {
            reader.problem(
                    "Options '%s' and '%s' cannot be set together; use one of them",
                    PlanetScaleSourceOptions.TABLE_NAME.key(),
                    PlanetScaleSourceOptions.TABLES.key());
        } else if (tableName != null && !exclude.isEmpty()) {
            reader.problem(
                    "Option '%s' applies to option '%s' only; with '%s' write a regular"
                            + " expression that leaves the table out",
                    PlanetScaleSourceOptions.TABLES_EXCLUDE.key(),
                    PlanetScaleSourceOptions.TABLES.key(),
                    PlanetScaleSourceOptions.TABLE_NAME.key());
        }
        if (tableName != null) {
            checkRegex(reader, PlanetScaleSourceOptions.TABLE_NAME.key(), tableName);
        }
        for (String regex : include) {
            checkRegex(reader, PlanetScaleSourceOptions.TABLES.key(), regex);
        }
        for (String regex : exclude) {
            checkRegex(reader, PlanetScaleSourceOptions.TABLES_EXCLUDE.key(), regex);
        }
        return reader.problems().size() > before || keyspace == null
                ? null
                : new TableSelection(keyspace, tableName, include, exclude);
    }

    private static List<String> list(OptionReader reader, ConfigOption<String> option) {
        String value = reader.text(option);
        List<String> items = new ArrayList<>();
        if (value == null) {
            return items;
        }
        for (String part : value.split(",", -1)) {
            String item = part.trim();
            if (item.isEmpty()) {
                reader.problem(
                        "Option '%s' = '%s' has an empty entry; expected regular expressions"
                                + " separated by commas, like 'customer\\.orders,customer\\.item_.*'",
                        option.key(), value);
                return new ArrayList<>();
            }
            items.add(item);
        }
        return items;
    }

    private static void checkRegex(OptionReader reader, String key, String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            reader.problem(
                    "Option '%s' = '%s' is not a valid regular expression: %s",
                    key, regex, e.getDescription());
        }
    }

    /** Whether the source reads this table of its keyspace. */
    public boolean matches(String table) {
        if (VitessInternalTables.isInternal(table)) {
            return false;
        }
        compile();
        if (tableNamePattern != null) {
            return tableNamePattern.matcher(table).matches();
        }
        String qualified = keyspace + "." + table;
        return anyMatches(includePatterns, qualified) && !anyMatches(excludePatterns, qualified);
    }

    /** The selected ones of these tables, in their order. */
    public List<String> select(Collection<String> tables) {
        List<String> selected = new ArrayList<>();
        for (String table : tables) {
            if (matches(table)) {
                selected.add(table);
            }
        }
        return selected;
    }

    /**
     * The {@code table-name} pattern when the selection is given by it, for a single VStream rule;
     * null for include and exclude lists.
     */
    @Nullable
    public String tableNamePattern() {
        return tableName;
    }

    /** The options that select, as the user wrote them, for messages. */
    public String describe() {
        if (tableName != null) {
            return "option '"
                    + PlanetScaleSourceOptions.TABLE_NAME.key()
                    + "' = '"
                    + tableName
                    + "'";
        }
        String text =
                "option '"
                        + PlanetScaleSourceOptions.TABLES.key()
                        + "' = '"
                        + String.join(",", include)
                        + "'";
        if (!exclude.isEmpty()) {
            text +=
                    " minus '"
                            + PlanetScaleSourceOptions.TABLES_EXCLUDE.key()
                            + "' = '"
                            + String.join(",", exclude)
                            + "'";
        }
        return text;
    }

    private static boolean anyMatches(List<Pattern> patterns, String name) {
        for (Pattern pattern : patterns) {
            if (pattern.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private void compile() {
        if (includePatterns != null) {
            return;
        }
        tableNamePattern = tableName == null ? null : Pattern.compile(tableName);
        includePatterns = compileAll(include);
        excludePatterns = compileAll(exclude);
    }

    private static List<Pattern> compileAll(List<String> regexes) {
        List<Pattern> patterns = new ArrayList<>();
        for (String regex : regexes) {
            patterns.add(Pattern.compile(regex));
        }
        return patterns;
    }

    @Override
    public String toString() {
        return describe();
    }
}
