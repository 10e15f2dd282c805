package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

/**
 * The binary encodings in which VStream delivers MySQL values: BIT(n) (big-endian bytes), spatial
 * values (SRID and WKB) and VECTOR (little-endian floats).
 */
@Internal
public final class MySqlBinaryValues {

    private MySqlBinaryValues() {}

    /** The unsigned big-endian value of a BIT(n) value (at most 8 bytes). */
    public static long bitsToLong(byte[] value) {
        if (value.length > 8) {
            throw new IllegalArgumentException("a BIT value has at most 8 bytes");
        }
        long out = 0;
        for (byte b : value) {
            out = (out << 8) | (b & 0xFF);
        }
        return out;
    }

    /** A BIT(n) value as n binary digits, {@code b'0101'} as {@code 0101}. */
    public static String bitsToText(byte[] value, int bitLength) {
        String digits = new BigInteger(1, value).toString(2);
        StringBuilder out = new StringBuilder(Math.max(bitLength, digits.length()));
        for (int i = digits.length(); i < bitLength; i++) {
            out.append('0');
        }
        return out.append(digits).toString();
    }

    /** MySQL's spatial value (4-byte little-endian SRID, then WKB) as its SRID. */
    public static long geometrySrid(byte[] value) {
        checkGeometry(value);
        return ByteBuffer.wrap(value, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
    }

    /** MySQL's spatial value as base64 of its standard WKB (without the SRID). */
    public static String geometryWkbBase64(byte[] value) {
        checkGeometry(value);
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(value, 4, value.length));
    }

    /** MySQL's spatial value as {@code {"srid":4326,"wkb":"<base64 of the WKB>"}}. */
    public static String geometryJson(byte[] value) {
        return "{\"srid\":"
                + geometrySrid(value)
                + ",\"wkb\":\""
                + geometryWkbBase64(value)
                + "\"}";
    }

    private static void checkGeometry(byte[] value) {
        if (value.length < 5) {
            throw new IllegalArgumentException(
                    "a spatial value needs a 4-byte SRID and WKB, got " + value.length + " bytes");
        }
    }

    /** A VECTOR value (little-endian IEEE 754 floats) as floats. */
    public static float[] vectorToFloats(byte[] value) {
        if (value.length % 4 != 0) {
            throw new IllegalArgumentException(
                    "a VECTOR value has 4 bytes per element, got " + value.length + " bytes");
        }
        float[] out = new float[value.length / 4];
        ByteBuffer buffer = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = buffer.getFloat();
        }
        return out;
    }
}
