package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.reader.RowValues;
import io.github.vstreamcdc.vitess.proto.Binlogdata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated stubs against the real VTGate: what the connector builds on. */
@ExtendWith(VitessClusterExtension.class)
class RawVStreamITCase {

    @Test
    void rowsWrittenThroughVtgateArriveFromBothShardsWithTransactionFraming(VitessCluster cluster)
            throws Exception {
        TestTables.createSharded(cluster, "raw_stream", "id BIGINT PRIMARY KEY, v VARCHAR(64)");
        int rows = 40;
        try (VStreamClient stream =
                new VStreamClient(
                        cluster,
                        VStreamClient.keyspace("customer", "current"),
                        VStreamClient.table("raw_stream"))) {
            // The stream is positioned once vtgate answered with its first VGTID per shard.
            Set<String> positioned = new HashSet<>();
            while (positioned.size() < 2) {
                Binlogdata.VEvent event = stream.next(60);
                if (event.getType() == Binlogdata.VEventType.VGTID) {
                    for (Binlogdata.ShardGtid sg : event.getVgtid().getShardGtidsList()) {
                        if (!sg.getGtid().equals("current")) {
                            positioned.add(sg.getShard());
                        }
                    }
                }
            }
            try (Connection c = cluster.connect("customer");
                    PreparedStatement insert =
                            c.prepareStatement("INSERT INTO raw_stream (id, v) VALUES (?, ?)")) {
                for (int id = 1; id <= rows; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "value-" + id);
                    insert.executeUpdate();
                }
            }

            Map<Long, String> shardOfRow = new HashMap<>();
            List<String> framing = new ArrayList<>();
            boolean inTransaction = false;
            boolean rowsInTransaction = false;
            boolean vgtidAfterRows = false;
            int framedCommits = 0;
            while (shardOfRow.size() < rows) {
                Binlogdata.VEvent event = stream.next(60);
                switch (event.getType()) {
                    case BEGIN:
                        inTransaction = true;
                        rowsInTransaction = false;
                        vgtidAfterRows = false;
                        break;
                    case ROW:
                        assertThat(inTransaction).as("ROW outside BEGIN/COMMIT").isTrue();
                        rowsInTransaction = true;
                        for (Binlogdata.RowChange change :
                                event.getRowEvent().getRowChangesList()) {
                            byte[][] after = RowValues.decode(change.getAfter());
                            long id = Long.parseLong(new String(after[0], StandardCharsets.UTF_8));
                            assertThat(new String(after[1], StandardCharsets.UTF_8))
                                    .isEqualTo("value-" + id);
                            String previous = shardOfRow.put(id, event.getRowEvent().getShard());
                            assertThat(previous).as("row %s delivered twice", id).isNull();
                        }
                        break;
                    case VGTID:
                        if (rowsInTransaction) {
                            vgtidAfterRows = true;
                        }
                        break;
                    case COMMIT:
                        if (rowsInTransaction) {
                            assertThat(vgtidAfterRows)
                                    .as("a VGTID between the rows and their COMMIT")
                                    .isTrue();
                            framedCommits++;
                        }
                        inTransaction = false;
                        break;
                    default:
                        break;
                }
                framing.add(event.getType().name());
            }
            assertThat(shardOfRow.keySet()).hasSize(rows);
            assertThat(new HashSet<>(shardOfRow.values())).containsExactlyInAnyOrder("-80", "80-");
            // Rows of the last transaction may have arrived before its COMMIT.
            assertThat(framedCommits).isGreaterThanOrEqualTo(rows - 1);
        }
    }

    @Test
    void copyPhaseOfPrefilledTableReturnsEveryRowExactlyOnce(VitessCluster cluster)
            throws Exception {
        TestTables.createSharded(cluster, "raw_copy", "id BIGINT PRIMARY KEY, v VARCHAR(64)");
        int rows = 5000;
        try (Connection c = cluster.connect("customer");
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO raw_copy (id, v) VALUES (?, ?)")) {
            for (int id = 1; id <= rows; id++) {
                insert.setLong(1, id);
                insert.setString(2, "copy-" + id);
                insert.addBatch();
                if (id % 500 == 0) {
                    insert.executeBatch();
                }
            }
        }
        try (VStreamClient stream =
                new VStreamClient(
                        cluster,
                        VStreamClient.keyspace("customer", ""),
                        VStreamClient.table("raw_copy"))) {
            Map<Long, Integer> seen = new HashMap<>();
            Set<String> shardsCopied = new HashSet<>();
            Set<String> shardsWithRows = new HashSet<>();
            boolean finalCopyCompleted = false;
            while (!finalCopyCompleted) {
                Binlogdata.VEvent event = stream.next(120);
                if (event.getType() == Binlogdata.VEventType.ROW) {
                    shardsWithRows.add(event.getRowEvent().getShard());
                    for (Binlogdata.RowChange change : event.getRowEvent().getRowChangesList()) {
                        assertThat(change.hasBefore()).isFalse();
                        byte[][] after = RowValues.decode(change.getAfter());
                        long id = Long.parseLong(new String(after[0], StandardCharsets.UTF_8));
                        seen.merge(id, 1, Integer::sum);
                    }
                } else if (event.getType() == Binlogdata.VEventType.COPY_COMPLETED) {
                    if (event.getShard().isEmpty()) {
                        finalCopyCompleted = true;
                    } else {
                        shardsCopied.add(event.getShard());
                    }
                }
            }
            assertThat(seen).hasSize(rows);
            assertThat(seen.values()).allMatch(count -> count == 1);
            assertThat(shardsCopied).containsExactlyInAnyOrder("-80", "80-");
            assertThat(shardsWithRows).containsExactlyInAnyOrder("-80", "80-");
        }
    }
}
