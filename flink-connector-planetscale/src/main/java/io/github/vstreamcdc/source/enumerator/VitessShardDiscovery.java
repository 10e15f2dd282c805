package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.client.CurrentPositionResolver;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

/** Discovers shards with {@code SHOW VITESS_SHARDS} and positions them by the startup mode. */
@Internal
public final class VitessShardDiscovery implements ShardDiscovery {

    private final PlanetScaleSourceConfig config;
    private final VtgateSqlClient sql;

    public VitessShardDiscovery(PlanetScaleSourceConfig config) {
        this.config = config;
        this.sql = new VtgateSqlClient(config.connection());
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
    public List<ShardSplit> firstSplits(List<String> fresh) {
        String keyspace = config.keyspace();
        List<String> tables = sql.listTables(keyspace, config.compiledTablePattern());
        if (tables.isEmpty()) {
            throw new VitessException(
                    "No table of keyspace '"
                            + keyspace
                            + "' matches option 'table-name' = '"
                            + config.tablePattern()
                            + "'.");
        }
        List<ShardSplit> splits = new ArrayList<>();
        StartupMode mode = config.startupMode();
        if (mode == StartupMode.LATEST_OFFSET) {
            try (CurrentPositionResolver resolver =
                    new CurrentPositionResolver(config.connection())) {
                for (String shard : fresh) {
                    String gtid = resolver.currentPosition(keyspace, shard);
                    splits.add(split(shard, ShardPosition.of(gtid), false));
                }
            }
            return splits;
        }
        for (String shard : fresh) {
            ShardPosition position;
            switch (mode) {
                case INITIAL:
                case SNAPSHOT:
                    position =
                            new ShardPosition(
                                    ShardPosition.GTID_COPY,
                                    Collections.emptyList(),
                                    new LinkedHashSet<>(tables));
                    break;
                case SPECIFIC_OFFSET:
                    String gtid = config.specificOffsets().get(shard);
                    if (gtid == null) {
                        throw new VitessException(
                                "Option 'scan.startup.specific-offset' has no position for shard '"
                                        + shard
                                        + "' of keyspace '"
                                        + keyspace
                                        + "'. Give one for each of: "
                                        + String.join(", ", fresh));
                    }
                    position = ShardPosition.of(gtid);
                    break;
                default:
                    throw new IllegalStateException("Unhandled startup mode " + mode);
            }
            splits.add(split(shard, position, mode == StartupMode.SNAPSHOT));
        }
        return splits;
    }

    private ShardSplit split(String shard, ShardPosition position, boolean snapshotOnly) {
        return new ShardSplit(
                config.keyspace(), shard, position, 0, snapshotOnly, Collections.emptyList());
    }
}
