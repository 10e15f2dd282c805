package io.github.vstreamcdc.source.client;

import io.github.vstreamcdc.source.config.VitessConnectionOptions;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Finding the MySQL driver, and the message users see when it is missing; the connection kept for
 * repeated queries.
 */
class VtgateSqlClientTest {

    /**
     * Pretend VTGate connections that list the keyspace {@code ks}'s shards {@code -80} and {@code
     * 80-}; a connection breaks (SQLState 08S01) at its {@code breakAtRow}-th row (0: at once, -1:
     * never), counted over all its queries.
     */
    private static final class FakeConnections implements VtgateSqlClient.Connector {
        final List<Integer> breakAtRow = new ArrayList<>();
        int opened;
        int closed;
        int refusedCount;

        /** The next query fails as a statement (SQLState 42000), its connection fine. */
        boolean failNextQuery;

        /** Opening the n-th connection is refused (n from 0). */
        final List<Integer> refused = new ArrayList<>();

        /** Whether the connections answer a ping; how many pings they got. */
        boolean answerPings = true;

        int pings;

        @Override
        public Connection connect() throws SQLException {
            if (refused.contains(opened + refusedCount)) {
                refusedCount++;
                throw new SQLNonTransientConnectionException("Connection refused", "08001");
            }
            int breakAt = opened < breakAtRow.size() ? breakAtRow.get(opened) : -1;
            opened++;
            int[] rowsServed = {0};
            boolean[] isClosed = {false};
            List<String> rows = Arrays.asList("ks/-80", "ks/80-");
            Object statement =
                    Proxy.newProxyInstance(
                            getClass().getClassLoader(),
                            new Class<?>[] {Statement.class},
                            (proxy, m, args) -> {
                                if (!m.getName().equals("executeQuery")) {
                                    return null;
                                }
                                if (failNextQuery) {
                                    failNextQuery = false;
                                    throw new java.sql.SQLSyntaxErrorException(
                                            "keyspace not found", "42000");
                                }
                                return resultSet(rows, rowsServed, breakAt);
                            });
            return (Connection)
                    Proxy.newProxyInstance(
                            getClass().getClassLoader(),
                            new Class<?>[] {Connection.class},
                            (proxy, m, args) -> {
                                switch (m.getName()) {
                                    case "createStatement":
                                        return statement;
                                    case "isValid":
                                        pings++;
                                        return answerPings;
                                    case "close":
                                        if (!isClosed[0]) {
                                            isClosed[0] = true;
                                            closed++;
                                        }
                                        return null;
                                    default:
                                        return null;
                                }
                            });
        }
    }

    private static ResultSet resultSet(List<String> rows, int[] rowsServed, int breakAt) {
        int[] row = {-1};
        return (ResultSet)
                Proxy.newProxyInstance(
                        VtgateSqlClientTest.class.getClassLoader(),
                        new Class<?>[] {ResultSet.class},
                        (proxy, m, args) -> {
                            switch (m.getName()) {
                                case "next":
                                    if (row[0] + 1 >= rows.size()) {
                                        return false;
                                    }
                                    if (rowsServed[0] == breakAt) {
                                        throw new SQLNonTransientConnectionException(
                                                "Communications link failure", "08S01");
                                    }
                                    row[0]++;
                                    rowsServed[0]++;
                                    return true;
                                case "getString":
                                    return rows.get(row[0]);
                                default:
                                    return null;
                            }
                        });
    }

    private final AtomicLong clock = new AtomicLong();

    private VtgateSqlClient keeping(FakeConnections connections) {
        return new VtgateSqlClient(
                VitessConnectionOptions.builder().hostname("vtgate").build(),
                true,
                connections,
                clock::get);
    }

    @Test
    void aKeptConnectionIdleForLongIsPingedAndReplacedIfItDoesNotAnswer() {
        FakeConnections connections = new FakeConnections();
        VtgateSqlClient client = keeping(connections);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        clock.addAndGet(KeptConnection.IDLE_CHECK_NANOS - 1);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(connections.pings).as("used recently: no ping").isZero();

        clock.addAndGet(KeptConnection.IDLE_CHECK_NANOS);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(connections.pings).isEqualTo(1);
        assertThat(connections.opened).as("it answered: kept").isEqualTo(1);

        // Dropped by a load balancer while idle: the ping fails, not the query.
        connections.answerPings = false;
        clock.addAndGet(KeptConnection.IDLE_CHECK_NANOS);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(connections.pings).isEqualTo(2);
        assertThat(connections.opened).isEqualTo(2);
        assertThat(connections.closed).isEqualTo(1);
    }

