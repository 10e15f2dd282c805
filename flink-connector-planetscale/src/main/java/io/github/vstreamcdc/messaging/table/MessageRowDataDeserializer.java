package io.github.vstreamcdc.messaging.table;

import io.github.vstreamcdc.messaging.MessageDeserializationSchema;
import io.github.vstreamcdc.messaging.VitessMessage;
import io.github.vstreamcdc.messaging.reader.MessageColumns;
import io.github.vstreamcdc.source.reader.deserializer.RowDataConverter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a {@link RowData} of a message: the declared physical columns, converted from the streamed
 * values with the VStream source's {@link RowDataConverter} (same type mapping), then the metadata
 * columns.
 */
@Internal
public final class MessageRowDataDeserializer implements MessageDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowType physicalType;
    private final List<MessageMetadata> metadata;
    private final TypeInformation<RowData> producedType;

    /** The converter of the last column layout seen; layouts change only on reconnects. */
    private transient MessageColumns lastLayout;

    private transient RowDataConverter converter;

    public MessageRowDataDeserializer(
            RowType physicalType,
            List<MessageMetadata> metadata,
            TypeInformation<RowData> producedType) {
        this.physicalType = physicalType;
        this.metadata = new ArrayList<>(metadata);
        this.producedType = producedType;
    }

    @Override
    public RowData deserialize(VitessMessage message) {
        if (message.layout() != lastLayout) {
            converter =
                    new RowDataConverter(
                            physicalType,
                            message.columns(),
                            message.keyspace(),
                            message.table(),
                            message.shard(),
                            ZoneOffset.UTC);
            lastLayout = message.layout();
        }
        GenericRowData physical = converter.convert(message.values());
        if (metadata.isEmpty()) {
            return physical;
        }
        int arity = physical.getArity();
        GenericRowData row = new GenericRowData(arity + metadata.size());
        for (int i = 0; i < arity; i++) {
            row.setField(i, physical.getField(i));
        }
        for (int i = 0; i < metadata.size(); i++) {
            row.setField(arity + i, metadata.get(i).read(message));
        }
        return row;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
