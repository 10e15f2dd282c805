package io.github.vstreamcdc.source.event;

import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A reshard journal's identity: its id, its participants and where its new shards start.
 *
 * <p>Vitess derives journal ids from the workflow, so a split, the merge back and a second split
 * under the same workflow name share an id: the participants and the new shards' start positions
 * tell them apart. (Each participant's copy of the journal differs in its own local position, which
 * is left out.)
 *
 * <p>{@link #toString()} is the form kept in checkpoints and acknowledgements, {@code
 * id:participant,...>newShard@gtid,...} (both lists sorted); {@link #parse} reads it back.
 */
@Internal
public final class JournalKey implements Comparable<JournalKey> {

    /** Before each new shard of the rendered form: GTID sets have commas, split ids no '@'. */
    private static final String NEW_SHARD_SEPARATOR = ",(?=[^,@]*@)";

    private final long id;
    private final List<String> participants;
    private final Map<String, String> newShardPositions;
    private final String rendered;

    private JournalKey(long id, List<String> participants, Map<String, String> newShardPositions) {
        List<String> sorted = new ArrayList<>(participants);
        Collections.sort(sorted);
        this.id = id;
        this.participants = Collections.unmodifiableList(sorted);
        this.newShardPositions = Collections.unmodifiableMap(new TreeMap<>(newShardPositions));
        this.rendered = render();
    }

    /** The key of a journal as a VStream delivers it. */
    public static JournalKey of(Binlogdata.Journal journal) {
        List<String> participants = new ArrayList<>();
        for (Binlogdata.KeyspaceShard participant : journal.getParticipantsList()) {
            participants.add(ShardSplit.splitId(participant.getKeyspace(), participant.getShard()));
        }
        Map<String, String> positions = new TreeMap<>();
        for (Binlogdata.ShardGtid child : journal.getShardGtidsList()) {
            positions.put(
                    ShardSplit.splitId(child.getKeyspace(), child.getShard()), child.getGtid());
        }
        return new JournalKey(journal.getId(), participants, positions);
    }

    /**
     * Reads the form of {@link #toString()}.
     *
     * @throws IllegalArgumentException if {@code rendered} is not such a form
     */
    public static JournalKey parse(String rendered) {
        int colon = rendered.indexOf(':');
        int arrow = rendered.indexOf('>', colon + 1);
        if (colon < 0 || arrow < 0) {
            throw new IllegalArgumentException("Not a reshard journal key: " + rendered);
        }
        try {
            long id = Long.parseLong(rendered.substring(0, colon));
            List<String> participants = split(rendered.substring(colon + 1, arrow), ",");
            Map<String, String> positions = new TreeMap<>();
            for (String child : split(rendered.substring(arrow + 1), NEW_SHARD_SEPARATOR)) {
                int at = child.indexOf('@');
                positions.put(child.substring(0, at), child.substring(at + 1));
            }
            return new JournalKey(id, participants, positions);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a reshard journal key: " + rendered, e);
        }
    }

    private static List<String> split(String list, String separator) {
        return list.isEmpty()
                ? Collections.emptyList()
                : java.util.Arrays.asList(list.split(separator, -1));
    }

    /** The journal id (shared by the journals of one workflow). */
    public long id() {
        return id;
    }

    /** Ids of the shards that the journal ends, sorted. */
    public List<String> participants() {
        return participants;
    }

    /** The GTID position at which each new shard starts, by split id. */
    public Map<String, String> newShardPositions() {
        return newShardPositions;
    }

    private String render() {
        List<String> children = new ArrayList<>();
        newShardPositions.forEach((shard, gtid) -> children.add(shard + "@" + gtid));
        // The rendered entries' order, as checkpoints of earlier versions hold them.
        Collections.sort(children);
        return id + ":" + String.join(",", participants) + ">" + String.join(",", children);
    }

    @Override
    public int compareTo(JournalKey other) {
        return rendered.compareTo(other.rendered);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof JournalKey)) {
            return false;
        }
        JournalKey that = (JournalKey) o;
        return id == that.id
                && participants.equals(that.participants)
                && newShardPositions.equals(that.newShardPositions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, participants, newShardPositions);
    }

    @Override
    public String toString() {
        return rendered;
    }
}
