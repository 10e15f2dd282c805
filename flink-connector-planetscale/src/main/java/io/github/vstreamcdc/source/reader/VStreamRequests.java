package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.SplitBounds;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import org.apache.flink.annotation.Internal;

import java.util.HashSet;
import java.util.Set;

/** Builds the VStream request that reads one shard from a position. */
@Internal
public final class VStreamRequests {

    private VStreamRequests() {}

    /** Heartbeats of a split with a stop time when none are configured: its idle end needs them. */
    static final int STOP_TIME_HEARTBEAT_SECONDS = 1;

    public static Vtgate.VStreamRequest forSplit(
            PlanetScaleSourceConfig config, String keyspace, String shard, ShardPosition position) {
        return forSplit(config, keyspace, shard, position, SplitBounds.NONE);
    }

    public static Vtgate.VStreamRequest forSplit(
            PlanetScaleSourceConfig config,
            String keyspace,
            String shard,
            ShardPosition position,
            SplitBounds bounds) {
        Binlogdata.ShardGtid.Builder shardGtid =
                Binlogdata.ShardGtid.newBuilder()
                        .setKeyspace(keyspace)
                        .setShard(shard)
                        .setGtid(position.gtid());
        Vtgate.VStreamFlags.Builder flags =
                Vtgate.VStreamFlags.newBuilder()
                        // One stream per shard: a JOURNAL must end this shard's split, not
                        // make vtgate wait for shards that other readers stream.
                        .setStopOnReshard(true);
        if (position.isCopying() && !position.gtid().isEmpty()) {
            // Resuming a copy: started tables continue after their last PK, tables not yet
            // started begin from scratch, and finished tables are left out (Vitess would
            // otherwise copy them again).
            shardGtid.addAllTablePKs(position.tablePKs());
            Set<String> started = new HashSet<>();
            for (Binlogdata.TableLastPK pk : position.tablePKs()) {
                started.add(pk.getTableName());
            }
            for (String table : position.remainingTables()) {
                if (!started.contains(table)) {
                    shardGtid.addTablePKs(Binlogdata.TableLastPK.newBuilder().setTableName(table));
                }
            }
            flags.addAllTablesToCopy(position.remainingTables());
        }
        if (config.heartbeatInterval() != null && !config.heartbeatInterval().isZero()) {
            flags.setHeartbeatInterval((int) Math.max(1, config.heartbeatInterval().getSeconds()));
        } else if (bounds.stopTimestampMillis() != SplitBounds.NO_TIME) {
            flags.setHeartbeatInterval(STOP_TIME_HEARTBEAT_SECONDS);
        }
        if (config.connection().cells() != null) {
            flags.setCells(config.connection().cells());
        }
        return Vtgate.VStreamRequest.newBuilder()
                .setTabletType(config.connection().tabletType())
                .setVgtid(Binlogdata.VGtid.newBuilder().addShardGtids(shardGtid))
                .setFilter(filter(config))
                .setFlags(flags)
                .build();
    }

    /**
     * One rule for the configured tables. A plain table name with a projection asks VStream for
     * just those columns; a regular expression always streams whole rows (VStream cannot project a
     * regular-expression rule).
     */
    static Binlogdata.Filter filter(PlanetScaleSourceConfig config) {
        String pattern = config.tablePattern();
        Binlogdata.Rule.Builder rule = Binlogdata.Rule.newBuilder();
        if (pattern.matches("[A-Za-z0-9_$]+")) {
            // A plain table name needs a select as its filter (an empty one fails on the tablet).
            rule.setMatch(pattern);
            StringBuilder sb = new StringBuilder("select ");
            if (config.columns() == null || config.columns().isEmpty()) {
                sb.append('*');
            } else {
                for (int i = 0; i < config.columns().size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(quote(config.columns().get(i)));
                }
            }
            sb.append(" from ").append(quote(pattern));
            if (config.rowFilter() != null) {
                sb.append(" where ").append(config.rowFilter().whereClause());
            }
            rule.setFilter(sb.toString());
        } else {
            rule.setMatch("/^(?:" + pattern + ")$");
        }
        return Binlogdata.Filter.newBuilder().addRules(rule).build();
    }

    private static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }
}
