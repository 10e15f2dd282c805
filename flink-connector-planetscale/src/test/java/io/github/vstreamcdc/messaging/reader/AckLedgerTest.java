package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.split.MessageId;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which ids become due when, and what every checkpoint holds. */
class AckLedgerTest {

    private static final String A = "ks/-80";
    private static final String B = "ks/80-";

    private static List<MessageId> ids(long... ids) {
        MessageId[] out = new MessageId[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = MessageId.of(ids[i]);
        }
        return Arrays.asList(out);
    }

    @Test
    void idsBecomeDueOnlyWhenTheirCheckpointCompletes() {
        AckLedger ledger = new AckLedger();
        ledger.emitted(A, MessageId.of(1));
        ledger.emitted(B, MessageId.of(2));
        assertThat(ledger.snapshot(1)).containsEntry(A, ids(1)).containsEntry(B, ids(2));
        ledger.emitted(A, MessageId.of(3)); // after checkpoint 1's barrier

        assertThat(ledger.checkpointComplete(1))
                .containsOnlyKeys(A, B)
                .containsEntry(A, ids(1))
                .containsEntry(B, ids(2));
        assertThat(ledger.checkpointComplete(1)).as("nothing is due twice").isEmpty();
        assertThat(ledger.snapshot(2))
                .as("checkpoint 2 holds the unconfirmed ids of 1 and its own")
                .containsEntry(A, ids(1, 3))
                .containsEntry(B, ids(2));
        assertThat(ledger.checkpointComplete(2)).containsEntry(A, ids(3)).hasSize(1);
    }

    @Test
    void confirmedIdsLeaveTheCheckpoints() {
        AckLedger ledger = new AckLedger();
        ledger.emitted(A, MessageId.of(1));
        ledger.emitted(A, MessageId.of(2));
        ledger.snapshot(1);
        ledger.checkpointComplete(1);
        ledger.confirmed(A, ids(1));
        assertThat(ledger.snapshot(2)).containsEntry(A, ids(2));
        assertThat(ledger.unconfirmed()).isEqualTo(1);
        ledger.confirmed(A, ids(2));
        assertThat(ledger.snapshot(3)).isEmpty();
        assertThat(ledger.unconfirmed()).isZero();
    }

    @Test
    void aLaterCompletionCoversEarlierCheckpointsWhoseNotificationWasLost() {
        AckLedger ledger = new AckLedger();
        ledger.emitted(A, MessageId.of(1));
        ledger.snapshot(1);
        ledger.emitted(A, MessageId.of(2));
        ledger.snapshot(2);
        ledger.emitted(A, MessageId.of(3));
        ledger.snapshot(3);
        assertThat(ledger.checkpointComplete(2)).containsEntry(A, ids(1, 2));
        assertThat(ledger.awaitingCheckpoint()).isTrue();
        assertThat(ledger.checkpointComplete(3)).containsEntry(A, ids(3));
        assertThat(ledger.awaitingCheckpoint()).isFalse();
    }

    @Test
    void abortedCheckpointsIdsWaitForTheNextCompletedOne() {
        AckLedger ledger = new AckLedger();
        ledger.emitted(A, MessageId.of(1));
        ledger.snapshot(1); // never completes
        ledger.emitted(A, MessageId.of(2));
        ledger.snapshot(2);
        assertThat(ledger.checkpointComplete(2)).containsEntry(A, ids(1, 2));
    }

    @Test
    void aRedeliveredIdIsAcknowledgedOncePerCheckpoint() {
        AckLedger ledger = new AckLedger();
        ledger.emitted(A, MessageId.of(1));
        ledger.emitted(A, MessageId.of(1));
        ledger.snapshot(1);
        assertThat(ledger.checkpointComplete(1)).containsEntry(A, ids(1));
    }

    @Test
    void restoredIdsAreDueAtOnceAndKeptUntilConfirmed() {
        AckLedger ledger = new AckLedger();
        assertThat(ledger.restored(A, ids(7, 8))).isEqualTo(ids(7, 8));
        assertThat(ledger.restored(B, Collections.emptyList())).isEmpty();
        assertThat(ledger.snapshot(5)).containsOnlyKeys(A).containsEntry(A, ids(7, 8));
        ledger.confirmed(A, ids(7, 8));
        assertThat(ledger.snapshot(6)).isEmpty();
    }

    @Test
    void onEmitMakesEverythingDueAtOnce() {
        AckLedger ledger = new AckLedger();
        ledger.emitted(A, MessageId.of(1));
        ledger.emitted(B, MessageId.of(2));
        Map<String, List<MessageId>> due = ledger.dueOnEmit();
        assertThat(due).containsEntry(A, ids(1)).containsEntry(B, ids(2));
        assertThat(ledger.dueOnEmit()).isEmpty();
        assertThat(ledger.awaitingCheckpoint()).isFalse();
        assertThat(ledger.unconfirmed()).isEqualTo(2);
    }
}
