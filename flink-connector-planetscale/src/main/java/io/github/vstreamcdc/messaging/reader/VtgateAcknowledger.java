package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.split.MessageId;
import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.source.client.VtgateSqlClient;

import org.apache.flink.annotation.Internal;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Acknowledges as Vitess' own message manager does (its {@code ackQuery}), over VTGate's MySQL
 * protocol: {@code UPDATE t SET time_acked = <now ns>, time_next = NULL WHERE id IN (...) AND
 * time_acked IS NULL}, on a connection targeted at the message's shard ({@code USE
 * `keyspace/shard`}), so that the update needs no vindex and touches exactly that shard. VTGate's
 * gRPC service has no MessageAck RPC (only the tablets' has); the tablet's message manager sees the
 * update in its VStream and drops the message from its send cache.
 */
@Internal
public final class VtgateAcknowledger implements Acknowledger {

    private final VtgateSqlClient client;
    private final Map<String, Connection> connections = new HashMap<>();

    public VtgateAcknowledger(VtgateSqlClient client) {
        this.client = client;
    }

    @Override
    public int acknowledge(MessageSplit split, List<MessageId> ids) throws SQLException {
        Connection connection = connection(split);
        StringBuilder sql =
                new StringBuilder("UPDATE ")
                        .append(quote(split.table()))
                        .append(" SET time_acked = ?, time_next = NULL WHERE id IN (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(") AND time_acked IS NULL");
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            statement.setLong(1, System.currentTimeMillis() * 1_000_000L);
            for (int i = 0; i < ids.size(); i++) {
                MessageId id = ids.get(i);
                if (id.isNumeric()) {
                    statement.setBigDecimal(i + 2, new BigDecimal(id.text()));
                } else {
                    statement.setBytes(i + 2, id.bytes());
                }
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            forget(split);
            throw e;
        }
    }

    private Connection connection(MessageSplit split) throws SQLException {
        Connection connection = connections.get(split.splitId());
        if (connection == null) {
            connection = MessageStreams.targeted(client, split);
            connections.put(split.splitId(), connection);
        }
        return connection;
    }

    private void forget(MessageSplit split) {
        Connection connection = connections.remove(split.splitId());
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // broken anyway
            }
        }
    }

    static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public void close() {
        for (Connection connection : connections.values()) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
        connections.clear();
    }
}
