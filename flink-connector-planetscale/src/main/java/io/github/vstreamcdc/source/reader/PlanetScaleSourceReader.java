package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.event.CapturedTablesEvent;
import io.github.vstreamcdc.source.event.RestoredSplitsEvent;
import io.github.vstreamcdc.source.event.ShardFinishedAck;
import io.github.vstreamcdc.source.event.ShardFinishedEvent;
import io.github.vstreamcdc.source.split.ShardSplit;
import io.github.vstreamcdc.source.split.ShardSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Reads the shards assigned to one parallel instance of the source. */
@Internal
public final class PlanetScaleSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<ChangeBatch, T, ShardSplit, ShardSplitState> {

    private static final Logger LOG = LoggerFactory.getLogger(PlanetScaleSourceReader.class);

    /**
     * Splits that ended at a reshard journal or their stop, by id. Only the task thread uses it.
     */
    private final Map<String, FinishedSplit> finishedSplits = new LinkedHashMap<>();

    /** Splits to read that came from the restored state, i.e. before {@link #start()}. */
    private int restoredOpenSplits;

    private boolean started;

    /** Shared with the fetcher thread's split reader. */
    private final WantedTables wantedTables;

    /** A reader of the configured keyspace that deserializes with the given schema. */
    public static <T> PlanetScaleSourceReader<T> create(
            PlanetScaleSourceConfig config,
            VStreamDeserializationSchema<T> deserializer,
            SourceReaderContext context) {
        ShardReaderMetrics metrics = new ShardReaderMetrics(context.metricGroup());
        WantedTables wantedTables = new WantedTables();
        return new PlanetScaleSourceReader<>(
                () -> new VStreamSplitReader(config, metrics, wantedTables),
                new PlanetScaleRecordEmitter<>(deserializer, config.watermarkHeartbeatDelay()),
                new Configuration(),
                context,
                wantedTables);
    }

    PlanetScaleSourceReader(
            Supplier<SplitReader<ChangeBatch, ShardSplit>> splitReaderSupplier,
            RecordEmitter<ChangeBatch, T, ShardSplitState> recordEmitter,
            Configuration config,
            SourceReaderContext context) {
        this(splitReaderSupplier, recordEmitter, config, context, new WantedTables());
    }

    private PlanetScaleSourceReader(
            Supplier<SplitReader<ChangeBatch, ShardSplit>> splitReaderSupplier,
            RecordEmitter<ChangeBatch, T, ShardSplitState> recordEmitter,
            Configuration config,
            SourceReaderContext context,
            WantedTables wantedTables) {
        super(splitReaderSupplier, recordEmitter, config, context);
        this.wantedTables = wantedTables;
    }

    @Override
    public void start() {
        super.start();
        started = true;
        // The enumerator balances new shards by the splits each reader holds; after a restore it
        // waits for every reader's report, also of none.
        context.sendSourceEventToCoordinator(new RestoredSplitsEvent(restoredOpenSplits));
        // Restored splits that had ended at a journal or their stop: the enumerator may not have
        // seen the report before the failure, and the shards replacing them (or the end of a
        // bounded job) wait for it.
        for (FinishedSplit finished : finishedSplits.values()) {
            announce(finished.split);
        }
    }

    @Override
    public void addSplits(List<ShardSplit> splits) {
        List<ShardSplit> toRead = new ArrayList<>();
        for (ShardSplit split : splits) {
            if (split.isFinished()) {
                finishedSplits.put(split.splitId(), new FinishedSplit(split));
            } else {
                toRead.add(split);
            }
        }
        for (ShardSplit split : toRead) {
            // A merge back reuses a shard name: the enumerator assigns the new shard only after it
            // acted on the old one's report, so that report need not be kept any longer.
            finishedSplits.remove(split.splitId());
        }
        if (!toRead.isEmpty()) {
            if (!started) {
                restoredOpenSplits += toRead.size();
            }
            super.addSplits(toRead);
        }
    }

    @Override
    protected void onSplitFinished(Map<String, ShardSplitState> finishedSplitIds) {
        // Snapshot splits just end; splits that ended at a reshard journal or at their stop are
        // reported, and kept in the checkpoints until the enumerator acknowledges them.
        for (ShardSplitState state : finishedSplitIds.values()) {
            if (state.finishedAt() != null || state.stopped()) {
                ShardSplit split = state.toSplit();
                finishedSplits.put(split.splitId(), new FinishedSplit(split));
                announce(split);
            }
        }
    }

    private void announce(ShardSplit split) {
        if (split.chunk() == null) {
            LOG.info("Reporting {} to the enumerator", split);
        } else {
            LOG.debug("Reporting {} to the enumerator", split);
        }
        context.sendSourceEventToCoordinator(
                new ShardFinishedEvent(
                        split.splitId(),
                        split.finishedAt(),
                        split.chunk() == null ? null : split.position().gtid(),
                        split.finishedAt() == null ? Collections.emptyMap() : split.schemas(),
                        split.finishedAt() == null ? Collections.emptySet() : split.tables(),
                        split.finishedAt() == null ? null : split.position()));
    }

    @Override
    public List<ShardSplit> snapshotState(long checkpointId) {
        List<ShardSplit> state = new ArrayList<>(super.snapshotState(checkpointId));
        for (FinishedSplit finished : finishedSplits.values()) {
            state.add(finished.split);
        }
        return state;
    }

    /**
     * The enumerator acknowledges a finished split once a completed checkpoint holds its report;
     * until then the split stays in this reader's checkpoints, so that a restore re-sends the
     * report (the enumerator ignores repeats).
     */
    @Override
    public void handleSourceEvents(SourceEvent event) {
        if (event instanceof CapturedTablesEvent) {
            LOG.info("The source reads tables {}", ((CapturedTablesEvent) event).tables());
            wantedTables.set(((CapturedTablesEvent) event).tables());
            return;
        }
        if (event instanceof ShardFinishedAck) {
            ShardFinishedAck ack = (ShardFinishedAck) event;
            FinishedSplit finished = finishedSplits.get(ack.splitId());
            if (finished != null
                    && ShardFinishedEvent.journalKey(finished.split.finishedAt())
                            .equals(ack.journalKey())) {
                finishedSplits.remove(ack.splitId());
            }
            return;
        }
        super.handleSourceEvents(event);
    }

    /**
     * A split that ended at a reshard journal or its stop, until the enumerator acknowledged it.
     */
    private static final class FinishedSplit {
        final ShardSplit split;

        FinishedSplit(ShardSplit split) {
            this.split = split;
        }
    }

    @Override
    protected ShardSplitState initializedState(ShardSplit split) {
        return new ShardSplitState(split);
    }

    @Override
    protected ShardSplit toSplitType(String splitId, ShardSplitState state) {
        return state.toSplit();
    }
}
