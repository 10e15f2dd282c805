package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;

import org.apache.flink.table.data.RowData;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counted workload of the Vitess fault tests and the chaos soak, on the multi-process cluster's
 * {@code items} table: initial rows (the copy phase), a job reading them through {@link TaskFault},
 * a steady {@link ChangeLoad}, optional large transactions, and the {@link ChangelogCheck} of
 * everything committed against everything delivered.
 */
final class FaultWorkload implements AutoCloseable {

    static final String TABLE = "items";

    /** Ids the load writes; large transactions insert above them. */
    static final int LOAD_IDS = 3000;

    private final MultiProcessCluster cluster;
    private final int initialRows;

    /** Changes made outside the load (initial rows: 0, transactions: after the job started). */
    private final Map<String, Long> committed = new LinkedHashMap<>();

    private boolean jobStarted;
    private boolean loadBeforeSnapshot;
    private long nextTxId = 1_000_000;
    private ChangeLoad load;
    private CollectedOutput output;

    /** Empties the table and inserts {@code initialRows} rows (ids 1.., {@link #initialValue}). */
    FaultWorkload(MultiProcessCluster cluster, int initialRows) throws Exception {
        this.cluster = cluster;
        this.initialRows = initialRows;
        TaskFault.reset();
        try (Connection c = cluster.connect();
                Statement s = c.createStatement()) {
            // DELETE and SELECT through VTGate stop at 10k rows; TRUNCATE does not
            s.execute("TRUNCATE TABLE " + TABLE);
            for (int from = 1; from <= initialRows; from += 500) {
                StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE + " (id, v) VALUES ");
                for (int id = from; id < Math.min(from + 500, initialRows + 1); id++) {
                    sql.append(id == from ? "" : ",").append('(').append(id).append(",'");
                    sql.append(initialValue(id)).append("')");
                    committed.put("+I[" + id + ", " + initialValue(id) + "]", 0L);
                }
                s.execute(sql.toString());
            }
        }
    }

    /** The shard a row came from. */
    static String shardOf(RowData row) {
        return row.getString(2).toString();
    }

    /**
     * The value of an initial row: {@code v<id>}, padded to 60 characters so that VStream's copy
     * packets hold fewer rows and a slowed-down job holds the copy back sooner.
     */
    static String initialValue(long id) {
        StringBuilder v = new StringBuilder("v").append(id).append('-');
        while (v.length() < 60) {
            v.append('x');
        }
        return v.toString();
    }

    /** Starts the job (parallelism 2, checkpoints every 300 ms) reading from this tablet type. */
    FaultWorkload startJob(String tabletType) throws Exception {
        // rows (id, v, shard): the shard tells the reshard cut-over apart
        PlanetScaleSource<RowData> source = ReshardITCase.source(cluster, tabletType);
        jobStarted = true;
        output = CollectedOutput.run(source, 2, 300, s -> s.map(new TaskFault()));
        return this;
    }

    /** Starts the steady write load (inserts, updates, deletes of ids 1..{@link #LOAD_IDS}). */
    FaultWorkload startLoad() throws Exception {
        // before the job, or with the job started but its snapshot not (known to be) delivered
        loadBeforeSnapshot = !jobStarted || records() < initialRows;
        load = new ChangeLoad(cluster::connect, TABLE, LOAD_IDS, table());
        return this;
    }

    /** Commits one transaction inserting {@code rows} new rows; returns their first id. */
    long largeTransaction(int rows) throws Exception {
        long first = nextTxId;
        Map<String, Long> changes = new LinkedHashMap<>();
        try (Connection c = cluster.connect();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int from = 0; from < rows; from += 500) {
                StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE + " (id, v) VALUES ");
                for (int i = from; i < Math.min(from + 500, rows); i++) {
                    long id = first + i;
                    sql.append(i == from ? "" : ",").append('(').append(id).append(",'t");
                    sql.append(id).append("')");
                    changes.put("+I[" + id + ", t" + id + "]", Long.MAX_VALUE);
                }
                s.execute(sql.toString());
            }
            c.commit();
        }
        nextTxId += rows;
        committed.putAll(changes);
        return first;
    }

    /** True for a row of a large transaction. */
    static boolean inLargeTransaction(RowData row) {
        return row.getLong(0) >= 1_000_000;
    }

    /** The sequence number of the load's next write (see {@link ChangeLoad#seqOf}). */
    long nextLoadSeq() {
        return load.nextSeq();
    }

    int records() {
        return output.snapshot().size();
    }

    List<RowData> await(int records, Duration timeout, String what) throws InterruptedException {
        return output.await(r -> r.size() >= records, timeout, what);
    }

    List<RowData> snapshot() {
        return output.snapshot();
    }

    /** Stops the load and checks everything committed against everything delivered. */
    ChangelogCheck stopAndCheck() throws Exception {
        Map<String, Long> all = new LinkedHashMap<>(committed);
        if (load != null) {
            load.close();
            List<String> changes = load.confirmed();
            List<Long> seqs = load.confirmedSeqs();
            for (int i = 0; i < changes.size(); i++) {
                all.put(changes.get(i), seqs.get(i));
            }
            load = null;
        }
        return ChangelogCheck.await(
                output::snapshot, all, loadBeforeSnapshot, this::table, Duration.ofMinutes(3));
    }

    Map<Long, String> table() throws Exception {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = cluster.connect();
                Statement s = c.createStatement()) {
            // streamed: no 10k-row limit
            s.execute("SET workload = 'olap'");
            try (ResultSet rs = s.executeQuery("SELECT id, v FROM " + TABLE)) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return rows;
    }

    @Override
    public void close() throws Exception {
        TaskFault.reset();
        try {
            if (load != null) {
                load.close();
            }
        } finally {
            if (output != null) {
                output.close();
            }
        }
        // the other tests on this table delete its rows, which VTGate limits to 10k
        try (Connection c = cluster.connect();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE TABLE " + TABLE);
        }
    }
}
