package io.github.vstreamcdc.source.client;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A MySQL GTID set as Vitess writes positions ({@code MySQL56/uuid:1-5:7,uuid2:1-3}), just enough
 * to tell whether a shard has executed every transaction of a position.
 */
@Internal
public final class GtidSet {

    private static final String FLAVOR = "MySQL56/";
    private static final Pattern TAG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,31}");

    /** Source (server UUID, with its tag if any) to sorted, merged, inclusive intervals. */
    private final Map<String, List<long[]>> intervals;

    private GtidSet(Map<String, List<long[]>> intervals) {
        this.intervals = intervals;
    }

    /**
     * Parses a Vitess {@code MySQL56/...} position; null for other flavors (e.g. {@code FilePos/})
     * and for text that is not a GTID set.
     */
    @Nullable
    public static GtidSet parseMysql56(String position) {
        if (position == null || !position.startsWith(FLAVOR)) {
            return null;
        }
        Map<String, List<long[]>> parsed = new TreeMap<>();
        String body = position.substring(FLAVOR.length()).trim();
        if (body.isEmpty()) {
            return new GtidSet(parsed);
        }
        try {
            for (String part : body.split(",")) {
                String[] pieces = part.trim().split(":");
                if (pieces.length < 2 || pieces[0].length() != 36) {
                    return null;
                }
                String source = pieces[0].toLowerCase(Locale.ROOT);
                List<long[]> ranges = parsed.computeIfAbsent(source, k -> new ArrayList<>());
                for (int i = 1; i < pieces.length; i++) {
                    String piece = pieces[i];
                    if (TAG.matcher(piece).matches()) {
                        // A tag (MySQL 8.4): the intervals after it belong to uuid:tag.
                        source = pieces[0].toLowerCase(Locale.ROOT) + ":" + piece;
                        ranges = parsed.computeIfAbsent(source, k -> new ArrayList<>());
                        continue;
                    }
                    int dash = piece.indexOf('-');
                    long start = Long.parseLong(dash < 0 ? piece : piece.substring(0, dash));
                    long end = dash < 0 ? start : Long.parseLong(piece.substring(dash + 1));
                    if (start < 1 || end < start) {
                        return null;
                    }
                    ranges.add(new long[] {start, end});
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        parsed.values().removeIf(List::isEmpty);
        for (Map.Entry<String, List<long[]>> entry : parsed.entrySet()) {
            entry.setValue(merge(entry.getValue()));
        }
        return new GtidSet(parsed);
    }

    private static List<long[]> merge(List<long[]> ranges) {
        List<long[]> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] range : sorted) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], range[1]);
            } else {
                merged.add(new long[] {range[0], range[1]});
            }
        }
        return merged;
    }

    /** The transactions of this set that {@code other} does not contain. */
    public GtidSet minus(GtidSet other) {
        Map<String, List<long[]>> result = new TreeMap<>();
        for (Map.Entry<String, List<long[]>> entry : intervals.entrySet()) {
            List<long[]> remaining = new ArrayList<>();
            List<long[]> holes =
                    other.intervals.getOrDefault(entry.getKey(), Collections.emptyList());
            for (long[] range : entry.getValue()) {
                long start = range[0];
                for (long[] hole : holes) {
                    if (hole[1] < start || hole[0] > range[1]) {
                        continue;
                    }
                    if (hole[0] > start) {
                        remaining.add(new long[] {start, hole[0] - 1});
                    }
                    start = hole[1] + 1;
                    if (start > range[1]) {
                        break;
                    }
                }
                if (start <= range[1]) {
                    remaining.add(new long[] {start, range[1]});
                }
            }
            if (!remaining.isEmpty()) {
                result.put(entry.getKey(), remaining);
            }
        }
        return new GtidSet(result);
    }

    /** Whether every transaction of {@code other} is in this set. */
    public boolean contains(GtidSet other) {
        return other.minus(this).isEmpty();
    }

    /**
     * Whether position {@code a} contains every transaction of position {@code b}; false when
     * either is not a MySQL GTID set.
     */
    public static boolean contains(String a, String b) {
        GtidSet setA = parseMysql56(a);
        GtidSet setB = parseMysql56(b);
        return setA != null && setB != null && setA.contains(setB);
    }

    /**
     * Whether position {@code a} is strictly before {@code b}: {@code b} holds every transaction of
     * {@code a} and more.
     */
    public static boolean isBefore(String a, String b) {
        return contains(b, a) && !contains(a, b);
    }

    /** The first transaction of each source, e.g. {@code uuid:1}, in the flavored form. */
    public String firstTransactions() {
        StringBuilder sb = new StringBuilder(FLAVOR);
        for (Map.Entry<String, List<long[]>> entry : intervals.entrySet()) {
            sb.append(sb.length() == FLAVOR.length() ? "" : ",")
                    .append(entry.getKey())
                    .append(':')
                    .append(entry.getValue().get(0)[0]);
        }
        return sb.toString();
    }

    public boolean isEmpty() {
        return intervals.isEmpty();
    }

    /** The server UUIDs (with tags) this set has transactions of. */
    public Set<String> sources() {
        return Collections.unmodifiableSet(new TreeSet<>(intervals.keySet()));
    }

    /** The set without its flavor prefix, e.g. {@code uuid:1-5:7}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<long[]>> entry : intervals.entrySet()) {
            sb.append(sb.length() == 0 ? "" : ",").append(entry.getKey());
            for (long[] range : entry.getValue()) {
                sb.append(':').append(range[0]);
                if (range[1] != range[0]) {
                    sb.append('-').append(range[1]);
                }
            }
        }
        return sb.toString();
    }
}
