package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

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
                        new HashSet<>(Arrays.asList("3:ks/-80", "4:ks/-40,ks/40-80")));
        PlanetScaleEnumeratorStateSerializer serializer =
                new PlanetScaleEnumeratorStateSerializer();
        assertThat(serializer.getVersion()).isEqualTo(2);
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
}
