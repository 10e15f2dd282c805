package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.client.BinlogRetention;
import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.BoundedMode;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.PlanetScaleSourceOptions;
import io.github.vstreamcdc.source.config.ReadRange;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.SplitBounds;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The first split of a shard found at discovery: where it starts ({@code scan.startup.*}) and where
 * it stops ({@code scan.bounded.*}), with the positions that depend on the shard resolved now (its
 * latest position, its oldest retained one) and each way they can be wrong named. Opens its
 * connections on first use; close it after a discovery round.
 */
@Internal
final class ShardPositioner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardPositioner.class);

    private final PlanetScaleSourceConfig config;
    private final ReadRange range;
    private CurrentPositionResolver current;
    private BinlogRetention retention;

    ShardPositioner(PlanetScaleSourceConfig config) {
        this.config = config;
        this.range = config.readRange();
    }

    /**
     * The bounds of the shards a reshard creates: they skip up to the same start time, stop at the
     * same stop time, and stop at their own current position when they start if the old shards
     * stopped at positions.
     */
    static SplitBounds boundsOfNewShards(ReadRange range) {
        BoundedMode bounded = range.boundedMode();
        return new SplitBounds(
                range.startTimestampMillis() == null
                        ? SplitBounds.NO_TIME
                        : range.startTimestampMillis(),
                null,
                bounded == BoundedMode.LATEST_OFFSET || bounded == BoundedMode.SPECIFIC_OFFSET,
                range.stopTimestampMillis() == null
                        ? SplitBounds.NO_TIME
                        : range.stopTimestampMillis());
    }

    ShardSplit firstSplit(String shard, Set<String> tables, List<String> allFresh) {
        String keyspace = config.keyspace();
        ShardPosition start = start(shard, tables, allFresh);
        SplitBounds bounds = bounds(shard, start, allFresh);
        return new ShardSplit(
                keyspace,
                shard,
                start,
                0,
                range.startupMode() == StartupMode.SNAPSHOT,
                Collections.emptyList(),
                null,
                bounds,
                false,
                tables);
    }

    private ShardPosition start(String shard, Set<String> tables, List<String> allFresh) {
        String keyspace = config.keyspace();
        StartupMode mode = range.startupMode();
        switch (mode) {
            case INITIAL:
            case SNAPSHOT:
                return new ShardPosition(
                        ShardPosition.GTID_COPY,
                        Collections.emptyList(),
                        new LinkedHashSet<>(tables));
            case LATEST_OFFSET:
                return ShardPosition.of(current().currentPosition(keyspace, shard));
            case SPECIFIC_OFFSET:
                String gtid = range.startOffsets().get(shard);
                if (gtid == null) {
                    throw missing(
                            PlanetScaleSourceOptions.SCAN_STARTUP_SPECIFIC_OFFSET.key(),
                            shard,
                            allFresh);
                }
                checkNotPurged(shard, gtid);
                return ShardPosition.of(gtid);
            case EARLIEST_OFFSET:
                return ShardPosition.of(earliest(shard, startSets(shard, mode)));
            case TIMESTAMP:
                BinlogRetention.GtidSets sets = startSets(shard, mode);
                String earliest = earliest(shard, sets);
                long startMillis = range.startTimestampMillis();
                Long first =
                        sets.anyPurged()
                                ? retention().firstCommitSecondsAfter(keyspace, shard, earliest)
                                : null;
                String problem =
                        BinlogRetention.startTimeProblem(keyspace, shard, startMillis, sets, first);
                if (problem != null) {
                    throw new VitessException(problem);
                }
                return ShardPosition.of(earliest);
            default:
                throw new IllegalStateException("Unhandled startup mode " + mode);
        }
    }

    /** The GTID sets a start from the binlog's beginning or a time needs. */
    private BinlogRetention.GtidSets startSets(String shard, StartupMode mode) {
        try {
            return retention().gtidSets(config.keyspace(), shard);
        } catch (VitessException e) {
            String message = e.getMessage();
            throw new VitessException(
                    (message.endsWith(".") ? message.substring(0, message.length() - 1) : message)
                            + ". Option '"
                            + PlanetScaleSourceOptions.SCAN_STARTUP_MODE.key()
                            + "' = '"
                            + mode.value()
                            + "' needs it.",
                    e);
        }
    }

    private String earliest(String shard, BinlogRetention.GtidSets sets) {
        String earliest = sets.earliestPosition();
        if (earliest == null) {
            throw new VitessException(
                    "Shard "
                            + config.keyspace()
                            + "/"
                            + shard
                            + " has no binlog position to start from: its executed GTID set is '"
                            + sets.executed
                            + "'.");
        }
        if (!sets.anyPurged()) {
            LOG.info(
                    "Shard {}/{} still holds its whole binlog; it starts after its first"
                            + " transaction(s) {}, which VStream cannot start before",
                    config.keyspace(),
                    shard,
                    earliest);
        }
        return earliest;
    }

    /** A specific start position whose transactions were partly purged cannot be served. */
    private void checkNotPurged(String shard, String gtid) {
        BinlogRetention.GtidSets sets;
        try {
            sets = retention().gtidSets(config.keyspace(), shard);
        } catch (VitessException e) {
            LOG.warn(
                    "Not checking that {} of shard {} is still in the binlog: {}",
                    gtid,
                    shard,
                    e.getMessage());
            return;
        }
        String problem =
                BinlogRetention.purgedProblem(
                        config.keyspace(),
                        shard,
                        gtid,
                        sets,
                        "Start from a newer position, or from 'earliest-offset'.");
        if (problem != null) {
            throw new VitessException(problem);
        }
    }

    private SplitBounds bounds(String shard, ShardPosition start, List<String> allFresh) {
        long startMillis =
                range.startTimestampMillis() == null
                        ? SplitBounds.NO_TIME
                        : range.startTimestampMillis();
        long stopMillis =
                range.stopTimestampMillis() == null
                        ? SplitBounds.NO_TIME
                        : range.stopTimestampMillis();
        String stop = null;
        String option = PlanetScaleSourceOptions.SCAN_BOUNDED_SPECIFIC_OFFSET.key();
        switch (range.boundedMode()) {
            case LATEST_OFFSET:
                stop =
                        start.isCopying() || range.startupMode() != StartupMode.LATEST_OFFSET
                                ? current().currentPosition(config.keyspace(), shard)
                                : start.gtid();
                option = "latest-offset";
                break;
            case SPECIFIC_OFFSET:
                stop = range.stopOffsets().get(shard);
                if (stop == null) {
                    throw missing(option, shard, allFresh);
                }
                break;
            default:
                break;
        }
        if (stop != null && !start.isCopying() && GtidSet.isBefore(stop, start.gtid())) {
            throw new VitessException(
                    "The stop position of shard "
                            + config.keyspace()
                            + "/"
                            + shard
                            + " ('"
                            + stop
                            + "', "
                            + option
                            + ") is before its start position ('"
                            + start.gtid()
                            + "', 'scan.startup.mode' = '"
                            + range.startupMode().value()
                            + "').");
        }
        return new SplitBounds(startMillis, stop, false, stopMillis);
    }

    private VitessException missing(String option, String shard, List<String> allFresh) {
        return new VitessException(
                "Option '"
                        + option
                        + "' has no position for shard '"
                        + shard
                        + "' of keyspace '"
                        + config.keyspace()
                        + "'. Give one for each of: "
                        + String.join(", ", allFresh));
    }

    private CurrentPositionResolver current() {
        if (current == null) {
            current = new CurrentPositionResolver(config.connection());
        }
        return current;
    }

    private BinlogRetention retention() {
        if (retention == null) {
            retention = new BinlogRetention(config.connection());
        }
        return retention;
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
        if (retention != null) {
            retention.close();
        }
    }
}
