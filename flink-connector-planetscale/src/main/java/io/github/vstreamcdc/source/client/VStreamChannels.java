package io.github.vstreamcdc.source.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.apache.flink.annotation.Internal;

import java.util.concurrent.TimeUnit;

/** Builds the gRPC channel to VTGate. */
@Internal
public final class VStreamChannels {

    private VStreamChannels() {}

    public static ManagedChannel open(VitessConnectionOptions options) {
        return Grpc.newChannelBuilder(options.grpcTarget(), InsecureChannelCredentials.create())
                // Copy-phase batches exceed gRPC's 4 MiB default.
                .maxInboundMessageSize(options.maxInboundMessageBytes())
                // Idle shards send nothing for long stretches: keep NATs and proxies from
                // silently dropping the connection.
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build();
    }

    public static void close(ManagedChannel channel) {
        if (channel == null) {
            return;
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
