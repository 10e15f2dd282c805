package io.github.vstreamcdc.source.snapshot;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotCatchUpTest {

    private static final String U = "MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:";
    private static final List<ColumnDescription> COLUMNS =
            Arrays.asList(
                    ColumnDescription.of("id", "bigint", false),
                    ColumnDescription.of("v", "varchar(64)", true));

    private static byte[][] key(String... values) {
        byte[][] key = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            key[i] = values[i].getBytes(StandardCharsets.UTF_8);
        }
        return key;
    }

    private static TableChunk chunk(int index, String lower, String upper) {
        return new TableChunk(
                "t",
                index,
                Collections.singletonList("id"),
                Collections.singletonList(KeyKind.INTEGER),
                lower == null ? null : key(lower),
                upper == null ? null : key(upper));
    }

    /** Chunks [-, 100) read up to transaction 10, [100, 1000) to 20, [1000, -) to 30. */
    private static SnapshotCatchUp catchUp() {
        return new SnapshotCatchUp(
                Arrays.asList(
                        new SnapshotCatchUp.Chunk(chunk(0, null, "100"), U + "1-10"),
                        new SnapshotCatchUp.Chunk(chunk(1, "100", "1000"), U + "1-20"),
                        new SnapshotCatchUp.Chunk(chunk(2, "1000", null), U + "1-30")));
    }

    private static RowChangeEvent row(
            RowChangeEvent.Op op, String before, String after, int transaction) {
        return new RowChangeEvent(
                "ks",
                "0",
                "t",
                op,
                COLUMNS,
                before == null ? null : key(before, "b"),
                after == null ? null : key(after, "a"),
                1000,
                U + "1-" + transaction);
    }

    @Test
    void startsAtTheEarliestHighWatermarkAndEndsAfterTheLast() {
        SnapshotCatchUp catchUp = catchUp();
        assertThat(catchUp.startPosition()).isEqualTo(U + "1-10");
        assertThat(catchUp.passedBy(U + "1-29")).isFalse();
        assertThat(catchUp.passedBy(U + "1-30")).isTrue();
    }

    @Test
    void aChunkGivenUpDropsEveryChangeOfItsRangeAndIsNeverPassed() {
        // [100, 1000) was given up (its shard stopped serving): the new shards copy the table.
        SnapshotCatchUp catchUp =
                new SnapshotCatchUp(
                        Arrays.asList(
                                new SnapshotCatchUp.Chunk(chunk(0, null, "100"), U + "1-10"),
                                new SnapshotCatchUp.Chunk(
                                        chunk(1, "100", "1000"), SnapshotCatchUp.GIVEN_UP),
                                new SnapshotCatchUp.Chunk(chunk(2, "1000", null), U + "1-30")));
        assertThat(catchUp.startPosition()).isEqualTo(U + "1-10");
        assertThat(catchUp.passedBy(U + "1-1000")).isFalse();
        assertThat(catchUp.givenUpTables()).containsExactly("t");
        assertThat(catchUp.apply(row(RowChangeEvent.Op.DELETE, "500", null, 900))).isNull();
        // A delete of a row of a chunk read goes out (the copy will not have the row).
        assertThat(catchUp.apply(row(RowChangeEvent.Op.DELETE, "5", null, 900))).isNotNull();
        // A key moved out of the given-up range: the delete of the old row is not told (it was
        // never told), the new one is.
        RowChangeEvent moved = catchUp.apply(row(RowChangeEvent.Op.UPDATE, "500", "5000", 900));
        assertThat(moved.op()).isEqualTo(RowChangeEvent.Op.INSERT);
        assertThat(new SnapshotCatchUp(Collections.emptyList()).givenUpTables()).isEmpty();
        assertThat(catchUp().givenUpTables()).isEmpty();
    }

    @Test
    void dropsWhatTheKeysChunkAlreadyHolds() {
        SnapshotCatchUp catchUp = catchUp();
        // Transaction 15: after chunk 0's watermark, before chunk 1's.
        assertThat(catchUp.apply(row(RowChangeEvent.Op.INSERT, null, "99", 15))).isNotNull();
        assertThat(catchUp.apply(row(RowChangeEvent.Op.INSERT, null, "100", 15))).isNull();
        assertThat(catchUp.apply(row(RowChangeEvent.Op.DELETE, "5000", null, 15))).isNull();
        assertThat(catchUp.apply(row(RowChangeEvent.Op.UPDATE, "500", "500", 25))).isNotNull();
        // a number compares as a number, not as text
        assertThat(catchUp.apply(row(RowChangeEvent.Op.INSERT, null, "99999", 31))).isNotNull();
    }

    @Test
    void anUpdateMovingAKeyBetweenChunksKeepsTheMissingHalf() {
        SnapshotCatchUp catchUp = catchUp();
        // Transaction 15 moves key 50 (chunk 0: not held) to 500 (chunk 1: held).
        RowChangeEvent moved = catchUp.apply(row(RowChangeEvent.Op.UPDATE, "50", "500", 15));
        assertThat(moved.op()).isEqualTo(RowChangeEvent.Op.DELETE);
        assertThat(moved.after()).isNull();
        // And back: 500 is held, 50 is not.
        RowChangeEvent back = catchUp.apply(row(RowChangeEvent.Op.UPDATE, "500", "50", 15));
        assertThat(back.op()).isEqualTo(RowChangeEvent.Op.INSERT);
        assertThat(back.before()).isNull();
    }

    @Test
    void keyKindsOrderAsMySqlDoes() {
        assertThat(KeyKind.of("bigint unsigned", null)).isEqualTo(KeyKind.INTEGER);
        assertThat(KeyKind.of("varchar(10)", "utf8mb4_0900_ai_ci")).isNull();
        assertThat(KeyKind.of("varchar(10)", "utf8mb4_bin")).isEqualTo(KeyKind.TEXT_BIN_PAD);
        assertThat(KeyKind.of("double", null)).isNull();
        assertThat(KeyKind.INTEGER.compare(bytes("9"), bytes("10"))).isNegative();
        assertThat(KeyKind.INTEGER.compare(bytes("18446744073709551615"), bytes("-1")))
                .isPositive();
        assertThat(KeyKind.DECIMAL.compare(bytes("1.50"), bytes("1.5"))).isZero();
        assertThat(KeyKind.TEXT_BIN_PAD.compare(bytes("a "), bytes("a"))).isZero();
        assertThat(KeyKind.TEXT_BIN.compare(bytes("a "), bytes("a"))).isPositive();
        // PAD SPACE: the shorter value compares as padded with spaces, below them a tab.
        assertThat(KeyKind.TEXT_BIN_PAD.compare(bytes("a\t"), bytes("a"))).isNegative();
        assertThat(KeyKind.TEXT_BIN_PAD.compare(bytes("a"), bytes("a\t"))).isPositive();
        assertThat(KeyKind.TEXT_BIN_PAD.compare(bytes("a  b"), bytes("a"))).isPositive();
        // Other charsets' _bin order is not UTF-8's byte order: those keep the VStream copy.
        assertThat(KeyKind.of("varchar(10)", "latin1_bin")).isNull();
        assertThat(KeyKind.of("char(4)", "gbk_bin")).isNull();
        assertThat(KeyKind.of("varchar(10)", "utf8mb3_bin")).isEqualTo(KeyKind.TEXT_BIN_PAD);
        assertThat(KeyKind.of("varchar(10)", "ascii_bin")).isEqualTo(KeyKind.TEXT_BIN_PAD);
        assertThat(KeyKind.of("varchar(10)", "utf8mb4_0900_bin")).isEqualTo(KeyKind.TEXT_BIN);
        assertThat(KeyKind.BYTES.compare(new byte[] {(byte) 0xff}, new byte[] {1})).isPositive();
        TableChunk composite =
                new TableChunk(
                        "t",
                        1,
                        Arrays.asList("a", "b"),
                        Arrays.asList(KeyKind.INTEGER, KeyKind.BYTES),
                        key("1", "m"),
                        key("2", "c"));
        assertThat(composite.contains(key("1", "z"))).isTrue();
        assertThat(composite.contains(key("2", "b"))).isTrue();
        assertThat(composite.contains(key("2", "c"))).isFalse();
        assertThat(composite.contains(key("1", "a"))).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
