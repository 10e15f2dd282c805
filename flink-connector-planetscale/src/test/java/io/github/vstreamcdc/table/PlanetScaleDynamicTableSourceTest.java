package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.reader.deserializer.VStreamColumns;
import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.vstreamcdc.table.PlanetScaleDynamicTableFactoryTest.SCHEMA;
import static io.github.vstreamcdc.table.PlanetScaleDynamicTableFactoryTest.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The table source: push-downs, metadata, changelog mode, copy and the schema check hook. */
class PlanetScaleDynamicTableSourceTest {

    private static final DataType PHYSICAL = SCHEMA.toPhysicalRowDataType();

    /** A scan context good enough to build the source (no planner in this module). */
    private static final ScanTableSource.ScanContext CONTEXT =
            new ScanTableSource.ScanContext() {
                @Override
                @SuppressWarnings("unchecked")
                public <T> TypeInformation<T> createTypeInformation(DataType producedDataType) {
                    return (TypeInformation<T>)
                            InternalTypeInfo.of(producedDataType.getLogicalType());
                }

                @Override
                @SuppressWarnings("unchecked")
                public <T> TypeInformation<T> createTypeInformation(LogicalType producedType) {
                    return (TypeInformation<T>) InternalTypeInfo.of(producedType);
                }

                @Override
                public DynamicTableSource.DataStructureConverter createDataStructureConverter(
                        DataType producedDataType) {
                    throw new UnsupportedOperationException();
                }
            };

    private static PlanetScaleDynamicTableSource source(
            Map<String, String> map, TableSchemaCheck check) {
        PlanetScaleSourceConfig options = PlanetScaleDynamicTableFactoryTest.create(map).config();
        return new PlanetScaleDynamicTableSource("cat.db.orders", PHYSICAL, options, check);
    }

    private static final TableSchemaCheck NO_CHECK = (table, options, declared) -> {};

    @Test
    void readableMetadataInAFixedOrder() {
        Map<String, DataType> metadata = source(required(), NO_CHECK).listReadableMetadata();
        assertThat(metadata.keySet())
                .containsExactly(
                        "database_name",
                        "table_name",
                        "shard",
                        "op_ts",
                        "row_kind",
                        "keyspace",
                        "position",
                        "transaction_seq",
                        "is_snapshot");
        assertThat(metadata.get("op_ts")).isEqualTo(DataTypes.TIMESTAMP_LTZ(3).notNull());
        assertThat(metadata.get("shard")).isEqualTo(DataTypes.STRING().notNull());
    }

    @Test
    void changelogModeIsAllAlsoForSnapshots() {
        assertThat(source(required(), NO_CHECK).getChangelogMode()).isEqualTo(ChangelogMode.all());
        Map<String, String> snapshot = required();
        snapshot.put("scan.startup.mode", "snapshot");
        PlanetScaleDynamicTableSource source = source(snapshot, NO_CHECK);
        // Changes of rows already copied arrive as updates and deletes during the copy phase.
        assertThat(source.getChangelogMode()).isEqualTo(ChangelogMode.all());
        assertThat(source.createSource(CONTEXT).getBoundedness()).isEqualTo(Boundedness.BOUNDED);
    }

    @Test
    void projectionAsksVStreamForTheSelectedColumnsOnly() {
        PlanetScaleDynamicTableSource source = source(required(), NO_CHECK);
        assertThat(source.vstreamColumns()).containsExactly("id", "amount", "note");
        source.applyProjection(
                new int[][] {{2}, {0}}, DataTypes.ROW(DataTypes.FIELD("note", DataTypes.STRING())));
        assertThat(source.vstreamColumns()).containsExactly("note", "id");
        DataType produced =
                DataTypes.ROW(
                        DataTypes.FIELD("note", DataTypes.STRING()),
                        DataTypes.FIELD("id", DataTypes.BIGINT().notNull()),
                        DataTypes.FIELD("shard", DataTypes.STRING().notNull()));
        source.applyReadableMetadata(Arrays.asList("shard"), produced);
        assertThat(source.producedDataType()).isEqualTo(produced);

        // Only metadata: VStream sends whole rows.
        PlanetScaleDynamicTableSource onlyMetadata = source(required(), NO_CHECK);
        onlyMetadata.applyProjection(new int[][] {{3}}, DataTypes.ROW());
        assertThat(onlyMetadata.vstreamColumns()).isNull();
        assertThat(source.supportsNestedProjection()).isFalse();
    }

