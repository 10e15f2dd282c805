package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.source.client.VtgateSqlClient;

import org.apache.flink.annotation.Internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The statements of the messaging source: the shard-targeted subscription and ack sessions. */
@Internal
final class MessageStreams {

    private MessageStreams() {}

    /**
     * The subscription to one shard's messages: the shard goes into the table's qualifier ({@code
     * stream * from `ks:-80`.t}), which VTGate's planner turns into the stream's destination. A
     * session target ({@code USE `ks/-80`}) is not enough: VTGate v24 ignores it for {@code stream}
     * and subscribes to every shard. Messages are served by PRIMARY tablets only.
     */
    static String streamStatement(MessageSplit split) {
        return "stream * from "
                + VtgateAcknowledger.quote(split.keyspace() + ":" + split.shard())
                + "."
                + VtgateAcknowledger.quote(split.table());
    }

    /**
     * A connection whose session targets the split's shard ({@code USE `keyspace/shard`}), for the
     * acknowledging updates: VTGate sends them to that shard's PRIMARY as they are.
     */
    static Connection targeted(VtgateSqlClient client, MessageSplit split) throws SQLException {
        Connection connection = client.connect();
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "USE " + VtgateAcknowledger.quote(split.keyspace() + "/" + split.shard()));
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
