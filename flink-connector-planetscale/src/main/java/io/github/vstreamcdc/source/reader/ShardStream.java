package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.VStreamMessage;
import io.github.vstreamcdc.source.client.VStreamMessageDecoder;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import org.apache.flink.annotation.Internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One VStream call for one split, with manual flow control: the server may send only as many
 * responses as the reader has asked for, so a slow downstream slows the stream instead of filling
 * memory.
 */
@Internal
final class ShardStream {

    private final String splitId;
    private final ClientCall<Vtgate.VStreamRequest, VStreamMessage> call;

    /** Responses received and not yet taken by the reader. */
    private final AtomicInteger waiting = new AtomicInteger();

    /** The call ended; its status may still wait in the reader's queue. */
    private volatile boolean closed;

    ShardStream(String splitId, Channel channel, CallOptions callOptions) {
        this.splitId = splitId;
        this.call = channel.newCall(VStreamMessageDecoder.VSTREAM_METHOD, callOptions);
    }

    String splitId() {
        return splitId;
    }

    void start(
            Vtgate.VStreamRequest request,
            Metadata headers,
            BlockingQueue<ReaderSignal> sink,
            int prefetch) {
        call.start(
                new ClientCall.Listener<VStreamMessage>() {
                    @Override
                    public void onMessage(VStreamMessage message) {
                        waiting.incrementAndGet();
                        sink.add(new ReaderSignal.Response(ShardStream.this, message));
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed = true;
                        sink.add(new ReaderSignal.Closed(ShardStream.this, status));
                    }
                },
                headers);
        call.sendMessage(request);
        call.halfClose();
        call.request(prefetch);
    }

    /** The reader took one response from its queue (to handle it). */
    void taken() {
        waiting.decrementAndGet();
    }

    /**
     * Whether responses wait in the reader's queue: then the stream's silence is the reader's own
     * (backpressure), not the server's.
     */
    boolean hasWaitingResponses() {
        return waiting.get() > 0;
    }

    /** Whether the call ended (its end may not have been handled yet). */
    boolean isClosed() {
        return closed;
    }

    /** The reader consumed one response: let the server send the next. */
    void consumed() {
        call.request(1);
    }

    void cancel() {
        call.cancel("reader no longer reads this split", null);
    }
}
