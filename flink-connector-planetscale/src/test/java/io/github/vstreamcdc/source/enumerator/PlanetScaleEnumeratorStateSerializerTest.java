package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.JournalKey;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;

import static org.assertj.core.api.Assertions.assertThat;

class PlanetScaleEnumeratorStateSerializerTest {

    /** A version-1 state: one unassigned split (customer/80- in its copy phase), as v1 wrote it. */
    private static final String V1 =
            "AAAAAQAAAAEAAAAmAAhjdXN0b21lcgADODAtAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAxjdXN0b21lci8t"
                    + "ODAAAAABAApjdXN0b21lci8tAQ==";

    @Test
    void roundTripsVersion2WithJournals() throws Exception {
        PlanetScaleEnumeratorState state =
                new PlanetScaleEnumeratorState(
                        Collections.emptyList(),
                        new HashSet<>(Arrays.asList("ks/-40", "ks/40-80")),
                        new HashSet<>(Collections.singletonList("ks/-80")),
                        true,
                        Collections.singletonList(
                                ReshardLineageTest.journal(
                                        9, Arrays.asList("-80", "80-"), Arrays.asList("-"))),
                        new HashSet<>(
                                Arrays.asList(
                                        JournalKey.of(
                                                ReshardLineageTest.journal(
                                                        3, Arrays.asList("-80"), Arrays.asList())),
                                        JournalKey.of(
                                                ReshardLineageTest.journal(
                                                        4,
                                                        Arrays.asList("-40", "40-80"),
                                                        Arrays.asList("-80"))))));
        PlanetScaleEnumeratorStateSerializer serializer =
                new PlanetScaleEnumeratorStateSerializer();
        assertThat(serializer.getVersion()).isEqualTo(9);
        assertThat(serializer.deserialize(2, serializer.serialize(state))).isEqualTo(state);
    }

    /** Version 1 bytes (before reshard journals were kept) stay readable. */
    @Test
    void readsVersion1Bytes() throws Exception {
        byte[] v1 = java.util.Base64.getDecoder().decode(V1);
        PlanetScaleEnumeratorState state =
                new PlanetScaleEnumeratorStateSerializer().deserialize(1, v1);
        assertThat(state.assigned()).containsExactly("customer/-80");
        assertThat(state.finished()).containsExactly("customer/-");
        assertThat(state.unassigned())
                .extracting(ShardSplit::splitId)
                .containsExactly("customer/80-");
        assertThat(state.initialDiscoveryDone()).isTrue();
        assertThat(state.pendingJournals()).isEmpty();
    }

    /**
     * A version-2 state as the enumerator wrote it before journal keys were a type: an unassigned
     * split with a parent, a pending journal (id -9) and a resolved journal whose new shard's GTID
     * set has two entries.
     */
    private static final String V2 =
            "AAAAAQAAAAIAAAA2AAJrcwADLTIwAA1NeVNRTDU2L2M6MS0yAAAAAAAAAAAAAAAAAAAAAAAAAAABAAZrcy8tNDAA"
                    + "AAAAAQAIa3MvNDAtODAAAAACAAZrcy8tODAABmtzLzgwLQEAAAABAAAAYAj3//////////8BEAEqIAoCa3MS"
                    + "Ay0yMBoVTXlTUUw1Ni91dWlkLS0yMDoxLS05KiQKAmtzEgUyMC00MBoXTXlTUUw1Ni91dWlkLTIwLTQwOjEt"
                    + "LTkyCQoCa3MSAy00MAAAAAEASjc6a3MvLTgwLGtzLzgwLT5rcy8tNDBATXlTUUw1Ni9hOjEtNSxiOjEtMyxr"
                    + "cy80MC04MEBNeVNRTDU2L3V1aWQtNDAtODA6MS03";

