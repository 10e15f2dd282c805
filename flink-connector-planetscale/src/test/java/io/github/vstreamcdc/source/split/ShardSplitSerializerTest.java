package io.github.vstreamcdc.source.split;

import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardSplitSerializerTest {

    private static final String GTID = "MySQL56/6e2c0f4a-8a1e-11ee-b9d1-0242ac120002:1-42";

    /** A bounded split as version 3 writes it: pinned, so that later versions keep reading it. */
    private static final String V3_BOUNDED =
            "AAhjdXN0b21lcgADLTgwADFNeVNRTDU2LzZlMmMwZjRhLThhMWUtMTFlZS1iOWQxLTAyNDJhYzEyMDAw"
                    + "MjoxLTQyAAAAAAAAAAAAAAAAAAAAAgAAAAAAAAAAAYvP5WgAAQAxTXlTUUw1Ni82ZTJjMGY0YS04YTFl"
                    + "LTExZWUtYjlkMS0wMjQyYWMxMjAwMDI6MS00MgAAAAGjGFxQAAE=";

    static ShardSplit copyingSplit() {
        Binlogdata.TableLastPK lastPk = LastKeys.of("orders", 123);
        ShardPosition position =
                new ShardPosition(
                        "MySQL56/6e2c0f4a-8a1e-11ee-b9d1-0242ac120002:1-42",
                        Collections.singletonList(lastPk),
                        new LinkedHashSet<>(Arrays.asList("orders", "products")));
        return new ShardSplit("customer", "-80", position, 7, false, Arrays.asList("customer/-"));
    }

    @Test
    void roundTripsEveryField() throws Exception {
        ShardSplit split = copyingSplit();
        byte[] bytes = ShardSplitSerializer.INSTANCE.serialize(split);
        ShardSplit back =
                ShardSplitSerializer.INSTANCE.deserialize(
                        ShardSplitSerializer.INSTANCE.getVersion(), bytes);
        assertThat(back).isEqualTo(split);
        assertThat(back.position().tablePKs().get(0).getLastpk().getFields(0).getName())
                .isEqualTo("id");
        assertThat(back.splitId()).isEqualTo("customer/-80");
    }

    @Test
    void roundTripsKnownSchemasWithTheirPendingDdl() throws Exception {
        Query.Field id =
                Query.Field.newBuilder()
                        .setName("id")
                        .setType(Query.Type.INT64)
                        .setColumnType("bigint")
                        .setFlags(1 | 2 | 32) // NOT NULL, PRI_KEY, UNSIGNED
                        .setTable("orders")
                        .build();
        Map<String, KnownTableSchema> schemas = new TreeMap<>();
        schemas.put("orders", KnownTableSchema.of(Collections.singletonList(id)));
        schemas.put(
                "products",
                KnownTableSchema.of(Collections.singletonList(id))
                        .withDdl("ALTER TABLE products ADD COLUMN note text /* ünïcode */"));
        schemas.put("new_t", KnownTableSchema.UNKNOWN.withDdl("CREATE TABLE new_t (id int)"));
        ShardSplit split = copyingSplit().withSchemas(schemas);
        ShardSplit back =
                ShardSplitSerializer.INSTANCE.deserialize(
                        ShardSplitSerializer.INSTANCE.getVersion(),
                        ShardSplitSerializer.INSTANCE.serialize(split));
        assertThat(back).isEqualTo(split);
        assertThat(back.schemas().get("products").pendingDdl()).contains("ünïcode");
        assertThat(back.schemas().get("new_t").fields()).isNull();
        // Only what decides how values are read is kept: not the PRI_KEY flag or the table.
        assertThat(back.schemas().get("orders").fields().get(0).getFlags()).isEqualTo(1 | 32);
        assertThat(back.schemas().get("orders").sameColumns(Collections.singletonList(id)))
                .isTrue();
    }

    @Test
    void roundTripsStreamingAndSnapshotSplits() throws Exception {
        ShardSplit streaming =
                new ShardSplit(
                        "commerce",
                        "0",
                        ShardPosition.of("MySQL56/abc:1-5"),
                        0,
                        false,
                        Collections.emptyList());
        ShardSplit snapshot =
                new ShardSplit(
                        "commerce",
                        "0",
                        ShardPosition.copyPhase(),
                        0,
                        true,
                        Collections.emptyList());
        for (ShardSplit split : Arrays.asList(streaming, snapshot)) {
            assertThat(
                            ShardSplitSerializer.INSTANCE.deserialize(
                                    ShardSplitSerializer.INSTANCE.getVersion(),
                                    ShardSplitSerializer.INSTANCE.serialize(split)))
                    .isEqualTo(split);
        }
        assertThat(snapshot.position().isCopying()).isTrue();
        assertThat(streaming.position().isCopying()).isFalse();
    }

    /** Version 1 bytes as the first release wrote them: they must stay readable. */
    @Test
    void readsVersion1Bytes() throws Exception {
        String v1 =
                "AAhjdXN0b21lcgADLTgwADFNeVNRTDU2LzZlMmMwZjRhLThhMWUtMTFlZS1iOWQxLTAyNDJhYzEyMDAw"
                        + "MjoxLTQyAAAAAQAAAB0KBm9yZGVycxoTCgcKAmlkEIkCIggKAQYSAzEyMwAAAAIABm9yZGVycwAIcHJv"
                        + "ZHVjdHMAAAAAAAAABwAAAAABAApjdXN0b21lci8t";
        ShardSplit back =
                ShardSplitSerializer.INSTANCE.deserialize(1, Base64.getDecoder().decode(v1));
        assertThat(back).isEqualTo(copyingSplit());
    }

    @Test
    void roundTripsAFinishedSplitWithItsJournal() throws Exception {
        Binlogdata.Journal journal =
                Binlogdata.Journal.newBuilder()
                        .setId(42)
                        .setMigrationType(Binlogdata.MigrationType.SHARDS)
                        .addParticipants(
                                Binlogdata.KeyspaceShard.newBuilder()
                                        .setKeyspace("customer")
                                        .setShard("-80"))
                        .addShardGtids(
                                Binlogdata.ShardGtid.newBuilder()
                                        .setKeyspace("customer")
                                        .setShard("-40")
                                        .setGtid("MySQL56/u:1-9"))
                        .build();
        ShardSplit finished = copyingSplit().finishedAt(journal);
        ShardSplit back =
                ShardSplitSerializer.INSTANCE.deserialize(
                        ShardSplitSerializer.INSTANCE.getVersion(),
                        ShardSplitSerializer.INSTANCE.serialize(finished));
        assertThat(back).isEqualTo(finished);
        assertThat(back.finishedAt().getId()).isEqualTo(42);
        assertThat(ShardSplitSerializer.INSTANCE.getVersion()).isEqualTo(6);
    }

    /** Version 2 bytes (a split finished at a journal) as the release before bounds wrote them. */
    @Test
    void readsVersion2Bytes() throws Exception {
        String v2 =
                "AAhjdXN0b21lcgADLTgwADFNeVNRTDU2LzZlMmMwZjRhLThhMWUtMTFlZS1iOWQxLTAyNDJhYzEyMDAw"
                        + "MjoxLTQyAAAAAAAAAAAAAAAAAAAABwAAAAABAApjdXN0b21lci8tAQAAADUIKhABKh4KCGN1c3Rv"
                        + "bWVyEgMtNDAaDU15U1FMNTYvdToxLTkyDwoIY3VzdG9tZXISAy04MA==";
        ShardSplit back =
                ShardSplitSerializer.INSTANCE.deserialize(2, Base64.getDecoder().decode(v2));
        assertThat(back.finishedAt().getId()).isEqualTo(42);
        assertThat(back.position()).isEqualTo(ShardPosition.of(GTID));
        assertThat(back.rowsToSkip()).isEqualTo(7);
        assertThat(back.parentShards()).containsExactly("customer/-");
        assertThat(back.bounds()).isEqualTo(SplitBounds.NONE);
        assertThat(back.stopped()).isFalse();
    }

    /** Version 3 bytes of a bounded split: start time, stop position and time, stop flag. */
    @Test
    void readsVersion3Bytes() throws Exception {
        ShardSplit bounded =
                new ShardSplit(
                        "customer",
                        "-80",
                        ShardPosition.of(GTID),
                        2,
                        false,
                        Collections.emptyList(),
                        null,
                        new SplitBounds(1_700_000_000_000L, GTID, false, 1_800_000_000_000L),
                        true);
        assertThat(
                        ShardSplitSerializer.INSTANCE.deserialize(
                                3, Base64.getDecoder().decode(V3_BOUNDED)))
                .isEqualTo(bounded);
    }

    @Test
    void roundTripsEveryKindOfBounds() throws Exception {
        SplitBounds[] all = {
            SplitBounds.NONE,
            new SplitBounds(5_000, null, false, SplitBounds.NO_TIME),
            new SplitBounds(SplitBounds.NO_TIME, null, true, SplitBounds.NO_TIME),
            new SplitBounds(SplitBounds.NO_TIME, GTID, false, 0),
            new SplitBounds(0, null, false, 9_000)
        };
        for (SplitBounds bounds : all) {
            for (boolean stopped : new boolean[] {false, true}) {
                ShardSplit split = copyingSplit().withBounds(bounds);
                split = stopped ? split.stoppedHere() : split;
                assertThat(
                                ShardSplitSerializer.INSTANCE.deserialize(
                                        ShardSplitSerializer.INSTANCE.getVersion(),
                                        ShardSplitSerializer.INSTANCE.serialize(split)))
                        .isEqualTo(split);
            }
        }
    }

    /** Version 4: the tables the split's stream reads; older splits read none by name. */
    @Test
    void roundTripsTheTablesRead() throws Exception {
        ShardSplit split =
                copyingSplit().withTables(new LinkedHashSet<>(Arrays.asList("orders", "items")));
        ShardSplit back =
                ShardSplitSerializer.INSTANCE.deserialize(
                        4, ShardSplitSerializer.INSTANCE.serialize(split));
        assertThat(back).isEqualTo(split);
        assertThat(back.tables()).containsExactly("items", "orders");
        assertThat(
                        ShardSplitSerializer.INSTANCE
                                .deserialize(3, Base64.getDecoder().decode(V3_BOUNDED))
                                .tables())
                .isEmpty();
    }

    @Test
    void rejectsUnknownVersions() {
        assertThatThrownBy(() -> ShardSplitSerializer.INSTANCE.deserialize(99, new byte[0]))
                .hasMessageContaining("Unknown version 99");
    }
}
