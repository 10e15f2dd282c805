package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.ShardSplitState;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.github.vstreamcdc.source.reader.VEvents.KEYSPACE;
import static io.github.vstreamcdc.source.reader.VEvents.SHARD;
import static io.github.vstreamcdc.source.reader.VEvents.begin;
import static io.github.vstreamcdc.source.reader.VEvents.binlogSplit;
import static io.github.vstreamcdc.source.reader.VEvents.commit;
import static io.github.vstreamcdc.source.reader.VEvents.copyCompleted;
import static io.github.vstreamcdc.source.reader.VEvents.copyRow;
import static io.github.vstreamcdc.source.reader.VEvents.copySplit;
import static io.github.vstreamcdc.source.reader.VEvents.field;
import static io.github.vstreamcdc.source.reader.VEvents.fields;
import static io.github.vstreamcdc.source.reader.VEvents.gtid;
import static io.github.vstreamcdc.source.reader.VEvents.insert;
import static io.github.vstreamcdc.source.reader.VEvents.rows;
import static io.github.vstreamcdc.source.reader.VEvents.vgtid;
import static org.assertj.core.api.Assertions.assertThat;

/** Schema changes: told once per shard, before the first row in the new shape, also on restore. */
class ShardEventFramerSchemaTest {

    private static final long TS = 1_700_000_000L;
    private static final String ALTER = "alter table t add column extra int";

    private static List<Query.Field> widerFields() {
        List<Query.Field> fields = new ArrayList<>(fields());
        fields.add(
                Query.Field.newBuilder()
                        .setName("extra")
                        .setType(Query.Type.INT32)
                        .setColumnType("int")
                        .build());
        return fields;
    }

