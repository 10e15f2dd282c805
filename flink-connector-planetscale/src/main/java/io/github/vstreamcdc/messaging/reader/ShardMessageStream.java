package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.VitessMessage;
import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * The message stream of one shard, on a thread of its own: {@code stream * from t} on a
 * shard-targeted OLAP session, row by row into the reader's bounded queue. When the queue is full
 * the thread stops reading, TCP's window closes and the tablet's message manager stops sending to
 * this subscriber: a slow job slows the stream instead of filling memory. A broken stream is opened
 * again with backoff; after {@code maxAttempts} failures in a row without a message in between, a
 * {@link StreamFailure} goes into the queue and fails the reader.
 */
@Internal
final class ShardMessageStream implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardMessageStream.class);
    private static final long FIRST_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;

    /** Put into the queue when a stream gives up. */
    static final class StreamFailure {
        final String splitId;
        final Exception cause;

        StreamFailure(String splitId, Exception cause) {
            this.splitId = splitId;
            this.cause = cause;
        }
    }

    private final MessageSplit split;
    private final VtgateSqlClient client;
    private final int maxAttempts;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile Connection connection;
    private volatile boolean closed;

    /** Whether a message arrived since the last failure; only the stream's thread uses it. */
    private boolean delivered;

    ShardMessageStream(
            MessageSplit split,
            VtgateSqlClient client,
            int maxAttempts,
            BlockingQueue<Object> queue) {
        this.split = split;
        this.client = client;
        this.maxAttempts = maxAttempts;
        this.queue = queue;
        this.thread = new Thread(this, "planetscale-messages-" + split.splitId());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        int failures = 0;
        long backoff = FIRST_BACKOFF_MS;
        while (!closed) {
            try {
                stream();
                throw new SQLException("VTGate ended the message stream");
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                closeConnection();
                if (closed) {
                    return;
                }
                if (delivered) {
                    // the count is of failures in a row
                    delivered = false;
                    failures = 0;
                    backoff = FIRST_BACKOFF_MS;
                }
                failures++;
                if (failures > maxAttempts) {
                    queue.offer(new StreamFailure(split.splitId(), e));
                    return;
                }
                LOG.warn(
                        "Message stream of {}.{} on {} failed ({} of {} attempts, again in {} ms):"
                                + " {}",
                        split.keyspace(),
                        split.table(),
                        split.splitId(),
                        failures,
                        maxAttempts,
                        backoff,
                        MessageStreams.firstLine(e));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /** Streams until the stream breaks. */
    private void stream() throws Exception {
        List<MySqlColumn> declared = client.listColumns(split.keyspace(), split.table());
        Connection c = MessageStreams.targeted(client, split);
        connection = c;
        if (closed) {
            closeConnection();
            return;
        }
        // an idle message stream sends nothing for as long as there are no messages
        c.setNetworkTimeout(Runnable::run, 0);
        try (Statement olap = c.createStatement()) {
            olap.execute("SET workload = 'olap'");
        }
        try (Statement statement =
                c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            // row by row from the socket instead of buffering the (endless) result
            statement.setFetchSize(Integer.MIN_VALUE);
            // execute, not executeQuery: the driver does not know that STREAM returns rows
            statement.execute("stream * from " + VtgateAcknowledger.quote(split.table()));
            try (ResultSet rs = statement.getResultSet()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    names.add(meta.getColumnLabel(i));
                }
                MessageColumns columns = new MessageColumns(names, declared, split.table());
                LOG.info(
                        "Subscribed to the messages of {}.{} on shard {} (columns {})",
                        split.keyspace(),
                        split.table(),
                        split.shard(),
                        columns);
                while (rs.next()) {
                    byte[][] values = new byte[names.size()][];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = rs.getBytes(i + 1);
                    }
                    queue.put(
                            new VitessMessage(
                                    split.keyspace(),
                                    split.table(),
                                    split.shard(),
                                    columns,
                                    values,
                                    System.currentTimeMillis()));
                    delivered = true;
                }
            }
        }
    }

    /** Stops the thread and drops the connection; the tablet redelivers what was unacked. */
    void close() {
        closed = true;
        closeConnection();
        thread.interrupt();
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                // close() would try to drain the endless result first
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // gone already
            }
        }
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }
}
