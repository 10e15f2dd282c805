package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.snapshot.ChunkPlanner;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.SplitBounds;

import org.apache.flink.annotation.Internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Discovers shards with {@code SHOW VITESS_SHARDS} and positions them by the startup and bounded
 * modes ({@link ShardPositioner}).
 */
@Internal
public final class VitessShardDiscovery implements ShardDiscovery {

    private final PlanetScaleSourceConfig config;
    private final VtgateSqlClient sql;

    public VitessShardDiscovery(PlanetScaleSourceConfig config) {
        this.config = config;
        // Asked again every discovery interval: one connection, kept (none kept idle for a job
        // that discovers only at its start).
        Duration shardInterval = config.shardDiscoveryInterval();
        boolean asksAgain =
                !config.readRange().isBounded()
                        && (config.newlyAddedTables()
                                || (shardInterval != null && !shardInterval.isZero()));
        this.sql =
                asksAgain
                        ? VtgateSqlClient.keepingConnection(config.connection())
                        : new VtgateSqlClient(config.connection());
    }

    @Override
    public String keyspace() {
        return config.keyspace();
    }

    @Override
    public List<String> listShards() {
        String keyspace = config.keyspace();
        List<String> shards = sql.listShards(keyspace);
        if (!config.shards().isEmpty()) {
            for (String wanted : config.shards()) {
                if (!shards.contains(wanted)) {
                    throw new VitessException(
                            "Option 'shards' names shard '"
                                    + wanted
                                    + "', which keyspace '"
                                    + keyspace
                                    + "' does not have. Its shards: "
                                    + String.join(", ", shards));
                }
            }
            shards = new ArrayList<>(config.shards());
        }
        return shards;
    }

    @Override
    public List<String> listTables() {
        return config.tables().select(sql.listBaseTables(config.keyspace()));
    }

    @Override
    public List<ShardSplit> firstSplits(List<String> fresh, Set<String> tables) {
        Set<String> read = new TreeSet<>(tables);
        if (read.isEmpty()) {
            read.addAll(listTables());
            if (read.isEmpty() && !config.newlyAddedTables()) {
                throw new VitessException(noTableMatches(config, sql));
            }
        }
        List<ShardSplit> splits = new ArrayList<>();
        try (ShardPositioner positioner = new ShardPositioner(config)) {
            for (String shard : fresh) {
                splits.add(positioner.firstSplit(shard, read, fresh));
            }
        }
        return splits;
    }

    /** The message for a selection that matches none of the keyspace's tables. */
    private static String noTableMatches(PlanetScaleSourceConfig config, VtgateSqlClient sql) {
        List<String> tables = sql.listBaseTables(config.keyspace());
        String hint =
                config.tables().tableNamePattern() != null || tables.isEmpty()
                        ? ""
                        : " (its patterns match whole 'keyspace.table' names, e.g. '"
                                + config.keyspace()
                                + "\\."
                                + tables.get(0)
                                + "')";
        return "No table of keyspace '"
                + config.keyspace()
                + "' matches "
                + config.tables().describe()
                + hint
                + ". Its tables: "
                + String.join(", ", tables);
    }

    @Override
    public Duration tableDiscoveryInterval() {
        return config.newlyAddedTables() ? config.tableDiscoveryInterval() : null;
    }

    @Override
    public int maxFailuresInARow() {
        return config.connection().reconnectMaxAttempts();
    }

    @Override
    public boolean incrementalSnapshot() {
        return config.incrementalSnapshot();
    }

    @Override
    public ChunkPlanner.Plan planChunks(String shard, Set<String> tables) {
        // Before any chunk is read: where the shard's stream starts if a reshard leaves none read.
        String position;
        try (CurrentPositionResolver current = new CurrentPositionResolver(config.connection())) {
            position = current.currentPosition(config.keyspace(), shard);
        }
        return new ChunkPlanner(sql, config.incrementalSnapshotChunkSize())
                .plan(config.keyspace(), shard, tables)
                .at(position);
    }

    @Override
    public void close() {
        sql.close();
    }

    @Override
    public SplitBounds boundsOfNewShards() {
        return ShardPositioner.boundsOfNewShards(config.readRange());
    }
}
