package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.source.client.VtgateSqlClient;

import org.apache.flink.annotation.Internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** How the messaging source talks to VTGate's MySQL protocol: shard-targeted sessions. */
@Internal
final class MessageStreams {

    private MessageStreams() {}

    /**
     * A connection whose session targets the split's shard ({@code USE `keyspace/shard`}): VTGate
     * then sends {@code stream * from t} and the acknowledging updates to that shard's PRIMARY
     * only. Messages are served by PRIMARY tablets only ({@code stream} refuses other types).
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
