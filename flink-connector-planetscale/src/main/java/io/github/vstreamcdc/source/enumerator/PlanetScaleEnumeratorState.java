package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.split.ShardSplit;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The enumerator's checkpoint: splits not yet assigned, the ids of splits handed to readers (their
 * progress lives in the readers' state), and shards whose reading has finished.
 */
@Internal
public final class PlanetScaleEnumeratorState {

    private final List<ShardSplit> unassigned;
    private final Set<String> assigned;
    private final Set<String> finished;
    private final boolean initialDiscoveryDone;

    public PlanetScaleEnumeratorState(
            List<ShardSplit> unassigned,
            Set<String> assigned,
            Set<String> finished,
            boolean initialDiscoveryDone) {
        this.unassigned = Collections.unmodifiableList(new ArrayList<>(unassigned));
        this.assigned = Collections.unmodifiableSet(new TreeSet<>(assigned));
        this.finished = Collections.unmodifiableSet(new TreeSet<>(finished));
        this.initialDiscoveryDone = initialDiscoveryDone;
    }

    public static PlanetScaleEnumeratorState empty() {
        return new PlanetScaleEnumeratorState(
                Collections.emptyList(), Collections.emptySet(), Collections.emptySet(), false);
    }

    public List<ShardSplit> unassigned() {
        return unassigned;
    }

    public Set<String> assigned() {
        return assigned;
    }

    public Set<String> finished() {
        return finished;
    }

    public boolean initialDiscoveryDone() {
        return initialDiscoveryDone;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PlanetScaleEnumeratorState)) {
            return false;
        }
        PlanetScaleEnumeratorState that = (PlanetScaleEnumeratorState) o;
        return initialDiscoveryDone == that.initialDiscoveryDone
                && unassigned.equals(that.unassigned)
                && assigned.equals(that.assigned)
                && finished.equals(that.finished);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(unassigned, assigned, finished, initialDiscoveryDone);
    }

    @Override
    public String toString() {
        return "PlanetScaleEnumeratorState{unassigned="
                + unassigned
                + ", assigned="
                + assigned
                + ", finished="
                + finished
                + ", initialDiscoveryDone="
                + initialDiscoveryDone
                + '}';
    }
}
