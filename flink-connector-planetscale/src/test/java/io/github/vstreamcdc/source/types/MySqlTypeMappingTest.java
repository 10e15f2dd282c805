package io.github.vstreamcdc.source.types;

import io.github.vstreamcdc.vitess.proto.Query.Type;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

import static io.github.vstreamcdc.source.types.FieldEvents.AUTO_INCREMENT;
import static io.github.vstreamcdc.source.types.FieldEvents.BINARY;
import static io.github.vstreamcdc.source.types.FieldEvents.BLOB;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_BINARY;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_UTF8MB4;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_UTF8MB4_BIN;
import static io.github.vstreamcdc.source.types.FieldEvents.ENUM;
import static io.github.vstreamcdc.source.types.FieldEvents.NOT_NULL;
import static io.github.vstreamcdc.source.types.FieldEvents.NUM;
import static io.github.vstreamcdc.source.types.FieldEvents.PART_KEY;
import static io.github.vstreamcdc.source.types.FieldEvents.PRI_KEY;
import static io.github.vstreamcdc.source.types.FieldEvents.SET;
import static io.github.vstreamcdc.source.types.FieldEvents.TIMESTAMP;
import static io.github.vstreamcdc.source.types.FieldEvents.UNSIGNED;
import static io.github.vstreamcdc.source.types.FieldEvents.ZEROFILL;
import static io.github.vstreamcdc.source.types.FieldEvents.columns;
import static io.github.vstreamcdc.source.types.FieldEvents.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests {@link MySqlTypeMapping}: the default Flink type of every MySQL column type. */
class MySqlTypeMappingTest {

    private static DataType map(
            Type type, String columnType, int columnLength, int charset, int decimals, int flags) {
        return MySqlTypeMapping.toDataType(
                MySqlColumn.of(
                        field("c", type, columnType, columnLength, charset, decimals, flags)));
    }

    @Test
    void integers() {
        assertThat(map(Type.INT8, "tinyint(1)", 1, CS_BINARY, 0, NUM))
                .isEqualTo(DataTypes.BOOLEAN());
        assertThat(map(Type.INT8, "tinyint", 4, CS_BINARY, 0, NUM)).isEqualTo(DataTypes.TINYINT());
        assertThat(map(Type.INT8, "tinyint(4)", 4, CS_BINARY, 0, NUM))
                .isEqualTo(DataTypes.TINYINT());
        assertThat(map(Type.UINT8, "tinyint unsigned", 3, CS_BINARY, 0, UNSIGNED | NUM))
                .isEqualTo(DataTypes.SMALLINT());
        assertThat(map(Type.UINT8, "tinyint(1) unsigned", 1, CS_BINARY, 0, UNSIGNED | NUM))
                .as("Flink CDC maps only signed TINYINT(1) to BOOLEAN")
                .isEqualTo(DataTypes.SMALLINT());
        assertThat(map(Type.INT16, "smallint", 6, CS_BINARY, 0, NUM))
                .isEqualTo(DataTypes.SMALLINT());
        assertThat(map(Type.UINT16, "smallint unsigned", 5, CS_BINARY, 0, UNSIGNED | NUM))
                .isEqualTo(DataTypes.INT());
        assertThat(map(Type.INT24, "mediumint", 9, CS_BINARY, 0, NUM)).isEqualTo(DataTypes.INT());
        assertThat(map(Type.UINT24, "mediumint unsigned", 8, CS_BINARY, 0, UNSIGNED | NUM))
                .isEqualTo(DataTypes.INT());
        assertThat(map(Type.INT32, "int", 11, CS_BINARY, 0, NUM)).isEqualTo(DataTypes.INT());
        assertThat(map(Type.UINT32, "int unsigned", 10, CS_BINARY, 0, UNSIGNED | NUM))
                .isEqualTo(DataTypes.BIGINT());
        assertThat(map(Type.INT64, "bigint", 20, CS_BINARY, 0, NUM)).isEqualTo(DataTypes.BIGINT());
        assertThat(map(Type.UINT64, "bigint unsigned", 20, CS_BINARY, 0, UNSIGNED | NUM))
                .isEqualTo(DataTypes.DECIMAL(20, 0));
        assertThat(
                        map(
                                Type.UINT32,
                                "int(10) unsigned zerofill",
                                10,
                                CS_BINARY,
                                0,
                                UNSIGNED | ZEROFILL | NUM))
                .isEqualTo(DataTypes.BIGINT());
    }

