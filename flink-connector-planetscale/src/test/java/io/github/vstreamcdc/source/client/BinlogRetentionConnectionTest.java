package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.client.FakeGtidConnections.Answer;
import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static io.github.vstreamcdc.source.client.FakeGtidConnections.executedOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kept connection of {@link BinlogRetention#gtidSets}: reused, replaced once at once when it
 * was lost, never retried for an answer of VTGate's or a fresh connection's failure.
 */
class BinlogRetentionConnectionTest {

    private static final VitessConnectionOptions OPTIONS =
            VitessConnectionOptions.builder().hostname("vtgate").build();

    @Test
    void theConnectionIsKeptBetweenCalls() {
        FakeGtidConnections vtgate = new FakeGtidConnections();
        try (BinlogRetention retention = new BinlogRetention(OPTIONS, vtgate)) {
            assertThat(retention.gtidSets("ks", "-80").executed).isEqualTo(executedOf(1));
            assertThat(retention.gtidSets("ks", "80-").executed).isEqualTo(executedOf(1));
            assertThat(vtgate.opened).hasValue(1);
        }
        assertThat(vtgate.closed).hasValue(1);
    }

    @Test
    void aConnectionUnusedForLongIsPingedAndOneDroppedSilentlyIsReplacedBeforeTheQuery() {
        FakeGtidConnections vtgate = new FakeGtidConnections();
        AtomicLong clock = new AtomicLong();
        try (BinlogRetention retention = new BinlogRetention(OPTIONS, vtgate, clock::get)) {
            retention.gtidSets("ks", "-80");
            clock.addAndGet(KeptConnection.IDLE_CHECK_NANOS - 1);
            retention.gtidSets("ks", "-80");
            assertThat(vtgate.pings).hasValue(0);
            clock.addAndGet(KeptConnection.IDLE_CHECK_NANOS);
            retention.gtidSets("ks", "-80");
            assertThat(vtgate.pings).hasValue(1);
            assertThat(vtgate.opened).hasValue(1);

            // A socket dropped without a FIN or RST would block a query for the socket timeout:
            // the ping (with a timeout of its own) finds it first.
            vtgate.dropOpenConnections();
            clock.addAndGet(KeptConnection.IDLE_CHECK_NANOS);
            assertThat(retention.gtidSets("ks", "-80").executed).isEqualTo(executedOf(2));
            assertThat(vtgate.pings).hasValue(2);
            assertThat(vtgate.closed).hasValue(1);
        }
    }

    @Test
    void aLostKeptConnectionIsReplacedOnceAtOnce() {
        FakeGtidConnections vtgate = new FakeGtidConnections();
        try (BinlogRetention retention = new BinlogRetention(OPTIONS, vtgate)) {
            retention.gtidSets("ks", "-80");
            vtgate.then(Answer.LOST);
            // VTGate restarted since the last call: the caller does not see it.
            assertThat(retention.gtidSets("ks", "-80").executed).isEqualTo(executedOf(2));
            assertThat(vtgate.opened).hasValue(2);
            assertThat(vtgate.closed).hasValue(1);
        }
    }

    @Test
    void theReplacementIsNotRetriedAgain() {
        FakeGtidConnections vtgate = new FakeGtidConnections();
        try (BinlogRetention retention = new BinlogRetention(OPTIONS, vtgate)) {
            retention.gtidSets("ks", "-80");
            vtgate.then(Answer.LOST, Answer.LOST);
            assertThatThrownBy(() -> retention.gtidSets("ks", "-80"))
                    .isInstanceOf(VitessException.class)
                    .hasMessageContaining("Cannot read the GTID sets of shard ks/-80")
                    .hasMessageContaining("Communications link failure");
            assertThat(vtgate.opened).hasValue(2);
            // The broken one is dropped: the next call opens a new connection.
            assertThat(retention.gtidSets("ks", "-80").executed).isEqualTo(executedOf(3));
        }
    }

    @Test
    void aFreshConnectionsFailureIsNotRetried() {
        FakeGtidConnections vtgate = new FakeGtidConnections().then(Answer.LOST);
        try (BinlogRetention retention = new BinlogRetention(OPTIONS, vtgate)) {
            assertThatThrownBy(() -> retention.gtidSets("ks", "-80"))
                    .isInstanceOf(VitessException.class)
                    .hasMessageContaining("ks/-80");
            assertThat(vtgate.opened).hasValue(1);
            assertThat(vtgate.closed).hasValue(1);
        }
    }

    @Test
    void anAnswerOfVtgatesIsNotRetriedAndKeepsTheConnection() {
        FakeGtidConnections vtgate = new FakeGtidConnections();
        try (BinlogRetention retention = new BinlogRetention(OPTIONS, vtgate)) {
            retention.gtidSets("ks", "-80");
            vtgate.then(Answer.REFUSED);
            assertThatThrownBy(() -> retention.gtidSets("ks", "-80"))
                    .isInstanceOf(VitessException.class)
                    .hasMessageContaining("no healthy tablet available")
                    .hasMessageContaining("target 'ks:-80@primary'");
            assertThat(retention.gtidSets("ks", "-80").executed).isEqualTo(executedOf(1));
            assertThat(vtgate.opened).hasValue(1);
            assertThat(vtgate.closed).hasValue(0);
        }
    }
}
