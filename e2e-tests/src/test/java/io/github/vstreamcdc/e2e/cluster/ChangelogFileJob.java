package io.github.vstreamcdc.e2e.cluster;

import io.github.vstreamcdc.source.PlanetScaleSource;
import io.github.vstreamcdc.source.config.StartupMode;
import io.github.vstreamcdc.source.reader.deserializer.RowDataDeserializationSchema;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import java.util.HashMap;
import java.util.Map;

/**
 * The DataStream job the cluster tests submit through the REST API, packaged in a fat jar with the
 * connector ({@link JobJar}): the changes of a table {@code (id BIGINT, <value> BIGINT, ...)} into
 * text files, one {@code +I[id, value]} line per change, written exactly once (a {@link FileSink}
 * commits a file with the checkpoint that covers it). Snapshot rows (negative values) can be slowed
 * down so that checkpoints and failures fall inside the copy phase. Self-contained: it is loaded by
 * the cluster's user class loader, without the test classes.
 *
 * <p>Arguments: {@code --hostname --grpc-port --mysql-port --keyspace --table --value-column
 * --output --checkpoint-ms --snapshot-row-delay-ms}.
 */
public final class ChangelogFileJob {

    private ChangelogFileJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        RowType rowType =
                RowType.of(
                        new LogicalType[] {new BigIntType(false), new BigIntType(true)},
                        new String[] {"id", options.get("value-column")});
        PlanetScaleSource<RowData> source =
                PlanetScaleSource.<RowData>builder()
                        .hostname(options.get("hostname"))
                        .port(Integer.parseInt(options.get("grpc-port")))
                        .mysqlPort(Integer.parseInt(options.get("mysql-port")))
                        .username("root")
                        .keyspace(options.get("keyspace"))
                        .tableName(options.get("table"))
                        .startupMode(StartupMode.INITIAL)
                        .deserializer(
                                new RowDataDeserializationSchema(
                                        rowType, InternalTypeInfo.of(rowType)))
                        .build();
        FileSink<String> sink =
                FileSink.forRowFormat(
                                new Path(options.get("output")),
                                new SimpleStringEncoder<String>("UTF-8"))
                        .withBucketAssigner(new BasePathBucketAssigner<>())
                        .withRollingPolicy(OnCheckpointRollingPolicy.build())
                        .build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(Long.parseLong(options.get("checkpoint-ms")));
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "planetscale")
                .uid("planetscale-source")
                .map(new Describe(Long.parseLong(options.get("snapshot-row-delay-ms"))))
                .uid("describe")
                .sinkTo(sink)
                .uid("files");
        env.execute("cluster-datastream " + options.get("table"));
    }

    /** {@code +I[id, value]}; sleeps first for snapshot rows (negative values) if asked. */
    static final class Describe implements MapFunction<RowData, String> {
        private final long snapshotRowDelayMillis;

        Describe(long snapshotRowDelayMillis) {
            this.snapshotRowDelayMillis = snapshotRowDelayMillis;
        }

        @Override
        public String map(RowData row) throws InterruptedException {
            Long value = row.isNullAt(1) ? null : row.getLong(1);
            if (snapshotRowDelayMillis > 0 && value != null && value < 0) {
                Thread.sleep(snapshotRowDelayMillis);
            }
            return row.getRowKind().shortString() + "[" + row.getLong(0) + ", " + value + "]";
        }
    }
}
