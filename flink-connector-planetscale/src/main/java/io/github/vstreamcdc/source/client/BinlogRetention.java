package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Topodata;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What of a shard's history its binlog still holds: the purged GTID set (read with {@code
 * SELECT @@global.gtid_purged} on one of the shard's tablets, through VTGate's MySQL protocol with
 * the target {@code keyspace:shard@tablet-type}), the oldest position VStream can start from, and
 * the commit time of the oldest transaction still there.
 */
@Internal
public final class BinlogRetention implements AutoCloseable {

    private final VitessConnectionOptions options;
    private CurrentPositionResolver stream;

    /** Kept between calls of {@link #gtidSets}. */
    private final KeptConnection connection;

    public BinlogRetention(VitessConnectionOptions options) {
        this(options, new VtgateSqlClient(options)::connect);
    }

    public BinlogRetention(VitessConnectionOptions options, VtgateSqlClient.Connector connector) {
        this(options, connector, System::nanoTime);
    }

    BinlogRetention(
            VitessConnectionOptions options,
            VtgateSqlClient.Connector connector,
            LongSupplier clock) {
        this.options = options;
        this.connection = new KeptConnection(connector, clock);
    }

    /** A shard's GTID sets, flavored ({@code MySQL56/...}). */
    public static final class GtidSets {
        public final String purged;
        public final String executed;

        public GtidSets(String purged, String executed) {
            this.purged = purged;
            this.executed = executed;
        }

        /** Whether the binlog has lost transactions: some were purged. */
        public boolean anyPurged() {
            GtidSet set = GtidSet.parseMysql56(purged);
            return set != null && !set.isEmpty();
        }

        /**
         * The oldest position VStream can start from without losing a retained transaction: the
         * purged set. With nothing purged VStream still needs a non-empty position: then the first
         * transaction of each server (Vitess' own setup, e.g. {@code CREATE DATABASE _vt}) is taken
         * as read.
         */
        public String earliestPosition() {
            if (anyPurged()) {
                return purged;
            }
            GtidSet executedSet = GtidSet.parseMysql56(executed);
            if (executedSet == null || executedSet.isEmpty()) {
                return null;
            }
            return executedSet.firstTransactions();
        }
    }

    /**
     * The shard's purged and executed GTID sets. The connection to VTGate is kept for the next call
     * (a reader asks often: position checks, stop positions, stall checks); a kept connection that
     * was lost is replaced at once (VTGate restarted since), and one unused for a while is pinged
     * first ({@link KeptConnection}).
     *
     * @throws VitessException naming the shard if they cannot be read
     */
    public GtidSets gtidSets(String keyspace, String shard) {
        return gtidSets(keyspace, shard, options.tabletType());
    }

    /** {@link #gtidSets(String, String)} on a tablet of this type. */
    public GtidSets gtidSets(String keyspace, String shard, Topodata.TabletType tabletType) {
        String target = keyspace + ":" + shard + "@" + tabletType.name().toLowerCase(Locale.ROOT);
        String query = "SELECT @@global.gtid_purged, @@global.gtid_executed";
        try {
            return connection.run(c -> queryGtidSets(c, target, query), () -> true);
        } catch (SQLException e) {
            throw new VitessException(
                    "Cannot read the GTID sets of shard "
                            + keyspace
                            + "/"
                            + shard
                            + " ('"
                            + query
                            + "' on target '"
                            + target
                            + "' over VTGate's MySQL port "
                            + options.hostname()
                            + ":"
                            + options.mysqlPort()
                            + "): "
                            + VitessException.firstLine(e.getMessage()),
                    e);
        }
    }

