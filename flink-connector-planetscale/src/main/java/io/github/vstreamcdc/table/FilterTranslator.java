package io.github.vstreamcdc.table;

import io.github.vstreamcdc.source.filter.RowFilter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates the planner's conjuncts into {@link RowFilter} conditions VStream evaluates, the forms
 * Vitess' vstreamer accepts in a rule's WHERE and whose semantics MySQL and Flink share: a numeric
 * column compared with a numeric literal ({@code =, <>, <, <=, >, >=}, either side), {@code IN} (an
 * OR of equalities of one column), and {@code IS [NOT] NULL} of any column. The rest (strings,
 * whose comparison follows MySQL collations; functions; ORs of other shapes) stays in Flink.
 */
@Internal
final class FilterTranslator {

    private static final Set<LogicalTypeRoot> NUMERIC =
            EnumSet.of(
                    LogicalTypeRoot.TINYINT,
                    LogicalTypeRoot.SMALLINT,
                    LogicalTypeRoot.INTEGER,
                    LogicalTypeRoot.BIGINT,
                    LogicalTypeRoot.DECIMAL);

    private static final Map<FunctionDefinition, RowFilter.Op> COMPARISONS = new HashMap<>();
    private static final Map<RowFilter.Op, RowFilter.Op> FLIPPED = new HashMap<>();

    static {
        COMPARISONS.put(BuiltInFunctionDefinitions.EQUALS, RowFilter.Op.EQ);
        COMPARISONS.put(BuiltInFunctionDefinitions.NOT_EQUALS, RowFilter.Op.NE);
        COMPARISONS.put(BuiltInFunctionDefinitions.LESS_THAN, RowFilter.Op.LT);
        COMPARISONS.put(BuiltInFunctionDefinitions.LESS_THAN_OR_EQUAL, RowFilter.Op.LE);
        COMPARISONS.put(BuiltInFunctionDefinitions.GREATER_THAN, RowFilter.Op.GT);
        COMPARISONS.put(BuiltInFunctionDefinitions.GREATER_THAN_OR_EQUAL, RowFilter.Op.GE);
        FLIPPED.put(RowFilter.Op.EQ, RowFilter.Op.EQ);
        FLIPPED.put(RowFilter.Op.NE, RowFilter.Op.NE);
        FLIPPED.put(RowFilter.Op.LT, RowFilter.Op.GT);
        FLIPPED.put(RowFilter.Op.LE, RowFilter.Op.GE);
        FLIPPED.put(RowFilter.Op.GT, RowFilter.Op.LT);
        FLIPPED.put(RowFilter.Op.GE, RowFilter.Op.LE);
    }

    /** The translated conditions and the conjuncts they came from; the others stay in Flink. */
    static final class Translation {
        final List<RowFilter.Condition> conditions = new ArrayList<>();
        final List<ResolvedExpression> accepted = new ArrayList<>();
        final List<ResolvedExpression> remaining = new ArrayList<>();
    }

    private FilterTranslator() {}

    static Translation translate(List<ResolvedExpression> conjuncts) {
        Translation result = new Translation();
        for (ResolvedExpression conjunct : conjuncts) {
            List<RowFilter.Condition> conditions = new ArrayList<>();
            if (addConditions(conjunct, conditions)) {
                result.conditions.addAll(conditions);
                result.accepted.add(conjunct);
            } else {
                result.remaining.add(conjunct);
            }
        }
        return result;
    }

    /**
     * Adds the conditions of a conjunct (an AND of them, e.g. a range); false if any is not one.
     */
    private static boolean addConditions(
            ResolvedExpression expression, List<RowFilter.Condition> out) {
        if (expression instanceof CallExpression
                && ((CallExpression) expression).getFunctionDefinition()
                        == BuiltInFunctionDefinitions.AND) {
            for (ResolvedExpression child : expression.getResolvedChildren()) {
                if (!addConditions(child, out)) {
                    return false;
                }
            }
            return true;
        }
        RowFilter.Condition condition = condition(expression);
        if (condition == null) {
            return false;
        }
        out.add(condition);
        return true;
    }

