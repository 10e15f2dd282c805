package io.github.vstreamcdc.source.types;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * MySQL's character sets as this connector meets them: VStream sends a text column's values in the
 * column's own character set (a {@code latin1} column's {@code 'é'} is the one byte {@code E9}, in
 * the copy phase as in binlog events), and names it by a collation id in the FIELD event.
 */
@Internal
public final class MySqlCharsets {

    /**
     * The character set of each collation id (MySQL 8.0's {@code information_schema.COLLATIONS}).
     */
    private static final Map<Integer, String> BY_COLLATION = new HashMap<>();

    /** The Java decoder of each character set that has one; UTF-8 for the UTF-8 family. */
    private static final Map<String, String> JAVA_NAMES = new HashMap<>();

    static {
        collations("armscii8", 32, 64);
        collations("ascii", 11, 65);
        collations("big5", 1, 84);
        collations("binary", 63);
        collations("cp1250", 26, 34, 44, 66, 99);
        collations("cp1251", 14, 23, 50, 51, 52);
        collations("cp1256", 57, 67);
        collations("cp1257", 29, 58, 59);
        collations("cp850", 4, 80);
        collations("cp852", 40, 81);
        collations("cp866", 36, 68);
        collations("cp932", 95, 96);
        collations("dec8", 3, 69);
        collations("eucjpms", 97, 98);
        collations("euckr", 19, 85);
        collations("gb18030", 248, 249, 250);
        collations("gb2312", 24, 86);
        collations("gbk", 28, 87);
        collations("geostd8", 92, 93);
        collations("greek", 25, 70);
        collations("hebrew", 16, 71);
        collations("hp8", 6, 72);
        collations("keybcs2", 37, 73);
        collations("koi8r", 7, 74);
        collations("koi8u", 22, 75);
        collations("latin1", 5, 8, 15, 31, 47, 48, 49, 94);
        collations("latin2", 2, 9, 21, 27, 77);
        collations("latin5", 30, 78);
        collations("latin7", 20, 41, 42, 79);
        collations("macce", 38, 43);
        collations("macroman", 39, 53);
        collations("sjis", 13, 88);
        collations("swe7", 10, 82);
        collations("tis620", 18, 89);
        collations("ucs2", 35, 90, 159);
        range("ucs2", 128, 151);
        collations("ujis", 12, 91);
        collations("utf16", 54, 55);
        range("utf16", 101, 124);
        collations("utf16le", 56, 62);
        collations("utf32", 60, 61);
        range("utf32", 160, 183);
        collations("utf8mb3", 33, 76, 83, 223);
        range("utf8mb3", 192, 215);
        collations("utf8mb4", 45, 46);
        range("utf8mb4", 224, 247);
        // 8.0's _0900_ collations and later ones; the few unused ids in between are no other set's.
        range("utf8mb4", 255, 323);

        for (String utf8 : new String[] {"utf8mb4", "utf8mb3", "utf8", "ascii"}) {
            JAVA_NAMES.put(utf8, "UTF-8");
        }
        JAVA_NAMES.put("big5", "Big5");
        JAVA_NAMES.put("cp1250", "windows-1250");
        JAVA_NAMES.put("cp1251", "windows-1251");
        JAVA_NAMES.put("cp1256", "windows-1256");
        JAVA_NAMES.put("cp1257", "windows-1257");
        JAVA_NAMES.put("cp850", "IBM850");
        JAVA_NAMES.put("cp852", "IBM852");
        JAVA_NAMES.put("cp866", "IBM866");
        JAVA_NAMES.put("cp932", "windows-31j");
        JAVA_NAMES.put("eucjpms", "x-eucJP-Open");
        JAVA_NAMES.put("euckr", "EUC-KR");
        JAVA_NAMES.put("gb18030", "GB18030");
        JAVA_NAMES.put("gb2312", "GB2312");
        JAVA_NAMES.put("gbk", "GBK");
        JAVA_NAMES.put("greek", "ISO-8859-7");
        JAVA_NAMES.put("hebrew", "ISO-8859-8");
        JAVA_NAMES.put("koi8r", "KOI8-R");
        JAVA_NAMES.put("koi8u", "KOI8-U");
        // MySQL's latin1 is Windows' cp1252 (0x80 is the euro sign), not ISO-8859-1; the five
        // bytes cp1252 leaves undefined are C1 controls in MySQL (see Latin1).
        JAVA_NAMES.put("latin1", "windows-1252");
        JAVA_NAMES.put("latin2", "ISO-8859-2");
        JAVA_NAMES.put("latin5", "ISO-8859-9");
        JAVA_NAMES.put("latin7", "ISO-8859-13");
        JAVA_NAMES.put("macce", "x-MacCentralEurope");
        JAVA_NAMES.put("macroman", "x-MacRoman");
        JAVA_NAMES.put("sjis", "Shift_JIS");
        JAVA_NAMES.put("tis620", "TIS-620");
        JAVA_NAMES.put("ucs2", "UTF-16BE");
        JAVA_NAMES.put("ujis", "EUC-JP");
        JAVA_NAMES.put("utf16", "UTF-16BE");
        JAVA_NAMES.put("utf16le", "UTF-16LE");
        JAVA_NAMES.put("utf32", "UTF-32BE");
    }

    private MySqlCharsets() {}

    private static void collations(String charset, int... ids) {
        for (int id : ids) {
            BY_COLLATION.put(id, charset);
        }
    }

    private static void range(String charset, int first, int last) {
        for (int id = first; id <= last; id++) {
            BY_COLLATION.put(id, charset);
        }
    }

    /** The character set of a collation id; null for 0 (not told) and ids MySQL 8.0 lacks. */
    @Nullable
    public static String ofCollation(int collationId) {
        return BY_COLLATION.get(collationId);
    }

    /**
     * A collation id of the character set of a collation name ({@code latin1_swedish_ci}, as {@code
     * SHOW FULL COLUMNS} gives it); 0 for null or an unknown name.
     */
    public static int collationId(@Nullable String collationName) {
        if (collationName == null) {
            return 0;
        }
        String name = collationName.toLowerCase(Locale.ROOT);
        int underscore = name.indexOf('_');
        String charset = underscore < 0 ? name : name.substring(0, underscore);
        if (charset.equals("utf8")) {
            charset = "utf8mb3";
        }
        int first = 0;
        for (Map.Entry<Integer, String> entry : BY_COLLATION.entrySet()) {
            if (entry.getValue().equals(charset) && (first == 0 || entry.getKey() < first)) {
                first = entry.getKey();
            }
        }
        return first;
    }

    /** Whether the character set writes ASCII as ASCII (UTF-16 and UTF-32 do not). */
    public static boolean isAsciiCompatible(String charset) {
        switch (charset) {
            case "ucs2":
            case "utf16":
            case "utf16le":
            case "utf32":
                return false;
            default:
                return true;
        }
    }

    /** Whether text of the character set is UTF-8 as it is (ASCII is). */
    public static boolean isUtf8(String charset) {
        return "UTF-8".equals(JAVA_NAMES.get(charset));
    }

    /** The Java decoder of a character set; null when the JVM has none for it. */
    @Nullable
    public static Charset decoder(String charset) {
        String javaName = JAVA_NAMES.get(charset);
        if (javaName == null) {
            return null;
        }
        if (javaName.equals("UTF-8")) {
            return StandardCharsets.UTF_8;
        }
        if (charset.equals("latin1")) {
            return Latin1.INSTANCE;
        }
        try {
            return Charset.isSupported(javaName) ? Charset.forName(javaName) : null;
        } catch (IllegalCharsetNameException e) {
            return null;
        }
    }
}
