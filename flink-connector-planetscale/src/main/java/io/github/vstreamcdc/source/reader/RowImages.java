package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;

/**
 * Checks that a row change carries whole rows: the connector emits full before and after images and
 * cannot rebuild a row from a partial one.
 */
@Internal
final class RowImages {

    private RowImages() {}

    /**
     * @throws VitessException if the change has a partial row image ({@code binlog_row_image} not
     *     FULL) or a partial JSON update ({@code binlog_row_value_options=PARTIAL_JSON})
     */
    static void checkFull(
            Binlogdata.RowChange change, ShardSplit split, String table, ShardPosition position) {
        if (change.hasDataColumns() && !allSet(change.getDataColumns())) {
            throw new VitessException(
                    sender(split, table)
                            + " sent a partial row image (binlog_row_image is not FULL) at"
                            + " position "
                            + position
                            + ". The connector needs full row images: set"
                            + " binlog_row_image=FULL on the tablets.");
        }
        if (change.hasJsonPartialValues() && anySet(change.getJsonPartialValues())) {
            throw new VitessException(
                    sender(split, table)
                            + " sent a partial JSON update (binlog_row_value_options="
                            + "PARTIAL_JSON) at position "
                            + position
                            + ". Turn that option off on the tablets.");
        }
    }

    private static String sender(ShardSplit split, String table) {
        return "Table '" + split.keyspace() + "." + table + "' on shard " + split.shard();
    }

    private static boolean allSet(Binlogdata.RowChange.Bitmap bitmap) {
        byte[] cols = bitmap.getCols().toByteArray();
        for (long i = 0; i < bitmap.getCount(); i++) {
            if (!isSet(cols, i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anySet(Binlogdata.RowChange.Bitmap bitmap) {
        byte[] cols = bitmap.getCols().toByteArray();
        for (long i = 0; i < bitmap.getCount(); i++) {
            if (isSet(cols, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSet(byte[] cols, long bit) {
        int index = (int) (bit >>> 3);
        return index < cols.length && (cols[index] & (1 << (bit & 7))) != 0;
    }
}
