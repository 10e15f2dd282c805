package io.github.vstreamcdc.messaging.table;

import io.github.vstreamcdc.messaging.MessageSourceConfig;
import io.github.vstreamcdc.messaging.PlanetScaleMessageSource;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A message table as an append-only Flink table: each delivered message is an insert. */
@Internal
public final class PlanetScaleMessagingTableSource
        implements ScanTableSource, SupportsReadingMetadata {

    private final DataType physicalType;
    private final MessageSourceConfig config;
    private List<MessageMetadata> metadata = Collections.emptyList();
    private DataType producedType;

    PlanetScaleMessagingTableSource(DataType physicalType, MessageSourceConfig config) {
        this.physicalType = physicalType;
        this.config = config;
        this.producedType = physicalType;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return ChangelogMode.insertOnly();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        MessageRowDataDeserializer deserializer =
                new MessageRowDataDeserializer(
                        (RowType) physicalType.getLogicalType(),
                        metadata,
                        context.createTypeInformation(producedType));
        return SourceProvider.of(
                PlanetScaleMessageSource.<RowData>builder()
                        .options(config.options())
                        .deserializer(deserializer)
                        .build());
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        Map<String, DataType> readable = new LinkedHashMap<>();
        for (MessageMetadata m : MessageMetadata.values()) {
            readable.put(m.key(), m.dataType());
        }
        return readable;
    }

    @Override
    public void applyReadableMetadata(List<String> metadataKeys, DataType producedDataType) {
        List<MessageMetadata> keys = new ArrayList<>();
        for (String key : metadataKeys) {
            keys.add(MessageMetadata.ofKey(key));
        }
        this.metadata = keys;
        this.producedType = producedDataType;
    }

    @Override
    public DynamicTableSource copy() {
        PlanetScaleMessagingTableSource copy =
                new PlanetScaleMessagingTableSource(physicalType, config);
        copy.metadata = metadata;
        copy.producedType = producedType;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "PlanetScale messages " + config.keyspace() + "." + config.table();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PlanetScaleMessagingTableSource)) {
            return false;
        }
        PlanetScaleMessagingTableSource that = (PlanetScaleMessagingTableSource) o;
        return physicalType.equals(that.physicalType)
                && config.equals(that.config)
                && metadata.equals(that.metadata)
                && producedType.equals(that.producedType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(physicalType, config, metadata, producedType);
    }
}
