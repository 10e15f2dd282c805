package io.github.vstreamcdc.source.split;

import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A resumable position in one shard's VStream: the shard's GTID set and, while the copy phase runs,
 * the tables not yet fully copied and the last primary key copied per started table (with its
 * fields: Vitess cannot resume without them).
 *
 * <p>Vitess itself forgets finished tables (they vanish from the VGtid), so a resumed copy would
 * copy them again; keeping the tables that remain lets the reader ask for exactly those.
 */
@Internal
public final class ShardPosition {

    /** Start with the copy phase (a consistent snapshot), then follow the binlog. */
    public static final String GTID_COPY = "";

    /** Start at the shard's current position. Never stored in state: resolved first. */
    public static final String GTID_CURRENT = "current";

    private final String gtid;
    private final List<Binlogdata.TableLastPK> tablePKs;
    private final Set<String> remainingTables;

    public ShardPosition(
            String gtid, List<Binlogdata.TableLastPK> tablePKs, Set<String> remainingTables) {
        this.gtid = Objects.requireNonNull(gtid, "gtid");
        this.tablePKs = Collections.unmodifiableList(new ArrayList<>(tablePKs));
        this.remainingTables = Collections.unmodifiableSet(new TreeSet<>(remainingTables));
    }

    public static ShardPosition of(String gtid) {
        return new ShardPosition(gtid, Collections.emptyList(), Collections.emptySet());
    }

    public static ShardPosition copyPhase() {
        return of(GTID_COPY);
    }

    public String gtid() {
        return gtid;
    }

    public List<Binlogdata.TableLastPK> tablePKs() {
        return tablePKs;
    }

    public Set<String> remainingTables() {
        return remainingTables;
    }

    /** True while the copy phase has rows left to deliver from this position. */
    public boolean isCopying() {
        return gtid.isEmpty() || !remainingTables.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ShardPosition)) {
            return false;
        }
        ShardPosition that = (ShardPosition) o;
        return gtid.equals(that.gtid)
                && tablePKs.equals(that.tablePKs)
                && remainingTables.equals(that.remainingTables);
    }

    @Override
    public int hashCode() {
        return Objects.hash(gtid, tablePKs, remainingTables);
    }

    @Override
    public String toString() {
        if (!isCopying()) {
            return gtid;
        }
        StringBuilder sb = new StringBuilder(gtid.isEmpty() ? "<copy>" : gtid).append(" copying[");
        for (int i = 0; i < tablePKs.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(tablePKs.get(i).getTableName());
        }
        return sb.append("] remaining").append(remainingTables).toString();
    }
}
