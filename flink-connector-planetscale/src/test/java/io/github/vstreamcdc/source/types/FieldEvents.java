package io.github.vstreamcdc.source.types;

import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.Query.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Columns of VStream FIELD events as the server sends them, for tests. */
public final class FieldEvents {

    // MySQL column flags, as the server sets them.
    public static final int NOT_NULL = 1;
    public static final int PRI_KEY = 2;
    public static final int BLOB = 16;
    public static final int UNSIGNED = 32;
    public static final int ZEROFILL = 64;
    public static final int BINARY = 128;
    public static final int ENUM = 256;
    public static final int AUTO_INCREMENT = 512;
    public static final int TIMESTAMP = 1024;
    public static final int SET = 2048;
    public static final int PART_KEY = 16384;
    public static final int NUM = 32768;

    public static final int CS_BINARY = 63;
    public static final int CS_UTF8MB4 = 255;
    public static final int CS_UTF8MB4_BIN = 46;

    /** A FIELD event column as VStream sends it. */
    public static Query.Field field(
            String name,
            Type type,
            String columnType,
            int columnLength,
            int charset,
            int decimals,
            int flags) {
        return Query.Field.newBuilder()
                .setName(name)
                .setType(type)
                .setTable("t")
                .setOrgTable("t")
                .setDatabase("vt_ks")
                .setOrgName(name)
                .setColumnLength(columnLength)
                .setCharset(charset)
                .setDecimals(decimals)
                .setFlags(flags)
                .setColumnType(columnType)
                .build();
    }

    /** The parsed columns of FIELD event fields. */
    public static List<MySqlColumn> columns(Query.Field... fields) {
        return columns(Arrays.asList(fields));
    }

    /** The parsed columns of FIELD event fields. */
    public static List<MySqlColumn> columns(List<Query.Field> fields) {
        List<MySqlColumn> out = new ArrayList<>(fields.size());
        for (Query.Field field : fields) {
            out.add(MySqlColumn.of(field));
        }
        return out;
    }

    private FieldEvents() {}
}
