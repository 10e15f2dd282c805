package io.github.vstreamcdc.source.filter;

import io.github.vstreamcdc.source.api.ColumnDescription;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A conjunction of simple conditions on a table's columns that VStream's rule filter evaluates on
 * the tablet ({@code select ... from t where <conditions>}): numeric comparisons with literals
 * ({@code =, <>, <, <=, >, >=, IN}) and {@code IS [NOT] NULL}, the forms Vitess' vstreamer accepts.
 *
 * <p>VStream filters the copy phase in MySQL and binlog rows by their images, but sends an update
 * whole when either image passes (of an unsharded-style filter). {@link #test} evaluates the same
 * conditions on an image, so the reader can turn such an update into the insert or delete the
 * filter means. Numeric comparisons only: their MySQL and Flink semantics agree (string comparisons
 * follow MySQL collations, which Flink does not).
 */
@Internal
public final class RowFilter implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A comparison operator, as MySQL spells it. */
    public enum Op {
        EQ("="),
        NE("<>"),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        IN("in"),
        IS_NULL("is null"),
        IS_NOT_NULL("is not null");

        private final String sql;

        Op(String sql) {
            this.sql = sql;
        }
    }

    /** One condition: a column, an operator and its numeric literals (none for IS [NOT] NULL). */
    public static final class Condition implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String column;
        private final Op op;
        private final List<BigDecimal> values;

        public Condition(String column, Op op, List<BigDecimal> values) {
            this.column = column;
            this.op = op;
            this.values = Collections.unmodifiableList(new ArrayList<>(values));
        }

        public String column() {
            return column;
        }

        String sql() {
            String name = quote(column);
            switch (op) {
                case IS_NULL:
                case IS_NOT_NULL:
                    return name + " " + op.sql;
                case IN:
                    StringBuilder sb = new StringBuilder(name).append(" in (");
                    for (int i = 0; i < values.size(); i++) {
                        sb.append(i == 0 ? "" : ", ").append(values.get(i).toPlainString());
                    }
                    return sb.append(')').toString();
                default:
                    return name + " " + op.sql + " " + values.get(0).toPlainString();
            }
        }

        /** SQL semantics: a comparison with NULL is not true. */
        boolean test(byte[] value) {
            if (op == Op.IS_NULL) {
                return value == null;
            }
            if (value == null) {
                return false;
            }
            if (op == Op.IS_NOT_NULL) {
                return true;
            }
            BigDecimal number = new BigDecimal(new String(value, StandardCharsets.US_ASCII));
            if (op == Op.IN) {
                for (BigDecimal v : values) {
                    if (number.compareTo(v) == 0) {
                        return true;
                    }
                }
                return false;
            }
            int c = number.compareTo(values.get(0));
            switch (op) {
                case EQ:
                    return c == 0;
                case NE:
                    return c != 0;
                case LT:
                    return c < 0;
                case LE:
                    return c <= 0;
                case GT:
                    return c > 0;
                case GE:
                    return c >= 0;
                default:
                    throw new IllegalStateException("Unhandled " + op);
            }
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Condition)) {
                return false;
            }
            Condition that = (Condition) o;
            return column.equals(that.column) && op == that.op && values.equals(that.values);
        }

        @Override
        public int hashCode() {
            return Objects.hash(column, op, values);
        }

        @Override
        public String toString() {
            return sql();
        }
    }

    private final List<Condition> conditions;

    public RowFilter(List<Condition> conditions) {
        if (conditions.isEmpty()) {
            throw new IllegalArgumentException("A row filter needs a condition");
        }
        this.conditions = Collections.unmodifiableList(new ArrayList<>(conditions));
    }

    public List<Condition> conditions() {
        return conditions;
    }

    /** The conditions as a MySQL WHERE clause (without {@code where}). */
    public String whereClause() {
        StringBuilder sb = new StringBuilder();
        for (Condition condition : conditions) {
            sb.append(sb.length() == 0 ? "" : " and ").append(condition.sql());
        }
        return sb.toString();
    }

    /** The columns the conditions read: VStream must send them for {@link #test}. */
    public Set<String> columns() {
        Set<String> columns = new LinkedHashSet<>();
        for (Condition condition : conditions) {
            columns.add(condition.column);
        }
        return columns;
    }

    /**
     * Whether a row image passes all conditions.
     *
     * @throws IllegalStateException if the image lacks a column of the conditions
     */
    public boolean test(List<ColumnDescription> columns, byte[][] image) {
        for (Condition condition : conditions) {
            int index = indexOf(columns, condition.column);
            if (!condition.test(image[index])) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(List<ColumnDescription> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalStateException("The row has no column '" + name + "' to filter on");
    }

    private static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowFilter && conditions.equals(((RowFilter) o).conditions);
    }

    @Override
    public int hashCode() {
        return conditions.hashCode();
    }

    @Override
    public String toString() {
        return whereClause();
    }
}
