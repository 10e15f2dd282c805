package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import org.apache.flink.annotation.Internal;

import java.util.concurrent.BlockingQueue;

/**
 * One VStream call for one split, with manual flow control: the server may send only as many
 * responses as the reader has asked for, so a slow downstream slows the stream instead of filling
 * memory.
 */
@Internal
final class ShardStream {

    /**
     * A response or the end of a stream, tagged with the stream it came from; or a failure found on
     * the side (e.g. a position the shard cannot serve), tagged with its split.
     */
    static final class Signal {
        final ShardStream source;
        final Vtgate.VStreamResponse response;
        final Status closeStatus;
        final String failedSplitId;
        final RuntimeException failure;

        Signal(ShardStream source, Vtgate.VStreamResponse response, Status closeStatus) {
            this(source, response, closeStatus, null, null);
        }

        private Signal(
                ShardStream source,
                Vtgate.VStreamResponse response,
                Status closeStatus,
                String failedSplitId,
                RuntimeException failure) {
            this.source = source;
            this.response = response;
            this.closeStatus = closeStatus;
            this.failedSplitId = failedSplitId;
            this.failure = failure;
        }

        static Signal failure(String splitId, RuntimeException failure) {
            return new Signal(null, null, null, splitId, failure);
        }
    }

    private final String splitId;
    private final ClientCall<Vtgate.VStreamRequest, Vtgate.VStreamResponse> call;

    ShardStream(String splitId, Channel channel, CallOptions callOptions) {
        this.splitId = splitId;
        this.call = channel.newCall(VitessGrpc.getVStreamMethod(), callOptions);
    }

    String splitId() {
        return splitId;
    }

    void start(
            Vtgate.VStreamRequest request,
            Metadata headers,
            BlockingQueue<Signal> sink,
            int prefetch) {
        call.start(
                new ClientCall.Listener<Vtgate.VStreamResponse>() {
                    @Override
                    public void onMessage(Vtgate.VStreamResponse message) {
                        sink.add(new Signal(ShardStream.this, message, null));
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        sink.add(new Signal(ShardStream.this, null, status));
                    }
                },
                headers);
        call.sendMessage(request);
        call.halfClose();
        call.request(prefetch);
    }

    /** The reader consumed one response: let the server send the next. */
    void consumed() {
        call.request(1);
    }

    void cancel() {
        call.cancel("reader no longer reads this split", null);
    }
}
