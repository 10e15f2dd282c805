package io.github.vstreamcdc.source.api;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Compares column lists by name, as MySQL does (case-insensitive). */
final class ColumnDiff {

    private ColumnDiff() {}

    /** The names in {@code from} that {@code other} does not have; none if either is null. */
    static List<String> missingFrom(
            @Nullable List<ColumnDescription> from, @Nullable List<ColumnDescription> other) {
        List<String> missing = new ArrayList<>();
        if (from == null || other == null) {
            return missing;
        }
        Set<String> names = new TreeSet<>();
        for (ColumnDescription column : other) {
            names.add(column.name().toLowerCase(Locale.ROOT));
        }
        for (ColumnDescription column : from) {
            if (!names.contains(column.name().toLowerCase(Locale.ROOT))) {
                missing.add(column.name());
            }
        }
        return missing;
    }
}
