package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.BinlogRetention;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import org.apache.flink.annotation.Internal;

/**
 * A shard's purged and executed GTID sets, read with a query through VTGate's MySQL protocol: what
 * a reader checks a stream's position against and takes a bounded read's stop from. Not from a
 * short VStream at {@code current}: vttablet hands a closed binlog connection's MySQL server_id to
 * the next one at once, while mysqld keeps the closed connection's dump thread until its next event
 * and refuses the newcomer ("A slave with the same server_uuid/server_id as this slave has
 * connected"). The newcomer was the shard's real stream, opened next to the check, and VTGate then
 * kept it off the shard's only tablet for 90 s.
 */
@Internal
@FunctionalInterface
interface ShardGtidSets extends AutoCloseable {

    /**
     * @throws RuntimeException (a {@code VitessException} naming the shard) if they cannot be read
     */
    BinlogRetention.GtidSets read(String keyspace, String shard);

    @Override
    default void close() {}

    /**
     * Over one connection to VTGate, kept open until {@link #close()}; safe for several threads.
     */
    static ShardGtidSets overSql(VitessConnectionOptions options) {
        BinlogRetention retention = new BinlogRetention(options);
        return new ShardGtidSets() {
            @Override
            public synchronized BinlogRetention.GtidSets read(String keyspace, String shard) {
                return retention.gtidSets(keyspace, shard);
            }

            @Override
            public synchronized void close() {
                retention.close();
            }
        };
    }
}
