package io.github.vstreamcdc.source.config;

import io.github.vstreamcdc.source.PlanetScaleSource;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The startup and bounded options, checked together: each mistake named. */
class ReadRangeTest {

    private static final String A = "MySQL56/6e2c0f4a-8a1e-11ee-b9d1-0242ac120002:1-";

    /** 2023-11-14T22:13:20Z: in the past. */
    private static final long PAST = 1_700_000_000_000L;

    /** The year 2500. */
    private static final long FUTURE = 16_725_225_600_000L;

    private static PlanetScaleSourceConfig config(String... keyValues) {
        Map<String, String> all = new HashMap<>();
        all.put("hostname", "vtgate.example");
        all.put("keyspace", "customer");
        all.put("table-name", "orders");
        for (int i = 0; i < keyValues.length; i += 2) {
            all.put(keyValues[i], keyValues[i + 1]);
        }
        return PlanetScaleSourceConfig.from(Configuration.fromMap(all));
    }

    @Test
    void unboundedByDefault() {
        ReadRange range = config().readRange();
        assertThat(range.startupMode()).isEqualTo(StartupMode.INITIAL);
        assertThat(range.boundedMode()).isEqualTo(BoundedMode.UNBOUNDED);
        assertThat(range.isBounded()).isFalse();
        assertThat(range.startTimestampMillis()).isNull();
        assertThat(range.stopTimestampMillis()).isNull();
    }

    @Test
    void everyStartupAndBoundedModeParses() {
        ReadRange range =
                config(
                                "scan.startup.mode",
                                "timestamp",
                                "scan.startup.timestamp-millis",
                                Long.toString(PAST),
                                "scan.bounded.mode",
                                "timestamp",
                                "scan.bounded.timestamp-millis",
                                Long.toString(PAST + 1000))
                        .readRange();
        assertThat(range.startupMode()).isEqualTo(StartupMode.TIMESTAMP);
        assertThat(range.startTimestampMillis()).isEqualTo(PAST);
        assertThat(range.stopTimestampMillis()).isEqualTo(PAST + 1000);
        assertThat(range.isBounded()).isTrue();
        assertThat(config("scan.startup.mode", "earliest-offset").startupMode())
                .isEqualTo(StartupMode.EARLIEST_OFFSET);
        ReadRange stops =
                config(
                                "scan.bounded.mode",
                                "specific-offset",
                                "scan.bounded.specific-offset",
                                "{\"-80\": \"" + A + "5\", \"80-\": \"" + A + "7\"}")
                        .readRange();
        assertThat(stops.stopOffsets()).containsEntry("-80", A + "5").containsEntry("80-", A + "7");
        assertThat(config("scan.bounded.mode", "latest-offset").readRange().isBounded()).isTrue();
    }

    @Test
    void theBuilderSetsTheSameOptions() {
        PlanetScaleSource<String> source =
                PlanetScaleSource.<String>builder()
                        .hostname("h")
                        .keyspace("customer")
                        .tableName("t")
                        .startupTimestampMillis(PAST)
                        .boundedSpecificOffsets(Collections.singletonMap("-80", A + "9"))
                        .deserializer(
                                new io.github.vstreamcdc.source.reader.deserializer
                                        .JsonDeserializationSchema())
                        .build();
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
        PlanetScaleSourceConfig c =
                PlanetScaleSource.<String>builder()
                        .hostname("h")
                        .keyspace("customer")
                        .tableName("t")
                        .startupTimestampMillis(PAST)
                        .boundedTimestampMillis(PAST + 5000)
                        .buildConfig();
        assertThat(c.readRange().boundedMode()).isEqualTo(BoundedMode.TIMESTAMP);
        assertThat(c.readRange().stopTimestampMillis()).isEqualTo(PAST + 5000);
        assertThat(c.startupMode()).isEqualTo(StartupMode.TIMESTAMP);
        assertThat(
                        PlanetScaleSource.<String>builder()
                                .hostname("h")
                                .keyspace("customer")
                                .tableName("t")
                                .boundedMode(BoundedMode.LATEST_OFFSET)
                                .buildConfig()
                                .readRange()
                                .boundedMode())
                .isEqualTo(BoundedMode.LATEST_OFFSET);
    }

    @Test
    void aModeWithoutItsValueOrAValueWithoutItsMode() {
        assertThatThrownBy(() -> config("scan.startup.mode", "timestamp"))
                .hasMessageContaining(
                        "Option 'scan.startup.mode' is 'timestamp', but option"
                                + " 'scan.startup.timestamp-millis' is not set");
        assertThatThrownBy(() -> config("scan.startup.timestamp-millis", "5"))
                .hasMessageContaining(
                        "Option 'scan.startup.timestamp-millis' is set, but option"
                                + " 'scan.startup.mode' is 'initial'");
        assertThatThrownBy(() -> config("scan.bounded.mode", "specific-offset"))
                .hasMessageContaining(
                        "Option 'scan.bounded.mode' is 'specific-offset', but option"
                                + " 'scan.bounded.specific-offset' is not set")
                .hasMessageContaining("{\"<shard>\": \"MySQL56/<uuid>:1-42\"}");
        assertThatThrownBy(() -> config("scan.bounded.timestamp-millis", "5"))
                .hasMessageContaining(
                        "Option 'scan.bounded.timestamp-millis' is set, but option"
                                + " 'scan.bounded.mode' is 'unbounded'");
        assertThatThrownBy(() -> config("scan.bounded.mode", "forever"))
                .hasMessageContaining(
                        "Invalid value for option 'scan.bounded.mode': 'forever'. Allowed values:"
                                + " unbounded, latest-offset, specific-offset, timestamp");
    }

