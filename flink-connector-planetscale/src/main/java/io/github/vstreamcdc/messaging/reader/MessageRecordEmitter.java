package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.MessageDeserializationSchema;
import io.github.vstreamcdc.messaging.VitessMessage;
import io.github.vstreamcdc.messaging.split.MessageSplit;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/**
 * Deserializes and emits a message, then records its id in the {@link AckLedger}: on the task
 * thread, so that the id belongs to the checkpoint whose barrier follows the record.
 */
@Internal
final class MessageRecordEmitter<T> implements RecordEmitter<VitessMessage, T, MessageSplit> {

    private final MessageDeserializationSchema<T> deserializer;
    private final AckLedger ledger;

    MessageRecordEmitter(MessageDeserializationSchema<T> deserializer, AckLedger ledger) {
        this.deserializer = deserializer;
        this.ledger = ledger;
    }

    @Override
    public void emitRecord(VitessMessage message, SourceOutput<T> output, MessageSplit split)
            throws Exception {
        T record = deserializer.deserialize(message);
        if (record != null) {
            output.collect(record);
        }
        ledger.emitted(split.splitId(), message.messageId());
    }
}
