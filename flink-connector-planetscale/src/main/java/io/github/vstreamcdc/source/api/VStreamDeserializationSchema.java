package io.github.vstreamcdc.source.api;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;

import java.io.Serializable;

/**
 * Turns the row changes of a VStream into the records of a Flink stream. An implementation may emit
 * any number of records per change (an update becomes two RowData records, for example).
 *
 * @param <T> the type of the produced records
 */
@PublicEvolving
public interface VStreamDeserializationSchema<T> extends Serializable, ResultTypeQueryable<T> {

    /** Called once per reader before the first {@link #deserialize}. */
    default void open(DeserializationSchema.InitializationContext context) throws Exception {}

    void deserialize(RowChangeEvent change, Collector<T> out) throws Exception;

    /**
     * Called when a read table's schema changed on a shard, before its first row in the new shape
     * (see {@link SchemaChangeEvent}); by default it emits nothing. An implementation may emit
     * records describing the change, or fail if its output cannot represent the new rows.
     */
    default void deserializeSchemaChange(SchemaChangeEvent change, Collector<T> out)
            throws Exception {}
}
