package io.github.vstreamcdc.source.enumerator;

import io.github.vstreamcdc.source.event.JournalKey;
import io.github.vstreamcdc.source.split.KnownTableSchema;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The enumerator's checkpoint: splits not yet assigned, the ids of splits handed to readers (their
 * progress lives in the readers' state), shards whose reading has finished, and reshard journals
 * waiting for the rest of their participants.
 */
@Internal
public final class PlanetScaleEnumeratorState {

    private final List<ShardSplit> unassigned;
    private final Set<String> assigned;
    private final Set<String> finished;
    private final boolean initialDiscoveryDone;
    private final List<Binlogdata.Journal> pendingJournals;
    private final Set<JournalKey> resolvedJournals;
    private final Set<String> tables;
    private final Map<String, IncrementalSnapshots.ShardPlan> snapshotPlans;
    private final Map<String, Map<String, KnownTableSchema>> parentSchemas;
    private final Map<String, Set<String>> parentTables;
    private final Map<String, ShardPosition> parentCopies;
    private final Set<String> stopped;

    public PlanetScaleEnumeratorState(
            List<ShardSplit> unassigned,
            Set<String> assigned,
            Set<String> finished,
            boolean initialDiscoveryDone) {
        this(
                unassigned,
                assigned,
                finished,
                initialDiscoveryDone,
                Collections.emptyList(),
                Collections.emptySet());
    }

    public PlanetScaleEnumeratorState(
            List<ShardSplit> unassigned,
            Set<String> assigned,
            Set<String> finished,
            boolean initialDiscoveryDone,
            List<Binlogdata.Journal> pendingJournals,
            Set<JournalKey> resolvedJournals) {
        this(
                unassigned,
                assigned,
                finished,
                initialDiscoveryDone,
                pendingJournals,
                resolvedJournals,
                Collections.emptySet());
    }

    public PlanetScaleEnumeratorState(
            List<ShardSplit> unassigned,
            Set<String> assigned,
            Set<String> finished,
            boolean initialDiscoveryDone,
            List<Binlogdata.Journal> pendingJournals,
            Set<JournalKey> resolvedJournals,
            Set<String> tables) {
        this(
                unassigned,
                assigned,
                finished,
                initialDiscoveryDone,
                pendingJournals,
                resolvedJournals,
                tables,
                Collections.emptyMap(),
                Collections.emptyMap(),
                Collections.emptyMap(),
                Collections.emptyMap(),
                Collections.emptySet());
    }

    PlanetScaleEnumeratorState(
            List<ShardSplit> unassigned,
            Set<String> assigned,
            Set<String> finished,
            boolean initialDiscoveryDone,
            List<Binlogdata.Journal> pendingJournals,
            Set<JournalKey> resolvedJournals,
            Set<String> tables,
            Map<String, IncrementalSnapshots.ShardPlan> snapshotPlans,
            Map<String, Map<String, KnownTableSchema>> parentSchemas,
            Map<String, Set<String>> parentTables,
            Map<String, ShardPosition> parentCopies,
            Set<String> stopped) {
        this.stopped = Collections.unmodifiableSet(new TreeSet<>(stopped));
        this.parentCopies = Collections.unmodifiableMap(new TreeMap<>(parentCopies));
        this.parentSchemas = Collections.unmodifiableMap(new TreeMap<>(parentSchemas));
        Map<String, Set<String>> tablesByParent = new TreeMap<>();
        parentTables.forEach(
                (id, names) ->
                        tablesByParent.put(id, Collections.unmodifiableSet(new TreeSet<>(names))));
        this.parentTables = Collections.unmodifiableMap(tablesByParent);
        this.snapshotPlans = Collections.unmodifiableMap(new LinkedHashMap<>(snapshotPlans));
        this.tables = Collections.unmodifiableSet(new TreeSet<>(tables));
        this.unassigned = Collections.unmodifiableList(new ArrayList<>(unassigned));
        this.assigned = Collections.unmodifiableSet(new TreeSet<>(assigned));
        this.finished = Collections.unmodifiableSet(new TreeSet<>(finished));
        this.initialDiscoveryDone = initialDiscoveryDone;
        this.pendingJournals = Collections.unmodifiableList(new ArrayList<>(pendingJournals));
        this.resolvedJournals = Collections.unmodifiableSet(new TreeSet<>(resolvedJournals));
    }

    public static PlanetScaleEnumeratorState empty() {
        return new PlanetScaleEnumeratorState(
                Collections.emptyList(), Collections.emptySet(), Collections.emptySet(), false);
    }

    /**
     * Reshard journals some of whose participants have not finished yet: their new shards start
     * once all have.
     */
    public List<Binlogdata.Journal> pendingJournals() {
        return pendingJournals;
    }

