package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * MySQL's {@code latin1}: Windows' cp1252, with the five bytes cp1252 leaves undefined (0x81, 0x8D,
 * 0x8F, 0x90, 0x9D) as the C1 controls of the same code (U+0081, ...), as MySQL maps them. The
 * JDK's {@code windows-1252} would turn them into U+FFFD, and UTF-8 stored in latin1 columns (a
 * common legacy) holds them: "Á" is C3 81.
 */
@Internal
final class Latin1 extends Charset {

    static final Latin1 INSTANCE = new Latin1();

    /** The character of each byte. */
    private static final char[] CHARS = new char[256];

    static {
        Charset cp1252 = Charset.forName("windows-1252");
        for (int b = 0; b < 256; b++) {
            String decoded = new String(new byte[] {(byte) b}, cp1252);
            char c = decoded.length() == 1 ? decoded.charAt(0) : '\uFFFD';
            CHARS[b] = c == '\uFFFD' ? (char) b : c;
        }
    }

    private Latin1() {
        super("x-mysql-latin1", new String[0]);
    }

    @Override
    public boolean contains(Charset cs) {
        return cs instanceof Latin1 || StandardCharsets.US_ASCII.equals(cs);
    }

    @Override
    public CharsetDecoder newDecoder() {
        return new CharsetDecoder(this, 1f, 1f) {
            @Override
            protected CoderResult decodeLoop(ByteBuffer in, CharBuffer out) {
                while (in.hasRemaining()) {
                    if (!out.hasRemaining()) {
                        return CoderResult.OVERFLOW;
                    }
                    out.put(CHARS[in.get() & 0xFF]);
                }
                return CoderResult.UNDERFLOW;
            }
        };
    }

    @Override
    public CharsetEncoder newEncoder() {
        throw new UnsupportedOperationException("MySQL latin1 is only decoded here");
    }

    @Override
    public boolean canEncode() {
        return false;
    }
}
