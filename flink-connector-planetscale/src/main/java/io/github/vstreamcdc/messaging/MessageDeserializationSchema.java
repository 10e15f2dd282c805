package io.github.vstreamcdc.messaging;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns a {@link VitessMessage} into the source's record type. {@code MessageRowDataDeserializer}
 * (the SQL connector's) makes {@code RowData} of declared columns and metadata.
 *
 * @param <T> the record type
 */
@PublicEvolving
public interface MessageDeserializationSchema<T> extends Serializable, ResultTypeQueryable<T> {

    /**
     * Called for every message, on the reader's task thread.
     *
     * @return the record to emit; null emits nothing (the message is still acknowledged)
     */
    T deserialize(VitessMessage message) throws IOException;
}
