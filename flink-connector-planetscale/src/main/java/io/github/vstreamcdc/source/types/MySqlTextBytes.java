package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;

import java.time.LocalDate;

/**
 * Reads the common forms of VStream's text values (integers, DECIMAL, DATE, DATETIME, TIMESTAMP)
 * straight from their ASCII bytes, without a {@code String}, {@code BigDecimal} or {@code
 * java.time} object in between: the source's hot path.
 *
 * <p>Each method answers exactly or not at all: for anything but the plain, valid form it returns
 * {@link #NOT_PARSED} (zero dates, out-of-range dates and times, signs other than a leading minus,
 * more than 18 digits, more than 6 fractional digits ...), and the caller then takes the general
 * path ({@link Long#parseLong}, {@code BigDecimal}, {@link MySqlTextValues}), which gives the value
 * or the error as before. Both paths agree on every value this class parses (see its test).
 */
@Internal
public final class MySqlTextBytes {

    /** The answer for text not in the plain form: use the general path. */
    public static final long NOT_PARSED = Long.MIN_VALUE;

    private static final long DAYS_0000_TO_1970 = 719_528L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final int MAX_LONG_DIGITS = 18;

    /** 10^0 ... 10^18. */
    private static final long[] POWERS_OF_TEN = new long[MAX_LONG_DIGITS + 1];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i <= MAX_LONG_DIGITS; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private static final int TABLE_FIRST_YEAR = 1900;

    /** Per year from 1900 to 2155: its first day since 1970-01-01, times 2, plus 1 if leap. */
    private static final int[] YEAR_STARTS = new int[256];

    /** Days before each month (1-12, and 13 for the year's end), of a common and a leap year. */
    private static final int[][] MONTH_STARTS = new int[2][14];

    static {
        for (int i = 0; i < YEAR_STARTS.length; i++) {
            LocalDate first = LocalDate.of(TABLE_FIRST_YEAR + i, 1, 1);
            YEAR_STARTS[i] = (int) first.toEpochDay() * 2 + (first.isLeapYear() ? 1 : 0);
        }
        for (int leap = 0; leap < 2; leap++) {
            for (int month = 1; month <= 12; month++) {
                MONTH_STARTS[leap][month + 1] =
                        MONTH_STARTS[leap][month] + lengthOfMonth(month, leap == 1);
            }
        }
    }

    private MySqlTextBytes() {}

    /** {@code [-]d{1,18}}. */
    public static long parseLong(byte[] bytes, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        boolean negative = length > 0 && bytes[pos] == '-';
        if (negative) {
            pos++;
        }
        int digits = end - pos;
        if (digits < 1 || digits > MAX_LONG_DIGITS) {
            return NOT_PARSED;
        }
        long value = 0;
        for (; pos < end; pos++) {
            int d = bytes[pos] - '0';
            if (d < 0 || d > 9) {
                return NOT_PARSED;
            }
            value = value * 10 + d;
        }
        return negative ? -value : value;
    }

    /**
     * {@code [-]d+[.d+]} as an unscaled value at {@code scale}: the text has at most {@code scale}
     * fractional digits and the result at most 18 digits.
     */
    public static long decimalUnscaled(byte[] bytes, int offset, int length, int scale) {
        int pos = offset;
        int end = offset + length;
        boolean negative = length > 0 && bytes[pos] == '-';
        if (negative) {
            pos++;
        }
        long value = 0;
        int integerDigits = 0;
        for (; pos < end && bytes[pos] != '.'; pos++) {
            int d = bytes[pos] - '0';
            if (d < 0 || d > 9) {
                return NOT_PARSED;
            }
            value = value * 10 + d;
            integerDigits++;
        }
        if (integerDigits == 0 || integerDigits + scale > MAX_LONG_DIGITS) {
            return NOT_PARSED;
        }
        int fractionDigits = 0;
        if (pos < end) {
            pos++; // the point
            if (pos == end) {
                return NOT_PARSED;
            }
            for (; pos < end; pos++) {
                int d = bytes[pos] - '0';
                if (d < 0 || d > 9 || ++fractionDigits > scale) {
                    return NOT_PARSED;
                }
                value = value * 10 + d;
            }
        }
        for (int i = fractionDigits; i < scale; i++) {
            value *= 10;
        }
        return negative ? -value : value;
    }