    @Test
    void repeatedQueriesShareOneConnectionUntilClosed() {
        FakeConnections connections = new FakeConnections();
        VtgateSqlClient client = keeping(connections);
        for (int i = 0; i < 3; i++) {
            assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        }
        assertThat(connections.opened).isEqualTo(1);
        assertThat(connections.closed).isZero();
        client.close();
        assertThat(connections.closed).isEqualTo(1);
    }

    @Test
    void aKeptConnectionBrokenWhileIdleIsReplacedWithoutAnError() {
        FakeConnections connections = new FakeConnections();
        connections.breakAtRow.add(2); // after the first query's two rows
        VtgateSqlClient client = keeping(connections);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(connections.opened).isEqualTo(2);
        assertThat(connections.closed).isEqualTo(1);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(connections.opened).as("the new one is kept").isEqualTo(2);
    }

    @Test
    void aConnectionBrokenInTheMiddleOfAnAnswerFailsTheQueryRatherThanAskingAgain() {
        FakeConnections connections = new FakeConnections();
        connections.breakAtRow.add(3); // in the second query, after its first row
        VtgateSqlClient client = keeping(connections);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThatThrownBy(() -> client.listShards("ks"))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("cannot connect");
        assertThat(connections.opened).isEqualTo(1);
        assertThat(connections.closed).isEqualTo(1);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(connections.opened).isEqualTo(2);
    }

    @Test
    void aConnectionThatBreaksAtOnceFailsTheQueryAndIsTriedAgainNextTime() {
        FakeConnections connections = new FakeConnections();
        connections.breakAtRow.add(0);
        connections.breakAtRow.add(0);
        VtgateSqlClient client = keeping(connections);
        assertThatThrownBy(() -> client.listShards("ks")).isInstanceOf(VitessException.class);
        assertThatThrownBy(() -> client.listShards("ks")).isInstanceOf(VitessException.class);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(connections.opened).isEqualTo(3);
        assertThat(connections.closed).isEqualTo(2);
    }

    @Test
    void aFailedStatementKeepsItsConnection() {
        FakeConnections connections = new FakeConnections();
        VtgateSqlClient client = keeping(connections);
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        connections.failNextQuery = true;
        assertThatThrownBy(() -> client.listShards("ks"))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("SHOW VITESS_SHARDS");
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(connections.opened).isEqualTo(1);
        assertThat(connections.closed).isZero();
    }

    @Test
    void aRefusedConnectionFailsTheQuerySayingSoAndIsTriedAgainNextTime() {
        FakeConnections connections = new FakeConnections();
        connections.refused.add(0);
        VtgateSqlClient client = keeping(connections);
        assertThatThrownBy(() -> client.listShards("ks"))
                .isInstanceOf(VitessException.class)
                .hasMessageContaining("cannot connect");
        assertThat(client.listShards("ks")).containsExactly("-80", "80-");
        assertThat(connections.opened).isEqualTo(1);
    }

    @Test
    void missingDriverIsTheRootCauseWithAdvice() throws Exception {
        try (URLClassLoader withoutDriver = new URLClassLoader(new URL[0], null)) {
            assertThatThrownBy(() -> VtgateSqlClient.mysqlDriver(withoutDriver, null))
                    .isInstanceOf(VitessException.class)
                    .hasNoCause()
                    .hasMessageContaining("MySQL JDBC driver (com.mysql:mysql-connector-j")
                    .hasMessageContaining("is not on the class path")
                    .hasMessageContaining("lib/");
        }
    }

    @Test
    void driverIsTakenFromTheFirstLoaderThatHasIt() throws Exception {
        try (URLClassLoader withoutDriver = new URLClassLoader(new URL[0], null)) {
            Driver driver =
                    VtgateSqlClient.mysqlDriver(
                            withoutDriver, VtgateSqlClientTest.class.getClassLoader());
            assertThat(driver.getClass().getName()).isEqualTo(VtgateSqlClient.MYSQL_DRIVER);
            assertThat(driver.acceptsURL("jdbc:mysql://localhost:15306/")).isTrue();
        }
    }

    @Test
    void literalsQuoteQuotesAndBackslashes() {
        assertThat(VtgateSqlClient.literal("events_queue")).isEqualTo("'events_queue'");
        assertThat(VtgateSqlClient.literal("it's\\")).isEqualTo("'it''s\\\\'");
    }
}
