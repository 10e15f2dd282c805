package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.filter.RowFilter;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.SplitBounds;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds the VStream request that reads one shard from a position. */
@Internal
public final class VStreamRequests {

    private VStreamRequests() {}

    /** Heartbeats of a split with a stop time when none are configured: its idle end needs them. */
    static final int STOP_TIME_HEARTBEAT_SECONDS = 1;

    public static Vtgate.VStreamRequest forSplit(
            PlanetScaleSourceConfig config, String keyspace, String shard, ShardPosition position) {
        return forSplit(
                config,
                keyspace,
                shard,
                position,
                SplitBounds.NONE,
                Collections.emptySet(),
                config.columns());
    }

    public static Vtgate.VStreamRequest forSplit(
            PlanetScaleSourceConfig config,
            String keyspace,
            String shard,
            ShardPosition position,
            SplitBounds bounds,
            Set<String> tables,
            @Nullable List<String> columns) {
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
                .setFilter(filter(config, tables, columns))
                .setFlags(flags)
                .build();
    }

    /**
     * One rule per table the split reads, each with a select (a plain table rule with an empty
     * filter fails on the tablet). A single table with a projection asks VStream for just those
     * columns. A split of an older state names no tables: its rule is {@code table-name}'s regular
     * expression, or all tables (the framer keeps the selected ones).
     */
    static Binlogdata.Filter filter(PlanetScaleSourceConfig config, Set<String> tables) {
        return filter(config, tables, config.columns());
    }

    /**
     * @param columns the columns to ask VStream for (of a single-table source); null for all
     */
    private static Binlogdata.Filter filter(
            PlanetScaleSourceConfig config, Set<String> tables, @Nullable List<String> columns) {
        Binlogdata.Filter.Builder filter = Binlogdata.Filter.newBuilder();
        if (tables.isEmpty()) {
            String pattern = config.tables().tableNamePattern();
            if (pattern != null && pattern.matches("[A-Za-z0-9_$]+")) {
                filter.addRules(tableRule(pattern, columns, config.rowFilter()));
            } else {
                filter.addRules(
                        Binlogdata.Rule.newBuilder()
                                .setMatch(pattern == null ? "/.*" : "/^(?:" + pattern + ")$"));
            }
            return filter.build();
        }
        List<String> projection = tables.size() == 1 ? columns : null;
        for (String table : tables) {
            filter.addRules(tableRule(table, projection, config.rowFilter()));
        }
        return filter.build();
    }

    /** A table's rule; a pushed-down filter (only ever of a single-table source) as its where. */
    private static Binlogdata.Rule tableRule(
            String table, List<String> columns, @Nullable RowFilter rowFilter) {
        StringBuilder sb = new StringBuilder("select ");
        if (columns == null || columns.isEmpty()) {
            sb.append('*');
        } else {
            for (int i = 0; i < columns.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(quote(columns.get(i)));
            }
        }
        sb.append(" from ").append(quote(table));
        if (rowFilter != null) {
            sb.append(" where ").append(rowFilter.whereClause());
        }
        return Binlogdata.Rule.newBuilder().setMatch(table).setFilter(sb.toString()).build();
    }

    private static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }
}
