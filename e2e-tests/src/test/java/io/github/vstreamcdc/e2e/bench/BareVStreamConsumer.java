package io.github.vstreamcdc.e2e.bench;

import io.github.vstreamcdc.source.reader.RowValues;
import io.github.vstreamcdc.vitess.proto.Binlogdata;
import io.github.vstreamcdc.vitess.proto.Topodata;
import io.github.vstreamcdc.vitess.proto.VitessGrpc;
import io.github.vstreamcdc.vitess.proto.Vtgate;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The practical limit: a bare VStream consumer over the generated stubs that does the least a real
 * consumer must do. It splits every row image into its column values with {@link RowValues#decode}
 * (as the source does) and counts them; the messages are handled on gRPC's own thread, with gRPC's
 * automatic flow control.
 */
final class BareVStreamConsumer implements AutoCloseable {

    private final ManagedChannel channel;

    BareVStreamConsumer(String host, int port) {
        channel =
                ManagedChannelBuilder.forAddress(host, port)
                        .usePlaintext()
                        .maxInboundMessageSize(64 * 1024 * 1024)
                        .build();
    }

    /**
     * Reads the copy phase of one table of one shard (GTID "") until COPY_COMPLETED; the late
     * window is the second half of the rows.
     */
    Measurement copy(String keyspace, String shard, String table, long expected, Duration timeout)
            throws InterruptedException {
        return readCopy(
                request(keyspace, shard, "", table, true, null),
                expected,
                false,
                timeout,
                Measurement::processCpuNanosWithEndedThreads);
    }

    /**
     * Copies a table as a stream adds a table to copy (a table created while it runs): from a
     * position, with the table in the request's table keys without a last key, until
     * COPY_COMPLETED. The stream's filter also names {@code alsoStreamed}, as the running source's
     * stream names the tables it reads on.
     */
    Measurement copyAt(
            String keyspace,
            String shard,
            String gtid,
            String table,
            String alsoStreamed,
            long expected,
            Duration timeout)
            throws InterruptedException {
        return readCopy(
                request(keyspace, shard, gtid, table, true, alsoStreamed),
                expected,
                false,
                timeout,
                // The same clock as the running source's copies (LiveBursts#sourceCopy).
                Measurement::processCpuNanosWithEndedThreads);
    }

    /**
     * The size of a table's copy phase as VStream responses (their serialized size): read apart
     * from the measured reads, whose consumer should not spend CPU on it.
     */
    long copyWireBytes(String keyspace, String shard, String table, long expected, Duration timeout)
            throws InterruptedException {
        return readCopy(
                        request(keyspace, shard, "", table, true, null),
                        expected,
                        true,
                        timeout,
                        Measurement::processCpuNanosWithEndedThreads)
                .wireBytes;
    }

    /**
     * Reads a table's binlog events from a position until the expected number of row events; the
     * late window is the events after the first {@code lateFrom}.
     */
    Measurement stream(
            String keyspace,
            String shard,
            String gtid,
            String table,
            long expected,
            long lateFrom,
            Duration timeout)
            throws InterruptedException {
        return read(
                request(keyspace, shard, gtid, table, false, null),
                expected,
                false,
                lateFrom,
                false,
                timeout,
                Measurement::processCpuNanosWithEndedThreads);
    }

    /** A copy until COPY_COMPLETED; its late window is the second half of the rows. */
    private Measurement readCopy(
            Vtgate.VStreamRequest request,
            long expected,
            boolean countWire,
            Duration timeout,
            LongSupplier cpuClock)
            throws InterruptedException {
        return read(request, expected, true, expected / 2, countWire, timeout, cpuClock);
    }

    private Measurement read(
            Vtgate.VStreamRequest request,
            long expected,
            boolean untilCopyCompleted,
            long lateFrom,
            boolean countWire,
            Duration timeout,
            LongSupplier cpuClock)
            throws InterruptedException {
        Reader reader = new Reader(expected, untilCopyCompleted, lateFrom, countWire, false);
        long cpuAtStart = cpuClock.getAsLong();
        long[] vmAtStart = Measurement.vmThreadsCpuNanos();
        Map<String, Object[]> threadsAtStart = Measurement.threadTicks();
        reader.startNanos = System.nanoTime();
        VitessGrpc.newStub(channel).vStream(request, reader);
        boolean done = reader.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long cpuAtEnd = cpuClock.getAsLong();
        long[] vmAtEnd = Measurement.vmThreadsCpuNanos();
        Map<String, Object[]> threadsAtEnd = Measurement.threadTicks();
        if (!done) {
            reader.cancel("timed out");
            throw new IllegalStateException(
                    "Bare VStream read "
                            + reader.rows
                            + " of "
                            + expected
                            + " row events in "
                            + timeout);
        }
        if (reader.failure != null) {
            throw new IllegalStateException(
                    "Bare VStream failed after " + reader.rows + " row events", reader.failure);
        }
        if (reader.rows != expected) {
            throw new IllegalStateException(
                    "Bare VStream read " + reader.rows + " row events; expected " + expected);
        }
        return new Measurement(
                        "bare gRPC VStream",
                        reader.rows,
                        reader.startNanos,
                        reader.firstNanos,
                        reader.lastNanos,
                        countWire ? reader.wireBytes : -1)
                .withCpu(cpuAtStart, cpuAtEnd)
                .withVmThreads(vmAtStart, vmAtEnd)
                .withSteadyCpu(reader.firstCpuNanos, reader.lastCpuNanos)
                .withLateCpu(reader.lateCpuNanos, reader.lastCpuNanos, expected - lateFrom)
                .withThreadCpu(threadsAtStart, threadsAtEnd);
    }

    /**
     * Opens a VStream of a table's binlog from a position that stays open; {@link LiveStream#burst}
     * measures the reading of each burst of events written after it.
     */
    LiveStream open(String keyspace, String shard, String gtid, String table) {
        Reader reader = new Reader(Long.MAX_VALUE, false, Long.MAX_VALUE, false, true);
        VitessGrpc.newStub(channel)
                .vStream(request(keyspace, shard, gtid, table, false, null), reader);
        return new LiveStream(reader);
    }

    /** See {@link #open}. */
    static final class LiveStream implements AutoCloseable {

        private final Reader reader;
        private long read;

        private LiveStream(Reader reader) {
            this.reader = reader;
        }

        /**
         * Readies the reader for the next {@code events} row events, then runs {@code commit}
         * (which makes them reach the binlog) and waits for them: the measurement of that burst,
         * from the commit to its last event.
         */
        Measurement burst(long events, LiveBursts.Commit commit, Duration timeout)
                throws Exception {
            checkStream();
            long before = reader.rows;
            if (before != read) {
                throw new IllegalStateException(
                        "Bare VStream read " + before + " row events; expected " + read);
            }
            read += events;
            reader.reached = new CountDownLatch(1);
            reader.firstAt = before + 1;
            reader.expected = before + events;
            LiveBursts.Start start = commit.run();
            if (!reader.reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        "Bare VStream read "
                                + (reader.rows - before)
                                + " of "
                                + events
                                + " row events of a burst in "
                                + timeout);
            }
            checkStream();
            if (reader.rows != before + events) {
                throw new IllegalStateException(
                        "Bare VStream read "
                                + (reader.rows - before)
                                + " row events of a burst; expected "
                                + events);
            }
            return start.measurement(
                    "bare gRPC VStream",
                    events,
                    reader.firstNanos,
                    reader.lastNanos,
                    reader.firstCpuNanos,
                    reader.lastCpuNanos);
        }

        /** Fails if the stream failed (before a burst, or while it was read). */
        private void checkStream() {
            if (reader.failure != null) {
                throw new IllegalStateException(
                        "Bare VStream failed after " + reader.rows + " row events", reader.failure);
            }
        }

        @Override
        public void close() {
            reader.cancel("done");
        }
    }

    /**
     * @param copy whether the table is copied: from GTID "" all of it; from a position, as a table
     *     added to a stream (named in the table keys without a last key)
     */
    private static Vtgate.VStreamRequest request(
            String keyspace,
            String shard,
            String gtid,
            String table,
            boolean copy,
            @Nullable String alsoStreamed) {
        Binlogdata.ShardGtid.Builder shardGtid =
                Binlogdata.ShardGtid.newBuilder()
                        .setKeyspace(keyspace)
                        .setShard(shard)
                        .setGtid(gtid);
        if (copy && !gtid.isEmpty()) {
            shardGtid.addTablePKs(Binlogdata.TableLastPK.newBuilder().setTableName(table));
        }
        Vtgate.VStreamFlags.Builder flags = Vtgate.VStreamFlags.newBuilder().setStopOnReshard(true);
        Binlogdata.Filter.Builder filter = Binlogdata.Filter.newBuilder();
        if (alsoStreamed != null) {
            // As the source: only the new table is copied, the other streams on.
            flags.addTablesToCopy(table);
            filter.addRules(
                    Binlogdata.Rule.newBuilder()
                            .setMatch(alsoStreamed)
                            .setFilter("select * from " + alsoStreamed));
        }
        filter.addRules(
                Binlogdata.Rule.newBuilder().setMatch(table).setFilter("select * from " + table));
        return Vtgate.VStreamRequest.newBuilder()
                .setTabletType(Topodata.TabletType.PRIMARY)
                .setVgtid(Binlogdata.VGtid.newBuilder().addShardGtids(shardGtid))
                .setFilter(filter)
                .setFlags(flags)
                .build();
    }

    /**
     * The counter-example of the heap measurement: copies a table with gRPC's automatic flow
     * control, but hands the responses to an unbounded queue that a thread drains at {@code
     * sleepMillis} per row. The stream runs at full speed and the queue holds what the slow
     * consumer has not reached yet.
     */
    UnboundedCopy startUnboundedCopy(
            String keyspace, String shard, String table, long sleepMillis) {
        UnboundedCopy copy = new UnboundedCopy(sleepMillis);
        VitessGrpc.newStub(channel).vStream(copyRequest(keyspace, shard, table), copy);
        copy.drainer.start();
        return copy;
    }

    private static Vtgate.VStreamRequest copyRequest(String keyspace, String shard, String table) {
        return request(keyspace, shard, "", table, true, null);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Consumes one VStream call on gRPC's callback thread. */
    private static final class Reader
            implements ClientResponseObserver<Vtgate.VStreamRequest, Vtgate.VStreamResponse> {

        final boolean untilCopyCompleted;
        final boolean countWire;

        /** Whether the stream stays open after the expected events (a {@link LiveStream}). */
        final boolean open;

        final CountDownLatch done = new CountDownLatch(1);
        // The window being measured (events counted from the stream's start); a LiveStream moves
        // it on to each burst while the reader waits for the next.
        volatile long firstAt = 1;
        volatile long expected;
        volatile long lateFrom;
        volatile CountDownLatch reached = new CountDownLatch(1);
        volatile ClientCallStreamObserver<Vtgate.VStreamRequest> call;
        volatile Throwable failure;
        volatile long rows;
        volatile long startNanos;
        volatile long firstNanos;
        volatile long lastNanos;
        volatile long firstCpuNanos = -1;
        volatile long lastCpuNanos = -1;
        volatile long lateCpuNanos = -1;
        long wireBytes;
        long valueBytes;
        boolean finished;

        Reader(
                long expected,
                boolean untilCopyCompleted,
                long lateFrom,
                boolean countWire,
                boolean open) {
            this.expected = expected;
            this.untilCopyCompleted = untilCopyCompleted;
            this.lateFrom = lateFrom;
            this.countWire = countWire;
            this.open = open;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Vtgate.VStreamRequest> requestStream) {
            this.call = requestStream;
        }

        @Override
        public void onNext(Vtgate.VStreamResponse response) {
            if (finished) {
                return;
            }
            if (countWire) {
                // Not in the measured reads: computing the size walks the whole message again.
                wireBytes += response.getSerializedSize();
            }
            long count = rows;
            for (Binlogdata.VEvent event : response.getEventsList()) {
                if (event.getType() == Binlogdata.VEventType.ROW) {
                    for (Binlogdata.RowChange change : event.getRowEvent().getRowChangesList()) {
                        if (change.hasBefore()) {
                            valueBytes += size(RowValues.decode(change.getBefore()));
                        }
                        if (change.hasAfter()) {
                            valueBytes += size(RowValues.decode(change.getAfter()));
                        }
                        if (++count == firstAt) {
                            firstNanos = System.nanoTime();
                            firstCpuNanos = Measurement.processCpuNanos();
                        }
                        if (count == lateFrom) {
                            lateCpuNanos = Measurement.processCpuNanos();
                        }
                    }
                    if (!untilCopyCompleted && count >= expected) {
                        rows = count;
                        if (!open) {
                            finish(null);
                            return;
                        }
                        lastNanos = System.nanoTime();
                        lastCpuNanos = Measurement.processCpuNanos();
                        expected = Long.MAX_VALUE;
                        reached.countDown();
                    }
                } else if (untilCopyCompleted
                        && event.getType() == Binlogdata.VEventType.COPY_COMPLETED) {
                    rows = count;
                    finish(null);
                    return;
                }
            }
            rows = count;
        }

        private static long size(byte[][] values) {
            long size = 0;
            for (byte[] value : values) {
                size += value == null ? 0 : value.length;
            }
            return size;
        }

        private void finish(Throwable error) {
            lastNanos = System.nanoTime();
            lastCpuNanos = Measurement.processCpuNanos();
            finished = true;
            failure = error;
            if (error == null) {
                cancel("done");
            }
            done.countDown();
            reached.countDown();
        }

        void cancel(String why) {
            ClientCallStreamObserver<Vtgate.VStreamRequest> c = call;
            if (c != null) {
                c.cancel(why, null);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!finished) {
                finish(t);
            }
        }

        @Override
        public void onCompleted() {
            if (!finished) {
                finish(new IllegalStateException("the VStream ended"));
            }
        }
    }

    /** See {@link #startUnboundedCopy}. */
    static final class UnboundedCopy
            implements ClientResponseObserver<Vtgate.VStreamRequest, Vtgate.VStreamResponse>,
                    AutoCloseable {

        private final LinkedBlockingQueue<Vtgate.VStreamResponse> queue =
                new LinkedBlockingQueue<>();
        private final long sleepMillis;
        private final Thread drainer;
        private volatile ClientCallStreamObserver<Vtgate.VStreamRequest> call;
        private volatile Throwable failure;
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong drained = new AtomicLong();

        UnboundedCopy(long sleepMillis) {
            this.sleepMillis = sleepMillis;
            this.drainer = new Thread(this::drain, "unbounded-copy-drainer");
            drainer.setDaemon(true);
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Vtgate.VStreamRequest> requestStream) {
            this.call = requestStream;
        }

        @Override
        public void onNext(Vtgate.VStreamResponse response) {
            for (Binlogdata.VEvent event : response.getEventsList()) {
                if (event.getType() == Binlogdata.VEventType.ROW) {
                    received.addAndGet(event.getRowEvent().getRowChangesCount());
                }
            }
            queue.add(response);
        }

        private void drain() {
            try {
                while (true) {
                    Vtgate.VStreamResponse response = queue.take();
                    for (Binlogdata.VEvent event : response.getEventsList()) {
                        if (event.getType() != Binlogdata.VEventType.ROW) {
                            continue;
                        }
                        for (Binlogdata.RowChange change :
                                event.getRowEvent().getRowChangesList()) {
                            RowValues.decode(change.getAfter());
                            Thread.sleep(sleepMillis);
                            drained.incrementAndGet();
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        long received() {
            return received.get();
        }

        long drained() {
            return drained.get();
        }

        Throwable failure() {
            return failure;
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
        }

        @Override
        public void onCompleted() {}

        @Override
        public void close() throws InterruptedException {
            ClientCallStreamObserver<Vtgate.VStreamRequest> c = call;
            if (c != null) {
                c.cancel("done", null);
            }
            drainer.interrupt();
            drainer.join(5000);
            queue.clear();
        }
    }
}
