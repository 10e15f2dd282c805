package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.BinlogRetention;
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

import javax.annotation.Nullable;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;

/**
 * Asks VTGate, next to a shard's stream, for the shard's current position and signals a {@link
 * ReaderSignal.Failed} if the stream's position is not in the shard's history, or if its stop
 * position never will be; and reads the shard's purged GTID set, failing the same way if changes
 * after the position were purged from the binlog (a job restored, or reconnecting, after the binlog
 * retention). VTGate itself would only go silent for a minute and a half and then report that it
 * found no tablet, which a reconnect meets again.
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
            BlockingQueue<ReaderSignal> sink,
            Executor retentionChecks) {
        String stop = split.bounds().stopGtid();
        if (GtidSet.parseMysql56(gtid) == null && stop == null) {
            return; // copy from scratch, or a flavor this check does not know
        }
        String splitId = split.splitId();
        if (GtidSet.parseMysql56(gtid) != null) {
            retentionChecks.execute(
                    () -> {
                        String problem = purgedProblem(config, split, gtid);
                        if (problem != null) {
                            report(config, split.splitId(), problem, sink);
                        }
                    });
        }
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
                    report(config, splitId, problem, sink);
                },
                status ->
                        LOG.info(
                                "Could not check position {} of {} against the shard: {} {}",
                                gtid,
                                splitId,
                                status.getCode(),
                                status.getDescription()));
    }

    private static void report(
            PlanetScaleSourceConfig config,
            String splitId,
            String problem,
            BlockingQueue<ReaderSignal> sink) {
        if (config.connection().tabletType() == Topodata.TabletType.PRIMARY) {
            sink.add(new ReaderSignal.Failed(splitId, new VitessException(problem)));
        } else {
            // A lagging replica may not have the position yet, another may still hold the
            // binlog: VTGate will look for another tablet.
            LOG.warn("{} (tablet type {})", problem, config.connection().tabletType());
        }
    }

    /** Why the shard's binlog cannot serve the position; null if it can or cannot be told. */
    @Nullable
    static String purgedProblem(PlanetScaleSourceConfig config, ShardSplit split, String gtid) {
        BinlogRetention.GtidSets sets;
        try (BinlogRetention retention = new BinlogRetention(config.connection())) {
            sets = retention.gtidSets(split.keyspace(), split.shard());
        } catch (RuntimeException e) {
            LOG.info(
                    "Could not check that position {} of {} is still in the binlog: {}",
                    gtid,
                    split.splitId(),
                    e.getMessage());
            return null;
        }
        return BinlogRetention.purgedProblem(
                split.keyspace(),
                split.shard(),
                gtid,
                sets,
                "The changes after it are lost to this job: start it anew from a snapshot"
                        + " ('initial' startup mode), and keep binlogs for longer than a job may"
                        + " be stopped or behind (MySQL's binlog_expire_logs_seconds).");
    }
}
