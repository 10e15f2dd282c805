package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import org.apache.flink.annotation.Internal;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Asks VTGate for a shard's current position without blocking: a VStream from {@code current} whose
 * first VGTID is the answer. Either callback runs once, on a gRPC thread.
 */
@Internal
final class CurrentPositionCall {

    private static final long TIMEOUT_SECONDS = 30;

    private CurrentPositionCall() {}

    static void start(
            Channel channel,
            VitessConnectionOptions connection,
            String keyspace,
            String shard,
            Consumer<String> onPosition,
            Consumer<Status> onFailure) {
        ClientCall<Vtgate.VStreamRequest, Vtgate.VStreamResponse> call =
                channel.newCall(
                        VitessGrpc.getVStreamMethod(),
                        CallOptions.DEFAULT.withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        call.start(
                new ClientCall.Listener<Vtgate.VStreamResponse>() {
                    private boolean done;

                    @Override
                    public void onMessage(Vtgate.VStreamResponse message) {
                        String current =
                                CurrentPositionResolver.positionIn(message, keyspace, shard);
                        if (current == null || done) {
                            call.request(1);
                            return;
                        }
                        done = true;
                        call.cancel("position received", null);
                        onPosition.accept(current);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (!done) {
                            done = true;
                            onFailure.accept(status);
                        }
                    }
                },
                new Metadata());
        call.sendMessage(CurrentPositionResolver.request(connection, keyspace, shard));
        call.halfClose();
        call.request(1);
    }
}
