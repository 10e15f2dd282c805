package io.github.vstreamcdc.e2e.types;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.reader.deserializer.JsonDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema.MetadataReader;
import io.github.vstreamcdc.source.reader.deserializer.VStreamColumns;
import io.github.vstreamcdc.source.types.MySqlTypeMapping;

import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Metadata columns the type tests append to each row: where the change came from, its kind, the
 * JSON change event the connector's JSON deserializer makes of it, and the Flink row type the
 * connector derives from the FIELD event the row came with.
 */
public final class ChangeMetadata {

    public static final List<String> NAMES = Arrays.asList("m_shard", "m_op", "m_json", "m_type");

    private ChangeMetadata() {}

    public static List<MetadataReader> readers() {
        return new ArrayList<>(
                Arrays.asList(
                        change -> StringData.fromString(change.shard()),
                        change -> StringData.fromString(change.op().code()),
                        new JsonEvent(),
                        new DefaultRowType()));
    }

    /** The physical row type followed by the metadata columns (all STRING). */
    public static RowType withMetadata(RowType physical) {
        List<RowType.RowField> fields = new ArrayList<>(physical.getFields());
        for (String name : NAMES) {
            LogicalType type = new VarCharType(VarCharType.MAX_LENGTH);
            fields.add(new RowType.RowField(name, type));
        }
        return new RowType(false, fields);
    }

    /** The change as the connector's {@link JsonDeserializationSchema} writes it. */
    private static final class JsonEvent implements MetadataReader {
        private static final long serialVersionUID = 1L;
        private transient JsonDeserializationSchema schema;

        @Override
        public Object read(RowChangeEvent change) {
            if (schema == null) {
                schema = new JsonDeserializationSchema();
            }
            List<String> out = new ArrayList<>();
            try {
                schema.deserialize(
                        change,
                        new Collector<String>() {
                            @Override
                            public void collect(String record) {
                                out.add(record);
                            }

                            @Override
                            public void close() {}
                        });
            } catch (Exception e) {
                throw new IllegalStateException("The JSON deserializer failed on " + change, e);
            }
            if (out.size() != 1) {
                throw new IllegalStateException(out.size() + " JSON events for " + change);
            }
            return StringData.fromString(out.get(0));
        }
    }

    /** {@code MySqlTypeMapping.toRowType} of the FIELD event of the change. */
    private static final class DefaultRowType implements MetadataReader {
        private static final long serialVersionUID = 1L;
        private transient Object fields;
        private transient StringData type;

        @Override
        public Object read(RowChangeEvent change) {
            if (fields != change.columns()) {
                fields = change.columns();
                type =
                        StringData.fromString(
                                MySqlTypeMapping.toRowType(VStreamColumns.parsed(change.columns()))
                                        .asSerializableString());
            }
            return type;
        }
    }
}
