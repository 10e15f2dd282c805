package io.github.vstreamcdc.source.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JDBC connections to a pretend VTGate that answers {@link BinlogRetention}'s GTID-set query, or
 * fails as scripted. The executed set it answers names the connection ({@code U:1-n} for the n-th
 * connection opened), so a test sees which connection answered.
 */
public final class FakeGtidConnections implements VtgateSqlClient.Connector {

    /** A server UUID of the pretend shard. */
    public static final String U = "6e2c0f4a-8a1e-11ee-b9d1-0242ac120002";

    /** What the next query meets. */
    public enum Answer {
        /** The sets. */
        SETS,
        /** A broken connection (SQLState 08S01); the connection stays broken. */
        LOST,
        /** An error of VTGate's about the shard (the connection is fine). */
        REFUSED
    }

    public final AtomicInteger opened = new AtomicInteger();
    public final AtomicInteger closed = new AtomicInteger();
    public final AtomicInteger pings = new AtomicInteger();
    private final Queue<boolean[]> brokenFlags = new ConcurrentLinkedQueue<>();
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch entered;
    private volatile CountDownLatch release;

    /** The next queries' answers, in order; after them every query gets the sets. */
    public FakeGtidConnections then(Answer... answers) {
        for (Answer answer : answers) {
            script.add(answer);
        }
        return this;
    }

    /**
     * Makes the next query wait until {@link #release()}; returns a latch that opens when it
     * started waiting.
     */
    public CountDownLatch holdNextQuery() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        return entered;
    }

    public void release() {
        release.countDown();
    }

    /**
     * Breaks the open connections without a word (a load balancer dropped them while idle): their
     * next statement or ping fails.
     */
    public void dropOpenConnections() {
        brokenFlags.forEach(broken -> broken[0] = true);
    }

    /** The executed set that the n-th connection answers. */
    public static String executedOf(int connection) {
        return "MySQL56/" + U + ":1-" + connection;
    }

    @Override
    public Connection connect() {
        int number = opened.incrementAndGet();
        boolean[] broken = {false};
        brokenFlags.add(broken);
        InvocationHandler statement =
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "execute":
                            if (broken[0]) {
                                throw lost();
                            }
                            return false;
                        case "executeQuery":
                            return query(number, broken);
                        case "close":
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                };
        InvocationHandler connection =
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "createStatement":
                            return Proxy.newProxyInstance(
                                    getClass().getClassLoader(),
                                    new Class<?>[] {Statement.class},
                                    statement);
                        case "close":
                            closed.incrementAndGet();
                            return null;
                        case "isValid":
                            pings.incrementAndGet();
                            return !broken[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                };
        return (Connection)
                Proxy.newProxyInstance(
                        getClass().getClassLoader(), new Class<?>[] {Connection.class}, connection);
    }

    private ResultSet query(int number, boolean[] broken) throws Exception {
        CountDownLatch waitFor = release;
        CountDownLatch started = entered;
        if (started != null) {
            entered = null;
            started.countDown();
            if (!waitFor.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the held query was never released");
            }
        }
        Answer answer = script.poll();
        if (broken[0] || answer == Answer.LOST) {
            broken[0] = true;
            throw lost();
        }
        if (answer == Answer.REFUSED) {
            throw new SQLException("target: ks.-80.primary: no healthy tablet available", "HY000");
        }
        boolean[] read = {false};
        InvocationHandler rows =
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "next":
                            boolean first = !read[0];
                            read[0] = true;
                            return first;
                        case "getString":
                            return (int) args[0] == 1 ? U + ":1" : U + ":1-" + number;
                        case "close":
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                };
        return (ResultSet)
                Proxy.newProxyInstance(
                        getClass().getClassLoader(), new Class<?>[] {ResultSet.class}, rows);
    }

    private static SQLException lost() {
        return new SQLNonTransientConnectionException("Communications link failure", "08S01");
    }
}
