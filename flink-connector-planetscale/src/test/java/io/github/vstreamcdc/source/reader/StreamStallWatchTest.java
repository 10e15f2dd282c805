package io.github.vstreamcdc.source.reader;

import org.junit.jupiter.api.Test;

import static io.github.vstreamcdc.source.reader.StreamStallWatch.CONFIRM_MS;
import static io.github.vstreamcdc.source.reader.VEvents.gtid;
import static org.assertj.core.api.Assertions.assertThat;

/** When a silent stream counts as stalled: the watch's rules, with the times passed in. */
class StreamStallWatchTest {

    private static final long TIMEOUT = 10_000;

    @Test
    void asksAfterTheTimeoutOfSilenceAndJudgesByTheAnswer() {
        StreamStallWatch watch = new StreamStallWatch(TIMEOUT);
        watch.heard(0);
        assertThat(watch.shouldAsk(TIMEOUT - 1, true)).isFalse();
        assertThat(watch.shouldAsk(TIMEOUT, true)).isTrue();
        long token = watch.asked(TIMEOUT);
        // Asked once until answered.
        assertThat(watch.shouldAsk(TIMEOUT + 1, true)).isFalse();
        watch.answered(token, TIMEOUT + 500, gtid(1, 20));
        // Not before the confirmation time after the answer: a transaction committed just before
        // the query ran may be on its way.
        assertThat(watch.stalled(TIMEOUT + 500 + CONFIRM_MS - 1, gtid(1, 10))).isFalse();
        assertThat(watch.stalled(TIMEOUT + 500 + CONFIRM_MS, gtid(1, 10))).isTrue();
        // Silent since it was heard last, whatever the checks.
        assertThat(watch.silentMillis(TIMEOUT + 500 + CONFIRM_MS))
                .isEqualTo(TIMEOUT + 500 + CONFIRM_MS);
    }

    @Test
    void aStreamThatHasEverythingTheShardExecutedIsIdleNotStalled() {
        StreamStallWatch watch = new StreamStallWatch(TIMEOUT);
        watch.heard(0);
        assertThat(watch.shouldAsk(TIMEOUT, true)).isTrue();
        watch.answered(watch.asked(TIMEOUT), TIMEOUT, gtid(1, 20));
        assertThat(watch.stalled(TIMEOUT + CONFIRM_MS, gtid(1, 20))).isFalse();
        // The next check comes after another timeout of silence, not at once.
        assertThat(watch.shouldAsk(TIMEOUT + CONFIRM_MS + 1, true)).isFalse();
        assertThat(watch.shouldAsk(2 * TIMEOUT + CONFIRM_MS, true)).isTrue();
    }

    @Test
    void anAnswerToAnAskBeforeTheStreamSpokeIsIgnored() {
        StreamStallWatch watch = new StreamStallWatch(TIMEOUT);
        watch.heard(0);
        long token = watch.asked(TIMEOUT);
        watch.heard(TIMEOUT + 1); // a transaction came
        watch.answered(token, TIMEOUT + 2, gtid(1, 20));
        assertThat(watch.stalled(TIMEOUT + CONFIRM_MS + 10, gtid(1, 10))).isFalse();
    }

    @Test
    void silenceThatIsTheReadersOwnIsNotCounted() {
        StreamStallWatch watch = new StreamStallWatch(TIMEOUT);
        watch.heard(0);
        // Responses wait in the reader's queue (backpressure), or the stream copies: not watched.
        assertThat(watch.shouldAsk(3 * TIMEOUT, false)).isFalse();
        assertThat(watch.shouldAsk(3 * TIMEOUT + 1, true)).isFalse();
        assertThat(watch.shouldAsk(4 * TIMEOUT, true)).isTrue();
    }

    @Test
    void aFailedQueryOrAnotherFlavourJudgesNothing() {
        StreamStallWatch watch = new StreamStallWatch(TIMEOUT);
        watch.heard(0);
        watch.answered(watch.asked(TIMEOUT), TIMEOUT, null);
        assertThat(watch.stalled(TIMEOUT + CONFIRM_MS, gtid(1, 10))).isFalse();
        watch.answered(watch.asked(2 * TIMEOUT), 2 * TIMEOUT, gtid(1, 20));
        assertThat(watch.stalled(2 * TIMEOUT + CONFIRM_MS, "FilePos/mysql-bin.000001:4")).isFalse();
    }

    @Test
    void theTimeoutDoublesAfterAReopenAndTheStreamIsLeftAloneAfterTheLastUntilProgress() {
        StreamStallWatch watch = new StreamStallWatch(TIMEOUT);
        long now = 0;
        for (int reopen = 0; reopen < StreamStallWatch.MAX_REOPENS; reopen++) {
            watch.heard(now); // the stream was opened (again)
            long timeout = TIMEOUT << reopen;
            assertThat(watch.currentTimeoutMs()).isEqualTo(timeout);
            assertThat(watch.shouldAsk(now + timeout - 1, true)).isFalse();
            now += timeout;
            assertThat(watch.shouldAsk(now, true)).isTrue();
            watch.answered(watch.asked(now), now, gtid(1, 20));
            now += CONFIRM_MS;
            assertThat(watch.exhausted()).isFalse();
            assertThat(watch.stalled(now, gtid(1, 10))).isTrue();
        }
        assertThat(watch.exhausted()).isTrue();
        watch.heard(now);
        assertThat(watch.shouldAsk(now + 100 * TIMEOUT, true)).isFalse();
        watch.progressed();
        assertThat(watch.exhausted()).isFalse();
        assertThat(watch.currentTimeoutMs()).isEqualTo(TIMEOUT);
        assertThat(watch.shouldAsk(now + TIMEOUT, true)).isTrue();
    }

    @Test
    void aZeroTimeoutIsOff() {
        StreamStallWatch watch = new StreamStallWatch(0);
        watch.heard(0);
        assertThat(watch.shouldAsk(Long.MAX_VALUE / 2, true)).isFalse();
    }
}