    /** The condition of one conjunct; null if VStream cannot evaluate it exactly. */
    static RowFilter.Condition condition(ResolvedExpression expression) {
        if (!(expression instanceof CallExpression)) {
            return null;
        }
        CallExpression call = (CallExpression) expression;
        FunctionDefinition function = call.getFunctionDefinition();
        List<ResolvedExpression> args = call.getResolvedChildren();
        if (function == BuiltInFunctionDefinitions.IS_NULL
                || function == BuiltInFunctionDefinitions.IS_NOT_NULL) {
            if (args.size() != 1 || !(args.get(0) instanceof FieldReferenceExpression)) {
                return null;
            }
            return new RowFilter.Condition(
                    ((FieldReferenceExpression) args.get(0)).getName(),
                    function == BuiltInFunctionDefinitions.IS_NULL
                            ? RowFilter.Op.IS_NULL
                            : RowFilter.Op.IS_NOT_NULL,
                    Collections.emptyList());
        }
        if (function == BuiltInFunctionDefinitions.OR) {
            return in(args);
        }
        RowFilter.Op op = COMPARISONS.get(function);
        if (op == null || args.size() != 2) {
            return null;
        }
        FieldReferenceExpression field;
        BigDecimal value;
        if (numericField(args.get(0)) != null && number(args.get(1)) != null) {
            field = numericField(args.get(0));
            value = number(args.get(1));
        } else if (numericField(args.get(1)) != null && number(args.get(0)) != null) {
            field = numericField(args.get(1));
            value = number(args.get(0));
            op = FLIPPED.get(op);
        } else {
            return null;
        }
        return new RowFilter.Condition(field.getName(), op, Collections.singletonList(value));
    }

    /** An OR of equalities of one numeric column with literals: {@code IN}. */
    private static RowFilter.Condition in(List<ResolvedExpression> args) {
        String column = null;
        List<BigDecimal> values = new ArrayList<>();
        for (ResolvedExpression arg : args) {
            if (!isEqualityOrIn(arg)) {
                return null;
            }
            RowFilter.Condition eq = condition(arg);
            if (eq == null || (column != null && !column.equals(eq.column()))) {
                return null;
            }
            column = eq.column();
            values.addAll(valuesOf(arg));
        }
        return column == null ? null : new RowFilter.Condition(column, RowFilter.Op.IN, values);
    }

    private static boolean isEqualityOrIn(ResolvedExpression arg) {
        if (!(arg instanceof CallExpression)) {
            return false;
        }
        FunctionDefinition f = ((CallExpression) arg).getFunctionDefinition();
        return f == BuiltInFunctionDefinitions.EQUALS || f == BuiltInFunctionDefinitions.OR;
    }

    private static List<BigDecimal> valuesOf(ResolvedExpression arg) {
        CallExpression call = (CallExpression) arg;
        if (call.getFunctionDefinition() == BuiltInFunctionDefinitions.OR) {
            List<BigDecimal> values = new ArrayList<>();
            for (ResolvedExpression child : call.getResolvedChildren()) {
                values.addAll(valuesOf(child));
            }
            return values;
        }
        for (ResolvedExpression child : call.getResolvedChildren()) {
            BigDecimal value = number(child);
            if (value != null) {
                return Collections.singletonList(value);
            }
        }
        return Collections.emptyList();
    }

    private static FieldReferenceExpression numericField(ResolvedExpression e) {
        if (e instanceof FieldReferenceExpression
                && NUMERIC.contains(e.getOutputDataType().getLogicalType().getTypeRoot())) {
            return (FieldReferenceExpression) e;
        }
        return null;
    }

    private static BigDecimal number(ResolvedExpression e) {
        if (!(e instanceof ValueLiteralExpression)
                || !NUMERIC.contains(e.getOutputDataType().getLogicalType().getTypeRoot())) {
            return null;
        }
        return ((ValueLiteralExpression) e)
                .getValueAs(Number.class)
                .map(n -> n instanceof BigDecimal ? (BigDecimal) n : new BigDecimal(n.toString()))
                .orElse(null);
    }
}
