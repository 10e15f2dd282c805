package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.types.MySqlCharsets;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The columns a chunk of an incremental snapshot selects: text of a character set other than UTF-8
 * as its stored bytes, as VStream sends it (the driver would return it as UTF-8, and a chunk's rows
 * are merged with binlog rows of the same columns).
 */
class ChunkSelectListTest {

    private static ColumnDescription column(String name, String type, String collation) {
        return ColumnDescription.of(
                MySqlColumn.of(name, type, true, MySqlCharsets.collationId(collation)));
    }

    @Test
    void textOfOtherSetsIsSelectedAsItsBytes() {
        String select =
                ChunkSnapshotReader.selectList(
                        Arrays.asList(
                                column("id", "bigint", null),
                                column("u", "varchar(20)", "utf8mb4_0900_ai_ci"),
                                column("a", "char(2)", "ascii_general_ci"),
                                column("l", "varchar(20)", "latin1_swedish_ci"),
                                column("e", "enum('é','b')", "latin1_swedish_ci"),
                                column("s", "set('é','b')", "cp1250_general_ci"),
                                column("b", "varbinary(8)", null),
                                column("j", "json", null)));
        assertThat(select)
                .isEqualTo(
                        "`id`, `u`, `a`, CAST(`l` AS BINARY), CAST(`e` AS BINARY),"
                                + " CAST(`s` AS BINARY), `b`, `j`");
    }

    @Test
    void ownedGtidsAreReadAsAGtidSet() {
        String a = "34cbdcc9-f0f8-11f1-9959-02fc00000001";
        String b = "44cbdcc9-f0f8-11f1-9959-02fc00000002";
        assertThat(ChunkSnapshotReader.ownedGtids("")).isEmpty();
        assertThat(ChunkSnapshotReader.ownedGtids(null)).isEmpty();
        // As MySQL 8.0 prints it: no separator between servers, each GTID with its thread.
        assertThat(ChunkSnapshotReader.ownedGtids(a + ":888888#1050:888890#7" + b + ":3#20"))
                .isEqualTo(a + ":888888:888890," + b + ":3");
        assertThat(ChunkSnapshotReader.ownedGtids(a + ":5#1234,\n" + b + ":3#20"))
                .isEqualTo(a + ":5," + b + ":3");
    }
}
