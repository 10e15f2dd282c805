package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;

/** Splits a {@code query.Row} (lengths + concatenated values) into one byte array per column. */
@Internal
public final class RowValues {

    private RowValues() {}

    /** The column values; {@code null} where the value is SQL NULL (length -1). */
    public static byte[][] decode(Query.Row row) {
        int count = row.getLengthsCount();
        byte[][] values = new byte[count][];
        com.google.protobuf.ByteString all = row.getValues();
        int offset = 0;
        for (int i = 0; i < count; i++) {
            long length = row.getLengths(i);
            if (length < 0) {
                continue;
            }
            values[i] = all.substring(offset, offset + (int) length).toByteArray();
            offset += (int) length;
        }
        return values;
    }
}
