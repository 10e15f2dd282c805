package io.github.vstreamcdc.source.types;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Random;

import static io.github.vstreamcdc.source.types.MySqlTextBytes.NOT_PARSED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests {@link MySqlTextBytes}: on every text it parses it agrees with the general path ({@link
 * Long#parseLong}, {@link BigDecimal}, {@link MySqlTextValues}); anything else it leaves to that
 * path.
 */
class MySqlTextBytesTest {

    private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

    @Test
    void integers() {
        Random random = new Random(17);
        for (int i = 0; i < 100_000; i++) {
            long value = random.nextLong() >> random.nextInt(64);
            checkLong(Long.toString(value));
        }
        for (String text :
                new String[] {"0", "-0", "007", "999999999999999999", "-999999999999999999"}) {
            assertThat(parseLong(text)).isEqualTo(Long.parseLong(text));
        }
        for (String text :
                new String[] {
                    "",
                    "-",
                    "+5",
                    "1e5",
                    "1.0",
                    " 1",
                    "1 ",
                    "--1",
                    "1000000000000000000",
                    "9223372036854775807",
                    "-9223372036854775808",
                    "99999999999999999999"
                }) {
            assertThat(parseLong(text)).as(text).isEqualTo(NOT_PARSED);
        }
        assertThat(MySqlTextBytes.parseLong(bytes("x-12y"), 1, 3)).isEqualTo(-12);
    }

    private static void checkLong(String text) {
        long fast = parseLong(text);
        if (text.replace("-", "").length() <= 18) {
            assertThat(fast).as(text).isEqualTo(Long.parseLong(text));
        } else {
            assertThat(fast).as(text).isEqualTo(NOT_PARSED);
        }
    }

    @Test
    void decimals() {
        Random random = new Random(18);
        for (int i = 0; i < 100_000; i++) {
            int scale = random.nextInt(10);
            BigDecimal value =
                    BigDecimal.valueOf(random.nextLong() >> random.nextInt(64), random.nextInt(12));
            String text = value.toPlainString();
            long fast = decimal(text, scale);
            if (fast != NOT_PARSED) {
                assertThat(fast)
                        .as(text + " at scale " + scale)
                        .isEqualTo(slowDecimal(text, scale));
            } else {
                int integerDigits = Math.max(1, value.precision() - value.scale());
                assertThat(value.scale() > scale || integerDigits + scale > 18)
                        .as(text + " at scale " + scale + " not parsed")
                        .isTrue();
            }
        }
        assertThat(decimal("12.3", 2)).isEqualTo(1230);
        assertThat(decimal("-0.05", 2)).isEqualTo(-5);
        assertThat(decimal("-0.00", 2)).isEqualTo(0);
        assertThat(decimal("42", 0)).isEqualTo(42);
        assertThat(decimal("0012.50", 2)).isEqualTo(1250);
        Random digits = new Random(20);
        for (int i = 0; i < 100_000; i++) {
            long unscaled = (digits.nextLong() >> digits.nextInt(64)) % 1_000_000_000_000_000_000L;
            int precision = 1 + digits.nextInt(20);
            assertThat(MySqlTextBytes.fitsPrecision(unscaled, precision))
                    .as(unscaled + " in precision " + precision)
                    .isEqualTo(BigDecimal.valueOf(unscaled).precision() <= precision);
        }
        for (String text :
                new String[] {
                    "",
                    "-",
                    ".5",
                    "1.",
                    "1.2.3",
                    "+1.5",
                    "1e5",
                    "1.234",
                    "1,5",
                    "12345678901234567.1"
                }) {
            assertThat(decimal(text, 2)).as(text).isEqualTo(NOT_PARSED);
        }
    }

    private static long slowDecimal(String text, int scale) {
        return new BigDecimal(text)
                .setScale(scale, RoundingMode.UNNECESSARY)
                .unscaledValue()
                .longValueExact();
    }

    @Test
    void everyDate() {
        for (LocalDate date = LocalDate.of(0, 1, 1);
                date.getYear() <= 9999;
                date = date.plusDays(1)) {
            String text =
                    String.format(
                            "%04d-%02d-%02d",
                            date.getYear(), date.getMonthValue(), date.getDayOfMonth());
            assertThat(MySqlTextBytes.dateEpochDay(bytes(text), 0, 10))
                    .as(text)
                    .isEqualTo(date.toEpochDay());
        }
        for (String text :
                new String[] {
                    "0000-00-00", "2024-00-10", "2024-10-00", "2023-02-29", "2100-02-29",
                    "2024-04-31", "2024-13-01", "2024/01/01", "2024-1-01", "20x4-01-01"
                }) {
            assertThat(MySqlTextBytes.dateEpochDay(bytes(text), 0, text.length()))
                    .as(text)
                    .isEqualTo(NOT_PARSED);
        }
    }

    @Test
    void dateTimes() {
        Random random = new Random(19);
        for (int i = 0; i < 200_000; i++) {
            LocalDateTime value =
                    EPOCH.plus(
                            (random.nextLong() >>> 1) % 315_000_000_000_000_000L
                                    - 62_167_219_200_000_000L,
                            ChronoUnit.MICROS);
            StringBuilder text =
                    new StringBuilder(
                            String.format(
                                    "%04d-%02d-%02d %02d:%02d:%02d",
                                    value.getYear(),
                                    value.getMonthValue(),
                                    value.getDayOfMonth(),
                                    value.getHour(),
                                    value.getMinute(),
                                    value.getSecond()));
            int digits = random.nextInt(7);
            if (digits > 0) {
                text.append('.').append(String.format("%06d", value.getNano() / 1000), 0, digits);
            }
            String s = text.toString();
            long fast = MySqlTextBytes.dateTimeMicros(bytes(s), 0, s.length());
            assertThat(fast)
                    .as(s)
                    .isEqualTo(ChronoUnit.MICROS.between(EPOCH, MySqlTextValues.parseDateTime(s)));
        }
        assertThat(dateTime("1970-01-01 00:00:00")).isEqualTo(0);
        assertThat(dateTime("1969-12-31 23:59:59.999999")).isEqualTo(-1);
        assertThat(dateTime("0000-01-01 00:00:00")).isEqualTo(-62_167_219_200_000_000L);
        assertThat(dateTime("9999-12-31 23:59:59.5")).isEqualTo(253_402_300_799_500_000L);
        for (String text :
                new String[] {
                    "0000-00-00 00:00:00", "2024-02-30 00:00:00", "2024-01-01T00:00:00",
                    "2024-01-01 24:00:00", "2024-01-01 23:60:00", "2024-01-01 23:59:60",
                    "2024-01-01 23:59:59.", "2024-01-01 23:59:59.1234567", "2024-01-01 23:59:59,5",
                    "2024-01-01 23:59", "2024-01-01 23:59:5x", "2024-01-01 23:59:59.12x"
                }) {
            assertThat(dateTime(text)).as(text).isEqualTo(NOT_PARSED);
        }
    }

    private static long parseLong(String text) {
        return MySqlTextBytes.parseLong(bytes(text), 0, text.length());
    }

    private static long decimal(String text, int scale) {
        return MySqlTextBytes.decimalUnscaled(bytes(text), 0, text.length(), scale);
    }

    private static long dateTime(String text) {
        return MySqlTextBytes.dateTimeMicros(bytes(text), 0, text.length());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
