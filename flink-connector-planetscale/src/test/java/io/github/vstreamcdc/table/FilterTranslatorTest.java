package io.github.vstreamcdc.table;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinition;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Which conjuncts go to VStream and how they read there. */
class FilterTranslatorTest {

    private static final FieldReferenceExpression ID =
            new FieldReferenceExpression("id", DataTypes.BIGINT(), 0, 0);
    private static final FieldReferenceExpression NOTE =
            new FieldReferenceExpression("note", DataTypes.STRING(), 0, 1);

    private static ResolvedExpression call(
            BuiltInFunctionDefinition f, ResolvedExpression... args) {
        return CallExpression.permanent(f, Arrays.asList(args), DataTypes.BOOLEAN());
    }

    private static ValueLiteralExpression lit(long v) {
        return new ValueLiteralExpression(v, DataTypes.BIGINT().notNull());
    }

    @Test
    void numericComparisonsInAndNullChecksArePushedTheRestStays() {
        ResolvedExpression gt = call(BuiltInFunctionDefinitions.GREATER_THAN, ID, lit(5));
        ResolvedExpression flipped = call(BuiltInFunctionDefinitions.LESS_THAN, lit(100), ID);
        ResolvedExpression in =
                call(
                        BuiltInFunctionDefinitions.OR,
                        call(BuiltInFunctionDefinitions.EQUALS, ID, lit(7)),
                        call(BuiltInFunctionDefinitions.EQUALS, ID, lit(9)));
        ResolvedExpression isNull = call(BuiltInFunctionDefinitions.IS_NULL, NOTE);
        ResolvedExpression string =
                call(
                        BuiltInFunctionDefinitions.EQUALS,
                        NOTE,
                        new ValueLiteralExpression("a", DataTypes.STRING().notNull()));
        ResolvedExpression mixedOr =
                call(
                        BuiltInFunctionDefinitions.OR,
                        call(BuiltInFunctionDefinitions.EQUALS, ID, lit(7)),
                        isNull);

        FilterTranslator.Translation t =
                FilterTranslator.translate(Arrays.asList(gt, flipped, in, isNull, string, mixedOr));

        assertThat(t.accepted).containsExactly(gt, flipped, in, isNull);
        assertThat(t.remaining).containsExactly(string, mixedOr);
        assertThat(t.conditions)
                .extracting(Object::toString)
                .containsExactly("`id` > 5", "`id` > 100", "`id` in (7, 9)", "`note` is null");
    }
}
