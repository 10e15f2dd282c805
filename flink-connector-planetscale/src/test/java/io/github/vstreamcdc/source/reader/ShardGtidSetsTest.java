package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.BinlogRetention;
import io.github.vstreamcdc.source.client.FakeGtidConnections;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.github.vstreamcdc.source.client.FakeGtidConnections.executedOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ShardGtidSets#overSql}: one kept connection; a caller that finds it busy, or the sets
 * closed, uses a connection of its own and closes it.
 */
class ShardGtidSetsTest {

    private static final VitessConnectionOptions OPTIONS =
            VitessConnectionOptions.builder().hostname("vtgate").build();

    @Test
    void callersShareTheKeptConnection() {
        FakeGtidConnections vtgate = new FakeGtidConnections();
        try (ShardGtidSets sets = ShardGtidSets.overSql(() -> retention(vtgate))) {
            assertThat(sets.read("ks", "-80").executed).isEqualTo(executedOf(1));
            assertThat(sets.read("ks", "80-").executed).isEqualTo(executedOf(1));
        }
        assertThat(vtgate.opened).hasValue(1);
        assertThat(vtgate.closed).hasValue(1);
    }

    @Test
    void aCallerThatFindsItBusyDoesNotWait() throws Exception {
        FakeGtidConnections vtgate = new FakeGtidConnections();
        try (ShardGtidSets sets = ShardGtidSets.overSql(() -> retention(vtgate))) {
            sets.read("ks", "-80");
            CountDownLatch held = vtgate.holdNextQuery();
            CompletableFuture<BinlogRetention.GtidSets> slow =
                    CompletableFuture.supplyAsync(() -> sets.read("ks", "-80"));
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

            // The kept connection hangs in a query: this caller answers with one of its own.
            assertThat(sets.read("ks", "80-").executed).isEqualTo(executedOf(2));
            assertThat(vtgate.closed).hasValue(1);
            assertThat(slow).isNotDone();

            vtgate.release();
            assertThat(slow.get(10, TimeUnit.SECONDS).executed).isEqualTo(executedOf(1));
        }
        assertThat(vtgate.opened).hasValue(2);
        assertThat(vtgate.closed).hasValue(2);
    }

    @Test
    void afterCloseEachReadUsesAndClosesItsOwnConnection() {
        FakeGtidConnections vtgate = new FakeGtidConnections();
        ShardGtidSets sets = ShardGtidSets.overSql(() -> retention(vtgate));
        sets.read("ks", "-80");
        sets.close();
        assertThat(vtgate.closed).hasValue(1);

        // A late caller (the fetcher, after the reader closed) still gets an answer, and leaks
        // no connection.
        assertThat(sets.read("ks", "-80").executed).isEqualTo(executedOf(2));
        assertThat(vtgate.opened).hasValue(2);
        assertThat(vtgate.closed).hasValue(2);
    }

    private static BinlogRetention retention(FakeGtidConnections vtgate) {
        return new BinlogRetention(OPTIONS, vtgate);
    }
}
