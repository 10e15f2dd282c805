package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.PlanetScaleSourceBuilder;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.filter.RowFilter;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema.MetadataReader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.Projection;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.source.DataStreamScanProvider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.connector.source.abilities.SupportsFilterPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsProjectionPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.connector.source.abilities.SupportsWatermarkPushDown;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code planetscale-cdc} table: a {@link PlanetScaleSource} that produces the declared columns
 * as a changelog ({@code +I}, {@code -U}, {@code +U}, {@code -D}), plus metadata columns.
 *
 * <p>Projection push-down asks VStream only for the selected columns (for a plain table name;
 * VStream cannot project a regular-expression rule). Before the job is built, {@link
 * #getScanRuntimeProvider} checks the declared columns against the database (see {@link
 * TableSchemaCheck}), unless {@code scan.schema-check.enabled} is false.
 */
@Internal
public final class PlanetScaleDynamicTableSource
        implements ScanTableSource,
                SupportsReadingMetadata,
                SupportsProjectionPushDown,
                SupportsFilterPushDown,
                SupportsWatermarkPushDown {

    private final String tableIdentifier;
    private final DataType physicalRowDataType;
    private final PlanetScaleSourceConfig config;
    private final TableSchemaCheck schemaCheck;

    // Mutable: set by the planner's push-downs.

    /** The physical columns the query reads, in the order of the produced rows. */
    private DataType projectedPhysicalDataType;

    /** Metadata columns appended after the physical ones. */
    private List<String> metadataKeys;

    /** The whole row: projected physical columns, then metadata columns. */
    private DataType producedDataType;

    /** Conditions VStream filters rows by (filter push-down); null if none. */
    private RowFilter rowFilter;

    /** The table's {@code WATERMARK}, generated per shard by the source; null if none. */
    private WatermarkStrategy<RowData> watermarkStrategy;

    public PlanetScaleDynamicTableSource(
            String tableIdentifier,
            DataType physicalRowDataType,
            PlanetScaleSourceConfig config,
            TableSchemaCheck schemaCheck) {
        this.tableIdentifier = tableIdentifier;
        this.physicalRowDataType = physicalRowDataType;
        this.config = config;
        this.schemaCheck = schemaCheck;
        this.projectedPhysicalDataType = physicalRowDataType;
        this.metadataKeys = Collections.emptyList();
        this.producedDataType = physicalRowDataType;
    }

    /**
     * All row kinds, as Flink CDC's {@code mysql-cdc}: updates come as {@code -U} and {@code +U},
     * so the planner needs no normalization step; with a declared primary key it may still use
     * upsert semantics downstream. Also in {@code snapshot} mode: while a table is copied, VStream
     * streams the changes of rows already copied (as updates and deletes) to keep the copy
     * consistent. With {@code scan.read-changelog-as-append-only.enabled}: insert-only.
     */
    @Override
    public ChangelogMode getChangelogMode() {
        return config.readChangelogAsAppendOnly()
                ? ChangelogMode.insertOnly()
                : ChangelogMode.all();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        if (config.schemaCheck()) {
            schemaCheck.check(
                    tableIdentifier, config, (RowType) physicalRowDataType.getLogicalType());
        }
        PlanetScaleSource<RowData> source = createSource(context);
        if (watermarkStrategy == null) {
            return SourceProvider.of(source);
        }
        return new WatermarkedScanProvider(source, watermarkStrategy);
    }

    /**
     * The source with the pushed-down watermark strategy: Flink then runs a watermark generator per
     * split (shard) on the records' commit times, instead of one per task after the source.
     */
    private static final class WatermarkedScanProvider implements DataStreamScanProvider {
        private final PlanetScaleSource<RowData> source;
        private final WatermarkStrategy<RowData> strategy;

        WatermarkedScanProvider(
                PlanetScaleSource<RowData> source, WatermarkStrategy<RowData> strategy) {
            this.source = source;
            this.strategy = strategy;
        }

        @Override
        public DataStream<RowData> produceDataStream(
                ProviderContext providerContext, StreamExecutionEnvironment execEnv) {
            DataStreamSource<RowData> stream =
                    execEnv.fromSource(source, strategy, "PlanetScale-CDC");
            providerContext.generateUid("planetscale-source").ifPresent(stream::uid);
            return stream;
        }

        @Override
        public boolean isBounded() {
            return source.getBoundedness() == Boundedness.BOUNDED;
        }
    }

    @Override
    public void applyWatermark(WatermarkStrategy<RowData> watermarkStrategy) {
        this.watermarkStrategy = watermarkStrategy;
    }

    @VisibleForTesting
    PlanetScaleSource<RowData> createSource(ScanContext context) {
        TypeInformation<RowData> typeInfo = context.createTypeInformation(producedDataType);
        PlanetScaleSourceBuilder<RowData> builder =
                PlanetScaleSource.<RowData>builder()
                        .options(config.options())
                        .columns(vstreamColumns())
                        .rowFilter(rowFilter)
                        .deserializer(createDeserializer(typeInfo));
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Table '"
                            + tableIdentifier
                            + "' (connector 'planetscale-cdc'): "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Binary rows of the projected physical columns followed by the metadata columns; all INSERTs
     * if the changelog is read as append-only.
     */
    @VisibleForTesting
    VStreamDeserializationSchema<RowData> createDeserializer(TypeInformation<RowData> typeInfo) {
        RowType physicalType = (RowType) projectedPhysicalDataType.getLogicalType();
        List<MetadataReader> readers = new ArrayList<>(metadataKeys.size());
        for (String key : metadataKeys) {
            readers.add(PlanetScaleReadableMetadata.ofKey(key).reader());
        }
        VStreamDeserializationSchema<RowData> deserializer =
                new RowDataDeserializationSchema(
                                physicalType,
                                readers,
                                typeInfo,
                                config.serverTimeZone(),
                                config.droppedColumnHandling())
                        .withBinaryRows();
        if (config.readChangelogAsAppendOnly()) {
            deserializer = new AppendOnlyDeserializationSchema(deserializer);
        }
        return deserializer;
    }

    /**
     * The columns to ask VStream for; null for all (when no physical column is read). The pushed
     * filter's columns are among them: the reader evaluates it on updates. (A stream whose
     * projection a DDL breaks reads on with every column.)
     */
    @VisibleForTesting
    List<String> vstreamColumns() {
        List<String> names = new ArrayList<>(DataType.getFieldNames(projectedPhysicalDataType));
        if (names.isEmpty()) {
            return null;
        }
        if (rowFilter != null) {
            for (String column : rowFilter.columns()) {
                if (!names.contains(column)) {
                    names.add(column);
                }
            }
        }
        return names;
    }

    /**
     * Pushes the conjuncts VStream can evaluate exactly (see {@link FilterTranslator}) into the
     * VStream rule; only for a plain table name (a regular-expression rule cannot be filtered).
     */
    @Override
    public Result applyFilters(List<ResolvedExpression> filters) {
        String tableName = config.tables().tableNamePattern();
        if (tableName == null || !tableName.matches("[A-Za-z0-9_$]+")) {
            // Several tables: filters stay in Flink.
            return Result.of(Collections.emptyList(), filters);
        }
        FilterTranslator.Translation translation = FilterTranslator.translate(filters);
        if (!translation.conditions.isEmpty()) {
            List<RowFilter.Condition> conditions = new ArrayList<>(translation.conditions);
            if (rowFilter != null) {
                conditions.addAll(0, rowFilter.conditions());
            }
            rowFilter = new RowFilter(conditions);
        }
        return Result.of(translation.accepted, translation.remaining);
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        Map<String, DataType> metadata = new LinkedHashMap<>();
        for (PlanetScaleReadableMetadata m : PlanetScaleReadableMetadata.values()) {
            metadata.put(m.key(), m.dataType());
        }
        return metadata;
    }

    @Override
    public void applyReadableMetadata(List<String> metadataKeys, DataType producedDataType) {
        this.metadataKeys = new ArrayList<>(metadataKeys);
        this.producedDataType = producedDataType;
    }

    @Override
    public boolean supportsNestedProjection() {
        return false;
    }

    /**
     * Keeps the selected top-level physical columns. Indexes beyond the physical columns (metadata)
     * are left to {@link #applyReadableMetadata}, which the planner calls afterwards with the final
     * row type.
     */
    @Override
    public void applyProjection(int[][] projectedFields, DataType producedDataType) {
        int physicalCount = DataType.getFieldCount(physicalRowDataType);
        List<Integer> physical = new ArrayList<>();
        for (int[] path : projectedFields) {
            if (path.length != 1) {
                throw new UnsupportedOperationException(
                        "The planetscale-cdc connector does not support nested projection");
            }
            if (path[0] < physicalCount) {
                physical.add(path[0]);
            }
        }
        int[] indexes = physical.stream().mapToInt(Integer::intValue).toArray();
        this.projectedPhysicalDataType = Projection.of(indexes).project(physicalRowDataType);
        this.producedDataType = projectedPhysicalDataType;
    }

    @Override
    public DynamicTableSource copy() {
        PlanetScaleDynamicTableSource copy =
                new PlanetScaleDynamicTableSource(
                        tableIdentifier, physicalRowDataType, config, schemaCheck);
        copy.projectedPhysicalDataType = projectedPhysicalDataType;
        copy.metadataKeys = new ArrayList<>(metadataKeys);
        copy.producedDataType = producedDataType;
        copy.watermarkStrategy = watermarkStrategy;
        copy.rowFilter = rowFilter;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "PlanetScale-CDC";
    }

    @VisibleForTesting
    PlanetScaleSourceConfig config() {
        return config;
    }

    @VisibleForTesting
    DataType projectedPhysicalDataType() {
        return projectedPhysicalDataType;
    }

    @VisibleForTesting
    DataType producedDataType() {
        return producedDataType;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PlanetScaleDynamicTableSource)) {
            return false;
        }
        PlanetScaleDynamicTableSource that = (PlanetScaleDynamicTableSource) o;
        return tableIdentifier.equals(that.tableIdentifier)
                && physicalRowDataType.equals(that.physicalRowDataType)
                && config.equals(that.config)
                && projectedPhysicalDataType.equals(that.projectedPhysicalDataType)
                && metadataKeys.equals(that.metadataKeys)
                && producedDataType.equals(that.producedDataType)
                && Objects.equals(watermarkStrategy, that.watermarkStrategy)
                && Objects.equals(rowFilter, that.rowFilter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                tableIdentifier,
                physicalRowDataType,
                config,
                projectedPhysicalDataType,
                metadataKeys,
                producedDataType);
    }

    @Override
    public String toString() {
        return "PlanetScaleDynamicTableSource{table="
                + tableIdentifier
                + ", "
                + config
                + ", columns="
                + DataType.getFieldNames(projectedPhysicalDataType)
                + ", metadata="
                + metadataKeys
                + (rowFilter == null ? "" : ", where=" + rowFilter)
                + '}';
    }
}
