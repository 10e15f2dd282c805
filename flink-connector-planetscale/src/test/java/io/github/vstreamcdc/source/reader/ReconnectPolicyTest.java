package io.github.vstreamcdc.source.reader;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a shard's stream is opened again, and when the reader gives up. */
class ReconnectPolicyTest {

    private static final long T0 = 1_000_000;

    @Test
    void backoffDoublesUpToTheMaximum() {
        ReconnectPolicy policy = new ReconnectPolicy(10, 500, 5_000);
        policy.streamOpened(T0);

        long[] backoffs = new long[6];
        for (int i = 0; i < backoffs.length; i++) {
            assertThat(policy.streamFailed(T0 + i, false)).isTrue();
            backoffs[i] = policy.backoffMillis();
        }

        assertThat(backoffs).containsExactly(500, 1_000, 2_000, 4_000, 5_000, 5_000);
    }

    @Test
    void givesUpAfterMoreThanMaxAttemptsInARow() {
        ReconnectPolicy policy = new ReconnectPolicy(3, 500, 5_000);
        policy.streamOpened(T0);

        assertThat(policy.streamFailed(T0, false)).isTrue();
        assertThat(policy.streamFailed(T0, false)).isTrue();
        assertThat(policy.streamFailed(T0, false)).isTrue();
        assertThat(policy.streamFailed(T0, false)).isFalse();
        assertThat(policy.attempts()).isEqualTo(4);
        assertThat(policy.maxAttempts()).isEqualTo(3);
    }

    @Test
    void zeroAttemptsGivesUpOnTheFirstFailure() {
        ReconnectPolicy policy = new ReconnectPolicy(0, 500, 5_000);
        policy.streamOpened(T0);

        assertThat(policy.streamFailed(T0, false)).isFalse();
    }

    @Test
    void progressRestartsTheCount() {
        ReconnectPolicy policy = new ReconnectPolicy(2, 500, 5_000);
        policy.streamOpened(T0);
        policy.streamFailed(T0, false);
        policy.streamFailed(T0, false);

        policy.progressed();

        assertThat(policy.attempts()).isZero();
        assertThat(policy.streamFailed(T0, false)).isTrue();
        assertThat(policy.backoffMillis()).isEqualTo(500);
    }

    @Test
    void aStreamThatStayedOpenLongCountsAsHealthy() {
        ReconnectPolicy policy = new ReconnectPolicy(2, 500, 5_000);
        policy.streamOpened(T0);
        policy.streamFailed(T0, false);
        policy.streamFailed(T0, false);

        long later = T0 + ReconnectPolicy.STABLE_STREAM_MS;
        policy.streamOpened(later);
        assertThat(policy.streamFailed(later + ReconnectPolicy.STABLE_STREAM_MS, false)).isTrue();

        assertThat(policy.attempts()).isEqualTo(1);
    }

    @Test
    void aLongSilenceEndedByNoTabletFoundIsNoSignOfHealth() {
        // VTGate looks for a tablet for a long time before it ends such a stream.
        ReconnectPolicy policy = new ReconnectPolicy(2, 500, 5_000);
        policy.streamOpened(T0);
        policy.streamFailed(T0, true);
        policy.streamFailed(T0, true);

        policy.streamOpened(T0);
        assertThat(policy.streamFailed(T0 + ReconnectPolicy.STABLE_STREAM_MS, true)).isFalse();
        assertThat(policy.attempts()).isEqualTo(3);
    }

    @Test
    void aShortLivedStreamKeepsCounting() {
        ReconnectPolicy policy = new ReconnectPolicy(5, 500, 5_000);
        policy.streamOpened(T0);
        policy.streamFailed(T0 + 10, false);
        policy.streamOpened(T0 + 600);

        policy.streamFailed(T0 + ReconnectPolicy.STABLE_STREAM_MS, false);

        assertThat(policy.attempts()).isEqualTo(2);
        assertThat(policy.backoffMillis()).isEqualTo(1_000);
    }
}
