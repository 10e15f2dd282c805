package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.BinlogRetention;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;
import io.github.vstreamcdc.vitess.proto.Topodata;

import org.apache.flink.annotation.Internal;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

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

    /** {@link #read}, on the shard's PRIMARY whatever the tablet type. */
    default BinlogRetention.GtidSets readPrimary(String keyspace, String shard) {
        return read(keyspace, shard);
    }

    @Override
    default void close() {}

    /**
     * Over one connection to VTGate, kept open until {@link #close()}, for the thread that asks
     * most (the reader's query thread); a caller that finds it busy uses a connection of its own
     * rather than wait behind a slow query.
     */
    static ShardGtidSets overSql(VitessConnectionOptions options) {
        return overSql(() -> new BinlogRetention(options));
    }

    /** {@link #overSql(VitessConnectionOptions)} with the connections {@code retentions} make. */
    static ShardGtidSets overSql(Supplier<BinlogRetention> retentions) {
        BinlogRetention kept = retentions.get();
        ReentrantLock lock = new ReentrantLock();
        return new ShardGtidSets() {
            private boolean closed;

            @Override
            public BinlogRetention.GtidSets read(String keyspace, String shard) {
                return over(retention -> retention.gtidSets(keyspace, shard));
            }

            @Override
            public BinlogRetention.GtidSets readPrimary(String keyspace, String shard) {
                return over(
                        retention ->
                                retention.gtidSets(keyspace, shard, Topodata.TabletType.PRIMARY));
            }

            private BinlogRetention.GtidSets over(
                    Function<BinlogRetention, BinlogRetention.GtidSets> query) {
                if (lock.tryLock()) {
                    try {
                        if (!closed) {
                            return query.apply(kept);
                        }
                    } finally {
                        lock.unlock();
                    }
                }
                try (BinlogRetention own = retentions.get()) {
                    return query.apply(own);
                }
            }

            @Override
            public void close() {
                lock.lock();
                try {
                    closed = true;
                    kept.close();
                } finally {
                    lock.unlock();
                }
            }
        };
    }
}
