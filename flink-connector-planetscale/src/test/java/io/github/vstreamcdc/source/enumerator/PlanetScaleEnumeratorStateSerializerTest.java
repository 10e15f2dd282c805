package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;

import static org.assertj.core.api.Assertions.assertThat;

class PlanetScaleEnumeratorStateSerializerTest {

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
        assertThat(serializer.deserialize(1, serializer.serialize(state))).isEqualTo(state);
        assertThat(
                        serializer.deserialize(
                                1, serializer.serialize(PlanetScaleEnumeratorState.empty())))
                .isEqualTo(PlanetScaleEnumeratorState.empty());
    }
}