    @Test
    void badTimes() {
        assertThatThrownBy(
                        () ->
                                config(
                                        "scan.startup.mode", "timestamp",
                                        "scan.startup.timestamp-millis", "yesterday"))
                .hasMessageContaining(
                        "Option 'scan.startup.timestamp-millis' = 'yesterday' is not milliseconds"
                                + " since 1970-01-01 UTC");
        assertThatThrownBy(
                        () ->
                                config(
                                        "scan.startup.mode", "timestamp",
                                        "scan.startup.timestamp-millis", "-1"))
                .hasMessageContaining("Option 'scan.startup.timestamp-millis' is -1");
        assertThatThrownBy(
                        () ->
                                config(
                                        "scan.startup.mode",
                                        "timestamp",
                                        "scan.startup.timestamp-millis",
                                        Long.toString(FUTURE)))
                .hasMessageContaining(
                        "Option 'scan.startup.timestamp-millis' = 16725225600000"
                                + " (2500-01-01T00:00:00Z) is in the future");
        // A stop in the future is what a bounded job waits for.
        assertThat(
                        config(
                                        "scan.bounded.mode",
                                        "timestamp",
                                        "scan.bounded.timestamp-millis",
                                        Long.toString(FUTURE))
                                .readRange()
                                .stopTimestampMillis())
                .isEqualTo(FUTURE);
    }

    @Test
    void aStopBeforeTheStartIsNamed() {
        assertThatThrownBy(
                        () ->
                                config(
                                        "scan.startup.mode",
                                        "timestamp",
                                        "scan.startup.timestamp-millis",
                                        Long.toString(PAST),
                                        "scan.bounded.mode",
                                        "timestamp",
                                        "scan.bounded.timestamp-millis",
                                        Long.toString(PAST - 1)))
                .hasMessageContaining(
                        "Option 'scan.bounded.timestamp-millis' = 1699999999999"
                                + " (2023-11-14T22:13:19.999Z) is before"
                                + " 'scan.startup.timestamp-millis' = 1700000000000"
                                + " (2023-11-14T22:13:20Z): the stop is before the start");
        // Only a warning: a job restored from a savepoint is planned again with the same options.
        assertThat(
                        config(
                                        "scan.startup.mode", "latest-offset",
                                        "scan.bounded.mode", "timestamp",
                                        "scan.bounded.timestamp-millis", Long.toString(PAST))
                                .readRange()
                                .stopTimestampMillis())
                .isEqualTo(PAST);
        assertThatThrownBy(
                        () ->
                                config(
                                        "scan.startup.mode",
                                        "specific-offset",
                                        "scan.startup.specific-offset",
                                        "{\"customer\": {\"-80\": \"" + A + "9\"}}",
                                        "scan.bounded.mode",
                                        "specific-offset",
                                        "scan.bounded.specific-offset",
                                        "{\"-80\": \"" + A + "5\"}"))
                .hasMessageContaining(
                        "Option 'scan.bounded.specific-offset': the stop position of shard '-80'"
                                + " ('"
                                + A
                                + "5') is before its start position in"
                                + " 'scan.startup.specific-offset' ('"
                                + A
                                + "9')");
        // The same position: nothing to read, which is no mistake.
        assertThat(
                        config(
                                        "scan.startup.mode",
                                        "specific-offset",
                                        "scan.startup.specific-offset",
                                        "{\"customer\": {\"-80\": \"" + A + "9\"}}",
                                        "scan.bounded.mode",
                                        "specific-offset",
                                        "scan.bounded.specific-offset",
                                        "{\"-80\": \"" + A + "9\"}")
                                .readRange()
                                .stopOffsets())
                .hasSize(1);
    }

    @Test
    void malformedStopPositions() {
        assertThatThrownBy(
                        () ->
                                config(
                                        "scan.bounded.mode", "specific-offset",
                                        "scan.bounded.specific-offset", "{\"-80\": "))
                .hasMessageContaining("Option 'scan.bounded.specific-offset' is not valid JSON");
        assertThatThrownBy(
                        () ->
                                config(
                                        "scan.bounded.mode", "specific-offset",
                                        "scan.bounded.specific-offset",
                                                "{\"-80\": \"MySQL56/not-a-uuid:1-5\"}"))
                .hasMessageContaining(
                        "Option 'scan.bounded.specific-offset': the position of shard '-80' is"
                                + " \"MySQL56/not-a-uuid:1-5\"; expected a MySQL GTID position");
        assertThatThrownBy(
                        () ->
                                config(
                                        "shards", "-80",
                                        "scan.bounded.mode", "specific-offset",
                                        "scan.bounded.specific-offset",
                                                "{\"80-\": \"" + A + "5\"}"))
                .hasMessageContaining(
                        "Option 'scan.bounded.specific-offset' gives a position for shard '80-',"
                                + " which option 'shards' = '-80' does not read");
    }

    @Test
    void aSnapshotIsBoundedByItself() {
        assertThatThrownBy(
                        () ->
                                config(
                                        "scan.startup.mode", "snapshot",
                                        "scan.bounded.mode", "latest-offset"))
                .hasMessageContaining(
                        "Option 'scan.bounded.mode' = 'latest-offset' cannot be combined with"
                                + " 'scan.startup.mode' = 'snapshot'");
        assertThat(config("scan.startup.mode", "snapshot").readRange().isBounded()).isTrue();
    }
}
