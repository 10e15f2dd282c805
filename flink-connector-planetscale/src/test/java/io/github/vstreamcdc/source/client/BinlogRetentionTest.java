package io.github.vstreamcdc.source.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The oldest start positions and the retention check of timestamp starts, without a shard. */
class BinlogRetentionTest {

    private static final String U = "6e2c0f4a-8a1e-11ee-b9d1-0242ac120002";
    private static final String V = "7e2c0f4a-8a1e-11ee-b9d1-0242ac120002";

    /** 2023-11-14T22:13:20Z. */
    private static final long T = 1_700_000_000L;

    @Test
    void aPositionBeforeThePurgedSetIsToldWithTheLostTransactions() {
        BinlogRetention.GtidSets sets =
                new BinlogRetention.GtidSets("MySQL56/" + U + ":1-35", "MySQL56/" + U + ":1-46");
        assertThat(
                        BinlogRetention.purgedProblem(
                                "ks", "-80", "MySQL56/" + U + ":1-30", sets, "Do."))
                .isEqualTo(
                        "Position 'MySQL56/"
                                + U
                                + ":1-30' of shard ks/-80 is no longer in the shard's binlog:"
                                + " transactions "
                                + U
                                + ":31-35 after it were purged (purged set 'MySQL56/"
                                + U
                                + ":1-35'). Do.");
        assertThat(
                        BinlogRetention.purgedProblem(
                                "ks", "-80", "MySQL56/" + U + ":1-40", sets, "Do."))
                .isNull();
        // A position of another server is not this shard's history: PositionCheck tells that.
        assertThat(BinlogRetention.purgedProblem("ks", "-80", "MySQL56/" + V + ":1-5", sets, "Do."))
                .isNull();
    }

    @Test
    void theEarliestPositionIsThePurgedSet() {
        BinlogRetention.GtidSets sets =
                new BinlogRetention.GtidSets("MySQL56/" + U + ":1-35", "MySQL56/" + U + ":1-46");
        assertThat(sets.anyPurged()).isTrue();
        assertThat(sets.earliestPosition()).isEqualTo("MySQL56/" + U + ":1-35");
    }

    @Test
    void withNothingPurgedItIsAfterEachServersFirstTransaction() {
        // VStream cannot start from an empty position.
        BinlogRetention.GtidSets sets =
                new BinlogRetention.GtidSets("MySQL56/", "MySQL56/" + U + ":1-46," + V + ":3-9");
        assertThat(sets.anyPurged()).isFalse();
        assertThat(sets.earliestPosition()).isEqualTo("MySQL56/" + U + ":1," + V + ":3");
        assertThat(new BinlogRetention.GtidSets("MySQL56/", "MySQL56/").earliestPosition())
                .isNull();
    }

    @Test
    void aStartTimeIsServedWhenTheBinlogHoldsAnEarlierTransaction() {
        BinlogRetention.GtidSets purged =
                new BinlogRetention.GtidSets("MySQL56/" + U + ":1-35", "MySQL56/" + U + ":1-46");
        assertThat(BinlogRetention.startTimeProblem("ks", "-80", T * 1000, purged, T - 1)).isNull();
        // The oldest retained transaction is of the start second: a purged one may be too.
        assertThat(BinlogRetention.startTimeProblem("ks", "-80", T * 1000 + 500, purged, T))
                .contains(
                        "Option 'scan.startup.timestamp-millis' = 1700000000500"
                                + " (2023-11-14T22:13:20.500Z) is older than the binlog retention"
                                + " of shard ks/-80: the oldest transaction it still holds was"
                                + " committed at 2023-11-14T22:13:20Z")
                .contains(U + ":1-35");
        assertThat(BinlogRetention.startTimeProblem("ks", "-80", T * 1000, purged, null))
                .contains("its binlog holds no transaction after the purged ones");
        // Nothing purged: every time is served.
        BinlogRetention.GtidSets whole =
                new BinlogRetention.GtidSets("MySQL56/", "MySQL56/" + U + ":1-46");
        assertThat(BinlogRetention.startTimeProblem("ks", "-80", 0, whole, T)).isNull();
    }

    @Test
    void positionsCompare() {
        String a = "MySQL56/" + U + ":1-5";
        String b = "MySQL56/" + U + ":1-9";
        assertThat(GtidSet.contains(b, a)).isTrue();
        assertThat(GtidSet.isBefore(a, b)).isTrue();
        assertThat(GtidSet.isBefore(b, a)).isFalse();
        assertThat(GtidSet.isBefore(a, a)).isFalse();
        assertThat(GtidSet.contains("current", a)).isFalse();
    }

    @Test
    void aStopOfAnotherServerIsNeverReached() {
        assertThat(
                        PositionCheck.stopProblem(
                                "ks", "-80", "MySQL56/" + V + ":1-3", "MySQL56/" + U + ":1-9"))
                .contains(
                        "Stop position 'MySQL56/"
                                + V
                                + ":1-3' of shard ks/-80 would never be reached")
                .contains("'scan.bounded.specific-offset'");
        // Ahead of the shard: reached once it gets there.
        assertThat(
                        PositionCheck.stopProblem(
                                "ks", "-80", "MySQL56/" + U + ":1-20", "MySQL56/" + U + ":1-9"))
                .isNull();
    }
}
