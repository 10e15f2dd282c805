package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.RowImage;
import io.github.vstreamcdc.source.client.GtidSet;
import io.github.vstreamcdc.source.client.VStreamMessage;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.config.TableSelection;
import io.github.vstreamcdc.source.filter.RowFilter;
import io.github.vstreamcdc.source.reader.deserializer.VStreamColumns;
import io.github.vstreamcdc.source.snapshot.SnapshotCatchUp;
import io.github.vstreamcdc.source.split.ShardPosition;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Cuts one shard's VStream events into {@link ChangeBatch}es that end at safe resume points: the
 * exactly-once framing of a split, without I/O or clock.
 *
 * <p>The safe position moves only at transaction boundaries (COMMIT, DDL, OTHER, ROLLBACK, or the
 * end of the copy phase), to this shard's entry of the latest VGTID. Binlog rows of a transaction
 * are held until its VGTID (vtgate sends it just before the COMMIT), which gives them their {@link
 * RowChangeEvent#position()}, and handed over then, before the safe point; a transaction of more
 * than {@link #MAX_HELD_ROWS} row changes is handed over in parts, its first rows without a
 * position. After a restart from the safe position (a reconnect, or a checkpoint taken inside a
 * transaction) the rows of the open transaction that were already handed over are dropped from the
 * replay. Copy-phase rows cannot be replayed identically, so they are held back until their
 * transaction ends and go out in one batch with the copy cursor (last PKs, tables left to copy). A
 * SHARDS journal ends the split.
 *
 * <p>A bounded split also ends at its stop, and a timestamp start skips the transactions before its
 * time ({@link BoundsCheck} has the rules): both are decided between transactions, so the split
 * ends, and the skipping ends, at a safe position.
 */
@Internal
final class ShardEventFramer {

    private static final Logger LOG = LoggerFactory.getLogger(ShardEventFramer.class);

    /** Binlog rows held per transaction at most, waiting for its position: bounds the memory. */
    static final int MAX_HELD_ROWS = 10_000;

    /**
     * Rows per batch handed over at most: Flink checkpoints only between batches, so a transaction
     * goes out in several (one per ROW event, as VStream sent them), and a checkpoint can still
     * fall inside it (its rows to skip then count).
     */
    static final int MAX_BATCH_ROWS = 1_000;

    private final ShardSplit split;
    private final String tablePrefix;

    /**
     * The tables the stream reads; empty for a split of an older state, which reads what the
     * selection matches.
     */
    private final Set<String> tables;

    /** Tables of a split that names none are kept by it; null keeps all. */
    @Nullable private final TableSelection selection;

    /** Per table: the columns of its latest FIELD event on this stream. */
    private final Map<String, List<ColumnDescription>> schemas = new HashMap<>();

    /** What is known of the tables' schemas, to tell each change exactly once. */
    private final SchemaTracker schemaTracker;

    /** Copy-phase rows of the open transaction. */
    private List<RowChangeEvent> buffer = new ArrayList<>();

    /** Binlog rows of the open transaction, held until its VGTID gives their position. */
    private final HeldRows held = new HeldRows(MAX_BATCH_ROWS);

    /** The table of the last ROW event as VStream named it; null after a change of tables. */
    @Nullable private String rowTableQualified;

    /** ... and its name here, whether its rows are hidden, whether they are read. */
    private String rowTable;

    private boolean rowTableHidden;
    private boolean rowTableRead;

    /** Where a (re)connect starts. */
    private ShardPosition safePosition;

    /** Row changes after the safe position already handed over. */
    private long rowsSinceSafe;

    /** Row changes still to drop after a restart: they were handed over before. */
    private long rowsToDrop;

    private boolean copying;

    /** This shard's entry of the latest VGTID since the safe position. */
    private Binlogdata.ShardGtid pendingGtid;

    /** Copy phase: the table whose copy began last (its FIELD event). */
    private String copyFieldTable;

    /** Binlog time of the newest event seen, epoch millis; 0 if none. */
    private long lastEventTimeMillis;

    /** Rows were handed over or the safe position moved since {@link #takeProgress()}. */
    private boolean progressed;

    private boolean finished;

    /** The split ended at its stop (not at a journal or the end of a snapshot). */
    private boolean stopped;

    private final BoundsCheck bounds;

    /** An event of the current transaction had a binlog time: the transaction was judged. */
    private boolean transactionTimed;

    /** The shard's current position is wanted, as the stop (see {@link #stopAt}). */
    private boolean currentPositionWanted;

    /** The incremental snapshot's chunks whose rows the binlog must not repeat; null if none. */
    @Nullable private SnapshotCatchUp catchUp;

    /** The catch-up was found passed when the stream (re)started: the next batch records it. */
    private boolean catchUpPassed;

    /** The watermark delay of idle watermarks (see {@link #idleWatermarks}); -1: none wanted. */
    private long idleDelayMillis = -1;

    /**
     * The binlog time (ms) before which the stream is known to have delivered every commit of its
     * shard; -1 while not known (since the stream's start). VTGate's own heartbeats carry VTGate's
     * time also while the stream is behind (waiting for a tablet, or for the COMMIT of a large
     * transaction): an idle watermark goes no further than the delay past this time. A COMMIT moves
     * it to its own time (the binlog is in commit order); an answer of the shard's executed set
     * that the safe position holds moves it to the time of the heartbeat that asked.
     */
    private long deliveredBeforeMillis = -1;

    /** The time of the heartbeat whose ask for the shard's executed set is out; -1 if none. */
    private long executedAskedAtMillis = -1;

    /** No ask before a heartbeat of this time: the last one found the stream behind. */
    private long executedAskAfterMillis = -1;

    /**
     * The shard's executed GTID set is wanted, for the heartbeat of {@link #executedAskedAtMillis}.
     */
    private boolean executedWanted;

    /** The pushed-down filter, which gives an update its meaning before the catch-up sees it. */
    @Nullable private RowFilter filter;

    ShardEventFramer(ShardSplit split) {
        this(split, null);
    }

    ShardEventFramer(ShardSplit split, @Nullable TableSelection selection) {
        this.split = split;
        this.selection = selection;
        this.tables = new TreeSet<>(split.tables());
        this.tablePrefix = split.keyspace() + ".";
        this.safePosition = split.position();
        this.rowsSinceSafe = split.rowsToSkip();
        this.bounds = new BoundsCheck(split.splitId(), split.bounds());
        this.schemaTracker = new SchemaTracker(split);
        this.catchUp = split.catchUp();
        restart();
    }

    /**
     * This framer, for a stream read with this filter: an update that leaves (enters) the filter is
     * a delete (insert) before the catch-up decides what of it the snapshot lacks; else the
     * catch-up could turn an update into an insert of a new image the filter excludes.
     */
    ShardEventFramer filteredBy(@Nullable RowFilter rowFilter) {
        this.filter = rowFilter;
        return this;
    }

    /**
     * This framer, for a job whose watermarks heartbeats advance, by this delay: a heartbeat
     * outside transactions is an idle batch ({@link ChangeBatch#idleAt}) at its time, but at most
     * the delay past the time before which the stream is known to have delivered everything, so
     * that the watermark (the idle time minus the delay) stays below every commit still to come.
     */
    ShardEventFramer idleWatermarks(long delayMillis) {
        this.idleDelayMillis = Math.max(0, delayMillis);
        return this;
    }

    /**
     * Forgets what the last stream sent since the safe position, for a new stream that starts
     * there: its first rows up to those already handed over will be dropped.
     */
    void restart() {
        rowTableQualified = null;
        rowsToDrop = rowsSinceSafe;
        copying = safePosition.isCopying();
        pendingGtid = null;
        copyFieldTable = null;
        buffer.clear();
        held.clear();
        schemas.clear();
        transactionTimed = false;
        deliveredBeforeMillis = -1; // a new stream may start far behind
        executedAskedAtMillis = -1;
        executedAskAfterMillis = -1;
        executedWanted = false;
        if (catchUp != null && catchUp.passedBy(safePosition.gtid())) {
            // e.g. every chunk read at one high watermark: nothing left to line up
            catchUp = null;
            catchUpPassed = true;
        }
        // A bounded read ends only after the incremental snapshot's catch-up: its chunks, read at
        // different high watermarks, are one consistent snapshot only as of the last of them.
        if (split.snapshotOnly() && !copying && catchUp == null) {
            finished = true; // a snapshot whose last table was copied before: nothing to read
        }
        if (!copying && rowsToDrop == 0 && catchUp == null && bounds.stopReachedAt(safePosition)) {
            finished = true; // already at the stop
            stopped = true;
        }
    }

    /** The batches of a split finished before its stream opens: a stopped split's last one. */
    List<ChangeBatch> finishWithoutStream() {
        if (!stopped) {
            return Collections.emptyList();
        }
        ChangeBatch last = ChangeBatch.stoppedAt(safePosition, lastEventTimeMillis);
        last.catchUpDone = catchUpPassed;
        return Collections.singletonList(last);
    }

    /** Whether the stop is the shard's current position, to be had before the stream opens. */
    boolean needsStopPosition() {
        return bounds.bounds().stopAtLatest();
    }

    /** Whether the shard's current position is wanted as the stop (once): see {@link #stopAt}. */
    boolean takeCurrentPositionWanted() {
        boolean result = currentPositionWanted;
        currentPositionWanted = false;
        return result;
    }

    /**
     * Whether the shard's executed GTID set is wanted (once), to learn whether the stream has
     * delivered everything; answer with {@link #executedWas}.
     */
    boolean takeExecutedWanted() {
        boolean result = executedWanted;
        executedWanted = false;
        return result;
    }

    /**
     * The shard's executed GTID set (on its PRIMARY), read after the heartbeat that asked; null if
     * it could not be read. If the safe position holds it, the stream had delivered every commit
     * before that heartbeat.
     */
    void executedWas(@Nullable String executed) {
        GtidSet shard = GtidSet.parseMysql56(executed);
        GtidSet at = GtidSet.parseMysql56(safePosition.gtid());
        if (executedAskedAtMillis < 0) {
            return;
        }
        if (!copying && shard != null && at != null && at.contains(shard)) {
            deliveredBeforeMillis = Math.max(deliveredBeforeMillis, executedAskedAtMillis);
        } else if (shard != null) {
            // behind: its commits will tell; ask again no sooner than the next ask would be due
            executedAskAfterMillis = executedAskedAtMillis + askInterval();
        }
        executedAskedAtMillis = -1;
    }

    /** The tables the stream reads (see {@link ShardSplit#tables()}). */
    Set<String> tables() {
        return Collections.unmodifiableSet(tables);
    }

    /**
     * Whether the stream can change its tables now: between transactions, with no row handed over
     * since the safe position (a stream restarted there then repeats nothing).
     */
    boolean canChangeTables() {
        return !finished && rowsSinceSafe == 0 && buffer.isEmpty();
    }

    /**
     * The stream reads exactly these tables from the safe position on: new ones are copied there
     * (VStream drops their binlog rows until it has copied them, so no row is lost or repeated)
     * while the others stream on, and tables no longer wanted (dropped, or renamed away) are left
     * out, also from a copy in progress. A split that names no tables adopts the list as it is: its
     * rule read them already. Call only when {@link #canChangeTables()}, then restart the stream.
     *
     * @return the batch that records the new tables and position
     */
    ChangeBatch changeTables(Set<String> wanted) {
        Set<String> added = new TreeSet<>(wanted);
        added.removeAll(tables);
        Set<String> removed = new TreeSet<>(tables);
        removed.removeAll(wanted);
        boolean adopt = tables.isEmpty();
        tables.clear();
        tables.addAll(wanted);
        if (!adopt) {
            Set<String> remaining = new LinkedHashSet<>(safePosition.remainingTables());
            remaining.removeAll(removed);
            remaining.addAll(added);
            List<Binlogdata.TableLastPK> pks = new ArrayList<>();
            for (Binlogdata.TableLastPK pk : safePosition.tablePKs()) {
                if (!removed.contains(pk.getTableName())) {
                    pks.add(pk);
                }
            }
            safePosition = new ShardPosition(safePosition.gtid(), pks, remaining);
            LOG.info(
                    "Shard {} reads tables {} from {}: copying {}, no longer reading {}",
                    split.splitId(),
                    tables,
                    safePosition.gtid().isEmpty() ? "a new snapshot" : safePosition.gtid(),
                    added,
                    removed);
        }
        progressed = true;
        restart();
        List<ChangeBatch> out = new ArrayList<>();
        out.add(
                ChangeBatch.tablesChanged(
                        safePosition, new TreeSet<>(tables), lastEventTimeMillis));
        schemaTracker.attach(out);
        return out.get(0);
    }

    /**
     * Starts the split's tables over with VStream's copy phase: the binlog no longer holds the safe
     * position. The batch records the copy's start as the split's position, with its tables as the
     * ones to copy (as a job's first copy has them), so that a reconnect or a restore resumes the
     * copy; an incremental snapshot's catch-up is void (the copy supersedes its chunks).
     */
    ChangeBatch copyAnew() {
        safePosition = new ShardPosition(ShardPosition.GTID_COPY, Collections.emptyList(), tables);
        rowsSinceSafe = 0;
        if (catchUp != null) {
            catchUp = null;
            catchUpPassed = true;
        }
        progressed = true;
        restart();
        ChangeBatch batch =
                ChangeBatch.tablesChanged(safePosition, new TreeSet<>(tables), lastEventTimeMillis);
        batch.catchUpDone = catchUpPassed;
        catchUpPassed = false;
        return batch;
    }

    /**
     * The tables still to copy, of those the split reads: a table that vanished during its copy
     * makes VStream fail until it is left out.
     */
    Set<String> tablesToCopy() {
        return safePosition.remainingTables();
    }

    /**
     * The tables to ask VStream for: the split's, also those the selection no longer matches (a job
     * restored with a narrower selection), whose rows the rows to skip may count; {@link
     * #selectedTables()} is what the split narrows to at its next safe point.
     */
    Set<String> streamedTables() {
        return tables();
    }

    /** The split's tables that the selection matches: what it should read. */
    Set<String> selectedTables() {
        return selection == null ? tables() : new TreeSet<>(selection.select(tables));
    }

    private boolean reads(String table) {
        return (tables.isEmpty() || tables.contains(table))
                && (selection == null || selection.matches(table));
    }

    /** A table the stream reads (it counts towards the position) but whose rows are not wanted. */
    private boolean hides(String table) {
        return tables.contains(table) && selection != null && !selection.matches(table);
    }

    /**
     * The DDL statements read since the last row of each table, for a failure's message: VStream
     * fails a stream whose rule names a column a DDL just removed.
     */
    Map<String, String> pendingDdl() {
        return schemaTracker.pendingDdl();
    }

    /** Asking for the shard's current position failed: the next heartbeat asks again. */
    void stopPositionFailed() {
        bounds.positionFailed();
    }

    /**
     * The shard's current position, as the stop: the split ends as soon as a safe position contains
     * it, at once if the current one does.
     *
     * @return the batches that record it, and end the split if it is reached
     */
    List<ChangeBatch> stopAt(String gtid) {
        List<ChangeBatch> out = new ArrayList<>();
        if (finished) {
            return out;
        }
        bounds.stopAt(gtid);
        // The answer may come inside a transaction whose rows went out already: the bounds change
        // without a position, which would restart the count of rows to skip after a restore.
        out.add(ChangeBatch.boundsChanged(null, bounds.bounds(), lastEventTimeMillis));
        if (!copying && rowsToDrop == 0 && !transactionTimed) {
            stopIfReached(out);
        }
        schemaTracker.attach(out);
        return out;
    }

    /**
     * Frames the events of one response in order, up to the end of the split.
     *
     * @return the batches these events complete, in order
     * @throws VitessException if the events break the stream's rules (rows before their FIELD
     *     event, partial row images, a replay that differs, a reshard during a bounded snapshot)
     */
    List<ChangeBatch> frame(List<Binlogdata.VEvent> events) {
        return frame(VStreamMessage.of(events));
    }

    /** Frames one response as read off the wire (ROW events' images read in place). */
    List<ChangeBatch> frame(VStreamMessage message) {
        List<ChangeBatch> out = new ArrayList<>();
        List<Binlogdata.VEvent> events = message.events();
        for (int i = 0; i < events.size(); i++) {
            onEvent(events.get(i), message.rows(i), out);
            if (finished) {
                break;
            }
        }
        schemaTracker.attach(out);
        return out;
    }

    /**
     * The split has nothing more to read: it reached a reshard journal or its stop, or it is a
     * snapshot whose copy phase is complete.
     */
    boolean isFinished() {
        return finished;
    }

    /** Whether the stream is in its copy phase (VStream copies tables; the position stands). */
    boolean isCopying() {
        return copying;
    }

    /** Whether rows were handed over or the safe position moved since the last call. */
    boolean takeProgress() {
        boolean result = progressed;
        progressed = false;
        return result;
    }

    /** The last position at which a stream may start without losing or repeating changes. */
    ShardPosition safePosition() {
        return safePosition;
    }

    /** Rows the current stream still has to drop: handed over before the restart. */
    long rowsToDrop() {
        return rowsToDrop;
    }

    private void onEvent(
            Binlogdata.VEvent event,
            @Nullable VStreamMessage.RowChanges rows,
            List<ChangeBatch> out) {
        if (event.getTimestamp() > 0) {
            lastEventTimeMillis = event.getTimestamp() * 1000;
        }
        if (event.getType() == Binlogdata.VEventType.HEARTBEAT) {
            if (!copying && !transactionTimed && bounds.heartbeatAt(event.getTimestamp())) {
                currentPositionWanted = true;
            }
            if (idleDelayMillis >= 0
                    && !copying
                    && !transactionTimed
                    && held.isEmpty()
                    && event.getTimestamp() > 0) {
                onIdleHeartbeat(event.getTimestamp() * 1000, out);
            }
            return;
        }
        if (event.getTimestamp() > 0 && !copying && !transactionTimed) {
            transactionTimed = true;
            if (!judgeTransaction(event.getTimestamp(), out)) {
                return;
            }
        }
        switch (event.getType()) {
            case FIELD:
                Binlogdata.FieldEvent fieldEvent = event.getFieldEvent();
                String table = tableName(fieldEvent.getTableName());
                if (!reads(table)) {
                    break;
                }
                onFields(table, fieldEvent.getFieldsList(), event.getTimestamp(), out);
                if (copying && event.getTimestamp() == 0) {
                    copyFieldTable = table;
                }
                break;
            case ROW:
                onRows(event, rows, out);
                break;
            case VGTID:
                Binlogdata.ShardGtid own = ownEntry(event.getVgtid());
                if (own != null) {
                    pendingGtid = own;
                    handOverHeldRows(own.getGtid(), out);
                }
                break;
            case DDL:
                onDdl(event.getStatement(), out);
                safePoint(out);
                transactionTimed = false;
                break;
            case COMMIT:
                if (!copying && lastEventTimeMillis > deliveredBeforeMillis) {
                    deliveredBeforeMillis = lastEventTimeMillis;
                }
                safePoint(out);
                transactionTimed = false;
                break;
            case OTHER:
            case ROLLBACK:
                safePoint(out);
                transactionTimed = false;
                break;
            case COPY_COMPLETED:
                onCopyCompleted(out);
                break;
            case JOURNAL:
                onJournal(event.getJournal(), out);
                break;
            default:
                // GTID, BEGIN, VERSION, LASTPK (vtgate turns it into VGTID), ...
                break;
        }
    }

    /**
     * A table's columns as VStream describes them now: if they differ from those told downstream,
     * or a DDL of the table was read since, the schema change is told before the table's next row
     * (its first in the new shape).
     */
    private void onFields(
            String table, List<Query.Field> fields, long seconds, List<ChangeBatch> out) {
        List<ColumnDescription> columns = VStreamColumns.of(fields);
        schemas.put(table, columns);
        schemaTracker.fields(table, fields, columns, safePosition.gtid(), seconds, out.size());
    }

    /**
     * A DDL statement: the read tables it names get a schema change (see {@link SchemaTracker}).
     */
    private void onDdl(String statement, List<ChangeBatch> out) {
        Set<String> candidates = new TreeSet<>(tables);
        candidates.addAll(schemaTracker.knownTables());
        candidates.addAll(schemas.keySet());
        List<String> named = new ArrayList<>();
        for (String table : DdlStatements.tablesNamed(statement, candidates)) {
            if (reads(table)) {
                named.add(table);
            }
        }
        schemaTracker.ddl(statement, named, out.size());
    }

    /**
     * A reshard moved this shard's key range to new shards: everything before the journal has been
     * handed over, so the split ends here and the enumerator starts the new shards from the
     * journal's positions once all the old shards got here. VTGate ends (or, for a participant it
     * does not stream, fails) the stream right after.
     */
    private void onJournal(Binlogdata.Journal journal, List<ChangeBatch> out) {
        if (journal.getMigrationType() != Binlogdata.MigrationType.SHARDS) {
            return; // MoveTables: the tables stay readable in this keyspace until then
        }
        ShardPosition end = withGivenUpTablesToCopy(safePosition);
        if (end.isCopying() && split.snapshotOnly()) {
            // A bounded snapshot ends with its splits: no new shard would finish it.
            throw new VitessException(
                    "Shard "
                            + split.splitId()
                            + " was resharded (journal "
                            + journal.getId()
                            + ") before its snapshot was complete (at "
                            + safePosition
                            + "): a bounded snapshot (startup mode 'snapshot') reads the shards"
                            + " it started with. Run it again once the reshard is complete.");
        }
        if (copying) {
            // The copy goes on where it was: the safe position holds the tables still to copy and
            // how far each got (copy rows after it were not handed over and are dropped here); the
            // new shards start from the journal with that state, so that VStream copies the rest
            // of each table from the rows of their own key ranges (see ShardLineageTracker).
            buffer.clear();
            LOG.info(
                    "Shard {} reached reshard journal {} while copying: the new shards copy on"
                            + " from {}",
                    split.splitId(),
                    journal.getId(),
                    safePosition);
        }
        if (rowsToDrop > 0) {
            throw new VitessException(
                    "Shard "
                            + split.splitId()
                            + " reached reshard journal "
                            + journal.getId()
                            + " inside a transaction after position "
                            + safePosition
                            + "; the binlog differs from the one read before.");
        }
        LOG.info(
                "Shard {} reached reshard journal {} at {}: it continues on {}",
                split.splitId(),
                journal.getId(),
                end,
                journal.getShardGtidsList().stream()
                        .map(g -> g.getKeyspace() + "/" + g.getShard())
                        .collect(Collectors.toList()));
        out.add(ChangeBatch.endOfShard(end, journal, lastEventTimeMillis));
        finished = true;
    }

    /**
     * The position a split ends with at a reshard journal: the tables of incremental-snapshot
     * chunks given up (their shard stopped serving before they were read) are still to copy, from
     * their start, by the new shards (see {@code CopyHandOver}); this stream dropped their changes.
     */
    private ShardPosition withGivenUpTablesToCopy(ShardPosition position) {
        Set<String> givenUp = catchUp == null ? Collections.emptySet() : catchUp.givenUpTables();
        if (givenUp.isEmpty()) {
            return position;
        }
        Set<String> remaining = new TreeSet<>(position.remainingTables());
        remaining.addAll(givenUp);
        LOG.info(
                "Shard {}: the new shards copy {}, whose snapshot chunks were given up",
                split.splitId(),
                givenUp);
        return new ShardPosition(position.gtid(), position.tablePKs(), remaining);
    }

    /**
     * A heartbeat outside transactions, of a job with idle watermarks: the shard is idle up to its
     * time, as far as the stream is known to have delivered everything (see {@link
     * #deliveredBeforeMillis}); the shard's executed set is asked for when that knowledge is half
     * the delay old (at least a second), so that it keeps up with the heartbeats.
     */
    private void onIdleHeartbeat(long atMillis, List<ChangeBatch> out) {
        if (deliveredBeforeMillis > 0) {
            out.add(
                    ChangeBatch.idleAt(
                            Math.min(atMillis, deliveredBeforeMillis + idleDelayMillis)));
        }
        if (executedAskedAtMillis < 0
                && atMillis >= executedAskAfterMillis
                && atMillis > deliveredBeforeMillis + askInterval()) {
            executedAskedAtMillis = atMillis;
            executedWanted = true;
        }
    }

    /** How old the knowledge of what the stream delivered may get before the shard is asked. */
    private long askInterval() {
        return Math.max(1000, idleDelayMillis / 2);
    }

    /**
     * A transaction begins: reaching the start time ends the skipping (recorded at the safe
     * position before it), reaching the stop ends the split there.
     *
     * @return whether to go on with the event
     */
    private boolean judgeTransaction(long seconds, List<ChangeBatch> out) {
        boolean wasSkipping = bounds.skipping();
        if (catchUp != null) {
            // The incremental snapshot's catch-up comes first (it has no start time to skip to).
            return true;
        }
        BoundsCheck.Verdict verdict = bounds.transactionAt(seconds, safePosition);
        if (verdict == BoundsCheck.Verdict.STOP && rowsToDrop == 0) {
            stop(out);
            return false;
        }
        if (wasSkipping && !bounds.skipping()) {
            progressed = true;
            out.add(ChangeBatch.boundsChanged(safePosition, bounds.bounds(), lastEventTimeMillis));
        }
        return true;
    }

    private void stopIfReached(List<ChangeBatch> out) {
        if (catchUp == null && bounds.stopReachedAt(safePosition)) {
            stop(out);
        }
    }

    private void stop(List<ChangeBatch> out) {
        progressed = true;
        out.add(ChangeBatch.stoppedAt(safePosition, lastEventTimeMillis));
        finished = true;
        stopped = true;
    }

    /**
     * @param images the event's row images read in place, or null to take them from the event's row
     *     changes
     */
    private void onRows(
            Binlogdata.VEvent event,
            @Nullable VStreamMessage.RowChanges images,
            List<ChangeBatch> out) {
        if (bounds.skipping() && !copying) {
            return; // a transaction before the start time
        }
        Binlogdata.RowEvent rowEvent = event.getRowEvent();
        String qualified = rowEvent.getTableName();
        if (!qualified.equals(rowTableQualified)) {
            // Rows come in runs of one table: judge its name once per run, not per event.
            rowTable = tableName(qualified);
            rowTableHidden = hides(rowTable);
            rowTableRead = reads(rowTable);
            rowTableQualified = qualified;
        }
        String table = rowTable;
        if (rowTableHidden) {
            onHiddenRows(images != null ? images.size() : rowEvent.getRowChangesCount());
            return;
        }
        if (!rowTableRead) {
            return;
        }
        List<ColumnDescription> fields = schemas.get(table);
        if (fields == null) {
            throw new VitessException(
                    "VStream of shard "
                            + split.splitId()
                            + " sent rows of table '"
                            + table
                            + "' before its FIELD event (position "
                            + safePosition
                            + ")");
        }
        boolean copyRows = copying && event.getTimestamp() == 0;
        long commitMillis = event.getTimestamp() * 1000;
        int count = images != null ? images.size() : rowEvent.getRowChangesCount();
        for (int i = 0; i < count; i++) {
            if (rowsToDrop > 0) {
                rowsToDrop--;
                continue;
            }
            RowImage before;
            RowImage after;
            if (images != null) {
                before = images.before(i);
                after = images.after(i);
            } else {
                Binlogdata.RowChange change = rowEvent.getRowChanges(i);
                RowImages.checkFull(change, split, table, safePosition);
                before = change.hasBefore() ? RowImage.of(change.getBefore()) : null;
                after = change.hasAfter() ? RowImage.of(change.getAfter()) : null;
            }
            RowChangeEvent.Op op;
            if (before == null) {
                op = copyRows ? RowChangeEvent.Op.READ : RowChangeEvent.Op.INSERT;
            } else {
                op = after == null ? RowChangeEvent.Op.DELETE : RowChangeEvent.Op.UPDATE;
            }
            long commitTime = op == RowChangeEvent.Op.READ ? 0 : commitMillis;
            // Binlog rows count on from those handed over since the safe position (also
            // before a restart); copy rows within their batch.
            long seq = copying ? buffer.size() + 1 : rowsSinceSafe + held.count() + 1;
            RowChangeEvent row = rowChange(table, op, fields, before, after, commitTime, seq);
            if (copying) {
                buffer.add(row);
            } else {
                held.add(row);
                // Joining a snapshot needs each row's transaction: no early hand-over then.
                if (held.rowCount() >= MAX_HELD_ROWS && catchUp == null) {
                    handOverHeldRows(null, out);
                }
            }
        }
        if (!copying) {
            held.endEvent();
        }
    }

    /** Row changes of a table not wanted: binlog ones count, as one event of their own. */
    private void onHiddenRows(int count) {
        int hidden = 0;
        for (int i = 0; i < count; i++) {
            if (rowsToDrop > 0) {
                rowsToDrop--;
            } else {
                hidden++;
            }
        }
        if (!copying) {
            held.addHidden(hidden);
        }
    }

    /** Hands the held binlog rows over, with the position of their transaction if known. */
    private void handOverHeldRows(String gtid, List<ChangeBatch> out) {
        if (held.isEmpty()) {
            return;
        }
        rowsSinceSafe += held.count();
        progressed = true;
        out.addAll(held.handOver(gtid, lastEventTimeMillis, catchUp, filter));
    }

    /** The one place that builds a row change. */
    private RowChangeEvent rowChange(
            String table,
            RowChangeEvent.Op op,
            List<ColumnDescription> fields,
            RowImage before,
            RowImage after,
            long commitTimeMillis,
            long transactionSeq) {
        return RowChangeEvent.ofImages(
                split.keyspace(),
                split.shard(),
                table,
                op,
                fields,
                before,
                after,
                commitTimeMillis,
                null,
                transactionSeq);
    }

    private void safePoint(List<ChangeBatch> out) {
        // Rows after the transaction's VGTID (vtgate sends none there).
        handOverHeldRows(pendingGtid == null ? null : pendingGtid.getGtid(), out);
        if (pendingGtid == null) {
            if (!buffer.isEmpty()) {
                throw new VitessException(
                        "Copy-phase rows of shard "
                                + split.splitId()
                                + " ended without a position (after "
                                + safePosition
                                + ")");
            }
            return;
        }
        ShardPosition position = positionAt(pendingGtid);
        pendingGtid = null;
        emitSafePoint(position, out);
        if (!copying) {
            stopIfReached(out);
        }
    }

    private void emitSafePoint(ShardPosition position, List<ChangeBatch> out) {
        if (rowsToDrop > 0) {
            throw new VitessException(
                    "Shard "
                            + split.splitId()
                            + " replayed a transaction with fewer row changes than were"
                            + " already emitted after position "
                            + safePosition
                            + "; the binlog differs from the one read before.");
        }
        // The buffer becomes the batch's list (rows are positioned in place).
        List<RowChangeEvent> rows = buffer;
        buffer = new ArrayList<>();
        int kept = 0;
        for (RowChangeEvent row : rows) {
            RowChangeEvent positioned = row.withPosition(position.gtid());
            if (catchUp != null) {
                if (filter != null) {
                    positioned = FilteredUpdates.rewrite(filter, positioned);
                }
                positioned = catchUp.apply(positioned);
            }
            if (positioned != null) {
                rows.set(kept++, positioned);
            }
        }
        if (kept < rows.size()) {
            rows.subList(kept, rows.size()).clear();
        }
        if (!rows.isEmpty() || !position.equals(safePosition)) {
            progressed = true;
        }
        safePosition = position;
        rowsSinceSafe = 0;
        transactionTimed = false;
        ChangeBatch batch = new ChangeBatch(rows, safePosition, lastEventTimeMillis);
        batch.catchUpDone = catchUpPassed;
        catchUpPassed = false;
        if (catchUp != null && !position.gtid().isEmpty() && catchUp.passedBy(position.gtid())) {
            LOG.info(
                    "{} passed the high watermarks of its incremental snapshot at {}",
                    split.splitId(),
                    position.gtid());
            catchUp = null;
            batch.catchUpDone = true;
            if (split.snapshotOnly() && !copying) {
                finished = true; // the snapshot is complete and consistent here
            }
        }
        out.add(batch);
    }

    /**
     * The position a VGTID entry stands for. While copying, the tables not yet fully copied are the
     * safe position's minus those that left {@code table_p_ks} since, and minus the table whose
     * copy began last if it is not in {@code table_p_ks}: an empty table never enters it.
     */
    private ShardPosition positionAt(Binlogdata.ShardGtid entry) {
        if (!copying) {
            return ShardPosition.of(entry.getGtid());
        }
        Set<String> inProgress = new HashSet<>();
        for (Binlogdata.TableLastPK pk : entry.getTablePKsList()) {
            inProgress.add(pk.getTableName());
        }
        Set<String> remaining = new LinkedHashSet<>(safePosition.remainingTables());
        for (Binlogdata.TableLastPK pk : safePosition.tablePKs()) {
            if (!inProgress.contains(pk.getTableName())) {
                remaining.remove(pk.getTableName());
            }
        }
        if (copyFieldTable != null && !inProgress.contains(copyFieldTable)) {
            remaining.remove(copyFieldTable);
        }
        return new ShardPosition(entry.getGtid(), entry.getTablePKsList(), remaining);
    }

    private void onCopyCompleted(List<ChangeBatch> out) {
        if (!copying) {
            return;
        }
        String gtid = pendingGtid != null ? pendingGtid.getGtid() : safePosition.gtid();
        pendingGtid = null;
        emitSafePoint(ShardPosition.of(gtid), out);
        copying = false;
        copyFieldTable = null;
        LOG.info("Copy phase of {} completed at {}", split.splitId(), gtid);
        if (split.snapshotOnly()) {
            // else the stream reads on until the catch-up is passed (see emitSafePoint)
            finished = catchUp == null;
            return;
        }
        bounds.snapshotEndedAt(gtid);
        stopIfReached(out);
    }

    private Binlogdata.ShardGtid ownEntry(Binlogdata.VGtid vgtid) {
        for (Binlogdata.ShardGtid shardGtid : vgtid.getShardGtidsList()) {
            if (shardGtid.getKeyspace().equals(split.keyspace())
                    && shardGtid.getShard().equals(split.shard())) {
                return shardGtid;
            }
        }
        return null;
    }

    private String tableName(String qualified) {
        return qualified.startsWith(tablePrefix)
                ? qualified.substring(tablePrefix.length())
                : qualified;
    }
}
