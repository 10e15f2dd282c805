package io.github.vstreamcdc.source.types;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests {@link MySqlBinaryValues}: BIT, spatial and VECTOR values. */
class MySqlBinaryValuesTest {

    @Test
    void bits() {
        assertThat(MySqlBinaryValues.bitsToText(new byte[] {5}, 3)).isEqualTo("101");
        assertThat(MySqlBinaryValues.bitsToText(new byte[] {1, 0}, 10)).isEqualTo("0100000000");
        assertThat(MySqlBinaryValues.bitsToLong(new byte[] {1, 0})).isEqualTo(256L);
        assertThat(MySqlBinaryValues.bitsToLong(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}))
                .isEqualTo(-1L);
        assertThatThrownBy(() -> MySqlBinaryValues.bitsToLong(new byte[9]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void geometry() {
        byte[] value = new byte[] {(byte) 0xE6, 0x10, 0, 0, 1, 2, 3};
        assertThat(MySqlBinaryValues.geometrySrid(value)).isEqualTo(4326L);
        assertThat(MySqlBinaryValues.geometryWkbBase64(value)).isEqualTo("AQID");
        assertThat(MySqlBinaryValues.geometryJson(value))
                .isEqualTo("{\"srid\":4326,\"wkb\":\"AQID\"}");
        assertThatThrownBy(() -> MySqlBinaryValues.geometrySrid(new byte[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4-byte SRID");
    }

    @Test
    void vector() {
        byte[] value =
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(0.5f)
                        .putFloat(-1f)
                        .array();
        assertThat(MySqlBinaryValues.vectorToFloats(value)).containsExactly(0.5f, -1f);
        assertThatThrownBy(() -> MySqlBinaryValues.vectorToFloats(new byte[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
