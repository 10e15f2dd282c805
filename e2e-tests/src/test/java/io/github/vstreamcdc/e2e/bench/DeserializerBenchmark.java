package io.github.vstreamcdc.e2e.bench;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.RowImage;
import io.github.vstreamcdc.source.config.DroppedColumnHandling;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.SourceOutputCollector;
import io.github.vstreamcdc.source.types.MySqlColumn;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The source's deserializer alone: nanoseconds per row event of turning row images into rows and of
 * Flink's copy of each row into the next chained operator (object reuse off), for binary rows (the
 * Table API's) written into a reused row (as the source does) and into rows of their own (as for
 * any other collector), and GenericRowData (the DataStream default), in interleaved rounds over the
 * same events. The events have the shape of the benchmark's tables ({@link BenchData}): half
 * inserts, half updates of those rows (n and v change), their images read in place from one array
 * per image as the source's decoder hands them over (lengths, then values). No Vitess, no Flink
 * job: a quiet measure of per-row CPU changes. Run by {@code e2e-tests/bench/deserializer.sh}.
 */
public final class DeserializerBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(DeserializerBenchmark.class);

    private static final String PADDING =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij";
    private static final LocalDateTime EPOCH = LocalDateTime.of(2024, 1, 1, 0, 0);
    private static final DateTimeFormatter DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** utf8mb4_0900_ai_ci, MySQL 8's default collation. */
    private static final int UTF8MB4 = 255;

    private static final List<ColumnDescription> COLUMNS =
            Arrays.asList(
                    ColumnDescription.of("id", "bigint", false),
                    ColumnDescription.of("n", "int", false),
                    ColumnDescription.of("price", "decimal(12,2)", false),
                    ColumnDescription.of("created", "datetime", false),
                    ColumnDescription.of(MySqlColumn.of("v", "varchar(100)", false, UTF8MB4)));

    private DeserializerBenchmark() {}

    public static void main(String[] args) throws Exception {
        LOG.info(results());
    }

    /** Runs the benchmark (sized by system properties, see the script) and returns its table. */
    static String results() throws Exception {
        int events = Integer.getInteger("bench.deserializer.events", 400_000);
        int rounds = Integer.getInteger("bench.deserializer.rounds", 40);
        // Only binary rows: the code paths the source's Table API jobs (and the end-to-end
        // benchmark) run, without the generic ones' share of the JIT's profiles.
        boolean binaryOnly = Boolean.getBoolean("bench.deserializer.binary-only");
        RowDataDeserializationSchema generic =
                new RowDataDeserializationSchema(
                        BenchData.ROW_TYPE,
                        Collections.emptyList(),
                        InternalTypeInfo.of(BenchData.ROW_TYPE),
                        ZoneOffset.UTC,
                        DroppedColumnHandling.FAIL);
        RowDataDeserializationSchema binary = generic.withBinaryRows();
        Images[] images = images(events);
        // The source's output (binary rows written into a reused row), a collector elsewhere
        // (binary rows of their own), the DataStream default.
        String[] names = {
            "binary rows, reused (the source's output, Table API)",
            "binary rows of their own (collected elsewhere)",
            "GenericRowData (DataStream default)"
        };
        RowDataDeserializationSchema[] schemas = {binary, binary.withBinaryRows(), generic};
        Sink[] sinks = {new Sink(true), new Sink(false), new Sink(false)};
        int modes = binaryOnly ? 2 : 3;
        int measured = Math.max(1, rounds / 4);
        double[][] nanos = new double[modes][measured];
        // Every order of the modes in turn, so that none runs before another more often.
        int[][] orders =
                binaryOnly
                        ? new int[][] {{0, 1}, {1, 0}}
                        : new int[][] {
                            {0, 1, 2}, {1, 0, 2}, {2, 0, 1}, {0, 2, 1}, {1, 2, 0}, {2, 1, 0}
                        };
        for (int round = 0; round < rounds; round++) {
            // Each round reads new image objects (their spans not yet decoded), as the source
            // does.
            for (int mode : orders[round % orders.length]) {
                double perEvent = run(schemas[mode], images, sinks[mode]);
                int slot = round - (rounds - measured);
                if (slot >= 0) {
                    nanos[mode][slot] = perEvent;
                }
            }
        }
        StringBuilder table = new StringBuilder();
        table.append(
                String.format(
                        Locale.ROOT,
                        "%n%d events (half inserts, half updates), each row copied as Flink's chain"
                                + " copies it, the last %d of %d rounds (medians):%n"
                                + "| rows | ns per event |%n|---|---:|%n",
                        events,
                        measured,
                        rounds));
        long rows = 0;
        for (int mode = 0; mode < modes; mode++) {
            table.append(
                    String.format(
                            Locale.ROOT, "| %s | %.1f |%n", names[mode], median(nanos[mode])));
            rows += sinks[mode].rows;
        }
        table.append(
                String.format(
                        Locale.ROOT,
                        "| ratio reused / own binary rows (median of the rounds' ratios) | %.2f |%n",
                        median(ratios(nanos[0], nanos[1]))));
        if (!binaryOnly) {
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| ratio reused binary rows / generic (median of the rounds' ratios)"
                                    + " | %.2f |%n",
                            median(ratios(nanos[0], nanos[2]))));
        }
        return table.append("(").append(rows).append(" rows out)").toString();
    }

    private static double[] ratios(double[] numerators, double[] denominators) {
        double[] ratios = new double[numerators.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = numerators[i] / denominators[i];
        }
        return ratios;
    }

    /** Nanoseconds per event of one pass over all events, with fresh image objects. */
    private static double run(RowDataDeserializationSchema schema, Images[] images, Sink sink)
            throws Exception {
        RowChangeEvent[] changes = new RowChangeEvent[images.length];
        for (int i = 0; i < images.length; i++) {
            changes[i] = images[i].change();
        }
        long start = System.nanoTime();
        for (RowChangeEvent change : changes) {
            schema.deserialize(change, sink);
        }
        return (System.nanoTime() - start) / (double) changes.length;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static Images[] images(int events) {
        Images[] out = new Images[events];
        for (int i = 0; i < events; i++) {
            long id = 1 + i / 2;
            String[] row = row(id, false);
            out[i] =
                    i % 2 == 0
                            ? new Images(RowChangeEvent.Op.INSERT, null, new Packed(row))
                            : new Images(
                                    RowChangeEvent.Op.UPDATE,
                                    new Packed(row),
                                    new Packed(row(id, true)));
        }
        return out;
    }

    /** A row as {@link BenchData} writes it, and as its UPDATE leaves it. */
    private static String[] row(long id, boolean updated) {
        String v = "row-" + id + "-";
        v = v + PADDING.substring(0, 60 - v.length());
        long n = (id * 7919) % 1_000_000;
        return new String[] {
            Long.toString(id),
            Long.toString(updated ? n + 1 : n),
            (id % 100_000) + ".25",
            DATETIME.format(EPOCH.plusSeconds(id * 37)),
            updated ? "u" + v.substring(1) : v
        };
    }

    /** One image as a message holds it: the lengths as packed sint64 varints, then the values. */
    private static final class Packed {
        final byte[] bytes;
        final int count;
        final int valuesStart;

        Packed(String[] values) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[][] encoded = new byte[values.length][];
            for (int i = 0; i < values.length; i++) {
                encoded[i] = values[i].getBytes(UTF_8);
                long zigzag = (long) encoded[i].length << 1;
                while ((zigzag & ~0x7FL) != 0) {
                    out.write((int) ((zigzag & 0x7F) | 0x80));
                    zigzag >>>= 7;
                }
                out.write((int) zigzag);
            }
            valuesStart = out.size();
            for (byte[] value : encoded) {
                out.write(value, 0, value.length);
            }
            bytes = out.toByteArray();
            count = values.length;
        }

        RowImage image() {
            return RowImage.packed(bytes, count, 0, valuesStart);
        }
    }

    private static final class Images {
        final RowChangeEvent.Op op;
        final Packed before;
        final Packed after;

        Images(RowChangeEvent.Op op, Packed before, Packed after) {
            this.op = op;
            this.before = before;
            this.after = after;
        }

        RowChangeEvent change() {
            return RowChangeEvent.ofImages(
                    BenchData.KEYSPACE,
                    "0",
                    "bench",
                    op,
                    COLUMNS,
                    before == null ? null : before.image(),
                    after == null ? null : after.image(),
                    1_700_000_000_000L,
                    null,
                    1);
        }
    }

    /**
     * Takes each row as the source's output does: Flink's chain copies it into the next operator
     * (object reuse off, Flink's default); as the source's output, it lets the deserializer reuse
     * its binary rows. Counts the rows, so that the JIT cannot drop the work.
     */
    private static final class Sink implements SourceOutputCollector<RowData> {
        private final RowDataSerializer serializer = new RowDataSerializer(BenchData.ROW_TYPE);
        private final boolean sourceOutput;
        long rows;

        /**
         * @param sourceOutput whether it lets the deserializer reuse its rows
         */
        Sink(boolean sourceOutput) {
            this.sourceOutput = sourceOutput;
        }

        @Override
        public boolean reachesSourceOutput() {
            return sourceOutput;
        }

        @Override
        public void collect(RowData row) {
            rows += serializer.copy(row).getArity() > 0 ? 1 : 0;
        }

        @Override
        public void close() {}
    }
}
