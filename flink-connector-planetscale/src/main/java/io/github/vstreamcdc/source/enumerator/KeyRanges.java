package io.github.vstreamcdc.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.Locale;

/**
 * Vitess shard names as key ranges: {@code -80} is [start, 0x80), {@code 80-} is [0x80, end), and
 * {@code 0} or {@code -} the whole range.
 */
@Internal
final class KeyRanges {

    private KeyRanges() {}

    /** Whether two shards' key ranges share a key. */
    static boolean overlap(String shardA, String shardB) {
        String[] a = bounds(shardA);
        String[] b = bounds(shardB);
        return lessThanEnd(a[0], b[1]) && lessThanEnd(b[0], a[1]);
    }

    /** [start, end); "" is the lowest start, null the open end. */
    private static String[] bounds(String shard) {
        int dash = shard.indexOf('-');
        if (dash < 0) {
            return new String[] {"", null}; // unsharded ("0")
        }
        String start = shard.substring(0, dash).toLowerCase(Locale.ROOT);
        String end = shard.substring(dash + 1).toLowerCase(Locale.ROOT);
        return new String[] {start, end.isEmpty() ? null : end};
    }

    private static boolean lessThanEnd(String start, String end) {
        return end == null || compareKeys(start, end) < 0;
    }

    /** Compares hex key prefixes as Vitess does: shorter keys are padded with zeros. */
    private static int compareKeys(String a, String b) {
        int length = Math.max(a.length(), b.length());
        StringBuilder pa = new StringBuilder(a);
        StringBuilder pb = new StringBuilder(b);
        while (pa.length() < length) {
            pa.append('0');
        }
        while (pb.length() < length) {
            pb.append('0');
        }
        return pa.toString().compareTo(pb.toString());
    }
}