    /**
     * Whether an unscaled value of at most 18 digits (see {@link #decimalUnscaled}) has at most
     * {@code precision} digits, as BigDecimal counts them (0 has one).
     */
    public static boolean fitsPrecision(long unscaled, int precision) {
        return precision > MAX_LONG_DIGITS || Math.abs(unscaled) < POWERS_OF_TEN[precision];
    }

    /** A valid {@code YYYY-MM-DD} (no zero month or day) as days since 1970-01-01. */
    public static long dateEpochDay(byte[] bytes, int offset, int length) {
        return length == 10 ? epochDay(bytes, offset) : NOT_PARSED;
    }

    /**
     * A valid {@code YYYY-MM-DD HH:MM:SS[.f{1,6}]} as microseconds since 1970-01-01 00:00:00 of the
     * same calendar (no time zone).
     */
    public static long dateTimeMicros(byte[] bytes, int offset, int length) {
        if (length < 19 || length == 20 || length > 26 || bytes[offset + 10] != ' ') {
            return NOT_PARSED;
        }
        long day = epochDay(bytes, offset);
        if (day == NOT_PARSED
                || bytes[offset + 13] != ':'
                || bytes[offset + 16] != ':'
                || (length > 19 && bytes[offset + 19] != '.')) {
            return NOT_PARSED;
        }
        int hour = twoDigits(bytes, offset + 11);
        int minute = twoDigits(bytes, offset + 14);
        int second = twoDigits(bytes, offset + 17);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return NOT_PARSED;
        }
        long micros = 0;
        int fractionDigits = length - 20;
        for (int i = 0; i < 6; i++) {
            int d = 0;
            if (i < fractionDigits) {
                d = bytes[offset + 20 + i] - '0';
                if (d < 0 || d > 9) {
                    return NOT_PARSED;
                }
            }
            micros = micros * 10 + d;
        }
        return day * MICROS_PER_DAY + ((hour * 60L + minute) * 60 + second) * 1_000_000L + micros;
    }

    private static long epochDay(byte[] bytes, int offset) {
        if (bytes[offset + 4] != '-' || bytes[offset + 7] != '-') {
            return NOT_PARSED;
        }
        int high = twoDigits(bytes, offset);
        int low = twoDigits(bytes, offset + 2);
        int month = twoDigits(bytes, offset + 5);
        int day = twoDigits(bytes, offset + 8);
        if (high < 0 || low < 0 || month < 1 || month > 12 || day < 1) {
            return NOT_PARSED;
        }
        int year = high * 100 + low;
        if (year >= TABLE_FIRST_YEAR && year < TABLE_FIRST_YEAR + YEAR_STARTS.length) {
            // The common years from a table: no divisions.
            int yearStart = YEAR_STARTS[year - TABLE_FIRST_YEAR];
            int leapShift = yearStart & 1;
            int[] monthStarts = MONTH_STARTS[leapShift];
            if (day > monthStarts[month + 1] - monthStarts[month]) {
                return NOT_PARSED;
            }
            return (yearStart >> 1) + monthStarts[month] + day - 1;
        }
        return epochDayOutsideTable(year, month, day);
    }

    /**
     * The years outside the table, apart so that the table's path stays small enough for the JIT to
     * inline into the date-time parsers (C2 inlines hot methods of at most 325 bytecodes).
     */
    private static long epochDayOutsideTable(int year, int month, int day) {
        boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        if (day > lengthOfMonth(month, leap)) {
            return NOT_PARSED;
        }
        // LocalDate.toEpochDay for a year from 0 to 9999.
        long total = 365L * year + (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
        total += (367 * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total -= leap ? 1 : 2;
        }
        return total - DAYS_0000_TO_1970;
    }

    private static int lengthOfMonth(int month, boolean leap) {
        switch (month) {
            case 2:
                return leap ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** Two ASCII digits as a number; negative if either is not a digit. */
    private static int twoDigits(byte[] bytes, int at) {
        int high = bytes[at] - '0';
        int low = bytes[at + 1] - '0';
        if (high < 0 || high > 9 || low < 0 || low > 9) {
            return -1;
        }
        return high * 10 + low;
    }
}
