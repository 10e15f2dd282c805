package io.github.vstreamcdc.source.event;

import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalKeyTest {

    private static Binlogdata.Journal journal(long id, String gtidOf40) {
        return Binlogdata.Journal.newBuilder()
                .setId(id)
                .setMigrationType(Binlogdata.MigrationType.SHARDS)
                // Participants and new shards out of order, and a local position to ignore.
                .addParticipants(
                        Binlogdata.KeyspaceShard.newBuilder().setKeyspace("ks").setShard("80-"))
                .addParticipants(
                        Binlogdata.KeyspaceShard.newBuilder().setKeyspace("ks").setShard("-80"))
                .setLocalPosition("MySQL56/local:1-3")
                .addShardGtids(
                        Binlogdata.ShardGtid.newBuilder()
                                .setKeyspace("ks")
                                .setShard("40-80")
                                .setGtid("MySQL56/uuid-40-80:1-7"))
                .addShardGtids(
                        Binlogdata.ShardGtid.newBuilder()
                                .setKeyspace("ks")
                                .setShard("-40")
                                .setGtid(gtidOf40))
                .build();
    }

    /** The form checkpoints and acknowledgements of earlier versions hold. */
    private static final String RENDERED =
            "7:ks/-80,ks/80->ks/-40@MySQL56/a:1-5,b:1-3,ks/40-80@MySQL56/uuid-40-80:1-7";

    @Test
    void rendersAsCheckpointsHoldIt() {
        JournalKey key = JournalKey.of(journal(7, "MySQL56/a:1-5,b:1-3"));
        assertThat(key.toString()).isEqualTo(RENDERED);
        assertThat(ShardFinishedEvent.journalKey(journal(7, "MySQL56/a:1-5,b:1-3")))
                .isEqualTo(RENDERED);
        assertThat(key.id()).isEqualTo(7);
        assertThat(key.participants()).containsExactly("ks/-80", "ks/80-");
        assertThat(key.newShardPositions())
                .containsEntry("ks/-40", "MySQL56/a:1-5,b:1-3")
                .containsEntry("ks/40-80", "MySQL56/uuid-40-80:1-7");
    }

    @Test
    void parsesWhatItRenders() {
        JournalKey key = JournalKey.of(journal(7, "MySQL56/a:1-5,b:1-3"));
        assertThat(JournalKey.parse(RENDERED)).isEqualTo(key).hasSameHashCodeAs(key);
        JournalKey negative = JournalKey.of(journal(-42, ""));
        assertThat(JournalKey.parse(negative.toString())).isEqualTo(negative);
        JournalKey empty = JournalKey.of(Binlogdata.Journal.newBuilder().setId(3).build());
        assertThat(empty.toString()).isEqualTo("3:>");
        assertThat(JournalKey.parse("3:>")).isEqualTo(empty);
    }

    @Test
    void theSameWorkflowsJournalsDifferByPositions() {
        assertThat(JournalKey.of(journal(7, "MySQL56/a:1-5")))
                .isNotEqualTo(JournalKey.of(journal(7, "MySQL56/a:1-6")))
                .isEqualTo(
                        JournalKey.of(
                                journal(7, "MySQL56/a:1-5").toBuilder()
                                        .setLocalPosition("x")
                                        .build()));
    }

    @Test
    void rejectsOtherStrings() {
        assertThatThrownBy(() -> JournalKey.parse("3:ks/-80"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JournalKey.parse("x:ks/-80>"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JournalKey.parse("3:>ks/-40"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
