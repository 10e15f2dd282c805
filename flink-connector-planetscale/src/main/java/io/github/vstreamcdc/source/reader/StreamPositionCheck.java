package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.BinlogRetention;
import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.client.PositionCheck;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Topodata;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;

/**
 * Checks, next to a shard's stream, the stream's position against the shard's GTID sets ({@link
 * ShardGtidSets}) and signals a {@link ReaderSignal.Failed} if the position is not in the shard's
 * history, if changes after it were purged from the binlog (a job restored, or reconnecting, after
 * the binlog retention), or if its stop position will never be reached. VTGate itself would only go
 * silent for a minute and a half and then report that it found no tablet, which a reconnect meets
 * again.
 */
@Internal
final class StreamPositionCheck {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPositionCheck.class);

    /** What a job whose position was purged can do. */
    static final String PURGED_ADVICE =
            "The changes after it are lost to this job: start it anew from a snapshot ('initial'"
                    + " startup mode), or have the shard's tables copied again"
                    + " ('scan.purged-binlog.handling' = 're-snapshot'), and keep binlogs for"
                    + " longer than a job may be stopped or behind (MySQL's"
                    + " binlog_expire_logs_seconds).";

    private StreamPositionCheck() {}

    /** Runs the check on {@code queries}; a problem is signalled to {@code sink}. */
    static void start(
            PlanetScaleSourceConfig config,
            ShardGtidSets gtidSets,
            ShardSplit split,
            String gtid,
            BlockingQueue<ReaderSignal> sink,
            Executor queries) {
        String stop = split.bounds().stopGtid();
        boolean fromGtid = GtidSet.parseMysql56(gtid) != null;
        if (!fromGtid && stop == null) {
            return; // copy from scratch, or a flavor this check does not know
        }
        queries.execute(
                () -> {
                    BinlogRetention.GtidSets sets = read(gtidSets, split, gtid);
                    if (sets == null) {
                        return;
                    }
                    String lost = fromGtid ? lostChanges(split, gtid, sets) : null;
                    if (lost != null
                            && config.connection().tabletType() == Topodata.TabletType.PRIMARY) {
                        sink.add(new ReaderSignal.PositionPurged(split.splitId(), gtid, lost));
                        return;
                    }
                    // On a replica: a warning; the reader decides when VTGate gives up.
                    String problem = lost;
                    if (problem == null) {
                        problem =
                                PositionCheck.problem(
                                        split.keyspace(), split.shard(), gtid, sets.executed);
                    }
                    if (problem == null && stop != null) {
                        problem =
                                PositionCheck.stopProblem(
                                        split.keyspace(), split.shard(), stop, sets.executed);
                    }
                    if (problem != null) {
                        report(config, split.splitId(), problem, sink);
                    }
                });
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

    /**
     * Which changes after the position the shard's binlog no longer holds, without advice; null if
     * none or if it cannot be told.
     */
    @Nullable
    static String lostChanges(ShardGtidSets gtidSets, ShardSplit split, String gtid) {
        BinlogRetention.GtidSets sets = read(gtidSets, split, gtid);
        return sets == null ? null : lostChanges(split, gtid, sets);
    }

    @Nullable
    private static String lostChanges(
            ShardSplit split, String gtid, BinlogRetention.GtidSets sets) {
        String problem =
                BinlogRetention.purgedProblem(split.keyspace(), split.shard(), gtid, sets, "");
        return problem == null ? null : problem.trim();
    }

    @Nullable
    private static BinlogRetention.GtidSets read(
            ShardGtidSets gtidSets, ShardSplit split, String gtid) {
        try {
            return gtidSets.read(split.keyspace(), split.shard());
        } catch (RuntimeException e) {
            LOG.info(
                    "Could not check position {} of {} against the shard's GTID sets: {}",
                    gtid,
                    split.splitId(),
                    e.getMessage());
            return null;
        }
    }
}
