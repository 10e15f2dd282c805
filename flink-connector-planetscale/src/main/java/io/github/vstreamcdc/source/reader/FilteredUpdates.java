package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.filter.RowFilter;

import org.apache.flink.annotation.Internal;

import java.util.List;

/**
 * Gives updates the meaning of a pushed-down filter. VStream sends an update whole when either of
 * its images passes the rule's WHERE (vstreamer's {@code processRowEvent}, for a filter without
 * {@code in_keyrange}): a row that leaves the filter must become a delete of its old image, a row
 * that enters it an insert of its new one. One change stays one change, so the framing's row counts
 * (for exactly-once replays) are unaffected.
 */
@Internal
final class FilteredUpdates {

    private FilteredUpdates() {}

    /**
     * Rewrites, in place, the updates of the batches whose images pass the filter only on one side.
     */
    static void apply(RowFilter filter, List<ChangeBatch> batches) {
        for (ChangeBatch batch : batches) {
            List<RowChangeEvent> rows = batch.rows;
            for (int i = 0; i < rows.size(); i++) {
                RowChangeEvent row = rows.get(i);
                if (row.op() == RowChangeEvent.Op.UPDATE) {
                    rows.set(i, rewrite(filter, row));
                }
            }
        }
    }

    /** The change as the filter means it: an update leaving (entering) it a delete (insert). */
    static RowChangeEvent rewrite(RowFilter filter, RowChangeEvent row) {
        if (row.op() != RowChangeEvent.Op.UPDATE) {
            return row;
        }
        boolean before = filter.test(row.columns(), row.before());
        boolean after = filter.test(row.columns(), row.after());
        if (before == after) {
            return row; // both pass (neither cannot come from VStream)
        }
        return row.withOp(before ? RowChangeEvent.Op.DELETE : RowChangeEvent.Op.INSERT);
    }
}
