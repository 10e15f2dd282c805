package io.github.vstreamcdc.source.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** GTID sets as Vitess writes positions, and the check built on them. */
class GtidSetTest {

    private static final String A = "1bac46be-e961-11f1-843f-02fc00000001";
    private static final String B = "2bac46be-e961-11f1-843f-02fc00000002";

    @Test
    void parsesAndNormalizes() {
        GtidSet set =
                GtidSet.parseMysql56("MySQL56/" + A + ":1-5:6-9:12," + B.toUpperCase() + ":3");
        assertThat(set).isNotNull();
        assertThat(set.toString()).isEqualTo(A + ":1-9:12," + B + ":3");
        assertThat(set.sources()).containsExactly(A, B);
        assertThat(GtidSet.parseMysql56("MySQL56/").isEmpty()).isTrue();
    }

    @Test
    void rejectsWhatIsNotAMysqlGtidSet() {
        assertThat(GtidSet.parseMysql56("MySQL56/garbage")).isNull();
        assertThat(GtidSet.parseMysql56("MySQL56/" + A + ":x-3")).isNull();
        assertThat(GtidSet.parseMysql56("MySQL56/" + A + ":5-3")).isNull();
        assertThat(GtidSet.parseMysql56("FilePos/binlog.000001:4")).isNull();
        assertThat(GtidSet.parseMysql56("")).isNull();
        assertThat(GtidSet.parseMysql56("current")).isNull();
        assertThat(GtidSet.parseMysql56(null)).isNull();
    }

    @Test
    void minusLeavesWhatTheOtherLacks() {
        GtidSet want = GtidSet.parseMysql56("MySQL56/" + A + ":1-20," + B + ":1-3");
        GtidSet have = GtidSet.parseMysql56("MySQL56/" + A + ":1-5:8-10:15");
        assertThat(want.minus(have).toString()).isEqualTo(A + ":6-7:11-14:16-20," + B + ":1-3");
        assertThat(have.minus(want).isEmpty()).isTrue();
        assertThat(want.minus(want).isEmpty()).isTrue();
    }

    @Test
    void tagsAreTheirOwnSources() {
        GtidSet tagged = GtidSet.parseMysql56("MySQL56/" + A + ":1-3:etl:1-2");
        assertThat(tagged.sources()).containsExactly(A, A + ":etl");
        GtidSet untagged = GtidSet.parseMysql56("MySQL56/" + A + ":1-10");
        assertThat(tagged.minus(untagged).toString()).isEqualTo(A + ":etl:1-2");
    }

    @Test
    void positionCheckNamesForeignServersAndMissingTransactions() {
        String current = "MySQL56/" + A + ":1-100";
        assertThat(PositionCheck.problem("ks", "-80", "MySQL56/" + A + ":1-100", current)).isNull();
        assertThat(PositionCheck.problem("ks", "-80", "MySQL56/" + A + ":1-7:9", current)).isNull();
        assertThat(PositionCheck.problem("ks", "-80", "MySQL56/" + B + ":1-5", current))
                .contains("Position 'MySQL56/" + B + ":1-5' of shard ks/-80")
                .contains("server UUID(s) [" + B + "]")
                .contains(current)
                .contains("scan.startup.specific-offset");
        assertThat(PositionCheck.problem("ks", "-80", "MySQL56/" + A + ":1-150", current))
                .contains("ahead")
                .contains(A + ":101-150");
        // Positions the check does not understand are left to VTGate.
        assertThat(PositionCheck.problem("ks", "-80", "MySQL56/garbage", current)).isNull();
        assertThat(PositionCheck.problem("ks", "-80", "FilePos/x:4", current)).isNull();
    }
}