    @Test
    void copyKeepsEverything() {
        PlanetScaleDynamicTableSource source = source(required(), NO_CHECK);
        source.applyProjection(new int[][] {{1}, {0}}, DataTypes.ROW());
        source.applyReadableMetadata(
                Arrays.asList("row_kind", "op_ts"),
                DataTypes.ROW(DataTypes.FIELD("amount", DataTypes.DECIMAL(12, 2))));
        DynamicTableSource copy = source.copy();
        assertThat(copy).isNotSameAs(source).isEqualTo(source).hasSameHashCodeAs(source);
        assertThat(copy.toString()).isEqualTo(source.toString());
        assertThat(copy.asSummaryString()).isEqualTo("PlanetScale-CDC");

        PlanetScaleDynamicTableSource other = source(required(), NO_CHECK);
        assertThat(other).isNotEqualTo(source);
    }

    @Test
    void runtimeProviderRunsTheSchemaCheckUnlessDisabled() {
        AtomicInteger checks = new AtomicInteger();
        List<RowType> checked = new ArrayList<>();
        TableSchemaCheck counting =
                (table, options, declared) -> {
                    checks.incrementAndGet();
                    checked.add(declared);
                    assertThat(table).isEqualTo("cat.db.orders");
                };
        PlanetScaleDynamicTableSource source = source(required(), counting);
        // The check covers every declared column, also those the query does not select.
        source.applyProjection(new int[][] {{0}}, DataTypes.ROW());
        ScanTableSource.ScanRuntimeProvider provider = source.getScanRuntimeProvider(CONTEXT);
        assertThat(provider).isInstanceOf(SourceProvider.class);
        assertThat(((SourceProvider) provider).createSource())
                .isInstanceOf(PlanetScaleSource.class);
        assertThat(checks.get()).isEqualTo(1);
        assertThat(checked.get(0).getFieldNames()).containsExactly("id", "amount", "note");

        Map<String, String> off = required();
        off.put("scan.schema-check.enabled", "false");
        source(off, counting).getScanRuntimeProvider(CONTEXT);
        assertThat(checks.get()).isEqualTo(1);
    }

    @Test
    void failingSchemaCheckFailsThePlan() {
        TableSchemaCheck failing =
                (table, options, declared) -> {
                    throw new ValidationException("Column 'x' is declared, but ...");
                };
        assertThatThrownBy(() -> source(required(), failing).getScanRuntimeProvider(CONTEXT))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Column 'x'");
    }

    // ---------------------------------------------------------------------------------------
    // The deserializer the source uses: projection, metadata values, row kinds
    // ---------------------------------------------------------------------------------------

    private static final List<ColumnDescription> FIELDS =
            VStreamColumns.of(
                    Arrays.asList(
                            field("id", Query.Type.INT64, "bigint", 1),
                            field("amount", Query.Type.DECIMAL, "decimal(12,2)", 0),
                            field("note", Query.Type.TEXT, "text", 0)));

    private static Query.Field field(String name, Query.Type type, String columnType, int flags) {
        return Query.Field.newBuilder()
                .setName(name)
                .setType(type)
                .setColumnType(columnType)
                .setFlags(flags)
                .setCharset(type == Query.Type.TEXT ? 255 : 63)
                .build();
    }

