package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A hand-written VTGate for reader tests: each VStream call runs the next scripted behaviour, and a
 * call for the {@code current} position (the reader's position check) answers with {@link
 * #currentPosition}. Runs in-process, so flow control is exact: the server can hand over only as
 * many responses as the client asked for.
 */
final class FakeVtgate implements AutoCloseable {

    static final String UUID_A = "1bac46be-e961-11f1-843f-02fc00000001";
    static final String KEYSPACE = "ks";
    static final String SHARD = "-80";

    /** What one VStream call does. */
    interface Script {
        void run(
                Vtgate.VStreamRequest request, ServerCallStreamObserver<Vtgate.VStreamResponse> out)
                throws Exception;
    }

    private final String name = "fake-vtgate-" + UUID.randomUUID();
    private Server server;
    private final Deque<Script> scripts = new ArrayDeque<>();
    private final List<Vtgate.VStreamRequest> requests = new ArrayList<>();
    private final List<Vtgate.VStreamRequest> positionChecks = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    volatile String currentPosition = gtid(1, 100_000);

    FakeVtgate() throws IOException {
        this(true);
    }

    /** A fake that does not listen yet when {@code listen} is false: see {@link #listen()}. */
    FakeVtgate(boolean listen) throws IOException {
        if (listen) {
            listen();
        }
    }

    /** Starts serving; until then every connect fails, as with a VTGate that is down. */
    synchronized void listen() throws IOException {
        server =
                InProcessServerBuilder.forName(name)
                        .addService(
                                new VitessGrpc.VitessImplBase() {
                                    @Override
                                    public void vStream(
                                            Vtgate.VStreamRequest request,
                                            StreamObserver<Vtgate.VStreamResponse> observer) {
                                        serve(
                                                request,
                                                (ServerCallStreamObserver<Vtgate.VStreamResponse>)
                                                        observer);
                                    }
                                })
                        .build()
                        .start();
    }

    private void serve(
            Vtgate.VStreamRequest request, ServerCallStreamObserver<Vtgate.VStreamResponse> out) {
        Binlogdata.ShardGtid first = request.getVgtid().getShardGtids(0);
        if (first.getGtid().equals("current")) {
            synchronized (this) {
                positionChecks.add(request);
            }
            out.onNext(
                    response(
                            vgtid(currentPosition),
                            Binlogdata.VEvent.newBuilder()
                                    .setType(Binlogdata.VEventType.OTHER)
                                    .build()));
            return; // like VTGate: stays open until the client cancels
        }
        Script script;
        synchronized (this) {
            requests.add(request);
            script = scripts.poll();
            notifyAll();
        }
        if (script == null) {
            return; // an idle shard: nothing to say
        }
        try {
            script.run(request, out);
        } catch (Exception e) {
            out.onError(e);
        }
    }

    synchronized FakeVtgate then(Script script) {
        scripts.add(script);
        return this;
    }

    /** Sends these responses and then stays open. */
    FakeVtgate thenSend(Vtgate.VStreamResponse... responses) {
        return then(
                (request, out) -> {
                    for (Vtgate.VStreamResponse response : responses) {
                        out.onNext(response);
                    }
                });
    }

    /** Sends these responses and then fails with the status. */
    FakeVtgate thenSendAndFail(io.grpc.Status status, Vtgate.VStreamResponse... responses) {
        return then(
                (request, out) -> {
                    for (Vtgate.VStreamResponse response : responses) {
                        out.onNext(response);
                    }
                    out.onError(status.asRuntimeException());
                });
    }

    synchronized List<Vtgate.VStreamRequest> requests() {
        return new ArrayList<>(requests);
    }

    synchronized List<Vtgate.VStreamRequest> positionChecks() {
        return new ArrayList<>(positionChecks);
    }

    /** Waits until the reader made this many VStream calls (not counting position checks). */
    synchronized void awaitRequests(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (requests.size() < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError(
                        "Expected " + count + " VStream calls, got " + requests.size());
            }
            wait(left);
        }
    }

    synchronized ManagedChannel channel() {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        channels.add(channel);
        return channel;
    }

    synchronized int channelsOpened() {
        return channels.size();
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        Server started;
        synchronized (this) {
            started = server;
        }
        if (started != null) {
            started.shutdownNow();
            started.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    // ---- events ----

    static String gtid(long from, long to) {
        return "MySQL56/" + UUID_A + ":" + from + "-" + to;
    }

    static Vtgate.VStreamResponse response(Binlogdata.VEvent... events) {
        Vtgate.VStreamResponse.Builder response = Vtgate.VStreamResponse.newBuilder();
        for (Binlogdata.VEvent event : events) {
            response.addEvents(event);
        }
        return response.build();
    }

    static Binlogdata.VEvent event(Binlogdata.VEventType type) {
        return Binlogdata.VEvent.newBuilder().setType(type).build();
    }

    static Binlogdata.VEvent begin() {
        return event(Binlogdata.VEventType.BEGIN);
    }

    static Binlogdata.VEvent commit() {
        return event(Binlogdata.VEventType.COMMIT);
    }

    static Binlogdata.VEvent copyCompleted() {
        return event(Binlogdata.VEventType.COPY_COMPLETED);
    }

    static List<Query.Field> fields() {
        List<Query.Field> fields = new ArrayList<>();
        fields.add(
                Query.Field.newBuilder()
                        .setName("id")
                        .setType(Query.Type.INT64)
                        .setColumnType("bigint")
                        .build());
        fields.add(
                Query.Field.newBuilder()
                        .setName("v")
                        .setType(Query.Type.VARCHAR)
                        .setColumnType("varchar(64)")
                        .build());
        return fields;
    }

    /** A FIELD event of the copy phase (no timestamp). */
    static Binlogdata.VEvent field(String table) {
        return field(table, 0);
    }

    static Binlogdata.VEvent field(String table, long timestamp) {
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.FIELD)
                .setTimestamp(timestamp)
                .setFieldEvent(
                        Binlogdata.FieldEvent.newBuilder()
                                .setTableName(KEYSPACE + "." + table)
                                .addAllFields(fields())
                                .setKeyspace(KEYSPACE)
                                .setShard(SHARD))
                .build();
    }

    static Query.Row row(long id, String v) {
        byte[] idBytes = Long.toString(id).getBytes(StandardCharsets.UTF_8);
        Query.Row.Builder row = Query.Row.newBuilder().addLengths(idBytes.length);
        ByteString values = ByteString.copyFrom(idBytes);
        if (v == null) {
            row.addLengths(-1);
        } else {
            byte[] vBytes = v.getBytes(StandardCharsets.UTF_8);
            row.addLengths(vBytes.length);
            values = values.concat(ByteString.copyFrom(vBytes));
        }
        return row.setValues(values).build();
    }

    static Binlogdata.VEvent rows(String table, long timestamp, Binlogdata.RowChange... changes) {
        Binlogdata.RowEvent.Builder rowEvent =
                Binlogdata.RowEvent.newBuilder()
                        .setTableName(KEYSPACE + "." + table)
                        .setKeyspace(KEYSPACE)
                        .setShard(SHARD);
        for (Binlogdata.RowChange change : changes) {
            rowEvent.addRowChanges(change);
        }
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.ROW)
                .setTimestamp(timestamp)
                .setRowEvent(rowEvent)
                .build();
    }

    static Binlogdata.RowChange insert(long id, String v) {
        return Binlogdata.RowChange.newBuilder().setAfter(row(id, v)).build();
    }

    static Binlogdata.RowChange update(long id, String before, String after) {
        return Binlogdata.RowChange.newBuilder()
                .setBefore(row(id, before))
                .setAfter(row(id, after))
                .build();
    }

    static Binlogdata.RowChange delete(long id, String v) {
        return Binlogdata.RowChange.newBuilder().setBefore(row(id, v)).build();
    }

    /** A copy-phase row (no timestamp). */
    static Binlogdata.VEvent copyRow(long id) {
        return rows("t", 0, insert(id, "v" + id));
    }

    static Binlogdata.VEvent vgtid(String gtid, Binlogdata.TableLastPK... tablePKs) {
        Binlogdata.ShardGtid.Builder shardGtid =
                Binlogdata.ShardGtid.newBuilder()
                        .setKeyspace(KEYSPACE)
                        .setShard(SHARD)
                        .setGtid(gtid);
        for (Binlogdata.TableLastPK pk : tablePKs) {
            shardGtid.addTablePKs(pk);
        }
        return Binlogdata.VEvent.newBuilder()
                .setType(Binlogdata.VEventType.VGTID)
                .setKeyspace(KEYSPACE)
                .setShard(SHARD)
                .setVgtid(Binlogdata.VGtid.newBuilder().addShardGtids(shardGtid))
                .build();
    }

    /** A copy cursor: the table's last copied primary key, with its field. */
    static Binlogdata.TableLastPK lastPk(String table, long id) {
        byte[] idBytes = Long.toString(id).getBytes(StandardCharsets.UTF_8);
        return Binlogdata.TableLastPK.newBuilder()
                .setTableName(table)
                .setLastpk(
                        Query.QueryResult.newBuilder()
                                .addFields(
                                        Query.Field.newBuilder()
                                                .setName("id")
                                                .setType(Query.Type.INT64))
                                .addRows(
                                        Query.Row.newBuilder()
                                                .addLengths(idBytes.length)
                                                .setValues(ByteString.copyFrom(idBytes))))
                .build();
    }
}
