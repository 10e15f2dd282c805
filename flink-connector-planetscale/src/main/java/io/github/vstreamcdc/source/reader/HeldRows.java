package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.filter.RowFilter;
import io.github.vstreamcdc.source.snapshot.SnapshotCatchUp;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;

/**
 * The binlog row changes of the open transaction that {@link ShardEventFramer} holds until its
 * VGTID gives their position, kept per ROW event: they are handed over one batch per event, as they
 * came (at most a batch size each), so that Flink can checkpoint between them inside a transaction.
 *
 * <p>An event may also be hidden: row changes the stream delivered of a table the split's stream
 * reads but the selection no longer matches (a job restored with a narrower selection, until the
 * split narrows at its next safe point). They are not handed over but count like the others, so
 * that a restart drops exactly the rows handed over before.
 */
@Internal
final class HeldRows {

    private final int maxBatchRows;

    private List<RowChangeEvent> rows = new ArrayList<>();

    /** Per ROW event: where its rows end in {@link #rows}. */
    private final List<Integer> eventEnds = new ArrayList<>();

    /** Per ROW event: its hidden row changes. */
    private final List<Integer> eventHidden = new ArrayList<>();

    /** The sum of {@link #eventHidden}. */
    private int hidden;

    HeldRows(int maxBatchRows) {
        this.maxBatchRows = maxBatchRows;
    }

    /** Row changes held, the hidden ones too. */
    int count() {
        return rows.size() + hidden;
    }

    /** Rows held to hand over. */
    int rowCount() {
        return rows.size();
    }

    boolean isEmpty() {
        return count() == 0;
    }

    void add(RowChangeEvent row) {
        rows.add(row);
    }

    /** The current ROW event's rows are all added. */
    void endEvent() {
        int held = rows.size();
        if (held > 0 && (eventEnds.isEmpty() || eventEnds.get(eventEnds.size() - 1) < held)) {
            endEvent(held, 0);
        }
    }

    private void endEvent(int end, int hiddenChanges) {
        eventEnds.add(end);
        eventHidden.add(hiddenChanges);
    }

    /** A ROW event of this many hidden row changes. */
    void addHidden(int count) {
        if (count > 0) {
            endEvent(rows.size(), count);
            hidden += count;
        }
    }

    /**
     * Hands everything held over and forgets it.
     *
     * @param gtid the position of the rows' transaction, if known
     * @return the batches, one or more per ROW event, in order
     */
    List<ChangeBatch> handOver(@Nullable String gtid, long eventTimeMillis) {
        return handOver(gtid, eventTimeMillis, null, null);
    }

    /**
     * Hands everything held over and forgets it, leaving out (as hidden) the row changes that an
     * incremental snapshot's chunks already hold. With a pushed-down filter an update first takes
     * the filter's meaning (see {@link FilteredUpdates}), so that the catch-up never turns it into
     * an insert of an image the filter excludes.
     */
    List<ChangeBatch> handOver(
            @Nullable String gtid,
            long eventTimeMillis,
            @Nullable SnapshotCatchUp catchUp,
            @Nullable RowFilter filter) {
        int events = eventEnds.size();
        if (events == 0 || eventEnds.get(events - 1) < rows.size()) {
            endEvent(rows.size(), 0); // the open event's rows
            events++;
        }
        List<ChangeBatch> out = new ArrayList<>(events);
        int from = 0;
        for (int i = 0; i < events; i++) {
            int end = eventEnds.get(i);
            int hiddenHere = eventHidden.get(i);
            if (hiddenHere > 0) {
                out.add(ChangeBatch.hiddenRows(hiddenHere, eventTimeMillis));
            }
            // A part holds the row changes of a stretch of the event: those left out count with
            // the part, so that a checkpoint between parts skips exactly the stretch before.
            List<RowChangeEvent> part = new ArrayList<>(Math.min(maxBatchRows, end - from));
            int leftOut = 0;
            for (int r = from; r < end; r++) {
                RowChangeEvent row = rows.get(r).withPosition(gtid);
                if (catchUp != null && gtid != null) {
                    if (filter != null) {
                        row = FilteredUpdates.rewrite(filter, row);
                    }
                    row = catchUp.apply(row);
                }
                if (row == null) {
                    leftOut++;
                    continue;
                }
                part.add(row);
                if (part.size() == maxBatchRows) {
                    out.add(part(part, leftOut, eventTimeMillis));
                    part = new ArrayList<>(Math.min(maxBatchRows, end - r - 1));
                    leftOut = 0;
                }
            }
            if (!part.isEmpty() || leftOut > 0) {
                out.add(part(part, leftOut, eventTimeMillis));
            }
            from = end;
        }
        if (rows.size() > 10 * maxBatchRows) {
            rows = new ArrayList<>(); // a huge transaction's list is not kept
        }
        clear();
        return out;
    }

    private static ChangeBatch part(List<RowChangeEvent> rows, int leftOut, long eventTimeMillis) {
        ChangeBatch batch = new ChangeBatch(rows, null, eventTimeMillis);
        batch.hiddenRows = leftOut;
        return batch;
    }

    void clear() {
        rows.clear();
        eventEnds.clear();
        eventHidden.clear();
        hidden = 0;
    }
}
