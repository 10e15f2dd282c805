package io.github.vstreamcdc.source.client;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One connection to VTGate's MySQL port kept for queries asked again and again (discovery, GTID
 * sets): no login, and with TLS no handshake, each time. It is replaced when it was lost (VTGate's
 * idle timeout, a restart), and pinged first after {@link #IDLE_CHECK_NANOS} unused, since a load
 * balancer or NAT may drop an idle connection without a word and a query on it would wait for the
 * socket timeout. A statement that fails on a working connection keeps it. Not thread-safe: its
 * owner runs one query at a time.
 */
@Internal
final class KeptConnection implements AutoCloseable {

    /** Work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** A kept connection that has not answered for this long is pinged before it is used. */
    static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** How long that ping may take before the connection counts as lost. */
    private static final int PING_TIMEOUT_SECONDS = 5;

    private final VtgateSqlClient.Connector connector;
    private final LongSupplier clock;

    @Nullable private Connection connection;

    /** When {@link #connection} was opened or last answered, by {@link #clock} (nanoseconds). */
    private long answeredAt;

    KeptConnection(VtgateSqlClient.Connector connector, LongSupplier clock) {
        this.connector = connector;
        this.clock = clock;
    }

    /**
     * Runs the work on the kept connection, opening one if there is none. If the kept connection
     * turns out lost, the work runs once more on a new one, unless {@code mayRepeat} says no (its
     * caller already saw part of the answer). A failure on a new connection is not repeated.
     */
    <T> T run(Work<T> work, BooleanSupplier mayRepeat) throws SQLException {
        if (connection != null
                && clock.getAsLong() - answeredAt >= IDLE_CHECK_NANOS
                && !answersPing(connection)) {
            close();
        }
        if (connection != null) {
            try {
                return answered(work.run(connection));
            } catch (SQLException e) {
                if (!VtgateSqlClient.isConnectionLost(e)) {
                    throw e;
                }
                close();
                if (!mayRepeat.getAsBoolean()) {
                    throw e;
                }
            }
        }
        connection = connector.connect();
        answeredAt = clock.getAsLong();
        try {
            return answered(work.run(connection));
        } catch (SQLException e) {
            if (VtgateSqlClient.isConnectionLost(e)) {
                close();
            }
            throw e;
        }
    }

    private <T> T answered(T result) {
        answeredAt = clock.getAsLong();
        return result;
    }

    private static boolean answersPing(Connection connection) {
        try {
            return connection.isValid(PING_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        VtgateSqlClient.closeQuietly(connection);
        connection = null;
    }
}
