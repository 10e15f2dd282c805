package io.github.vstreamcdc.source.types;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests {@link MySqlTextValues}: the text encodings of VStream row values. */
class MySqlTextValuesTest {

    @Test
    void textParsers() {
        assertThat(MySqlTextValues.parseTimeMicros("-838:59:59")).isEqualTo(-3_020_399_000_000L);
        assertThat(MySqlTextValues.parseTimeMicros("838:59:59.000000"))
                .isEqualTo(3_020_399_000_000L);
        assertThat(MySqlTextValues.parseTimeMicros("-00:00:00.500000")).isEqualTo(-500_000L);
        assertThat(MySqlTextValues.parseTimeMicros("01:02:03.4")).isEqualTo(3_723_400_000L);
        assertThatThrownBy(() -> MySqlTextValues.parseTimeMicros("12:60:00"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MySqlTextValues.parseTimeMicros("noon"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MySqlTextValues.parseDate("0000-00-00")).isNull();
        assertThat(MySqlTextValues.parseDate("2024-00-10")).isNull();
        assertThat(MySqlTextValues.parseDate("2024-10-00")).isNull();
        assertThat(MySqlTextValues.parseDateTime("0000-00-00 00:00:00")).isNull();
        assertThat(MySqlTextValues.parseDateTime("2024-02-29 23:59:59.5").getNano())
                .isEqualTo(500_000_000);
        assertThatThrownBy(() -> MySqlTextValues.parseDate("2023-02-29"))
                .isInstanceOf(java.time.DateTimeException.class);
    }

    @Test
    void enumAndSetValues() {
        MySqlColumn kind = MySqlColumn.of("kind", "enum('a','b,c')", true);
        assertThat(MySqlTextValues.enumText(kind, "b,c")).isEqualTo("b,c");
        assertThat(MySqlTextValues.enumText(kind, "2")).isEqualTo("b,c");
        assertThat(MySqlTextValues.enumText(kind, "0")).isEmpty();
        assertThatThrownBy(() -> MySqlTextValues.enumText(kind, "3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of range");

        MySqlColumn tags = MySqlColumn.of("tags", "set('x','y','z')", true);
        assertThat(MySqlTextValues.setText(tags, "x,z")).isEqualTo("x,z");
        assertThat(MySqlTextValues.setText(tags, "5")).isEqualTo("x,z");
        assertThat(MySqlTextValues.setText(tags, "")).isEmpty();
        assertThatThrownBy(() -> MySqlTextValues.setText(tags, "8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond its 3 members");
        assertThat(Arrays.asList(MySqlTextValues.setText(tags, "7").split(",")))
                .containsExactly("x", "y", "z");
    }
}
