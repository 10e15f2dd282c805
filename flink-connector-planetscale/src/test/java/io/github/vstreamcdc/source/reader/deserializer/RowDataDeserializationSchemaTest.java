package io.github.vstreamcdc.source.reader.deserializer;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.SchemaChangeEvent;
import io.github.vstreamcdc.source.config.DroppedColumnHandling;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Declared columns across schema changes: matched by name, dropped ones fail or become NULL. */
class RowDataDeserializationSchemaTest {

    private static final RowType DECLARED =
            RowType.of(
                    new org.apache.flink.table.types.logical.LogicalType[] {
                        new BigIntType(false),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new BigIntType()
                    },
                    new String[] {"id", "v", "n"});

    private static final List<ColumnDescription> V1 =
            Arrays.asList(
                    ColumnDescription.of("id", "bigint", false),
                    ColumnDescription.of("v", "varchar(20)", true),
                    ColumnDescription.of("n", "int", true));

    private static RowDataDeserializationSchema schema(DroppedColumnHandling dropped) {
        return new RowDataDeserializationSchema(
                DECLARED,
                Collections.emptyList(),
                InternalTypeInfo.of(DECLARED),
                ZoneOffset.UTC,
                dropped);
    }

    private static SchemaChangeEvent change(List<ColumnDescription> columns, String ddl) {
        return new SchemaChangeEvent(
                "ks", "-80", "t", ddl, V1, columns, "MySQL56/a:1-10", 1_700_000_000_000L);
    }

    private static RowChangeEvent insert(List<ColumnDescription> columns, String... values) {
        byte[][] row = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            row[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return new RowChangeEvent(
                "ks",
                "-80",
                "t",
                RowChangeEvent.Op.INSERT,
                columns,
                null,
                row,
                1_700_000_000_000L,
                "MySQL56/a:1-11");
    }

    private static List<RowData> collect(
            RowDataDeserializationSchema schema, SchemaChangeEvent change, RowChangeEvent row)
            throws Exception {
        List<RowData> out = new ArrayList<>();
        Collector<RowData> collector =
                new Collector<RowData>() {
                    @Override
                    public void collect(RowData record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                };
        schema.deserializeSchemaChange(change, collector);
        schema.deserialize(row, collector);
        return out;
    }

    @Test
    void addedColumnsAreIgnoredAndAWidenedTypeTheDeclaredOneHoldsIsRead() throws Exception {
        List<ColumnDescription> v2 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("extra", "int", true),
                        ColumnDescription.of("v", "varchar(100)", true),
                        ColumnDescription.of("n", "bigint", true));
        List<RowData> rows =
                collect(
                        schema(DroppedColumnHandling.FAIL),
                        change(v2, "alter table t add column extra int after id"),
                        insert(v2, "1", "7", "a", "9000000000"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getLong(0)).isEqualTo(1L);
        assertThat(rows.get(0).getString(1).toString()).isEqualTo("a");
        assertThat(rows.get(0).getLong(2)).isEqualTo(9_000_000_000L);
    }

    @Test
    void aRenamedDeclaredColumnFailsAtTheChangeWithWhereAndAdvice() {
        List<ColumnDescription> v2 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("v2", "varchar(20)", true),
                        ColumnDescription.of("n", "int", true));
        assertThatThrownBy(
                        () ->
                                schema(DroppedColumnHandling.FAIL)
                                        .deserializeSchemaChange(
                                                change(v2, "alter table t rename column v to v2"),
                                                null))
                .hasMessageContaining("'ks.t'")
                .hasMessageContaining("shard -80")
                .hasMessageContaining("position MySQL56/a:1-10")
                .hasMessageContaining("rename column v to v2")
                .hasMessageContaining("Column 'v'")
                .hasMessageContaining("'schema-change.dropped-column' = 'null'");
    }

    @Test
    void aDroppedDeclaredColumnIsNullWhenAskedFor() throws Exception {
        List<ColumnDescription> v2 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("n", "int", true));
        List<RowData> rows =
                collect(
                        schema(DroppedColumnHandling.NULL),
                        change(v2, "alter table t drop column v"),
                        insert(v2, "2", "5"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).isNullAt(1)).isTrue();
        assertThat(rows.get(0).getLong(2)).isEqualTo(5L);
    }

    @Test
    void aTypeTheDeclaredOneCannotHoldFails() {
        RowType declaredInt =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            new BigIntType(false), new IntType()
                        },
                        new String[] {"id", "n"});
        RowDataDeserializationSchema schema =
                new RowDataDeserializationSchema(
                        declaredInt,
                        Collections.emptyList(),
                        InternalTypeInfo.of(declaredInt),
                        ZoneOffset.UTC,
                        DroppedColumnHandling.NULL);
        List<ColumnDescription> v2 =
                Arrays.asList(
                        ColumnDescription.of("id", "bigint", false),
                        ColumnDescription.of("n", "bigint", true));
        assertThatThrownBy(
                        () ->
                                schema.deserializeSchemaChange(
                                        change(v2, "alter table t modify n bigint"), null))
                .hasMessageContaining("Column 'n'")
                .hasMessageContaining("bigint")
                .hasMessageContaining("shard -80");
    }
}
