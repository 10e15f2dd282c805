package io.github.vstreamcdc.messaging;

import io.github.vstreamcdc.source.types.MySqlColumn;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;

/** One table as VTGate would describe it to {@link MessageTableCheck}. */
public final class FakeMessageTable implements MessageTableCheck.Lookup {

    /** The comment of a real message table (docs/messaging.md). */
    public static final String MESSAGE_COMMENT =
            "vitess_message,vt_ack_wait=30,vt_purge_after=86400,vt_batch_size=10,"
                    + "vt_cache_size=10000,vt_poller_interval=30";

    private final List<MySqlColumn> columns = new ArrayList<>();
    @Nullable private final String comment;

    private FakeMessageTable(@Nullable String comment, String... columns) {
        this.comment = comment;
        for (String name : columns) {
            this.columns.add(MySqlColumn.of(name, "bigint", true));
        }
    }

    /** A table with the given comment (null: unreadable) and BIGINT columns. */
    public static FakeMessageTable of(@Nullable String comment, String... columns) {
        return new FakeMessageTable(comment, columns);
    }

    /** A message table with one column of its own, {@code payload}. */
    public static FakeMessageTable messageTable() {
        return of(MESSAGE_COMMENT, "id", "priority", "epoch", "time_next", "time_acked", "payload");
    }

    @Override
    public List<MySqlColumn> listColumns(String keyspace, String table) {
        return columns;
    }

    @Override
    public String tableComment(String keyspace, String table) {
        return comment;
    }
}
