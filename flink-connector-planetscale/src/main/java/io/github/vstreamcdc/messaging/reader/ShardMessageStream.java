package io.github.vstreamcdc.messaging.reader;

import io.github.vstreamcdc.messaging.VitessMessage;
import io.github.vstreamcdc.messaging.split.MessageSplit;
import io.github.vstreamcdc.source.client.VStreamErrors;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.source.client.VtgateSqlClient;
import io.github.vstreamcdc.source.types.MySqlCharsets;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * The message stream of one shard, on a thread of its own: {@code stream * from `ks:shard`.t} on an
 * OLAP session, row by row into the reader's bounded queue. When the queue is full the thread stops
 * reading, TCP's window closes and the tablet's message manager stops sending to this subscriber: a
 * slow job slows the stream instead of filling memory. A broken stream is opened again with
 * backoff; after {@code maxAttempts} failures in a row without a message in between, a {@link
 * StreamFailure} goes into the queue and fails the reader.
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

        /** Why no retry can help (credentials, TLS, host, table); null when retries ran out. */
        @Nullable final String fatal;

        StreamFailure(String splitId, Exception cause, @Nullable String fatal) {
            this.splitId = splitId;
            this.cause = cause;
            this.fatal = fatal;
        }
    }

    private final MessageSplit split;
    private final VtgateSqlClient client;
    private final int maxAttempts;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private final Channel channel;

    /** VTGate's gRPC address, for messages. */
    private final String target;

    private volatile Context.CancellableContext call;
    private volatile boolean closed;

    /** Whether a message arrived since the last failure; only the stream's thread uses it. */
    private boolean delivered;

    ShardMessageStream(
            MessageSplit split,
            VtgateSqlClient client,
            Channel channel,
            String target,
            int maxAttempts,
            BlockingQueue<Object> queue) {
        this.split = split;
        this.channel = channel;
        this.target = target;
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
                cancelCall();
                if (closed) {
                    return;
                }
                String fatal = fatalReason(e, target);
                if (fatal != null) {
                    queue.offer(new StreamFailure(split.splitId(), e, fatal));
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
                    queue.offer(new StreamFailure(split.splitId(), e, null));
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
        List<MySqlColumn> declared = new ArrayList<>();
        for (MySqlColumn column : client.listColumns(split.keyspace(), split.table())) {
            // Text as UTF-8, as it is: the messager's poller sends values converted by MySQL, its
            // stream sends them as stored, and a message does not tell which (use utf8mb4).
            declared.add(
                    MySqlColumn.of(
                            column.name(),
                            column.typeName(),
                            !column.notNull(),
                            MySqlCharsets.collationId("utf8mb4_0900_ai_ci")));
        }
        Vtgate.StreamExecuteRequest request =
                Vtgate.StreamExecuteRequest.newBuilder()
                        .setQuery(
                                Query.BoundQuery.newBuilder()
                                        .setSql(MessageStreams.streamStatement(split)))
                        .setSession(
                                Vtgate.Session.newBuilder()
                                        .setTargetString("@primary")
                                        .setOptions(
                                                Query.ExecuteOptions.newBuilder()
                                                        .setWorkload(
                                                                Query.ExecuteOptions.Workload
                                                                        .OLAP)))
                        .build();
        Context.CancellableContext call = Context.current().withCancellation();
        this.call = call;
        if (closed) {
            call.cancel(null);
            return;
        }
        Context previous = call.attach();
        try {
            // the blocking iterator asks for one response at a time: gRPC flow control
            Iterator<Vtgate.StreamExecuteResponse> responses =
                    VitessGrpc.newBlockingStub(channel).streamExecute(request);
            MessageColumns columns = null;
            while (responses.hasNext()) {
                Query.QueryResult result = responses.next().getResult();
                if (result.getFieldsCount() > 0) {
                    List<String> names = new ArrayList<>();
                    for (Query.Field field : result.getFieldsList()) {
                        names.add(field.getName());
                    }
                    columns = new MessageColumns(names, declared, split.table());
                    LOG.info(
                            "Subscribed to the messages of {}.{} on shard {} (columns {})",
                            split.keyspace(),
                            split.table(),
                            split.shard(),
                            columns);
                }
                for (Query.Row row : result.getRowsList()) {
                    if (columns == null) {
                        throw new IllegalStateException("VTGate sent rows before their fields");
                    }
                    queue.put(
                            new VitessMessage(
                                    split.keyspace(),
                                    split.table(),
                                    split.shard(),
                                    columns,
                                    values(row),
                                    System.currentTimeMillis()));
                    delivered = true;
                }
            }
        } finally {
            call.detach(previous);
            call.cancel(null);
        }
    }

    /**
     * Why a failure is one no retry changes (refused credentials, TLS settings, an unknown host);
     * null for one worth retrying (a lost connection, VTGate restarting, a reparent).
     */
    @Nullable
    static String fatalReason(Exception e, String target) {
        if (e instanceof StatusRuntimeException || e instanceof StatusException) {
            // Only what no retry changes; tablets answer a reparent with errors that pass.
            return VStreamErrors.describeConnectionFailure(Status.fromThrowable(e), target);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException
                    && String.valueOf(((SQLException) t).getSQLState()).startsWith("28")) {
                return "VTGate's MySQL port refused the credentials ("
                        + VitessException.firstLine(t.getMessage())
                        + "): check 'username' and 'password'";
            }
        }
        return null;
    }

    /** The values of a row: MySQL text encodings, concatenated; length -1 is NULL. */
    static byte[][] values(Query.Row row) {
        byte[][] values = new byte[row.getLengthsCount()][];
        ByteString all = row.getValues();
        int offset = 0;
        for (int i = 0; i < values.length; i++) {
            long length = row.getLengths(i);
            if (length >= 0) {
                values[i] = all.substring(offset, offset + (int) length).toByteArray();
                offset += (int) length;
            }
        }
        return values;
    }

    /**
     * Stops the thread and cancels the call: the cancellation reaches the tablet, which drops this
     * subscriber (a closed MySQL-protocol stream would stay subscribed). The tablet redelivers what
     * was not acknowledged.
     */
    void close() {
        closed = true;
        cancelCall();
        thread.interrupt();
    }

    private void cancelCall() {
        Context.CancellableContext c = call;
        if (c != null) {
            c.cancel(null);
        }
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }
}
