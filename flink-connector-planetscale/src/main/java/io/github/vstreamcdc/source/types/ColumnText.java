package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A text column's values as strings. VStream sends them in the column's own character set (its
 * FIELD event names it), so a {@code latin1} column's values are decoded as Windows-1252, not as
 * UTF-8; the chunks of an incremental snapshot select such columns as their bytes, alike.
 *
 * <p>Two exceptions: Vitess writes ENUM and SET values of binlog events as UTF-8 (it prints them
 * from the column's definition) while the copy phase sends the stored bytes, so {@link #member}
 * takes whichever reading names members; and when Vitess does not tell a column's character set
 * (collation id 0, for the character sets it does not know, such as {@code gbk}), the values must
 * be UTF-8 and anything else is an error rather than a wrong string.
 */
@Internal
public final class ColumnText {

    /** Null when the set is not told: strict UTF-8. */
    @Nullable private final String charset;

    /** Null when the JVM has no decoder for the set (only ASCII text is then read). */
    @Nullable private final Charset decoder;

    private final boolean utf8;
    private final List<String> members;

    private ColumnText(MySqlColumn column) {
        this.charset = MySqlCharsets.ofCollation(column.charset());
        this.decoder = charset == null ? StandardCharsets.UTF_8 : MySqlCharsets.decoder(charset);
        this.utf8 = charset != null && (MySqlCharsets.isUtf8(charset) || charset.equals("binary"));
        this.members = column.members();
    }

    /** The text of a column (its character set from its collation id). */
    public static ColumnText of(MySqlColumn column) {
        return new ColumnText(column);
    }

    /** Whether the values are UTF-8 as they are: no decoding, no check needed. */
    public boolean isUtf8() {
        return utf8;
    }

    /** A value as a string. */
    public String text(byte[] value) {
        if (utf8) {
            return new String(value, StandardCharsets.UTF_8);
        }
        if (charset == null) {
            return strictUtf8(
                    value,
                    "Vitess does not tell the column's character set (one it does not know), and"
                            + " the value is not UTF-8: VStream sends text in the column's own"
                            + " character set; convert the column to utf8mb4, or declare it BYTES");
        }
        if (decoder == null) {
            if (MySqlCharsets.isAsciiCompatible(charset) && isAscii(value)) {
                return new String(value, StandardCharsets.US_ASCII);
            }
            throw new IllegalArgumentException(
                    "the column's character set "
                            + charset
                            + " has no decoder in this JVM; convert the column to utf8mb4, or"
                            + " declare it BYTES");
        }
        return new String(value, decoder);
    }

    /**
     * An ENUM or SET value (its member names, comma-separated for a SET) as a string: UTF-8 in
     * binlog events, the column's character set in the copy phase and in incremental-snapshot
     * chunks. The UTF-8 reading is taken when it names members.
     */
    public String member(byte[] value) {
        if (utf8 || charset == null) {
            return text(value);
        }
        if (!members.isEmpty()) {
            String asUtf8 = new String(value, StandardCharsets.UTF_8);
            if (namesMembers(asUtf8)) {
                return asUtf8;
            }
        }
        return text(value);
    }

    private boolean namesMembers(String text) {
        if (text.isEmpty() || members.contains(text)) {
            return true;
        }
        for (String part : text.split(",", -1)) {
            if (!members.contains(part)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(byte[] value) {
        for (byte b : value) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether bytes are valid UTF-8. */
    public static boolean isUtf8(byte[] value) {
        try {
            strictUtf8Decoder().decode(ByteBuffer.wrap(value));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The bytes as UTF-8, or an IllegalArgumentException with the given reason. */
    public static String strictUtf8(byte[] value, String reason) {
        try {
            return strictUtf8Decoder().decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(reason, e);
        }
    }

    private static CharsetDecoder strictUtf8Decoder() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