    @Test
    void readsVersion2BytesOfEarlierReleases() throws Exception {
        PlanetScaleEnumeratorStateSerializer serializer =
                new PlanetScaleEnumeratorStateSerializer();
        byte[] v2 = java.util.Base64.getDecoder().decode(V2);
        PlanetScaleEnumeratorState state = serializer.deserialize(2, v2);
        Binlogdata.Journal resolved =
                ReshardLineageTest.journal(
                                7, Arrays.asList("-80", "80-"), Arrays.asList("-40", "40-80"))
                        .toBuilder()
                        .setShardGtids(
                                0,
                                Binlogdata.ShardGtid.newBuilder()
                                        .setKeyspace("ks")
                                        .setShard("-40")
                                        .setGtid("MySQL56/a:1-5,b:1-3"))
                        .build();
        assertThat(state.resolvedJournals()).containsExactly(JournalKey.of(resolved));
        assertThat(state.pendingJournals())
                .containsExactly(
                        ReshardLineageTest.journal(
                                -9, Arrays.asList("-40"), Arrays.asList("-20", "20-40")));
        assertThat(state.unassigned())
                .containsExactly(
                        new ShardSplit(
                                "ks",
                                "-20",
                                ShardPosition.of("MySQL56/c:1-2"),
                                0,
                                false,
                                Arrays.asList("ks/-40")));
        assertThat(state.assigned()).containsExactly("ks/40-80");
        assertThat(state.finished()).containsExactly("ks/-80", "ks/80-");
        // Written again (its splits in the split serializer's newer format), the same state.
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(state)))
                .isEqualTo(state);
    }

    @Test
    void roundTrips() throws Exception {
        PlanetScaleEnumeratorState state =
                new PlanetScaleEnumeratorState(
                        Collections.singletonList(
                                new ShardSplit(
                                        "customer",
                                        "80-",
                                        ShardPosition.copyPhase(),
                                        0,
                                        false,
                                        Collections.emptyList())),
                        new HashSet<>(Collections.singletonList("customer/-80")),
                        new HashSet<>(Arrays.asList("customer/-")),
                        true);
        PlanetScaleEnumeratorStateSerializer serializer =
                new PlanetScaleEnumeratorStateSerializer();
        assertThat(serializer.deserialize(2, serializer.serialize(state))).isEqualTo(state);
        assertThat(
                        serializer.deserialize(
                                2, serializer.serialize(PlanetScaleEnumeratorState.empty())))
                .isEqualTo(PlanetScaleEnumeratorState.empty());
    }

    @Test
    void roundTripsTheTablesAndCopiesOfOldShardsAtTheCurrentVersion() throws Exception {
        ShardPosition copy =
                new ShardPosition(
                        "MySQL56/u:1-5",
                        Collections.singletonList(
                                Binlogdata.TableLastPK.newBuilder().setTableName("a").build()),
                        new java.util.LinkedHashSet<>(Arrays.asList("a", "c")));
        PlanetScaleEnumeratorState state =
                PlanetScaleEnumeratorState.empty()
                        .withTables(new HashSet<>(Arrays.asList("a", "b")))
                        .withParentTables(
                                java.util.Collections.singletonMap(
                                        "ks/-80", new HashSet<>(Arrays.asList("a", "c"))))
                        .withParentCopies(Collections.singletonMap("ks/-80", copy));
        PlanetScaleEnumeratorStateSerializer serializer =
                new PlanetScaleEnumeratorStateSerializer();
        PlanetScaleEnumeratorState read =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(read).isEqualTo(state);
        assertThat(read.parentTables()).containsOnlyKeys("ks/-80");
        assertThat(read.parentTables().get("ks/-80")).containsExactly("a", "c");
        assertThat(read.parentCopies()).containsExactly(java.util.Map.entry("ks/-80", copy));
        // Version 5 did not have the tables, version 6 not the copies.
        assertThat(serializer.deserialize(5, serializer.serialize(state)).parentTables()).isEmpty();
        PlanetScaleEnumeratorState version6 =
                serializer.deserialize(6, serializer.serialize(state));
        assertThat(version6.parentTables()).containsOnlyKeys("ks/-80");
        assertThat(version6.parentCopies()).isEmpty();
    }
}
