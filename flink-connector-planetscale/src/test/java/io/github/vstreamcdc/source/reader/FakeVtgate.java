package io.github.vstreamcdc.source.reader;

import io.github.vstreamcdc.source.client.BinlogRetention;
import io.github.vstreamcdc.source.client.VitessException;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.github.vstreamcdc.source.reader.VEvents.gtid;
import static io.github.vstreamcdc.source.reader.VEvents.response;
import static io.github.vstreamcdc.source.reader.VEvents.vgtid;

/**
 * A hand-written VTGate for reader tests: each VStream call runs the next scripted behaviour, and a
 * call for the {@code current} position (the reader's position check) answers with {@link
 * #currentPosition}. Runs in-process, so flow control is exact: the server can hand over only as
 * many responses as the client asked for.
 */
final class FakeVtgate implements AutoCloseable {

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
    private final List<String> positionChecks = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    volatile String currentPosition = gtid(1, 100_000);

    /** The shard's purged GTID set, as {@link #gtidSets} answers it. */
    volatile String purged = "MySQL56/";

    /** When set, asks for the current position fail with it. */
    volatile io.grpc.Status currentPositionFailure;

    /** When set, only the queries of the GTID sets fail (VTGate's MySQL port refuses). */
    volatile boolean gtidQueryFails;

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
                positionChecks.add("vstream " + first.getKeyspace() + "/" + first.getShard());
                notifyAll();
            }
            if (currentPositionFailure != null) {
                out.onError(currentPositionFailure.asRuntimeException());
                return;
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

    /**
     * The shard's GTID sets as the reader queries them over VTGate's MySQL protocol ({@link
     * ShardGtidSets}): {@link #currentPosition} executed, {@link #purged} purged; fails like the
     * query when {@link #currentPositionFailure} is set.
     */
    BinlogRetention.GtidSets gtidSets(String keyspace, String shard) {
        synchronized (this) {
            positionChecks.add("query " + keyspace + "/" + shard);
            notifyAll();
        }
        if (currentPositionFailure != null || gtidQueryFails) {
            throw new VitessException("Cannot read the GTID sets: " + currentPositionFailure);
        }
        return new BinlogRetention.GtidSets(purged, currentPosition);
    }

    /** The reader's asks for a shard's position: queries of its GTID sets and VStreams. */
    synchronized List<String> positionChecks() {
        return new ArrayList<>(positionChecks);
    }

    /** Waits until the reader asked for the shard's position this many times (asynchronously). */
    synchronized List<String> awaitPositionChecks(int count, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (positionChecks.size() < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError(
                        "Expected " + count + " position checks, got " + positionChecks.size());
            }
            wait(left);
        }
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
}