    @Test
    void primaryKeyIsNotNull() {
        DataType type =
                map(
                        Type.UINT64,
                        "bigint unsigned",
                        20,
                        CS_BINARY,
                        0,
                        NOT_NULL | PRI_KEY | UNSIGNED | AUTO_INCREMENT | PART_KEY | NUM);
        assertThat(type).isEqualTo(DataTypes.DECIMAL(20, 0).notNull());
        assertThat(map(Type.VARCHAR, "varchar(10)", 40, CS_UTF8MB4, 0, NOT_NULL))
                .isEqualTo(DataTypes.STRING().notNull());
    }

    @Test
    void floatingPointAndDecimal() {
        assertThat(map(Type.FLOAT32, "float", 12, CS_BINARY, 31, NUM)).isEqualTo(DataTypes.FLOAT());
        assertThat(map(Type.FLOAT64, "double", 22, CS_BINARY, 31, NUM))
                .isEqualTo(DataTypes.DOUBLE());
        assertThat(map(Type.DECIMAL, "decimal(10,2)", 12, CS_BINARY, 2, NUM))
                .isEqualTo(DataTypes.DECIMAL(10, 2));
        assertThat(map(Type.DECIMAL, "decimal(38,10)", 40, CS_BINARY, 10, NUM))
                .isEqualTo(DataTypes.DECIMAL(38, 10));
        assertThat(map(Type.DECIMAL, "decimal(39,0)", 40, CS_BINARY, 0, NUM))
                .as("beyond Flink's precision 38")
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.DECIMAL, "decimal(65,30)", 67, CS_BINARY, 30, NUM))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.DECIMAL, "decimal(5,2) unsigned", 6, CS_BINARY, 2, UNSIGNED | NUM))
                .isEqualTo(DataTypes.DECIMAL(5, 2));
    }

    @Test
    void temporal() {
        assertThat(map(Type.DATE, "date", 10, CS_BINARY, 0, BINARY)).isEqualTo(DataTypes.DATE());
        assertThat(map(Type.TIME, "time", 10, CS_BINARY, 0, BINARY)).isEqualTo(DataTypes.TIME(0));
        assertThat(map(Type.TIME, "time(2)", 13, CS_BINARY, 2, BINARY))
                .isEqualTo(DataTypes.TIME(2));
        assertThat(map(Type.TIME, "time(6)", 17, CS_BINARY, 6, BINARY))
                .as("Flink's TIME keeps milliseconds")
                .isEqualTo(DataTypes.TIME(3));
        assertThat(map(Type.DATETIME, "datetime", 19, CS_BINARY, 0, BINARY))
                .isEqualTo(DataTypes.TIMESTAMP(0));
        assertThat(map(Type.DATETIME, "datetime(6)", 26, CS_BINARY, 6, BINARY))
                .isEqualTo(DataTypes.TIMESTAMP(6));
        assertThat(map(Type.TIMESTAMP, "timestamp(3)", 23, CS_BINARY, 3, BINARY | TIMESTAMP))
                .isEqualTo(DataTypes.TIMESTAMP_LTZ(3));
        assertThat(
                        map(
                                Type.TIMESTAMP,
                                "timestamp",
                                19,
                                CS_BINARY,
                                0,
                                NOT_NULL | BINARY | TIMESTAMP))
                .isEqualTo(DataTypes.TIMESTAMP_LTZ(0).notNull());
        assertThat(map(Type.YEAR, "year", 4, CS_BINARY, 0, UNSIGNED | ZEROFILL | NUM))
                .isEqualTo(DataTypes.INT());
    }

    @Test
    void stringsAndBinaries() {
        assertThat(map(Type.CHAR, "char(10)", 40, CS_UTF8MB4, 0, 0)).isEqualTo(DataTypes.STRING());
        assertThat(map(Type.VARCHAR, "varchar(255)", 1020, CS_UTF8MB4, 0, 0))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.TEXT, "longtext", -1, CS_UTF8MB4, 0, BLOB))
                .isEqualTo(DataTypes.STRING());
        // Vitess types a column with a binary collation (utf8mb4_bin) as VARBINARY / BLOB.
        assertThat(map(Type.VARBINARY, "varchar(20)", 80, CS_UTF8MB4_BIN, 0, BINARY))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.BLOB, "text", 65535, CS_UTF8MB4_BIN, 0, BLOB | BINARY))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.BINARY, "binary(16)", 16, CS_BINARY, 0, BINARY))
                .isEqualTo(DataTypes.BYTES());
        assertThat(map(Type.VARBINARY, "varbinary(255)", 255, CS_BINARY, 0, BINARY))
                .isEqualTo(DataTypes.BYTES());
        assertThat(map(Type.BLOB, "mediumblob", 16777215, CS_BINARY, 0, BLOB | BINARY))
                .isEqualTo(DataTypes.BYTES());
    }

    @Test
    void otherTypes() {
        assertThat(map(Type.BIT, "bit(1)", 1, CS_BINARY, 0, UNSIGNED))
                .isEqualTo(DataTypes.BOOLEAN());
        assertThat(map(Type.BIT, "bit(64)", 64, CS_BINARY, 0, UNSIGNED))
                .isEqualTo(DataTypes.BYTES());
        assertThat(map(Type.ENUM, "enum('a','b')", 4, CS_UTF8MB4, 0, ENUM))
                .isEqualTo(DataTypes.STRING());
        // An ENUM with a binary collation comes as BINARY.
        assertThat(map(Type.BINARY, "enum('a','b')", 4, CS_UTF8MB4_BIN, 0, ENUM | BINARY))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.SET, "set('x','y','z')", 20, CS_UTF8MB4, 0, SET))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.JSON, "json", -1, CS_BINARY, 0, BLOB | BINARY))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.GEOMETRY, "point", -1, CS_BINARY, 0, BLOB | BINARY))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.GEOMETRY, "geometry", -1, CS_BINARY, 0, BLOB | BINARY))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.VECTOR, "vector(3)", 12, CS_BINARY, 0, BINARY))
                .isEqualTo(DataTypes.ARRAY(DataTypes.FLOAT().notNull()));
    }

    /** Without column_type (an old server), the length, decimals and charset decide. */
    @Test
    void withoutColumnType() {
        assertThat(map(Type.INT8, "", 1, CS_BINARY, 0, NUM)).isEqualTo(DataTypes.BOOLEAN());
        assertThat(map(Type.INT8, "", 4, CS_BINARY, 0, NUM)).isEqualTo(DataTypes.TINYINT());
        assertThat(map(Type.DECIMAL, "", 12, CS_BINARY, 2, NUM))
                .isEqualTo(DataTypes.DECIMAL(10, 2));
        assertThat(map(Type.DECIMAL, "", 11, CS_BINARY, 2, UNSIGNED | NUM))
                .isEqualTo(DataTypes.DECIMAL(10, 2));
        assertThat(map(Type.DECIMAL, "", 11, CS_BINARY, 0, NUM))
                .isEqualTo(DataTypes.DECIMAL(10, 0));
        assertThat(map(Type.DATETIME, "", 26, CS_BINARY, 6, BINARY))
                .isEqualTo(DataTypes.TIMESTAMP(6));
        assertThat(map(Type.BIT, "", 1, CS_BINARY, 0, UNSIGNED)).isEqualTo(DataTypes.BOOLEAN());
        assertThat(map(Type.BIT, "", 9, CS_BINARY, 0, UNSIGNED)).isEqualTo(DataTypes.BYTES());
        assertThat(map(Type.VARBINARY, "", 80, CS_UTF8MB4_BIN, 0, BINARY))
                .isEqualTo(DataTypes.STRING());
        assertThat(map(Type.VARBINARY, "", 80, CS_BINARY, 0, BINARY)).isEqualTo(DataTypes.BYTES());
        assertThat(map(Type.BLOB, "", 65535, 0, 0, BLOB)).isEqualTo(DataTypes.BYTES());
    }

    @Test
    void rowType() {
        RowType rowType =
                MySqlTypeMapping.toRowType(
                        columns(
                                field(
                                        "id",
                                        Type.INT64,
                                        "bigint",
                                        20,
                                        CS_BINARY,
                                        0,
                                        NOT_NULL | PRI_KEY | NUM),
                                field("name", Type.VARCHAR, "varchar(10)", 40, CS_UTF8MB4, 0, 0)));
        assertThat(rowType.asSummaryString())
                .isEqualTo("ROW<`id` BIGINT NOT NULL, `name` STRING> NOT NULL");
        assertThat(
                        MySqlTypeMapping.toRowDataType(
                                columns(
                                        field(
                                                "id",
                                                Type.INT64,
                                                "bigint",
                                                20,
                                                CS_BINARY,
                                                0,
                                                NOT_NULL | NUM))))
                .isEqualTo(
                        DataTypes.ROW(DataTypes.FIELD("id", DataTypes.BIGINT().notNull()))
                                .notNull());
    }

    @Test
    void notAColumnType() {
        assertThatThrownBy(() -> map(Type.TUPLE, "", 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'c' has Vitess type TUPLE, which is not a column type this"
                                + " connector supports");
        assertThatThrownBy(() -> map(Type.EXPRESSION, "", 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