    private static Binlogdata.VEvent fieldOf(String table, List<Query.Field> fields, long ts) {
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.FIELD)
                .setTimestamp(ts)
                .setFieldEvent(
                        Binlogdata.FieldEvent.newBuilder()
                                .setTableName(KEYSPACE + "." + table)
                                .addAllFields(fields)
                                .setKeyspace(KEYSPACE)
                                .setShard(SHARD))
                .build();
    }

    private static Binlogdata.VEvent ddl(String statement) {
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.DDL)
                .setTimestamp(TS)
                .setStatement(statement)
                .build();
    }

    private static Binlogdata.VEvent rowWithExtra(long id) {
        Binlogdata.VEvent plain = rows("t", TS, insert(id, "v" + id));
        Query.Row row = plain.getRowEvent().getRowChanges(0).getAfter();
        Query.Row wider =
                row.toBuilder()
                        .addLengths(1)
                        .setValues(
                                row.getValues()
                                        .concat(com.google.protobuf.ByteString.copyFromUtf8("7")))
                        .build();
        return plain.toBuilder()
                .setRowEvent(
                        plain.getRowEvent().toBuilder()
                                .setRowChanges(
                                        0, Binlogdata.RowChange.newBuilder().setAfter(wider)))
                .build();
    }

    private static List<ChangeBatch> frame(ShardEventFramer framer, Binlogdata.VEvent... events) {
        return framer.frame(Arrays.asList(events));
    }

    /** What a reader's state holds after emitting these batches. */
    private static ShardSplit stateAfter(ShardSplit split, List<ChangeBatch> batches) {
        ShardSplitState state = new ShardSplitState(split);
        for (ChangeBatch batch : batches) {
            PlanetScaleRecordEmitter.recordInState(batch, state);
        }
        return state.toSplit();
    }

    private static List<SchemaChangeEvent> changes(List<ChangeBatch> batches) {
        List<SchemaChangeEvent> out = new ArrayList<>();
        for (ChangeBatch batch : batches) {
            out.addAll(batch.schemaChanges);
        }
        return out;
    }

    private static List<String> names(List<ColumnDescription> columns) {
        List<String> names = new ArrayList<>();
        for (ColumnDescription column : columns) {
            names.add(column.name());
        }
        return names;
    }

    @Test
    void theFirstDescriptionIsRecordedAndAChangeIsToldBeforeTheFirstRowInTheNewShape() {
        ShardSplit split = binlogSplit(gtid(1, 10), 0);
        ShardEventFramer framer = new ShardEventFramer(split);
        List<ChangeBatch> before =
                frame(framer, begin(), field("t", TS), rows("t", TS, insert(1, "a")));
        before.addAll(frame(framer, vgtid(gtid(1, 11)), commit()));
        assertThat(changes(before)).isEmpty();
        assertThat(before.get(0).schemas).containsOnlyKeys("t");

        List<ChangeBatch> after =
                frame(
                        framer,
                        vgtid(gtid(1, 12)),
                        ddl(ALTER),
                        begin(),
                        fieldOf("t", widerFields(), TS),
                        rowWithExtra(2),
                        vgtid(gtid(1, 13)),
                        commit());

        List<SchemaChangeEvent> told = changes(after);
        assertThat(told).hasSize(1);
        SchemaChangeEvent change = told.get(0);
        assertThat(change.table()).isEqualTo("t");
        assertThat(change.shard()).isEqualTo(SHARD);
        assertThat(change.ddl()).isEqualTo(ALTER);
        assertThat(change.position()).isEqualTo(gtid(1, 12));
        assertThat(names(change.previousColumns())).containsExactly("id", "v");
        assertThat(names(change.columns())).containsExactly("id", "v", "extra");
        assertThat(change.addedColumns()).containsExactly("extra");
        assertThat(change.droppedColumns()).isEmpty();
        // Told with the batch of the first row in the new shape, which reads it with its columns.
        ChangeBatch carrying =
                after.stream().filter(b -> !b.schemaChanges.isEmpty()).findFirst().get();
        assertThat(carrying.rows).hasSize(1);
        assertThat(carrying.rows.get(0).columns()).isSameAs(change.columns());
        // Nothing is told twice on the same stream.
        assertThat(
                        changes(
                                frame(
                                        framer,
                                        begin(),
                                        fieldOf("t", widerFields(), TS),
                                        rowWithExtra(3),
                                        vgtid(gtid(1, 14)),
                                        commit())))
                .isEmpty();
    }

    @Test
    void aRestoreBetweenTheDdlAndTheFirstRowStillTellsTheChangeOnce() {
        ShardSplit split = binlogSplit(gtid(1, 10), 0);
        ShardEventFramer framer = new ShardEventFramer(split);
        List<ChangeBatch> batches =
                frame(
                        framer,
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(1, "a")),
                        vgtid(gtid(1, 11)),
                        commit(),
                        vgtid(gtid(1, 12)),
                        ddl(ALTER));
        // The checkpoint falls here: after the DDL, before the first row in the new shape.
        ShardSplit restored = stateAfter(split, batches);
        assertThat(restored.position().gtid()).isEqualTo(gtid(1, 12));
        assertThat(restored.schemas().get("t").pendingDdl()).isEqualTo(ALTER);

        ShardEventFramer again = new ShardEventFramer(restored);
        List<ChangeBatch> replay =
                frame(
                        again,
                        begin(),
                        fieldOf("t", widerFields(), TS),
                        rowWithExtra(2),
                        vgtid(gtid(1, 13)),
                        commit());
        assertThat(changes(replay)).hasSize(1);
        assertThat(changes(replay).get(0).ddl()).isEqualTo(ALTER);
        assertThat(names(changes(replay).get(0).previousColumns())).containsExactly("id", "v");

        // A restore after the change was told, inside the same transaction: not told again.
        ShardSplit told = stateAfter(restored, replay.subList(0, 1));
        assertThat(told.rowsToSkip()).isEqualTo(1);
        ShardEventFramer third = new ShardEventFramer(told);
        assertThat(
                        changes(
                                frame(
                                        third,
                                        begin(),
                                        fieldOf("t", widerFields(), TS),
                                        rowWithExtra(2),
                                        vgtid(gtid(1, 13)),
                                        commit())))
                .isEmpty();
    }

    @Test
    void aDdlThatChangesNoColumnIsToldWithItsStatement() {
        ShardEventFramer framer = new ShardEventFramer(binlogSplit(gtid(1, 10), 0));
        frame(framer, begin(), field("t", TS), rows("t", TS, insert(1, "a")), vgtid(gtid(1, 11)));
        frame(framer, commit());
        String statement = "ALTER TABLE `t` ALTER COLUMN v SET DEFAULT 'x'";
        List<ChangeBatch> batches =
                frame(
                        framer,
                        vgtid(gtid(1, 12)),
                        ddl(statement),
                        begin(),
                        field("t", TS),
                        rows("t", TS, insert(2, "b")),
                        vgtid(gtid(1, 13)),
                        commit());
        assertThat(changes(batches)).hasSize(1);
        SchemaChangeEvent change = changes(batches).get(0);
        assertThat(change.ddl()).isEqualTo(statement);
        assertThat(names(change.columns())).isEqualTo(names(change.previousColumns()));
    }

    @Test
    void aDdlOfAnotherTableOrTheSameColumnsDescribedDifferentlyTellNothing() {
        ShardEventFramer framer = new ShardEventFramer(copySplit(false, "t"));
        List<ChangeBatch> batches =
                frame(
                        framer,
                        field("t"),
                        copyRow(1),
                        vgtid(gtid(1, 10)),
                        commit(),
                        copyCompleted());
        // The binlog describes the table with other flags (PRI_KEY) and no column_type: the same.
        List<Query.Field> binlogFields = new ArrayList<>();
        for (Query.Field field : fields()) {
            binlogFields.add(field.toBuilder().setFlags(2).setColumnType("").build());
        }
        batches.addAll(
                frame(
                        framer,
                        vgtid(gtid(1, 11)),
                        ddl("alter table other_t add column t int"),
                        begin(),
                        fieldOf("t", binlogFields, TS),
                        rows("t", TS, insert(2, "b")),
                        vgtid(gtid(1, 12)),
                        commit()));
        assertThat(changes(batches)).isEmpty();
    }

    @Test
    void ddlStatementsNameTheirTablesOutsideLiteralsAndComments() {
        List<String> candidates = Arrays.asList("orders", "t", "items");
        assertThat(
                        DdlStatements.tablesNamed(
                                "RENAME TABLE `ks`.`orders` TO `_vt_hld_1`, `_vt_vrp_2` TO"
                                        + " `orders`",
                                candidates))
                .containsExactly("orders");
        assertThat(
                        DdlStatements.tablesNamed(
                                "alter table items /* t */ add column c varchar(9) default 't'",
                                candidates))
                .containsExactly("items");
        assertThat(DdlStatements.tablesNamed("alter table orders_archive add x int", candidates))
                .isEmpty();
        assertThat(DdlStatements.tablesNamed("alter table other add column t int", candidates))
                .isEmpty();
        assertThat(
                        DdlStatements.tablesNamed(
                                "drop table if exists ks.t, `items`, other", candidates))
                .containsExactly("t", "items");
        assertThat(DdlStatements.tablesNamed("create index i on orders (c)", candidates))
                .containsExactly("orders");
        assertThat(DdlStatements.tablesNamed("ALTER TABLE t RENAME TO items", candidates))
                .containsExactly("t", "items");
        assertThat(DdlStatements.tablesNamed("ALTER TABLE t RENAME COLUMN a TO b", candidates))
                .containsExactly("t");
    }
}
