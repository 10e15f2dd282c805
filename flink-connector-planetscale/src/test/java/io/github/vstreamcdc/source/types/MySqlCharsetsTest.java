package io.github.vstreamcdc.source.types;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class MySqlCharsetsTest {

    /** MySQL's sets that the JDK cannot decode. */
    private static final List<String> NO_DECODER =
            Arrays.asList("armscii8", "binary", "dec8", "geostd8", "hp8", "keybcs2", "swe7");

    @Test
    void everyCollationOfMySql8HasItsSetAndEverySetButAFewADecoder() {
        Set<String> sets = new TreeSet<>();
        for (int id = 1; id <= 323; id++) {
            String set = MySqlCharsets.ofCollation(id);
            if (set != null) {
                sets.add(set);
            }
        }
        assertThat(sets).hasSize(41);
        Set<String> undecodable = new HashSet<>();
        for (String set : sets) {
            if (MySqlCharsets.decoder(set) == null) {
                undecodable.add(set);
            }
        }
        assertThat(undecodable).containsExactlyInAnyOrderElementsOf(NO_DECODER);
        assertThat(MySqlCharsets.ofCollation(0)).as("not told").isNull();
    }

    @Test
    void theSetsNamesAreMySqls() {
        assertThat(MySqlCharsets.ofCollation(8)).isEqualTo("latin1");
        assertThat(MySqlCharsets.ofCollation(255)).isEqualTo("utf8mb4");
        assertThat(MySqlCharsets.ofCollation(33)).isEqualTo("utf8mb3");
        assertThat(MySqlCharsets.ofCollation(63)).isEqualTo("binary");
        assertThat(MySqlCharsets.decoder("cp1251").name()).isEqualTo("windows-1251");
        assertThat(MySqlCharsets.decoder("utf8mb4")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(MySqlCharsets.isUtf8("ascii")).isTrue();
        assertThat(MySqlCharsets.isUtf8("latin1")).isFalse();
    }

    @Test
    void latin1IsCp1252WithMySqlsFiveControls() {
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        String text = new String(all, MySqlCharsets.decoder("latin1"));
        assertThat(text).hasSize(256).doesNotContain("\uFFFD");
        assertThat(text.charAt(0x80)).isEqualTo('€');
        assertThat(text.charAt(0x81)).isEqualTo('\u0081');
        assertThat(text.charAt(0x9D)).isEqualTo('\u009D');
        assertThat(text.charAt(0xE9)).isEqualTo('é');
        // UTF-8 stored in a latin1 column keeps every byte: "Á" is C3 81.
        assertThat(
                        new String(
                                new byte[] {(byte) 0xC3, (byte) 0x81},
                                MySqlCharsets.decoder("latin1")))
                .isEqualTo("Ã\u0081");
    }

    @Test
    void aCollationNameGivesAnIdOfItsSet() {
        assertThat(MySqlCharsets.ofCollation(MySqlCharsets.collationId("latin1_swedish_ci")))
                .isEqualTo("latin1");
        assertThat(MySqlCharsets.ofCollation(MySqlCharsets.collationId("utf8mb4_0900_ai_ci")))
                .isEqualTo("utf8mb4");
        assertThat(MySqlCharsets.ofCollation(MySqlCharsets.collationId("utf8_general_ci")))
                .isEqualTo("utf8mb3");
        assertThat(MySqlCharsets.ofCollation(MySqlCharsets.collationId("binary")))
                .isEqualTo("binary");
        assertThat(MySqlCharsets.collationId(null)).isZero();
        assertThat(MySqlCharsets.collationId("klingon_ci")).isZero();
    }
}
