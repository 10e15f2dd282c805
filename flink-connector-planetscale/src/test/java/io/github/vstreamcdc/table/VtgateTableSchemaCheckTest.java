package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.config.PlanetScaleSourceConfig;
import io.github.vstreamcdc.source.types.MySqlColumn;
import io.github.vstreamcdc.source.types.MySqlKind;
import io.github.vstreamcdc.table.VtgateTableSchemaCheck.Column;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The column part of the schema check, on columns as {@code SHOW FULL COLUMNS} reports them (the
 * queries themselves run in the end-to-end tests against a real Vitess).
 */
class VtgateTableSchemaCheckTest {

    private static final PlanetScaleSourceConfig OPTIONS =
            PlanetScaleDynamicTableFactoryTest.create(PlanetScaleDynamicTableFactoryTest.required())
                    .config();

    private static final List<Column> COLUMNS =
            Arrays.asList(
                    new Column("id", "bigint", false),
                    new Column("flag", "tinyint(1)", true),
                    new Column("small", "tinyint unsigned", true),
                    new Column("big", "bigint unsigned", true),
                    new Column("price", "decimal(12,2)", true),
                    new Column("name", "varchar(64)", true),
                    new Column("kind", "enum('a','b')", true),
                    new Column("doc", "json", true),
                    new Column("created", "datetime(6)", true),
                    new Column("changed", "timestamp(3)", true),
                    new Column("raw", "varbinary(16)", true),
                    new Column("spot", "point", true),
                    new Column("odd", "some_future_type", true));

    private static RowType declared(DataTypes.Field... fields) {
        DataType row = DataTypes.ROW(fields);
        return (RowType) row.getLogicalType();
    }

    @Test
    void acceptsTheDefaultAndOtherConvertibleTypes() {
        VtgateTableSchemaCheck.checkColumns(
                declared(
                        DataTypes.FIELD("ID", DataTypes.BIGINT().notNull()),
                        DataTypes.FIELD("flag", DataTypes.BOOLEAN()),
                        DataTypes.FIELD("small", DataTypes.SMALLINT()),
                        DataTypes.FIELD("big", DataTypes.DECIMAL(20, 0)),
                        DataTypes.FIELD("price", DataTypes.DECIMAL(12, 2)),
                        DataTypes.FIELD("name", DataTypes.STRING()),
                        DataTypes.FIELD("kind", DataTypes.STRING()),
                        DataTypes.FIELD("doc", DataTypes.STRING()),
                        DataTypes.FIELD("created", DataTypes.TIMESTAMP(6)),
                        DataTypes.FIELD("changed", DataTypes.TIMESTAMP_LTZ(3)),
                        DataTypes.FIELD("raw", DataTypes.BYTES()),
                        DataTypes.FIELD("spot", DataTypes.STRING()),
                        DataTypes.FIELD("odd", DataTypes.STRING())),
                COLUMNS,
                OPTIONS,
                "t");
        // Other exact conversions: integers widen, anything reads as STRING.
        VtgateTableSchemaCheck.checkColumns(
                declared(
                        DataTypes.FIELD("small", DataTypes.INT()),
                        DataTypes.FIELD("price", DataTypes.STRING()),
                        DataTypes.FIELD("id", DataTypes.DECIMAL(19, 0))),
                COLUMNS,
                OPTIONS,
                "t");
    }

    @Test
    void missingColumnIsNamedWithTheTablesColumns() {
        assertThatThrownBy(
                        () ->
                                VtgateTableSchemaCheck.checkColumns(
                                        declared(
                                                DataTypes.FIELD("id", DataTypes.BIGINT()),
                                                DataTypes.FIELD("nope", DataTypes.STRING())),
                                        COLUMNS,
                                        OPTIONS,
                                        "t"))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith(
                        "Column 'nope' is declared, but table 'customer.t' has no such column."
                                + " Its columns: id, flag, small");
    }

    @Test
    void unconvertibleTypeIsNamed() {
        assertThatThrownBy(
                        () ->
                                VtgateTableSchemaCheck.checkColumns(
                                        declared(DataTypes.FIELD("name", DataTypes.INT())),
                                        COLUMNS,
                                        OPTIONS,
                                        "t"))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith(
                        "Column 'name' of table 'customer.t' has MySQL type varchar(64), which"
                                + " cannot be converted to Flink type INT")
                .hasMessageNotContaining("shard");
        assertThatThrownBy(
                        () ->
                                VtgateTableSchemaCheck.checkColumns(
                                        declared(
                                                DataTypes.FIELD(
                                                        "created", DataTypes.TIMESTAMP_LTZ(6))),
                                        COLUMNS,
                                        OPTIONS,
                                        "t"))
                .hasMessageContaining("datetime(6), which cannot be converted")
                .hasMessageContaining("use TIMESTAMP or STRING");
        assertThatThrownBy(
                        () ->
                                VtgateTableSchemaCheck.checkColumns(
                                        declared(DataTypes.FIELD("big", DataTypes.INT())),
                                        COLUMNS,
                                        OPTIONS,
                                        "t"))
                .hasMessageContaining(
                        "bigint unsigned, which cannot be converted to Flink type INT");
    }

    @Test
    void describesColumnsAsTheReaderDoes() {
        MySqlColumn column = new Column("n", "int unsigned", false).describe();
        assertThat(column.kind()).isEqualTo(MySqlKind.INT_UNSIGNED);
        assertThat(column.notNull()).isTrue();
        assertThat(column.typeName()).isEqualTo("int unsigned");

        column = new Column("s", "varchar(10)", true).describe();
        assertThat(column.kind()).isEqualTo(MySqlKind.TEXT);
        assertThat(column.notNull()).isFalse();

        assertThat(new Column("b", "longblob", true).describe().kind()).isEqualTo(MySqlKind.BINARY);
        assertThat(new Column("x", "some_future_type", true).describe().isSupported()).isFalse();
    }
}
