package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.api.ColumnDescription;
import io.github.vstreamcdc.source.api.RowChangeEvent;
import io.github.vstreamcdc.source.api.VStreamDeserializationSchema;
import io.github.vstreamcdc.source.reader.deserializer.SourceOutputCollector;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every row becomes an INSERT; whether rows may be reused passes through from the output. */
class AppendOnlyDeserializationSchemaTest {

    /** Emits one row telling whether its collector lets rows be reused, of the change's kind. */
    private static final class ReuseTelling implements VStreamDeserializationSchema<RowData> {
        @Override
        public void deserialize(RowChangeEvent change, Collector<RowData> out) {
            GenericRowData row =
                    GenericRowData.of(
                            StringData.fromString(
                                    "reused: " + SourceOutputCollector.reusesRecords(out)));
            row.setRowKind(RowKind.DELETE);
            out.collect(row);
        }

        @Override
        public TypeInformation<RowData> getProducedType() {
            return InternalTypeInfo.of(RowType.of(new VarCharType(VarCharType.MAX_LENGTH)));
        }
    }

    private static final class Output implements SourceOutputCollector<RowData> {
        final boolean reachesSourceOutput;
        final List<RowData> rows = new ArrayList<>();

        Output(boolean reachesSourceOutput) {
            this.reachesSourceOutput = reachesSourceOutput;
        }

        @Override
        public boolean reachesSourceOutput() {
            return reachesSourceOutput;
        }

        @Override
        public void collect(RowData record) {
            rows.add(record);
        }

        @Override
        public void close() {}
    }

    @Test
    void rowsBecomeInsertsAndMayBeReusedOnlyWhenTheOutputAllowsIt() throws Exception {
        AppendOnlyDeserializationSchema schema =
                new AppendOnlyDeserializationSchema(new ReuseTelling());
        RowChangeEvent delete =
                new RowChangeEvent(
                        "ks",
                        "-80",
                        "t",
                        RowChangeEvent.Op.DELETE,
                        Collections.singletonList(ColumnDescription.of("id", "bigint", false)),
                        new byte[][] {"1".getBytes(StandardCharsets.UTF_8)},
                        null,
                        1_700_000_000_000L,
                        "MySQL56/a:1-11");
        for (boolean reaches : new boolean[] {true, false}) {
            Output output = new Output(reaches);
            schema.deserialize(delete, output);
            assertThat(output.rows).hasSize(1);
            assertThat(output.rows.get(0).getRowKind()).isEqualTo(RowKind.INSERT);
            assertThat(output.rows.get(0).getString(0).toString()).isEqualTo("reused: " + reaches);
        }
    }
}
