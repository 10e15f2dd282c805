package io.github.vstreamcdc.source.types;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests {@link MySqlColumnType}: the parser of MySQL's {@code column_type} text. */
class MySqlColumnTypeTest {

    private static List<String> members(String columnType) {
        return MySqlColumnType.parse(columnType).members();
    }

    @Test
    void enumMembers() {
        assertThat(members("enum('a','b')")).containsExactly("a", "b");
        assertThat(members("set('it''s','a,b?','x\\\\y','')"))
                .containsExactly("it's", "a,b?", "x\\y", "");
        assertThat(members("enum('(x)','😀')")).containsExactly("(x)", "😀");
        assertThat(members("enum")).isEmpty();
    }

    @Test
    void nameArgumentsAndAttributes() {
        MySqlColumnType type = MySqlColumnType.parse(" DECIMAL(12, 2) unsigned zerofill ");
        assertThat(type.text()).isEqualTo("DECIMAL(12, 2) unsigned zerofill");
        assertThat(type.baseName()).isEqualTo("decimal");
        assertThat(type.args()).isEqualTo("12, 2");
        assertThat(type.isUnsigned()).isTrue();
        assertThat(type.decimalPrecision()).isEqualTo(12);
        assertThat(type.decimalScale()).isEqualTo(2);
        assertThat(type.kind()).isEqualTo(MySqlKind.DECIMAL);

        assertThat(MySqlColumnType.parse("decimal").decimalPrecision()).isEqualTo(10);
        assertThat(MySqlColumnType.parse("decimal").decimalScale()).isZero();
        assertThat(MySqlColumnType.parse("varchar(20)").intArg(0)).isEqualTo(20);
        assertThat(MySqlColumnType.parse("bit(3)").intArg(1)).isEqualTo(3);
        assertThat(MySqlColumnType.parse("bit").intArg(1)).isEqualTo(1);
        assertThat(MySqlColumnType.parse("datetime(x)").intArg(0)).isZero();
        assertThat(MySqlColumnType.parse("enum('a','b')").args()).isEqualTo("'a','b'");
    }

    @Test
    void emptyText() {
        for (String text : new String[] {null, "", "  "}) {
            MySqlColumnType type = MySqlColumnType.parse(text);
            assertThat(type.isEmpty()).isTrue();
            assertThat(type.kind()).isNull();
            assertThat(type.members()).isEmpty();
        }
    }

    @Test
    void kindsByName() {
        assertThat(MySqlColumnType.parse("tinyint(1)").kind()).isEqualTo(MySqlKind.TINYINT);
        assertThat(MySqlColumnType.parse("tinyint unsigned").kind())
                .isEqualTo(MySqlKind.TINYINT_UNSIGNED);
        assertThat(MySqlColumnType.parse("int(10) unsigned zerofill").kind())
                .isEqualTo(MySqlKind.INT_UNSIGNED);
        assertThat(MySqlColumnType.parse("integer").kind()).isEqualTo(MySqlKind.INT);
        assertThat(MySqlColumnType.parse("bigint unsigned").kind())
                .isEqualTo(MySqlKind.BIGINT_UNSIGNED);
        assertThat(MySqlColumnType.parse("real").kind()).isEqualTo(MySqlKind.DOUBLE);
        assertThat(MySqlColumnType.parse("numeric(5,1)").kind()).isEqualTo(MySqlKind.DECIMAL);
        assertThat(MySqlColumnType.parse("timestamp(3)").kind()).isEqualTo(MySqlKind.TIMESTAMP);
        assertThat(MySqlColumnType.parse("char(3)").kind()).isEqualTo(MySqlKind.TEXT);
        assertThat(MySqlColumnType.parse("longtext").kind()).isEqualTo(MySqlKind.TEXT);
        assertThat(MySqlColumnType.parse("varbinary(16)").kind()).isEqualTo(MySqlKind.BINARY);
        assertThat(MySqlColumnType.parse("set('x')").kind()).isEqualTo(MySqlKind.SET);
        assertThat(MySqlColumnType.parse("json").kind()).isEqualTo(MySqlKind.JSON);
        assertThat(MySqlColumnType.parse("geomcollection").kind()).isEqualTo(MySqlKind.GEOMETRY);
        assertThat(MySqlColumnType.parse("vector(3)").kind()).isEqualTo(MySqlKind.VECTOR);
        assertThat(MySqlColumnType.parse("some_future_type").kind()).isNull();
    }

    @Test
    void tinyIntOne() {
        assertThat(MySqlColumnType.parse("tinyint(1)").isTinyIntOne()).isTrue();
        assertThat(MySqlColumnType.parse("tinyint(1) unsigned").isTinyIntOne()).isTrue();
        assertThat(MySqlColumnType.parse("bool").isTinyIntOne()).isTrue();
        assertThat(MySqlColumnType.parse("tinyint").isTinyIntOne()).isFalse();
        assertThat(MySqlColumnType.parse("tinyint(4)").isTinyIntOne()).isFalse();
        assertThat(MySqlColumnType.parse("int(1)").isTinyIntOne()).isFalse();
    }
}
