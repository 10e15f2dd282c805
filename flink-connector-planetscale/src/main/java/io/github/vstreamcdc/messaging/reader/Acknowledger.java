package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.split.MessageId;
import io.github.vstreamcdc.messaging.split.MessageSplit;

import org.apache.flink.annotation.Internal;

import java.util.List;

/** Marks messages of one split as acknowledged in Vitess. */
@Internal
public interface Acknowledger extends AutoCloseable {

    /**
     * Acknowledges the ids; ids already acknowledged are left alone.
     *
     * @return how many messages this call acknowledged
     * @throws Exception if VTGate could not be asked; the caller retries
     */
    int acknowledge(MessageSplit split, List<MessageId> ids) throws Exception;

    @Override
    void close();
}
