package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.api.RowImage;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.List;

/**
 * One VStream response as the source reads it: its events, and for ROW events the row images read
 * in place from the message's bytes ({@link VStreamMessageDecoder}).
 *
 * <p>A ROW event with images here carries no row changes itself (its {@code row_event} has the
 * table name and the other fields only); one without (images {@code null}) carries them as usual.
 */
@Internal
public final class VStreamMessage {

    private final List<Binlogdata.VEvent> events;
    @Nullable private final RowChanges[] rows;

    VStreamMessage(List<Binlogdata.VEvent> events, @Nullable RowChanges[] rows) {
        this.events = events;
        this.rows = rows;
    }

    /** A message whose ROW events carry their row changes (tests, other callers). */
    public static VStreamMessage of(List<Binlogdata.VEvent> events) {
        return new VStreamMessage(events, null);
    }

    public List<Binlogdata.VEvent> events() {
        return events;
    }

    /**
     * The row images of event {@code index}, read in place; null if the event carries its row
     * changes (not a ROW event, or one the decoder left to the generated parser).
     */
    @Nullable
    public RowChanges rows(int index) {
        return rows == null ? null : rows[index];
    }

    /** The row changes of one ROW event: per change its before and after image, null if absent. */
    @Internal
    public static final class RowChanges {
        private final RowImage[] before;
        private final RowImage[] after;

        RowChanges(RowImage[] before, RowImage[] after) {
            this.before = before;
            this.after = after;
        }

        public int size() {
            return before.length;
        }

        @Nullable
        public RowImage before(int i) {
            return before[i];
        }

        @Nullable
        public RowImage after(int i) {
            return after[i];
        }
    }
}
