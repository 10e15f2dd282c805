package io.github.vstreamcdc.source.config;

import io.github.vstreamcdc.source.client.GtidSet;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_BOUNDED_MODE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_BOUNDED_SPECIFIC_OFFSET;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_BOUNDED_TIMESTAMP_MILLIS;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_STARTUP_MODE;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_STARTUP_SPECIFIC_OFFSET;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SCAN_STARTUP_TIMESTAMP_MILLIS;
import static io.github.vstreamcdc.source.config.PlanetScaleSourceOptions.SHARDS;

/**
 * Where a new job starts and where each shard stops: the {@code scan.startup.*} and {@code
 * scan.bounded.*} options, checked together (a stop before the start, a start in the future, a
 * value without its mode or a mode without its value are all problems).
 */
@Internal
public final class ReadRange implements Serializable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadRange.class);

    private static final long serialVersionUID = 1L;

    private static final String EPOCH_MILLIS = "milliseconds since 1970-01-01 UTC";

    private final StartupMode startupMode;
    private final Map<String, String> startOffsets;
    @Nullable private final Long startTimestampMillis;
    private final BoundedMode boundedMode;
    private final Map<String, String> stopOffsets;
    @Nullable private final Long stopTimestampMillis;

    private ReadRange(
            StartupMode startupMode,
            Map<String, String> startOffsets,
            @Nullable Long startTimestampMillis,
            BoundedMode boundedMode,
            Map<String, String> stopOffsets,
            @Nullable Long stopTimestampMillis) {
        this.startupMode = startupMode;
        this.startOffsets = startOffsets;
        this.startTimestampMillis = startTimestampMillis;
        this.boundedMode = boundedMode;
        this.stopOffsets = stopOffsets;
        this.stopTimestampMillis = stopTimestampMillis;
    }

    /** Reads and checks the options; problems go to the reader. */
    static ReadRange read(
            OptionReader reader, String keyspace, List<String> shards, long nowMillis) {
        StartupMode startup = reader.enumValue(SCAN_STARTUP_MODE, StartupMode.class);
        String startJson = reader.text(SCAN_STARTUP_SPECIFIC_OFFSET);
        Map<String, String> startOffsets = Collections.emptyMap();
        if (valueFitsMode(
                reader,
                SCAN_STARTUP_SPECIFIC_OFFSET.key(),
                startJson != null,
                SCAN_STARTUP_MODE.key(),
                startup == null ? null : startup.value(),
                startup == StartupMode.SPECIFIC_OFFSET,
                StartupMode.SPECIFIC_OFFSET.value(),
                "Give each shard's GTID position as " + SpecificOffsets.SHAPE)) {
            startOffsets = SpecificOffsets.parse(startJson, keyspace, reader);
            checkShardsRead(reader, SCAN_STARTUP_SPECIFIC_OFFSET.key(), startOffsets, shards);
        }
        Long startMillis = reader.wholeNumber(SCAN_STARTUP_TIMESTAMP_MILLIS, EPOCH_MILLIS);
        if (!valueFitsMode(
                reader,
                SCAN_STARTUP_TIMESTAMP_MILLIS.key(),
                reader.isSet(SCAN_STARTUP_TIMESTAMP_MILLIS),
                SCAN_STARTUP_MODE.key(),
                startup == null ? null : startup.value(),
                startup == StartupMode.TIMESTAMP,
                StartupMode.TIMESTAMP.value(),
                "Give the time to start from in " + EPOCH_MILLIS)) {
            startMillis = null;
        } else if (startMillis != null
                && checkTime(reader, SCAN_STARTUP_TIMESTAMP_MILLIS.key(), startMillis)
                && startMillis > nowMillis) {
            reader.problem(
                    "Option '%s' = %d (%s) is in the future (now is %s): there are no changes"
                            + " to start from yet",
                    SCAN_STARTUP_TIMESTAMP_MILLIS.key(),
                    startMillis,
                    Instant.ofEpochMilli(startMillis),
                    Instant.ofEpochMilli(nowMillis));
        }

        BoundedMode bounded = reader.enumValue(SCAN_BOUNDED_MODE, BoundedMode.class);
        if (bounded != null
                && bounded != BoundedMode.UNBOUNDED
                && startup == StartupMode.SNAPSHOT) {
            reader.problem(
                    "Option '%s' = '%s' cannot be combined with '%s' = 'snapshot', which ends"
                            + " after the snapshot by itself; use 'initial' for a snapshot followed"
                            + " by the changes up to the stop",
                    SCAN_BOUNDED_MODE.key(), bounded.value(), SCAN_STARTUP_MODE.key());
        }
        String stopJson = reader.text(SCAN_BOUNDED_SPECIFIC_OFFSET);
        Map<String, String> stopOffsets = Collections.emptyMap();
        if (valueFitsMode(
                reader,
                SCAN_BOUNDED_SPECIFIC_OFFSET.key(),
                stopJson != null,
                SCAN_BOUNDED_MODE.key(),
                bounded == null ? null : bounded.value(),
                bounded == BoundedMode.SPECIFIC_OFFSET,
                BoundedMode.SPECIFIC_OFFSET.value(),
                "Give each shard's GTID position to stop at as " + SpecificOffsets.FLAT_SHAPE)) {
            stopOffsets =
                    SpecificOffsets.parseFlat(stopJson, SCAN_BOUNDED_SPECIFIC_OFFSET.key(), reader);
            checkShardsRead(reader, SCAN_BOUNDED_SPECIFIC_OFFSET.key(), stopOffsets, shards);
            checkStopsAfterStarts(reader, startOffsets, stopOffsets);
        }
        Long stopMillis = reader.wholeNumber(SCAN_BOUNDED_TIMESTAMP_MILLIS, EPOCH_MILLIS);
        if (!valueFitsMode(
                reader,
                SCAN_BOUNDED_TIMESTAMP_MILLIS.key(),
                reader.isSet(SCAN_BOUNDED_TIMESTAMP_MILLIS),
                SCAN_BOUNDED_MODE.key(),
                bounded == null ? null : bounded.value(),
                bounded == BoundedMode.TIMESTAMP,
                BoundedMode.TIMESTAMP.value(),
                "Give the time to stop at in " + EPOCH_MILLIS)) {
            stopMillis = null;
        } else if (stopMillis != null
                && checkTime(reader, SCAN_BOUNDED_TIMESTAMP_MILLIS.key(), stopMillis)) {
            checkStopTimeAfterStart(reader, startup, startMillis, stopMillis, nowMillis);
        }
        return new ReadRange(
                startup,
                Collections.unmodifiableMap(startOffsets),
                startMillis,
                bounded,
                Collections.unmodifiableMap(stopOffsets),
                stopMillis);
    }

    /**
     * A value option belongs to one mode of its mode option: set without that mode, or that mode
     * without it, is a problem.
     *
     * @return whether the value is set and its mode chosen, i.e. the value is to be read
     */
    private static boolean valueFitsMode(
            OptionReader reader,
            String valueKey,
            boolean valueSet,
            String modeKey,
            @Nullable String mode,
            boolean modeChosen,
            String modeValue,
            String hint) {
        if (!modeChosen) {
            if (valueSet && mode != null) {
                reader.problem(
                        "Option '%s' is set, but option '%s' is '%s'; set '%s' = '%s' to use it",
                        valueKey, modeKey, mode, modeKey, modeValue);
            }
            return false;
        }
        if (!valueSet) {
            reader.problem(
                    "Option '%s' is '%s', but option '%s' is not set. %s",
                    modeKey, modeValue, valueKey, hint);
            return false;
        }
        return true;
    }

    private static boolean checkTime(OptionReader reader, String key, long millis) {
        if (millis < 0) {
            reader.problem("Option '%s' is %d; expected %s", key, millis, EPOCH_MILLIS);
            return false;
        }
        return true;
    }

    private static void checkShardsRead(
            OptionReader reader, String key, Map<String, String> offsets, List<String> shards) {
        for (String shard : offsets.keySet()) {
            if (!shards.isEmpty() && !shards.contains(shard)) {
                reader.problem(
                        "Option '%s' gives a position for shard '%s', which option '%s' = '%s'"
                                + " does not read",
                        key, shard, SHARDS.key(), String.join(",", shards));
            }
        }
    }

    private static void checkStopsAfterStarts(
            OptionReader reader, Map<String, String> starts, Map<String, String> stops) {
        for (Map.Entry<String, String> stop : stops.entrySet()) {
            String start = starts.get(stop.getKey());
            if (start != null && GtidSet.isBefore(stop.getValue(), start)) {
                reader.problem(
                        "Option '%s': the stop position of shard '%s' ('%s') is before its start"
                                + " position in '%s' ('%s')",
                        SCAN_BOUNDED_SPECIFIC_OFFSET.key(),
                        stop.getKey(),
                        stop.getValue(),
                        SCAN_STARTUP_SPECIFIC_OFFSET.key(),
                        start);
            }
        }
    }

    private static void checkStopTimeAfterStart(
            OptionReader reader,
            StartupMode startup,
            @Nullable Long startMillis,
            long stopMillis,
            long nowMillis) {
        String stop =
                String.format(
                        "Option '%s' = %d (%s)",
                        SCAN_BOUNDED_TIMESTAMP_MILLIS.key(),
                        stopMillis,
                        Instant.ofEpochMilli(stopMillis));
        if (startup == StartupMode.TIMESTAMP && startMillis != null && stopMillis < startMillis) {
            reader.problem(
                    "%s is before '%s' = %d (%s): the stop is before the start",
                    stop,
                    SCAN_STARTUP_TIMESTAMP_MILLIS.key(),
                    startMillis,
                    Instant.ofEpochMilli(startMillis));
        } else if ((startup == StartupMode.LATEST_OFFSET || startup == StartupMode.INITIAL)
                && stopMillis < nowMillis) {
            // Not refused: a job restored from a savepoint is planned again, and resumes from its
            // state, not from its startup mode; a new job would read nothing of the binlog.
            LOG.warn(
                    "{} is before now ({}): a new job with '{}' = '{}' reads no binlog change"
                            + " (a job restored from a checkpoint or savepoint resumes where it"
                            + " was)",
                    stop,
                    Instant.ofEpochMilli(nowMillis),
                    SCAN_STARTUP_MODE.key(),
                    startup.value());
        }
    }

    public StartupMode startupMode() {
        return startupMode;
    }

    /** Shard to GTID position, for {@link StartupMode#SPECIFIC_OFFSET}; empty otherwise. */
    public Map<String, String> startOffsets() {
        return startOffsets;
    }

    /** For {@link StartupMode#TIMESTAMP}: the time to start from; null otherwise. */
    @Nullable
    public Long startTimestampMillis() {
        return startTimestampMillis;
    }

    public BoundedMode boundedMode() {
        return boundedMode;
    }

    /**
     * Whether the shards stop by themselves: a snapshot, or a {@code scan.bounded.mode} (not one
     * whose value was wrong, which is told as such).
     */
    public boolean isBounded() {
        return startupMode == StartupMode.SNAPSHOT
                || (boundedMode != null && boundedMode != BoundedMode.UNBOUNDED);
    }

    /** Shard to GTID stop position, for bounded {@link BoundedMode#SPECIFIC_OFFSET}. */
    public Map<String, String> stopOffsets() {
        return stopOffsets;
    }

    /** For bounded {@link BoundedMode#TIMESTAMP}: the time to stop at; null otherwise. */
    @Nullable
    public Long stopTimestampMillis() {
        return stopTimestampMillis;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("startup=").append(startupMode.value());
        if (!startOffsets.isEmpty()) {
            sb.append(", offsets=").append(startOffsets);
        }
        if (startTimestampMillis != null) {
            sb.append(", from=").append(Instant.ofEpochMilli(startTimestampMillis));
        }
        if (boundedMode != BoundedMode.UNBOUNDED) {
            sb.append(", bounded=").append(boundedMode.value());
        }
        if (!stopOffsets.isEmpty()) {
            sb.append(", stops=").append(stopOffsets);
        }
        if (stopTimestampMillis != null) {
            sb.append(", until=").append(Instant.ofEpochMilli(stopTimestampMillis));
        }
        return sb.toString();
    }
}
