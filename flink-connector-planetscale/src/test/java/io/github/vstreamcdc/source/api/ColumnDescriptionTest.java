package io.github.vstreamcdc.source.api;

import io.github.vstreamcdc.source.reader.deserializer.VStreamColumns;
import io.github.vstreamcdc.vitess.proto.Query;

import org.apache.flink.table.api.DataTypes;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.github.vstreamcdc.source.types.FieldEvents.CS_BINARY;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_UTF8MB4;
import static io.github.vstreamcdc.source.types.FieldEvents.NOT_NULL;
import static io.github.vstreamcdc.source.types.FieldEvents.NUM;
import static io.github.vstreamcdc.source.types.FieldEvents.UNSIGNED;
import static io.github.vstreamcdc.source.types.FieldEvents.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests {@link ColumnDescription}, built from FIELD events and for tests alike. */
class ColumnDescriptionTest {

    @Test
    void fromAFieldEvent() {
        List<ColumnDescription> columns =
                VStreamColumns.of(
                        Arrays.asList(
                                field(
                                        "id",
                                        Query.Type.UINT64,
                                        "bigint unsigned",
                                        20,
                                        CS_BINARY,
                                        0,
                                        NOT_NULL | UNSIGNED | NUM),
                                field(
                                        "name",
                                        Query.Type.VARCHAR,
                                        "varchar(10)",
                                        40,
                                        CS_UTF8MB4,
                                        0,
                                        0),
                                field("old", Query.Type.DECIMAL, "", 12, CS_BINARY, 2, NUM)));
        ColumnDescription id = columns.get(0);
        assertThat(id.name()).isEqualTo("id");
        assertThat(id.columnType()).isEqualTo("bigint unsigned");
        assertThat(id.nullable()).isFalse();
        assertThat(id.charset()).isEqualTo(CS_BINARY);
        assertThat(id.defaultDataType()).isEqualTo(DataTypes.DECIMAL(20, 0).notNull());
        assertThat(id).hasToString("id bigint unsigned NOT NULL");

        ColumnDescription name = columns.get(1);
        assertThat(name.nullable()).isTrue();
        assertThat(name.charset()).isEqualTo(CS_UTF8MB4);
        assertThat(name.defaultDataType()).isEqualTo(DataTypes.STRING());

        // Without column_type (an old server): Vitess' type name.
        assertThat(columns.get(2).columnType()).isEqualTo("DECIMAL");
        assertThat(columns.get(2).defaultDataType()).isEqualTo(DataTypes.DECIMAL(10, 2));

        assertThatThrownBy(() -> columns.add(id)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void forTests() {
        ColumnDescription column = ColumnDescription.of("price", "decimal(12,2)", true);
        assertThat(column.name()).isEqualTo("price");
        assertThat(column.columnType()).isEqualTo("decimal(12,2)");
        assertThat(column.nullable()).isTrue();
        assertThat(column.charset()).isZero();
        assertThat(column.defaultDataType()).isEqualTo(DataTypes.DECIMAL(12, 2));
        assertThat(column.mysqlColumn().precision()).isEqualTo(12);

        ColumnDescription future = ColumnDescription.of("x", "some_future_type", false);
        assertThat(future.columnType()).isEqualTo("some_future_type");
        assertThatThrownBy(future::defaultDataType)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a column type this connector supports");
    }
}
