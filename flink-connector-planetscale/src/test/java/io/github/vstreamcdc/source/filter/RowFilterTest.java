package io.github.vstreamcdc.source.filter;

import io.github.vstreamcdc.source.api.ColumnDescription;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The WHERE clause VStream gets and the same conditions evaluated on row images. */
class RowFilterTest {

    private static final List<ColumnDescription> COLUMNS =
            Arrays.asList(
                    ColumnDescription.of("id", "bigint", false),
                    ColumnDescription.of("amount", "decimal(12,2)", true));

    private static final RowFilter FILTER =
            new RowFilter(
                    Arrays.asList(
                            new RowFilter.Condition(
                                    "amount",
                                    RowFilter.Op.GE,
                                    Collections.singletonList(new BigDecimal("10.5"))),
                            new RowFilter.Condition(
                                    "id",
                                    RowFilter.Op.IN,
                                    Arrays.asList(BigDecimal.ONE, BigDecimal.valueOf(3))),
                            new RowFilter.Condition(
                                    "amount", RowFilter.Op.IS_NOT_NULL, Collections.emptyList())));

    private static byte[][] row(String id, String amount) {
        return new byte[][] {
            id.getBytes(StandardCharsets.US_ASCII),
            amount == null ? null : amount.getBytes(StandardCharsets.US_ASCII)
        };
    }

    @Test
    void whereClauseInVStreamsForms() {
        assertThat(FILTER.whereClause())
                .isEqualTo("`amount` >= 10.5 and `id` in (1, 3) and `amount` is not null");
        assertThat(FILTER.columns()).containsExactly("amount", "id");
    }

    @Test
    void imagesAreTestedWithSqlNullSemantics() {
        assertThat(FILTER.test(COLUMNS, row("1", "10.50"))).isTrue();
        assertThat(FILTER.test(COLUMNS, row("3", "99.00"))).isTrue();
        assertThat(FILTER.test(COLUMNS, row("2", "99.00"))).isFalse();
        assertThat(FILTER.test(COLUMNS, row("1", "10.49"))).isFalse();
        assertThat(FILTER.test(COLUMNS, row("1", null))).isFalse();
        RowFilter isNull =
                new RowFilter(
                        Collections.singletonList(
                                new RowFilter.Condition(
                                        "AMOUNT", RowFilter.Op.IS_NULL, Collections.emptyList())));
        assertThat(isNull.test(COLUMNS, row("1", null))).isTrue();
        RowFilter ne =
                new RowFilter(
                        Collections.singletonList(
                                new RowFilter.Condition(
                                        "id",
                                        RowFilter.Op.NE,
                                        Collections.singletonList(BigDecimal.ONE))));
        assertThat(ne.test(COLUMNS, row("2", null))).isTrue();
        assertThat(ne.test(COLUMNS, row("1", null))).isFalse();
    }
}
