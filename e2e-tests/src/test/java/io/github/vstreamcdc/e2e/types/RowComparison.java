package io.github.vstreamcdc.e2e.types;

import io.github.vstreamcdc.e2e.types.TypesTable.Phase;
import io.github.vstreamcdc.e2e.types.TypesTable.Row;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Compares Flink rows with their expectations, value by value and exactly. */
public final class RowComparison {

    private RowComparison() {}

    /**
     * The columns in which a row differs from the expected one, one line each; empty when every
     * value is exactly the expected one (same class, same value; DECIMAL with the same scale).
     */
    public static List<String> differences(
            RowData actual, RowType declared, Row expected, Phase phase) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < declared.getFieldCount(); i++) {
            String column = declared.getFieldNames().get(i);
            Object value =
                    RowData.createFieldGetter(declared.getTypeAt(i), i).getFieldOrNull(actual);
            Object wanted = expected.expected(column, phase);
            if (!same(wanted, value)) {
                out.add(
                        String.format(
                                "%s (%s) %s: expected %s but was %s",
                                expected, phase, column, show(wanted), show(value)));
            }
        }
        return out;
    }

    static boolean same(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected instanceof byte[]) {
            return actual instanceof byte[] && Arrays.equals((byte[]) expected, (byte[]) actual);
        }
        if (expected instanceof StringData) {
            return actual instanceof StringData && expected.toString().equals(actual.toString());
        }
        if (expected instanceof DecimalData) {
            return actual instanceof DecimalData
                    && ((DecimalData) expected)
                            .toBigDecimal()
                            .equals(((DecimalData) actual).toBigDecimal());
        }
        // Boxed primitives and TimestampData: same class and equal (Float and Double bit-exact).
        return expected.getClass() == actual.getClass() && Objects.equals(expected, actual);
    }

    static String show(Object value) {
        if (value == null) {
            return "NULL";
        }
        String text;
        if (value instanceof byte[]) {
            StringBuilder hex = new StringBuilder("0x");
            for (byte b : (byte[]) value) {
                hex.append(String.format("%02X", b & 0xFF));
            }
            text = hex.toString();
        } else {
            text = value.toString();
        }
        if (text.length() > 120) {
            text = text.substring(0, 120) + "...(" + text.length() + " chars)";
        }
        return text + " (" + value.getClass().getSimpleName() + ")";
    }
}
