package io.github.vstreamcdc.e2e;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults on the database side while a job streams under a steady write load, on the multi-process
 * cluster with a REPLICA tablet per shard: planned reparents (in the binlog phase and during the
 * copy), an emergency reparent after the PRIMARY's mysqld is killed, a REPLICA-reading job while
 * its replicas restart, and the PRIMARY's vttablet killed while the job streams a large
 * transaction. Every committed change must come out exactly once and in order per key.
 */
class VitessFaultsITCase {

    private static final Logger LOG = LoggerFactory.getLogger(VitessFaultsITCase.class);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster();

    private static final Duration SNAPSHOT = Duration.ofMinutes(3);

    private static MultiProcessCluster cluster;

    @BeforeAll
    static void aReplicaPerShard() throws Exception {
        cluster = MultiProcessCluster.get();
        MultiProcessCluster.run(10, "reshard", "cancel");
        MultiProcessCluster.run(5, "replicas", "1");
    }

    /** The other tests on this cluster keep their cost: PRIMARY tablets only. */
    @AfterAll
    static void noReplicas() throws Exception {
        MultiProcessCluster.run(5, "replicas", "0");
    }

    @Test
    void plannedReparentsInTheBinlogPhase() throws Exception {
        try (FaultWorkload w = new FaultWorkload(cluster, 1000)) {
            w.startJob("PRIMARY").await(1000, SNAPSHOT, "the snapshot");
            w.startLoad();
            Thread.sleep(1500);
            MultiProcessCluster.run(5, "reparent", "planned", "-80");
            Thread.sleep(1000);
            MultiProcessCluster.run(5, "reparent", "planned", "80-");
            Thread.sleep(1500);
            w.stopAndCheck().assertOk("planned reparents in the binlog phase");
        }
    }

    @Test
    void plannedReparentsDuringTheCopy() throws Exception {
        int rows = 12_000;
        try (CapturedLogs logs = new CapturedLogs();
                FaultWorkload w = new FaultWorkload(cluster, rows)) {
            w.startLoad();
            // The tablet throttler holds each shard's copy (on a fast machine it would be over
            // before a reparent could start) until the reparent brings a new PRIMARY, whose
            // throttler lets it go on: the copy may end while the reparent command still waits,
            // so each shard's copy must be open when its reparent starts. (Slowing the task down
            // does not hold a copy: with a task at 2 ms a record it still ended in 4.4 s; the
            // reader's queue and gRPC's window run far ahead.)
            MultiProcessCluster.run(5, "throttle-copy", "on");
            try {
                long start = System.nanoTime();
                w.startJob("PRIMARY");
                Thread.sleep(1500);
                for (String shard : new String[] {"-80", "80-"}) {
                    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                    assertThat(logs.text())
                            .as(
                                    "the copy of %s must still be open when its reparent starts"
                                            + " (%d ms after the job's start)",
                                    shard, ms)
                            .doesNotContain(
                                    "Copy phase of " + cluster.keyspace() + "/" + shard + " ");
                    MultiProcessCluster.run(5, "reparent", "planned", shard);
                    LOG.info(
                            "Reparent of {} from {} to {} ms after the job's start",
                            shard,
                            ms,
                            Duration.ofNanos(System.nanoTime() - start).toMillis());
                }
            } finally {
                MultiProcessCluster.run(5, "throttle-copy", "off");
            }
            w.await(rows / 2, SNAPSHOT, "the copy");
            Thread.sleep(2000);
            w.stopAndCheck().assertOk("planned reparents during the copy");
        }
    }

    @Test
    void emergencyReparentAfterThePrimaryMysqldIsKilled() throws Exception {
        try (FaultWorkload w = new FaultWorkload(cluster, 1000)) {
            w.startJob("PRIMARY").await(1000, SNAPSHOT, "the snapshot");
            w.startLoad();
            Thread.sleep(1500);
            MultiProcessCluster.run(5, "reparent", "emergency", "-80");
            Thread.sleep(1500);
            w.stopAndCheck().assertOk("emergency reparent after kill -9 of the primary's mysqld");
        }
    }

    @Test
    void replicaReadingJobWhileTheReplicasRestart() throws Exception {
        try (FaultWorkload w = new FaultWorkload(cluster, 1000)) {
            w.startJob("REPLICA").await(1000, SNAPSHOT, "the snapshot");
            w.startLoad();
            Thread.sleep(1500);
            MultiProcessCluster.run(5, "restart-tablet", "-80", "replica", "kill");
            MultiProcessCluster.run(5, "restart-mysqld", "80-", "replica", "kill");
            Thread.sleep(1500);
            w.stopAndCheck().assertOk("REPLICA tablet type across replica restarts");
        }
    }

    @Test
    void primaryVttabletKilledDuringALargeTransaction() throws Exception {
        int txRows = 20_000;
        try (FaultWorkload w = new FaultWorkload(cluster, 1000)) {
            w.startJob("PRIMARY").await(1000, SNAPSHOT, "the snapshot");
            w.startLoad();
            // ~3k records a second: the transaction takes seconds per shard to stream
            TaskFault.delay(300);
            w.largeTransaction(txRows);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (transactionRows(w) == 0) {
                assertThat(System.nanoTime())
                        .as("the transaction's first rows")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(transactionRows(w))
                    .as("transaction rows before the kill")
                    .isLessThan(txRows);
            MultiProcessCluster.run(5, "restart-tablet", "-80", "primary", "kill");
            TaskFault.delay(0);
            Thread.sleep(1500);
            w.stopAndCheck().assertOk("vttablet killed during a large transaction");
        }
    }

    private static long transactionRows(FaultWorkload w) {
        return w.snapshot().stream().filter(FaultWorkload::inLargeTransaction).count();
    }
}
