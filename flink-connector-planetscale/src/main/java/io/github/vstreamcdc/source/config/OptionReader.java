package io.github.vstreamcdc.source.config;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Reads options and collects what is wrong with them instead of stopping at the first problem, so
 * that one message lists every mistake. Each problem names the option, the value given and what is
 * allowed. Values are read as text first: an unparsable value becomes a problem, never a stack
 * trace of Flink's parser. Every source's configuration reads its options with it.
 */
@Internal
public final class OptionReader {

    private final ReadableConfig config;
    private final List<String> missing = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    public OptionReader(ReadableConfig config) {
        this.config = config;
    }

    /** Everything wrong so far, missing required options first. */
    public List<String> problems() {
        List<String> all = new ArrayList<>();
        if (!missing.isEmpty()) {
            all.add("Missing required options: " + String.join(", ", missing));
        }
        all.addAll(problems);
        return all;
    }

    /** A required option, or one of a choice of options, is not set. */
    void missing(String options) {
        missing.add(options);
    }

    public void problem(String format, Object... args) {
        problems.add(String.format(format, args));
    }

    /** The option's text, trimmed; null when unset or blank. */
    public String text(ConfigOption<?> option) {
        String value = config.getOptional(asText(option)).orElse(null);
        if (value == null || value.trim().isEmpty()) {
            return null;
        }
        return value.trim();
    }

    boolean isSet(ConfigOption<?> option) {
        return config.getOptional(asText(option)).isPresent();
    }

    /** A required text option: missing and blank are both problems. */
    public String required(ConfigOption<String> option) {
        if (!isSet(option)) {
            missing.add("'" + option.key() + "'");
            return null;
        }
        String value = text(option);
        if (value == null) {
            problem("Option '%s' must not be empty", option.key());
        }
        return value;
    }

    /** The option's value exactly as given (credentials are not trimmed); null when unset. */
    String raw(ConfigOption<String> option) {
        return config.getOptional(asText(option)).orElse(null);
    }

    /**
     * An enum option, matched by the constant's {@code toString()} ignoring case, surrounding
     * blanks and {@code _} for {@code -}; the default when unset or blank.
     */
    <E extends Enum<E>> E enumValue(ConfigOption<E> option, Class<E> type) {
        String value = text(option);
        if (value == null) {
            return option.hasDefaultValue() ? option.defaultValue() : null;
        }
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            // Flink 2 writes a value that is a YAML keyword (such as null) quoted.
            value = value.substring(1, value.length() - 1);
        }
        String wanted = value.replace('_', '-');
        StringJoiner allowed = new StringJoiner(", ");
        for (E constant : type.getEnumConstants()) {
            if (constant.toString().replace('_', '-').equalsIgnoreCase(wanted)) {
                return constant;
            }
            allowed.add(constant.toString());
        }
        problem(
                "Invalid value for option '%s': '%s'. Allowed values: %s",
                option.key(), value, allowed);
        return null;
    }

    /** A TCP port; null when unset, so that the host's default can apply. */
    Integer port(ConfigOption<Integer> option) {
        Integer port = typed(option, "a port number");
        if (port != null && (port < 1 || port > 65535)) {
            problem("Option '%s' is %d; expected a port in 1-65535", option.key(), port);
            return null;
        }
        return port;
    }

    Integer integer(ConfigOption<Integer> option) {
        return withDefault(option, typed(option, "a whole number"));
    }

    /** A whole number of 1 or more; its default when unset, null when wrong (a problem). */
    public Integer positive(ConfigOption<Integer> option) {
        Integer value = integer(option);
        if (value != null && value < 1) {
            problem("Option '%s' is %d; expected 1 or more", option.key(), value);
            return null;
        }
        return value;
    }

    /** A whole number without a default; null when unset or unreadable (a problem). */
    Long wholeNumber(ConfigOption<Long> option, String expected) {
        return typed(option, expected);
    }

    Boolean bool(ConfigOption<Boolean> option) {
        return withDefault(option, typed(option, "true or false"));
    }

    public Duration duration(ConfigOption<Duration> option) {
        return withDefault(option, typed(option, "a duration like '30 s' or '1 min'"));
    }

    MemorySize memory(ConfigOption<MemorySize> option) {
        return withDefault(option, typed(option, "a size like '64 mb'"));
    }

    /** The option's value without its default; null when unset or unreadable (a problem). */
    private <V> V typed(ConfigOption<V> option, String expected) {
        if (!isSet(option)) {
            return null;
        }
        try {
            return config.getOptional(option).orElse(null);
        } catch (IllegalArgumentException e) {
            problem(
                    "Option '%s' = '%s' is not %s",
                    option.key(), config.getOptional(asText(option)).orElse(""), expected);
            return null;
        }
    }

    private <V> V withDefault(ConfigOption<V> option, V value) {
        if (value != null || isSet(option)) {
            return value;
        }
        return option.hasDefaultValue() ? option.defaultValue() : null;
    }

    /** The same key read as text, whatever its declared type. */
    /** The option read as text, under its key or a fallback key (e.g. Flink CDC's spelling). */
    public static ConfigOption<String> asText(ConfigOption<?> option) {
        ConfigOption<String> text = ConfigOptions.key(option.key()).stringType().noDefaultValue();
        List<String> fallbacks = new ArrayList<>();
        for (FallbackKey fallback : option.fallbackKeys()) {
            fallbacks.add(fallback.getKey());
        }
        return fallbacks.isEmpty() ? text : text.withFallbackKeys(fallbacks.toArray(new String[0]));
    }
}
