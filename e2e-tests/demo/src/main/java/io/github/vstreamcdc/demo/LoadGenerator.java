package io.github.vstreamcdc.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.TreeSet;

/**
 * Writes to the sample table {@code orders (id, customer_id, amount, note)} about twice a second:
 * inserts, updates, deletes, and moves of a row to the other shard (a delete and an insert with a
 * new id in one transaction; Vitess cannot update a primary vindex column). It keeps to ids 1 to
 * 30, so the table stays small. Each statement is printed before the changes it causes.
 */
final class LoadGenerator implements Runnable {

    private static final Logger OUT = LoggerFactory.getLogger("demo.load");
    private static final int MAX_ID = 30;

    private final String url;
    private final Properties jdbc;
    private final String keyspace;
    private final String table;
    private final Thread thread;
    private volatile boolean running = true;

    LoadGenerator(String url, Properties jdbc, String keyspace, String table) {
        this.url = url;
        this.jdbc = jdbc;
        this.keyspace = keyspace;
        this.table = table;
        this.thread = new Thread(this, "load-generator");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        Random random = new Random();
        try (Connection c = DriverManager.getConnection(url + keyspace, jdbc);
                Statement s = c.createStatement()) {
            TreeSet<Long> live = new TreeSet<>();
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT id FROM " + table + " WHERE id BETWEEN 1 AND " + MAX_ID)) {
                while (rs.next()) {
                    live.add(rs.getLong(1));
                }
            }
            // Let the snapshot print first.
            Thread.sleep(3_000);
            while (running) {
                int dice = random.nextInt(100);
                if (live.size() < 4 || (dice < 35 && live.size() < MAX_ID)) {
                    long id = free(live, random, null);
                    run(
                            s,
                            String.format(
                                    "INSERT INTO %s (id, customer_id, amount, note) VALUES (%d, %d,"
                                            + " %s, 'order %d')",
                                    table, id, 1 + random.nextInt(9), amount(random), id));
                    live.add(id);
                } else if (dice < 65) {
                    long id = pick(live, random);
                    run(
                            s,
                            String.format(
                                    "UPDATE %s SET amount = %s WHERE id = %d",
                                    table, amount(random), id));
                } else if (dice < 85) {
                    long id = pick(live, random);
                    run(s, String.format("DELETE FROM %s WHERE id = %d", table, id));
                    live.remove(id);
                } else {
                    long from = pick(live, random);
                    long to = free(live, random, shardOf(from));
                    if (to < 0) {
                        continue;
                    }
                    OUT.info(
                            "   load> move order {} from shard {} to shard {} as order {}:",
                            from,
                            shardOf(from),
                            shardOf(to),
                            to);
                    long customer;
                    String amount;
                    try (ResultSet rs =
                            s.executeQuery(
                                    "SELECT customer_id, amount FROM "
                                            + table
                                            + " WHERE id = "
                                            + from)) {
                        if (!rs.next()) {
                            live.remove(from);
                            continue;
                        }
                        customer = rs.getLong(1);
                        amount = String.valueOf(rs.getBigDecimal(2));
                    }
                    c.setAutoCommit(false);
                    run(s, String.format("DELETE FROM %s WHERE id = %d", table, from));
                    run(
                            s,
                            String.format(
                                    "INSERT INTO %s (id, customer_id, amount, note) VALUES (%d, %d,"
                                            + " %s, 'moved from %d')",
                                    table, to, customer, amount, from));
                    c.commit();
                    c.setAutoCommit(true);
                    live.remove(from);
                    live.add(to);
                }
                Thread.sleep(500 + random.nextInt(400));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (running) {
                OUT.info("   load> stopped: {}", e.toString());
            }
        }
    }

    private static void run(Statement s, String sql) throws Exception {
        OUT.info("   load> {}", sql);
        s.execute(sql);
    }

    private static String amount(Random random) {
        return BigDecimal.valueOf(100 + random.nextInt(99_900), 2).toPlainString();
    }

    private static long pick(TreeSet<Long> live, Random random) {
        List<Long> ids = new ArrayList<>(live);
        return ids.get(random.nextInt(ids.size()));
    }

    /** A free id, on the other shard than {@code avoidShard} if given; -1 if there is none. */
    private static long free(TreeSet<Long> live, Random random, String avoidShard)
            throws Exception {
        List<Long> free = new ArrayList<>();
        for (long id = 1; id <= MAX_ID; id++) {
            if (!live.contains(id) && (avoidShard == null || !shardOf(id).equals(avoidShard))) {
                free.add(id);
            }
        }
        return free.isEmpty() ? -1 : free.get(random.nextInt(free.size()));
    }

    /** The shard of an id in the sample keyspace: Vitess' hash vindex (DES, zero key), 2 shards. */
    static String shardOf(long id) throws Exception {
        Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
        des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[8], "DES"));
        byte[] keyspaceId = des.doFinal(ByteBuffer.allocate(8).putLong(id).array());
        return (keyspaceId[0] & 0x80) == 0 ? "-80" : "80-";
    }
}