    private static byte[][] values(String... values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static List<RowData> deserialize(
            VStreamDeserializationSchema<RowData> deserializer, RowChangeEvent change)
            throws Exception {
        List<RowData> rows = new ArrayList<>();
        deserializer.deserialize(
                change,
                new Collector<RowData>() {
                    @Override
                    public void collect(RowData record) {
                        rows.add(record);
                    }

                    @Override
                    public void close() {}
                });
        return rows;
    }

    @Test
    void rowsCarryProjectedColumnsAndMetadata() throws Exception {
        PlanetScaleDynamicTableSource source = source(required(), NO_CHECK);
        source.applyProjection(new int[][] {{1}, {0}}, DataTypes.ROW());
        readMetadata(source, "database_name", "table_name", "shard", "op_ts", "row_kind");
        VStreamDeserializationSchema<RowData> deserializer = deserializer(source);

        RowChangeEvent update =
                new RowChangeEvent(
                        "customer",
                        "80-",
                        "orders",
                        RowChangeEvent.Op.UPDATE,
                        FIELDS,
                        values("7", "1.50", "old"),
                        values("7", "2.25", "new"),
                        1_700_000_000_123L,
                        "MySQL56/a:1-9");
        List<RowData> rows = deserialize(deserializer, update);
        assertThat(rows).hasSize(2).allMatch(row -> row instanceof BinaryRowData);
        assertRow(rows.get(0), RowKind.UPDATE_BEFORE, "1.50", 7, "80-", 1_700_000_000_123L, "-U");
        assertRow(rows.get(1), RowKind.UPDATE_AFTER, "2.25", 7, "80-", 1_700_000_000_123L, "+U");

        RowChangeEvent snapshotRow =
                new RowChangeEvent(
                        "customer",
                        "-80",
                        "orders",
                        RowChangeEvent.Op.READ,
                        FIELDS,
                        null,
                        values("1", "3.00", null),
                        0L,
                        "MySQL56/a:1-9");
        rows = deserialize(deserializer, snapshotRow);
        assertThat(rows).hasSize(1);
        assertRow(rows.get(0), RowKind.INSERT, "3.00", 1, "-80", 0L, "+I");

        RowChangeEvent delete =
                new RowChangeEvent(
                        "customer",
                        "-80",
                        "orders",
                        RowChangeEvent.Op.DELETE,
                        FIELDS,
                        values("1", "3.00", null),
                        null,
                        42L,
                        "MySQL56/a:1-10");
        rows = deserialize(deserializer, delete);
        assertRow(rows.get(0), RowKind.DELETE, "3.00", 1, "-80", 42L, "-D");
    }

    @Test
    void appendOnlyMakesEveryRowAnInsertAndKeepsTheKindInTheMetadata() throws Exception {
        Map<String, String> options = required();
        options.put("scan.read-changelog-as-append-only.enabled", "true");
        PlanetScaleDynamicTableSource source = source(options, NO_CHECK);
        assertThat(source.getChangelogMode()).isEqualTo(ChangelogMode.insertOnly());
        source.applyProjection(new int[][] {{0}}, DataTypes.ROW());
        readMetadata(source, "row_kind", "position", "transaction_seq", "is_snapshot", "keyspace");
        VStreamDeserializationSchema<RowData> deserializer = deserializer(source);

        RowChangeEvent update =
                new RowChangeEvent(
                        "customer",
                        "80-",
                        "orders",
                        RowChangeEvent.Op.UPDATE,
                        FIELDS,
                        values("7", "1.50", "old"),
                        values("7", "2.25", "new"),
                        1_700_000_000_123L,
                        "MySQL56/a:1-9",
                        3);
        List<RowData> rows = deserialize(deserializer, update);
        assertThat(rows).extracting(RowData::getRowKind).containsOnly(RowKind.INSERT);
        assertThat(rows).extracting(r -> r.getString(1).toString()).containsExactly("-U", "+U");
        RowData after = rows.get(1);
        assertThat(after.getLong(0)).isEqualTo(7);
        assertThat(after.getString(2).toString()).isEqualTo("MySQL56/a:1-9");
        assertThat(after.getLong(3)).isEqualTo(3);
        assertThat(after.getBoolean(4)).isFalse();
        assertThat(after.getString(5).toString()).isEqualTo("customer");

        // Without the row_kind column too.
        readMetadata(source);
        deserializer = deserializer(source);
        assertThat(deserialize(deserializer, update))
                .extracting(RowData::getRowKind)
                .containsExactly(RowKind.INSERT, RowKind.INSERT);
    }

    /** As the planner: the metadata keys with the row type of the projected columns and them. */
    private static void readMetadata(PlanetScaleDynamicTableSource source, String... keys) {
        List<DataTypes.Field> fields = new ArrayList<>();
        DataType projected = source.projectedPhysicalDataType();
        List<String> names = DataType.getFieldNames(projected);
        for (int i = 0; i < names.size(); i++) {
            fields.add(DataTypes.FIELD(names.get(i), DataType.getFieldDataTypes(projected).get(i)));
        }
        for (String key : keys) {
            fields.add(DataTypes.FIELD(key, PlanetScaleReadableMetadata.ofKey(key).dataType()));
        }
        source.applyReadableMetadata(Arrays.asList(keys), DataTypes.ROW(fields));
    }

    private static VStreamDeserializationSchema<RowData> deserializer(
            PlanetScaleDynamicTableSource source) {
        return source.createDeserializer(
                InternalTypeInfo.of(source.producedDataType().getLogicalType()));
    }

    private static void assertRow(
            RowData row,
            RowKind kind,
            String amount,
            long id,
            String shard,
            long opTs,
            String rowKind) {
        assertThat(row.getRowKind()).isEqualTo(kind);
        assertThat(row.getArity()).isEqualTo(7);
        assertThat(row.getDecimal(0, 12, 2))
                .isEqualTo(DecimalData.fromBigDecimal(new BigDecimal(amount), 12, 2));
        assertThat(row.getLong(1)).isEqualTo(id);
        assertThat(row.getString(2)).isEqualTo(StringData.fromString("customer"));
        assertThat(row.getString(3)).isEqualTo(StringData.fromString("orders"));
        assertThat(row.getString(4)).isEqualTo(StringData.fromString(shard));
        assertThat(row.getTimestamp(5, 3)).isEqualTo(TimestampData.fromEpochMillis(opTs));
        assertThat(row.getString(6)).isEqualTo(StringData.fromString(rowKind));
    }
}
