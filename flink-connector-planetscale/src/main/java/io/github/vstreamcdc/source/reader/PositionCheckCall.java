package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.client.PositionCheck;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Topodata;

import io.grpc.Channel;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.BlockingQueue;

/**
 * Asks VTGate, next to a shard's stream, for the shard's current position and signals a {@link
 * ReaderSignal.Failed} if the stream's position is not in the shard's history, or if its stop
 * position never will be. VTGate itself would only go silent for a minute and a half and then
 * report that it found no tablet.
 */
@Internal
final class PositionCheckCall {

    private static final Logger LOG = LoggerFactory.getLogger(PositionCheckCall.class);

    private PositionCheckCall() {}

    static void start(
            Channel channel,
            PlanetScaleSourceConfig config,
            ShardSplit split,
            String gtid,
            BlockingQueue<ReaderSignal> sink) {
        String stop = split.bounds().stopGtid();
        if (GtidSet.parseMysql56(gtid) == null && stop == null) {
            return; // copy from scratch, or a flavor this check does not know
        }
        String splitId = split.splitId();
        CurrentPositionCall.start(
                channel,
                config.connection(),
                split.keyspace(),
                split.shard(),
                current -> {
                    String problem =
                            PositionCheck.problem(split.keyspace(), split.shard(), gtid, current);
                    if (problem == null && stop != null) {
                        problem =
                                PositionCheck.stopProblem(
                                        split.keyspace(), split.shard(), stop, current);
                    }
                    if (problem == null) {
                        return;
                    }
                    if (config.connection().tabletType() == Topodata.TabletType.PRIMARY) {
                        sink.add(new ReaderSignal.Failed(splitId, new VitessException(problem)));
                    } else {
                        // A lagging replica may not have the position yet: VTGate will look for
                        // another tablet.
                        LOG.warn("{} (tablet type {})", problem, config.connection().tabletType());
                    }
                },
                status ->
                        LOG.info(
                                "Could not check position {} of {} against the shard: {} {}",
                                gtid,
                                splitId,
                                status.getCode(),
                                status.getDescription()));
    }
}
