package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.client.PositionCheck;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Topodata;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Asks VTGate, next to a shard's stream, for the shard's current position and signals a {@link
 * ReaderSignal.Failed} if the stream's position is not in the shard's history. VTGate itself would
 * only go silent for a minute and a half and then report that it found no tablet.
 */
@Internal
final class PositionCheckCall {

    private static final Logger LOG = LoggerFactory.getLogger(PositionCheckCall.class);

    private static final long TIMEOUT_SECONDS = 30;

    private PositionCheckCall() {}

    static void start(
            Channel channel,
            PlanetScaleSourceConfig config,
            ShardSplit split,
            String gtid,
            BlockingQueue<ReaderSignal> sink) {
        if (GtidSet.parseMysql56(gtid) == null) {
            return; // copy from scratch, or a flavor this check does not know
        }
        String splitId = split.splitId();
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
                                CurrentPositionResolver.positionIn(
                                        message, split.keyspace(), split.shard());
                        if (current == null || done) {
                            call.request(1);
                            return;
                        }
                        done = true;
                        call.cancel("position received", null);
                        String problem =
                                PositionCheck.problem(
                                        split.keyspace(), split.shard(), gtid, current);
                        if (problem == null) {
                            return;
                        }
                        if (config.connection().tabletType() == Topodata.TabletType.PRIMARY) {
                            sink.add(
                                    new ReaderSignal.Failed(splitId, new VitessException(problem)));
                        } else {
                            // A lagging replica may not have the position yet: VTGate will
                            // look for another tablet.
                            LOG.warn(
                                    "{} (tablet type {})",
                                    problem,
                                    config.connection().tabletType());
                        }
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (!done) {
                            LOG.info(
                                    "Could not check position {} of {} against the shard: {} {}",
                                    gtid,
                                    splitId,
                                    status.getCode(),
                                    status.getDescription());
                        }
                    }
                },
                new Metadata());
        call.sendMessage(
                CurrentPositionResolver.request(
                        config.connection(), split.keyspace(), split.shard()));
        call.halfClose();
        call.request(1);
    }
}
