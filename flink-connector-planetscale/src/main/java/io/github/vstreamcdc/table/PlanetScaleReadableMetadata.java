package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema.MetadataReader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.RowKind;

/**
 * The metadata columns of a {@code planetscale-cdc} table ({@code METADATA FROM 'shard' VIRTUAL}),
 * named as in Flink CDC's {@code mysql-cdc} where it has them.
 */
@Internal
public enum PlanetScaleReadableMetadata {
    /** The keyspace, Vitess' name of the database. */
    DATABASE_NAME("database_name", DataTypes.STRING().notNull()),
    /** The table, without the keyspace (for a regular-expression {@code table-name}). */
    TABLE_NAME("table_name", DataTypes.STRING().notNull()),
    /** The shard the row comes from, e.g. {@code -80}. */
    SHARD("shard", DataTypes.STRING().notNull()),
    /** Commit time of the change; epoch 0 for rows of the snapshot, as in Flink CDC. */
    OP_TS("op_ts", DataTypes.TIMESTAMP_LTZ(3).notNull()),
    /** The row kind as {@code +I}, {@code -U}, {@code +U} or {@code -D}. */
    ROW_KIND("row_kind", DataTypes.STRING().notNull()),
    /** The keyspace (as {@code database_name}, under Vitess' name). */
    KEYSPACE("keyspace", DataTypes.STRING().notNull()),
    /** The shard's GTID set after the row's transaction: see {@link RowChangeEvent#position()}. */
    POSITION("position", DataTypes.STRING()),
    /** The order of the row in its transaction, from 1. */
    TRANSACTION_SEQ("transaction_seq", DataTypes.BIGINT().notNull()),
    /** Whether the row comes from the snapshot. */
    IS_SNAPSHOT("is_snapshot", DataTypes.BOOLEAN().notNull());

    private static final StringData[] KINDS = new StringData[RowKind.values().length];

    static {
        for (RowKind kind : RowKind.values()) {
            KINDS[kind.ordinal()] = StringData.fromString(kind.shortString());
        }
    }

    private final String key;
    private final DataType dataType;

    PlanetScaleReadableMetadata(String key, DataType dataType) {
        this.key = key;
        this.dataType = dataType;
    }

    public String key() {
        return key;
    }

    public DataType dataType() {
        return dataType;
    }

    /**
     * Reads the value from a change; the row kind from the record's kind (an update gives two
     * records).
     */
    public MetadataReader reader() {
        return new Reader(this);
    }

    public static PlanetScaleReadableMetadata ofKey(String key) {
        for (PlanetScaleReadableMetadata metadata : values()) {
            if (metadata.key.equals(key)) {
                return metadata;
            }
        }
        throw new IllegalArgumentException("Unknown metadata key '" + key + "'");
    }

    private static final class Reader implements MetadataReader {

        private static final long serialVersionUID = 1L;

        private final PlanetScaleReadableMetadata metadata;

        Reader(PlanetScaleReadableMetadata metadata) {
            this.metadata = metadata;
        }

        @Override
        public Object read(RowChangeEvent change, RowKind kind) {
            return metadata == ROW_KIND ? KINDS[kind.ordinal()] : read(change);
        }

        @Override
        public Object read(RowChangeEvent change) {
            switch (metadata) {
                case DATABASE_NAME:
                case KEYSPACE:
                    return StringData.fromString(change.keyspace());
                case POSITION:
                    return StringData.fromString(change.position());
                case TRANSACTION_SEQ:
                    return change.transactionSeq();
                case IS_SNAPSHOT:
                    return change.isSnapshot();
                case TABLE_NAME:
                    return StringData.fromString(change.table());
                case SHARD:
                    return StringData.fromString(change.shard());
                case OP_TS:
                    return TimestampData.fromEpochMillis(change.commitTimeMillis());
                case ROW_KIND:
                    throw new IllegalStateException("row_kind is read with the record's kind");
                default:
                    throw new IllegalStateException("Unhandled metadata " + metadata);
            }
        }
    }
}
