package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Topodata;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare VStream consumer over the generated stubs: the tests' view of what VTGate sends. */
final class VStreamClient implements AutoCloseable {

    private final ManagedChannel channel;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    VStreamClient(VitessCluster cluster, Binlogdata.VGtid vgtid, Binlogdata.Filter filter) {
        channel =
                ManagedChannelBuilder.forAddress(cluster.host(), cluster.grpcPort())
                        .usePlaintext()
                        .maxInboundMessageSize(64 * 1024 * 1024)
                        .build();
        Vtgate.VStreamRequest request =
                Vtgate.VStreamRequest.newBuilder()
                        .setTabletType(Topodata.TabletType.PRIMARY)
                        .setVgtid(vgtid)
                        .setFilter(filter)
                        .build();
        VitessGrpc.newStub(channel)
                .vStream(
                        request,
                        new StreamObserver<Vtgate.VStreamResponse>() {
                            @Override
                            public void onNext(Vtgate.VStreamResponse value) {
                                events.addAll(value.getEventsList());
                            }

                            @Override
                            public void onError(Throwable t) {
                                events.add(t);
                            }

                            @Override
                            public void onCompleted() {
                                events.add(new IllegalStateException("stream completed"));
                            }
                        });
    }

    static Binlogdata.VGtid keyspace(String keyspace, String gtid) {
        return Binlogdata.VGtid.newBuilder()
                .addShardGtids(
                        Binlogdata.ShardGtid.newBuilder().setKeyspace(keyspace).setGtid(gtid))
                .build();
    }

    /** All columns of one table (a plain table rule needs a select as its filter). */
    static Binlogdata.Filter table(String table) {
        return Binlogdata.Filter.newBuilder()
                .addRules(
                        Binlogdata.Rule.newBuilder()
                                .setMatch(table)
                                .setFilter("select * from " + table))
                .build();
    }

    /** The next event, or an AssertionError after the timeout or on a stream error. */
    Binlogdata.VEvent next(long timeoutSeconds) throws InterruptedException {
        Object next = events.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("No VStream event within " + timeoutSeconds + " s");
        }
        if (next instanceof Throwable) {
            throw new AssertionError("VStream failed: " + next, (Throwable) next);
        }
        return (Binlogdata.VEvent) next;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
