package io.github.vstreamcdc.source.types;

import io.github.vstreamcdc.vitess.proto.Query;
import io.github.vstreamcdc.vitess.proto.Query.Type;

import org.junit.jupiter.api.Test;

import static io.github.vstreamcdc.source.types.FieldEvents.BINARY;
import static io.github.vstreamcdc.source.types.FieldEvents.BLOB;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_BINARY;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_UTF8MB4;
import static io.github.vstreamcdc.source.types.FieldEvents.CS_UTF8MB4_BIN;
import static io.github.vstreamcdc.source.types.FieldEvents.ENUM;
import static io.github.vstreamcdc.source.types.FieldEvents.NOT_NULL;
import static io.github.vstreamcdc.source.types.FieldEvents.NUM;
import static io.github.vstreamcdc.source.types.FieldEvents.UNSIGNED;
import static io.github.vstreamcdc.source.types.FieldEvents.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests {@link MySqlColumn}: a column described from a VStream FIELD event and from {@code
 * information_schema} alike.
 */
class MySqlColumnTest {

    @Test
    void fromInformationSchema() {
        MySqlColumn column = MySqlColumn.of("n", "int unsigned", false);
        assertThat(column.name()).isEqualTo("n");
        assertThat(column.kind()).isEqualTo(MySqlKind.INT_UNSIGNED);
        assertThat(column.notNull()).isTrue();
        assertThat(column.typeName()).isEqualTo("int unsigned");
        assertThat(column.charset()).isZero();

        column = MySqlColumn.of("s", "varchar(10)", true);
        assertThat(column.kind()).isEqualTo(MySqlKind.TEXT);
        assertThat(column.notNull()).isFalse();

        assertThat(MySqlColumn.of("b", "longblob", true).kind()).isEqualTo(MySqlKind.BINARY);
        assertThat(MySqlColumn.of("p", "decimal(12,2)", true).precision()).isEqualTo(12);
        assertThat(MySqlColumn.of("p", "decimal(12,2)", true).scale()).isEqualTo(2);
        assertThat(MySqlColumn.of("t", "datetime(6)", true).fsp()).isEqualTo(6);
        assertThat(MySqlColumn.of("t", "time(9)", true).fsp()).isEqualTo(6);
        assertThat(MySqlColumn.of("b", "bit(3)", true).bitLength()).isEqualTo(3);
        assertThat(MySqlColumn.of("f", "tinyint(1)", true).tinyIntOne()).isTrue();
        assertThat(MySqlColumn.of("e", "enum('a','b')", true).members()).containsExactly("a", "b");
        assertThat(MySqlColumn.of("v", "varchar(3)", true).members()).isEmpty();
    }

    @Test
    void unsupportedTypesAreDescribedButNotRead() {
        MySqlColumn future = MySqlColumn.of("x", "some_future_type", true);
        assertThat(future.isSupported()).isFalse();
        assertThat(future.name()).isEqualTo("x");
        assertThatThrownBy(future::kind)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'x' has MySQL type some_future_type, which is not a column type"
                                + " this connector supports");

        MySqlColumn tuple = MySqlColumn.of(field("c", Type.TUPLE, "", 0, 0, 0, 0));
        assertThat(tuple.isSupported()).isFalse();
        assertThat(tuple.typeName()).isEqualTo("TUPLE");
        assertThatThrownBy(tuple::checkSupported)
                .hasMessage(
                        "Column 'c' has Vitess type TUPLE, which is not a column type this"
                                + " connector supports");
    }

    /** The planning-time check and the reader describe a column alike. */
    @Test
    void bothSourcesAgree() {
        assertSame(
                field("id", Type.UINT64, "bigint unsigned", 20, CS_BINARY, 0, NOT_NULL | UNSIGNED),
                "bigint unsigned",
                false);
        assertSame(
                field("flag", Type.INT8, "tinyint(1)", 1, CS_BINARY, 0, NUM), "tinyint(1)", true);
        assertSame(
                field("price", Type.DECIMAL, "decimal(12,2)", 14, CS_BINARY, 2, NUM),
                "decimal(12,2)",
                true);
        assertSame(field("t", Type.TIME, "time(3)", 14, CS_BINARY, 3, BINARY), "time(3)", true);
        assertSame(field("b", Type.BIT, "bit(9)", 9, CS_BINARY, 0, UNSIGNED), "bit(9)", true);
        assertSame(
                field("tag", Type.VARBINARY, "varchar(20)", 80, CS_UTF8MB4_BIN, 0, BINARY),
                "varchar(20)",
                true);
        assertSame(
                field("kind", Type.BINARY, "enum('a','b')", 4, CS_UTF8MB4_BIN, 0, ENUM | BINARY),
                "enum('a','b')",
                true);
        assertSame(field("raw", Type.BLOB, "blob", 65535, CS_BINARY, 0, BLOB), "blob", true);
        assertSame(
                field("name", Type.VARCHAR, "varchar(9)", 36, CS_UTF8MB4, 0, 0),
                "varchar(9)",
                true);
    }

    private static void assertSame(Query.Field field, String columnType, boolean nullable) {
        MySqlColumn runtime = MySqlColumn.of(field);
        MySqlColumn planning = MySqlColumn.of(field.getName(), columnType, nullable);
        assertThat(planning.kind()).as(columnType).isEqualTo(runtime.kind());
        assertThat(planning.typeName()).isEqualTo(runtime.typeName());
        assertThat(planning.notNull()).isEqualTo(runtime.notNull());
        assertThat(planning.tinyIntOne()).isEqualTo(runtime.tinyIntOne());
        assertThat(planning.precision()).isEqualTo(runtime.precision());
        assertThat(planning.scale()).isEqualTo(runtime.scale());
        assertThat(planning.fsp()).isEqualTo(runtime.fsp());
        assertThat(planning.bitLength()).isEqualTo(runtime.bitLength());
        assertThat(planning.members()).isEqualTo(runtime.members());
        assertThat(MySqlTypeMapping.toDataType(planning))
                .isEqualTo(MySqlTypeMapping.toDataType(runtime));
    }
}
