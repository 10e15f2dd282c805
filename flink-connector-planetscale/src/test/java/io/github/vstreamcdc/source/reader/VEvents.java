package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.split.LastKeys;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import com.google.protobuf.ByteString;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Hand-built splits and VStream events of one shard ({@link #KEYSPACE}/{@link #SHARD}) for reader
 * tests.
 */
final class VEvents {

    static final String UUID_A = "1bac46be-e961-11f1-843f-02fc00000001";
    static final String KEYSPACE = "ks";
    static final String SHARD = "-80";

    private VEvents() {}

    // ---- splits of the shard ----

    static ShardSplit binlogSplit(String gtid, long rowsToSkip) {
        return new ShardSplit(
                KEYSPACE,
                SHARD,
                ShardPosition.of(gtid),
                rowsToSkip,
                false,
                Collections.emptyList());
    }

    static ShardSplit copySplit(boolean snapshotOnly, String... tables) {
        return new ShardSplit(
                KEYSPACE,
                SHARD,
                new ShardPosition(
                        ShardPosition.GTID_COPY,
                        Collections.emptyList(),
                        new LinkedHashSet<>(Arrays.asList(tables))),
                0,
                snapshotOnly,
                Collections.emptyList());
    }

    // ---- events ----

    static String gtid(long from, long to) {
        return "MySQL56/" + UUID_A + ":" + from + "-" + to;
    }

    static Vtgate.VStreamResponse response(Binlogdata.VEvent... events) {
        Vtgate.VStreamResponse.Builder response = Vtgate.VStreamResponse.newBuilder();
        for (Binlogdata.VEvent event : events) {
            response.addEvents(event);
        }
        return response.build();
    }

    static Binlogdata.VEvent event(Binlogdata.VEventType type) {
        return Binlogdata.VEvent.newBuilder().setType(type).build();
    }

    static Binlogdata.VEvent begin() {
        return event(Binlogdata.VEventType.BEGIN);
    }

    static Binlogdata.VEvent commit() {
        return event(Binlogdata.VEventType.COMMIT);
    }

    static Binlogdata.VEvent copyCompleted() {
        return event(Binlogdata.VEventType.COPY_COMPLETED);
    }

    static List<Query.Field> fields() {
        List<Query.Field> fields = new ArrayList<>();
        fields.add(
                Query.Field.newBuilder()
                        .setName("id")
                        .setType(Query.Type.INT64)
                        .setColumnType("bigint")
                        .build());
        fields.add(
                Query.Field.newBuilder()
                        .setName("v")
                        .setType(Query.Type.VARCHAR)
                        .setColumnType("varchar(64)")
                        .build());
        return fields;
    }

    /** A FIELD event of the copy phase (no timestamp). */
    static Binlogdata.VEvent field(String table) {
        return field(table, 0);
    }

    static Binlogdata.VEvent field(String table, long timestamp) {
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.FIELD)
                .setTimestamp(timestamp)
                .setFieldEvent(
                        Binlogdata.FieldEvent.newBuilder()
                                .setTableName(KEYSPACE + "." + table)
                                .addAllFields(fields())
                                .setKeyspace(KEYSPACE)
                                .setShard(SHARD))
                .build();
    }

    static Query.Row row(long id, String v) {
        byte[] idBytes = Long.toString(id).getBytes(StandardCharsets.UTF_8);
        Query.Row.Builder row = Query.Row.newBuilder().addLengths(idBytes.length);
        ByteString values = ByteString.copyFrom(idBytes);
        if (v == null) {
            row.addLengths(-1);
        } else {
            byte[] vBytes = v.getBytes(StandardCharsets.UTF_8);
            row.addLengths(vBytes.length);
            values = values.concat(ByteString.copyFrom(vBytes));
        }
        return row.setValues(values).build();
    }

    static Binlogdata.VEvent rows(String table, long timestamp, Binlogdata.RowChange... changes) {
        Binlogdata.RowEvent.Builder rowEvent =
                Binlogdata.RowEvent.newBuilder()
                        .setTableName(KEYSPACE + "." + table)
                        .setKeyspace(KEYSPACE)
                        .setShard(SHARD);
        for (Binlogdata.RowChange change : changes) {
            rowEvent.addRowChanges(change);
        }
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.ROW)
                .setTimestamp(timestamp)
                .setRowEvent(rowEvent)
                .build();
    }

    static Binlogdata.RowChange insert(long id, String v) {
        return Binlogdata.RowChange.newBuilder().setAfter(row(id, v)).build();
    }

    static Binlogdata.RowChange update(long id, String before, String after) {
        return Binlogdata.RowChange.newBuilder()
                .setBefore(row(id, before))
                .setAfter(row(id, after))
                .build();
    }

    static Binlogdata.RowChange delete(long id, String v) {
        return Binlogdata.RowChange.newBuilder().setBefore(row(id, v)).build();
    }

    /** A copy-phase row (no timestamp). */
    static Binlogdata.VEvent copyRow(long id) {
        return rows("t", 0, insert(id, "v" + id));
    }

    static Binlogdata.VEvent vgtid(String gtid, Binlogdata.TableLastPK... tablePKs) {
        Binlogdata.ShardGtid.Builder shardGtid =
                Binlogdata.ShardGtid.newBuilder()
                        .setKeyspace(KEYSPACE)
                        .setShard(SHARD)
                        .setGtid(gtid);
        for (Binlogdata.TableLastPK pk : tablePKs) {
            shardGtid.addTablePKs(pk);
        }
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.VGTID)
                .setKeyspace(KEYSPACE)
                .setShard(SHARD)
                .setVgtid(Binlogdata.VGtid.newBuilder().addShardGtids(shardGtid))
                .build();
    }

    /** A copy cursor: the table's last copied primary key, with its field. */
    static Binlogdata.TableLastPK lastPk(String table, long id) {
        return LastKeys.of(table, id);
    }

    /** A reshard journal of this shard and 80- into -. */
    static Binlogdata.VEvent journal(Binlogdata.MigrationType type) {
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.JOURNAL)
                .setJournal(
                        Binlogdata.Journal.newBuilder()
                                .setId(7)
                                .setMigrationType(type)
                                .addParticipants(
                                        Binlogdata.KeyspaceShard.newBuilder()
                                                .setKeyspace(KEYSPACE)
                                                .setShard(SHARD))
                                .addParticipants(
                                        Binlogdata.KeyspaceShard.newBuilder()
                                                .setKeyspace(KEYSPACE)
                                                .setShard("80-"))
                                .addShardGtids(
                                        Binlogdata.ShardGtid.newBuilder()
                                                .setKeyspace(KEYSPACE)
                                                .setShard("-")
                                                .setGtid(gtid(1, 500))))
                .build();
    }
}
