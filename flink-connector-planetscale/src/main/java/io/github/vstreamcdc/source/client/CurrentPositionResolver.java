package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import org.apache.flink.annotation.Internal;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Turns "current" into a concrete GTID position per shard, so that a job started at the latest
 * offset keeps that exact position in its state and a restore never jumps ahead.
 */
@Internal
public final class CurrentPositionResolver implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 60;
    private static final String CURRENT = "current";

    private final VitessConnectionOptions options;
    private final ManagedChannel channel;

    public CurrentPositionResolver(VitessConnectionOptions options) {
        this.options = options;
        this.channel = VStreamChannels.open(options);
    }

    /** The shard's current GTID position (e.g. {@code MySQL56/uuid:1-42}). */
    public String currentPosition(String keyspace, String shard) {
        String gtid =
                firstAnswer(
                        request(options, keyspace, shard),
                        keyspace,
                        shard,
                        CURRENT,
                        response -> positionIn(response, keyspace, shard));
        if (gtid == null) {
            throw new VitessException(
                    "VStream of shard "
                            + keyspace
                            + "/"
                            + shard
                            + " ended before telling its current position");
        }
        return gtid;
    }

    /**
     * Streams the request until {@code answer} finds what it looks for in a response, and cancels
     * the stream.
     *
     * @return the answer; null if the stream ended first
     * @throws VitessException naming the shard and position if the stream fails
     */
    <T> T firstAnswer(
            Vtgate.VStreamRequest request,
            String keyspace,
            String shard,
            String position,
            Function<Vtgate.VStreamResponse, T> answer) {
        Context.CancellableContext context = Context.current().withCancellation();
        Context previous = context.attach();
        try {
            Iterator<Vtgate.VStreamResponse> responses =
                    VitessGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                            .vStream(request);
            while (responses.hasNext()) {
                T found = answer.apply(responses.next());
                if (found != null) {
                    return found;
                }
            }
            return null;
        } catch (StatusRuntimeException e) {
            throw new VitessException(
                    VStreamErrors.describe(
                            e.getStatus(), options.grpcTarget(), keyspace, shard, position),
                    e);
        } finally {
            context.detach(previous);
            context.cancel(null);
        }
    }

    /** A VStream request whose first VGTID event carries the shard's current position. */
    public static Vtgate.VStreamRequest request(
            VitessConnectionOptions options, String keyspace, String shard) {
        Vtgate.VStreamFlags.Builder flags = Vtgate.VStreamFlags.newBuilder();
        if (options.cells() != null) {
            flags.setCells(options.cells());
        }
        return Vtgate.VStreamRequest.newBuilder()
                .setTabletType(options.tabletType())
                .setVgtid(
                        Binlogdata.VGtid.newBuilder()
                                .addShardGtids(
                                        Binlogdata.ShardGtid.newBuilder()
                                                .setKeyspace(keyspace)
                                                .setShard(shard)
                                                .setGtid(CURRENT)))
                .setFilter(
                        Binlogdata.Filter.newBuilder()
                                .addRules(Binlogdata.Rule.newBuilder().setMatch("/.*")))
                .setFlags(flags)
                .build();
    }

    /** The shard's position in a response to {@link #request}, or null if it has none yet. */
    public static String positionIn(
            Vtgate.VStreamResponse response, String keyspace, String shard) {
        for (Binlogdata.VEvent event : response.getEventsList()) {
            if (event.getType() == Binlogdata.VEventType.VGTID) {
                for (Binlogdata.ShardGtid sg : event.getVgtid().getShardGtidsList()) {
                    if (sg.getKeyspace().equals(keyspace)
                            && sg.getShard().equals(shard)
                            && !sg.getGtid().equals(CURRENT)) {
                        return sg.getGtid();
                    }
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        VStreamChannels.close(channel);
    }
}