    /** Reshard journals whose new shards were started. */
    public Set<JournalKey> resolvedJournals() {
        return resolvedJournals;
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

    /**
     * The tables the source reads (new shards read them too); empty in a state of before version 3,
     * whose splits read what {@code table-name} matches.
     */
    public Set<String> tables() {
        return tables;
    }

    /** This state, with the tables the source reads. */
    public PlanetScaleEnumeratorState withTables(Set<String> newTables) {
        Copy copy = new Copy(this);
        copy.tables = newTables;
        return copy.build();
    }

    /** Incremental snapshots under way, by shard split id (see {@link IncrementalSnapshots}). */
    Map<String, IncrementalSnapshots.ShardPlan> snapshotPlans() {
        return snapshotPlans;
    }

    /** This state, with these incremental snapshots under way. */
    PlanetScaleEnumeratorState withSnapshotPlans(
            Map<String, IncrementalSnapshots.ShardPlan> plans) {
        Copy copy = new Copy(this);
        copy.snapshotPlans = plans;
        return copy.build();
    }

    /**
     * The table schemas known to shards that ended at a journal whose new shards have not started:
     * by the old shard's split id. The new shards start knowing them.
     */
    Map<String, Map<String, KnownTableSchema>> parentSchemas() {
        return parentSchemas;
    }

    /** This state, with these schemas of finished old shards (see {@link #parentSchemas()}). */
    PlanetScaleEnumeratorState withParentSchemas(
            Map<String, Map<String, KnownTableSchema>> schemas) {
        Copy copy = new Copy(this);
        copy.parentSchemas = schemas;
        return copy.build();
    }

    /**
     * The tables that shards which ended at a journal whose new shards have not started read when
     * they ended, by the old shard's split id: the new shards start with those (a table added to
     * the source since is then copied on them, as on every shard that did not read it).
     */
    Map<String, Set<String>> parentTables() {
        return parentTables;
    }

    /** This state, with these tables of finished old shards (see {@link #parentTables()}). */
    PlanetScaleEnumeratorState withParentTables(Map<String, Set<String>> tablesByParent) {
        Copy copy = new Copy(this);
        copy.parentTables = tablesByParent;
        return copy.build();
    }

    /**
     * The copy state of shards that ended at a journal while copying (tables still to copy, how far
     * each got), whose new shards have not started, by the old shard's split id: the new shards
     * copy on from it.
     */
    Map<String, ShardPosition> parentCopies() {
        return parentCopies;
    }

    /** This state, with these copy states of finished old shards (see {@link #parentCopies()}). */
    PlanetScaleEnumeratorState withParentCopies(Map<String, ShardPosition> copiesByParent) {
        Copy copy = new Copy(this);
        copy.parentCopies = copiesByParent;
        return copy.build();
    }

    /**
     * Shards that finished at their stop (a bounded read), not at a journal: a merge that one of
     * them took part in cut over after its stop, so the merged shard has nothing to read.
     */
    Set<String> stopped() {
        return stopped;
    }

    /** This state, with these shards finished at their stop (see {@link #stopped()}). */
    PlanetScaleEnumeratorState withStopped(Set<String> stoppedShards) {
        Copy copy = new Copy(this);
        copy.stopped = stoppedShards;
        return copy.build();
    }

    /** A state's fields, to build one that differs in some. */
    private static final class Copy {
        private final PlanetScaleEnumeratorState from;
        private Set<String> tables;
        private Map<String, IncrementalSnapshots.ShardPlan> snapshotPlans;
        private Map<String, Map<String, KnownTableSchema>> parentSchemas;
        private Map<String, Set<String>> parentTables;
        private Map<String, ShardPosition> parentCopies;
        private Set<String> stopped;

        Copy(PlanetScaleEnumeratorState from) {
            this.from = from;
            this.tables = from.tables;
            this.snapshotPlans = from.snapshotPlans;
            this.parentSchemas = from.parentSchemas;
            this.parentTables = from.parentTables;
            this.parentCopies = from.parentCopies;
            this.stopped = from.stopped;
        }

        PlanetScaleEnumeratorState build() {
            return new PlanetScaleEnumeratorState(
                    from.unassigned,
                    from.assigned,
                    from.finished,
                    from.initialDiscoveryDone,
                    from.pendingJournals,
                    from.resolvedJournals,
                    tables,
                    snapshotPlans,
                    parentSchemas,
                    parentTables,
                    parentCopies,
                    stopped);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PlanetScaleEnumeratorState)) {
            return false;
        }
        PlanetScaleEnumeratorState that = (PlanetScaleEnumeratorState) o;
        return initialDiscoveryDone == that.initialDiscoveryDone
                && pendingJournals.equals(that.pendingJournals)
                && resolvedJournals.equals(that.resolvedJournals)
                && unassigned.equals(that.unassigned)
                && assigned.equals(that.assigned)
                && finished.equals(that.finished)
                && tables.equals(that.tables)
                && snapshotPlans.keySet().equals(that.snapshotPlans.keySet())
                && parentSchemas.equals(that.parentSchemas)
                && parentTables.equals(that.parentTables)
                && parentCopies.equals(that.parentCopies)
                && stopped.equals(that.stopped);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(
                unassigned,
                assigned,
                finished,
                initialDiscoveryDone,
                pendingJournals,
                resolvedJournals,
                tables);
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
                + ", pendingJournals="
                + pendingJournals.size()
                + ", tables="
                + tables
                + '}';
    }
}
