package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

/**
 * The text encodings in which VStream delivers MySQL values (MySQL's text protocol): dates, times,
 * ENUM and SET values. Malformed text fails with an {@link IllegalArgumentException} that says what
 * was expected.
 */
@Internal
public final class MySqlTextValues {

    private MySqlTextValues() {}

    /**
     * The value of an ENUM. Vitess v20+ sends the member itself; older servers send its 1-based
     * index as digits (0 is MySQL's empty string for invalid values). A value that is a member wins
     * over reading it as an index.
     */
    public static String enumText(MySqlColumn column, String raw) {
        List<String> members = column.members();
        if (members.isEmpty() || members.contains(raw) || !isDigits(raw)) {
            return raw;
        }
        long index = parseUnsigned(raw, "ENUM index");
        if (index == 0) {
            return "";
        }
        if (index > members.size()) {
            throw new IllegalArgumentException(
                    "ENUM index " + raw + " is out of range, the column has " + members.size());
        }
        return members.get((int) index - 1);
    }

    /**
     * The value of a SET as comma-separated members. Vitess v20+ sends that; older servers send the
     * bitmask as digits.
     */
    public static String setText(MySqlColumn column, String raw) {
        List<String> members = column.members();
        if (raw.isEmpty() || members.isEmpty() || !isDigits(raw)) {
            return raw;
        }
        if (members.contains(raw)) {
            return raw;
        }
        long mask = parseUnsigned(raw, "SET bitmask");
        StringBuilder out = new StringBuilder();
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) == 0) {
                continue;
            }
            if (bit >= members.size()) {
                throw new IllegalArgumentException(
                        "SET bitmask "
                                + raw
                                + " has bits beyond its "
                                + members.size()
                                + " members");
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(members.get(bit));
        }
        return out.toString();
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static long parseUnsigned(String digits, String what) {
        try {
            return Long.parseUnsignedLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " " + digits + " is out of range", e);
        }
    }

    /**
     * A DATE {@code YYYY-MM-DD}; null for a zero date or a date with a zero month or day ({@code
     * 0000-00-00}, {@code 2020-00-15}), which no calendar date represents.
     */
    public static LocalDate parseDate(String text) {
        if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            throw new IllegalArgumentException("not a DATE in the form YYYY-MM-DD");
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        if (month == 0 || day == 0) {
            return null;
        }
        return LocalDate.of(year, month, day);
    }

    /**
     * A DATETIME or TIMESTAMP {@code YYYY-MM-DD HH:MM:SS[.ffffff]}; null when its date is zero (see
     * {@link #parseDate}).
     */
    public static LocalDateTime parseDateTime(String text) {
        if (text.length() < 19 || (text.charAt(10) != ' ' && text.charAt(10) != 'T')) {
            throw new IllegalArgumentException(
                    "not a DATETIME in the form YYYY-MM-DD HH:MM:SS[.ffffff]");
        }
        LocalDate date = parseDate(text.substring(0, 10));
        if (text.charAt(13) != ':' || text.charAt(16) != ':') {
            throw new IllegalArgumentException(
                    "not a DATETIME in the form YYYY-MM-DD HH:MM:SS[.ffffff]");
        }
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = fraction(text, 19);
        if (date == null) {
            return null;
        }
        return date.atTime(hour, minute, second, nanos);
    }

    /**
     * A TIME {@code [-]H..H:MM:SS[.ffffff]} (MySQL's range is -838:59:59 to 838:59:59) as signed
     * microseconds.
     */
    public static long parseTimeMicros(String text) {
        int pos = 0;
        boolean negative = text.startsWith("-");
        if (negative) {
            pos = 1;
        }
        int colon = text.indexOf(':', pos);
        if (colon <= pos
                || colon - pos > 4
                || text.length() < colon + 6
                || text.charAt(colon + 3) != ':') {
            throw new IllegalArgumentException("not a TIME in the form [-]HHH:MM:SS[.ffffff]");
        }
        long hours = digits(text, pos, colon);
        int minutes = digits(text, colon + 1, colon + 3);
        int seconds = digits(text, colon + 4, colon + 6);
        if (minutes > 59 || seconds > 59) {
            throw new IllegalArgumentException("minutes or seconds out of range");
        }
        long micros = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L;
        micros += fraction(text, colon + 6) / 1_000;
        return negative ? -micros : micros;
    }

    /** Nanoseconds of an optional {@code .f{1,9}} at {@code from} that ends the text. */
    private static int fraction(String text, int from) {
        if (from == text.length()) {
            return 0;
        }
        int digits = text.length() - from - 1;
        if (text.charAt(from) != '.' || digits < 1 || digits > 9) {
            throw new IllegalArgumentException("bad fractional seconds");
        }
        int value = digits(text, from + 1, text.length());
        for (int i = digits; i < 9; i++) {
            value *= 10;
        }
        return value;
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("unexpected character '" + c + "'");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