    private static GtidSets queryGtidSets(Connection connection, String target, String query)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("USE `" + target.replace("`", "``") + "`");
            try (ResultSet rs = statement.executeQuery(query)) {
                if (!rs.next()) {
                    throw new SQLException("no row");
                }
                return new GtidSets(flavored(rs.getString(1)), flavored(rs.getString(2)));
            }
        }
    }

    /**
     * Why a shard cannot stream from a position: transactions after it were purged from its binlog.
     * Null when it can, or when a set is not a MySQL GTID set this check understands.
     *
     * @param advice what to do, the message's last sentence
     */
    @Nullable
    public static String purgedProblem(
            String keyspace, String shard, String position, GtidSets sets, String advice) {
        GtidSet purged = GtidSet.parseMysql56(sets.purged);
        GtidSet start = GtidSet.parseMysql56(position);
        GtidSet executed = GtidSet.parseMysql56(sets.executed);
        if (purged == null || start == null) {
            return null;
        }
        if (executed != null && !executed.contains(start)) {
            // Not a position of this shard's history at all: PositionCheck tells that better.
            return null;
        }
        GtidSet lost = purged.minus(start);
        if (lost.isEmpty()) {
            return null;
        }
        return "Position '"
                + position
                + "' of shard "
                + keyspace
                + "/"
                + shard
                + " is no longer in the shard's binlog: transactions "
                + lost
                + " after it were purged (purged set '"
                + sets.purged
                + "'). "
                + advice;
    }

    private static String flavored(String gtidSet) {
        String set = gtidSet == null ? "" : gtidSet.replace("\n", "").trim();
        return "MySQL56/" + set;
    }

    /**
     * The binlog time (epoch seconds) of the first transaction after {@code position}; null if the
     * shard has none (only heartbeats come).
     */
    @Nullable
    public Long firstCommitSecondsAfter(String keyspace, String shard, String position) {
        if (stream == null) {
            stream = new CurrentPositionResolver(options);
        }
        Vtgate.VStreamFlags.Builder flags =
                Vtgate.VStreamFlags.newBuilder().setHeartbeatInterval(1);
        if (options.cells() != null) {
            flags.setCells(options.cells());
        }
        Vtgate.VStreamRequest request =
                Vtgate.VStreamRequest.newBuilder()
                        .setTabletType(options.tabletType())
                        .setVgtid(
                                Binlogdata.VGtid.newBuilder()
                                        .addShardGtids(
                                                Binlogdata.ShardGtid.newBuilder()
                                                        .setKeyspace(keyspace)
                                                        .setShard(shard)
                                                        .setGtid(position)))
                        .setFilter(
                                Binlogdata.Filter.newBuilder()
                                        .addRules(Binlogdata.Rule.newBuilder().setMatch("/.*")))
                        .setFlags(flags)
                        .build();
        Long seconds =
                stream.firstAnswer(
                        request, keyspace, shard, position, BinlogRetention::firstCommitSeconds);
        return seconds == null || seconds < 0 ? null : seconds;
    }

    /** The first transaction's time in a response; -1 for a heartbeat first; null for neither. */
    private static Long firstCommitSeconds(Vtgate.VStreamResponse response) {
        for (Binlogdata.VEvent event : response.getEventsList()) {
            if (event.getType() == Binlogdata.VEventType.HEARTBEAT) {
                return -1L;
            }
            if (event.getTimestamp() > 0) {
                return event.getTimestamp();
            }
        }
        return null;
    }

    /**
     * Why a start at {@code startMillis} cannot be served, or null if it can: with transactions
     * purged, the binlog must still hold one from a second before the start's, else a purged one
     * may have been committed at or after it.
     *
     * @param firstRetainedSeconds binlog time of the oldest transaction still held; null if none
     */
    @Nullable
    public static String startTimeProblem(
            String keyspace,
            String shard,
            long startMillis,
            GtidSets sets,
            @Nullable Long firstRetainedSeconds) {
        if (!sets.anyPurged()) {
            return null; // the whole history is there
        }
        String start =
                "Option 'scan.startup.timestamp-millis' = "
                        + startMillis
                        + " ("
                        + Instant.ofEpochMilli(startMillis)
                        + ")";
        String where = "shard " + keyspace + "/" + shard;
        if (firstRetainedSeconds == null) {
            return start
                    + " cannot be served by "
                    + where
                    + ": its binlog holds no transaction after the purged ones ("
                    + sets.purged
                    + "), so whether changes from that time on were purged is unknown. Start from"
                    + " 'earliest-offset' or 'latest-offset' instead.";
        }
        if (firstRetainedSeconds >= Math.floorDiv(startMillis, 1000)) {
            return start
                    + " is older than the binlog retention of "
                    + where
                    + ": the oldest transaction it still holds was committed at "
                    + Instant.ofEpochSecond(firstRetainedSeconds)
                    + ", and the transactions before ("
                    + sets.purged
                    + ") were purged. Choose a later time, or start from 'earliest-offset'.";
        }
        return null;
    }

    @Override
    public void close() {
        connection.close();
        if (stream != null) {
            stream.close();
        }
    }
}
