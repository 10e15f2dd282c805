package io.github.vstreamcdc.e2e.cluster;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The change records the jobs under test wrote, read back from their file sinks' committed files (a
 * file sink commits a file with the checkpoint that covers it; in-progress and pending files are
 * hidden, their names start with a dot), in the form {@link ChangeWriter} records changes.
 */
final class ChangeRecords {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RECORD = Pattern.compile("([-+][IUD])\\[(\\d+), (-?\\d+|null)]");

    private ChangeRecords() {}

    /**
     * Files in the order they were written: a shard's changes move to another subtask's files after
     * a restart, and file names (a writer's id, a counter) do not tell which came first. A file is
     * written before the checkpoint that commits it, the next one after.
     */
    private static final Comparator<Path> WRITE_ORDER =
            Comparator.comparing(ChangeRecords::lastModified)
                    .thenComparing(Comparator.naturalOrder());

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The lines of the committed files in the directories, in the order they were written (missing
     * directories are empty).
     */
    static List<String> committedLines(Path... dirs) {
        List<String> lines = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file :
                        files.filter(f -> !f.getFileName().toString().startsWith("."))
                                .sorted(WRITE_ORDER)
                                .collect(Collectors.toList())) {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        if (!line.isEmpty()) {
                            lines.add(line);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    /**
     * A line of Flink's {@code debezium-json} format whose row carries the {@code row_kind}
     * metadata column: {@code +U[id, value]}.
     */
    static String fromDebeziumJson(String line, String valueField) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode row =
                    node.path("op").asText().equals("d") ? node.path("before") : node.path("after");
            JsonNode value = row.path(valueField);
            return ChangeWriter.record(
                    row.path("row_kind").asText(),
                    row.path("id").asLong(),
                    value.isNull() || value.isMissingNode() ? null : value.asLong());
        } catch (IOException e) {
            throw new UncheckedIOException("Not debezium-json: " + line, e);
        }
    }

    /** Waits until the records read contain all expected ones; returns the records read. */
    static List<String> await(
            Supplier<List<String>> read, Predicate<List<String>> done, Duration limit, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> records = read.get();
        while (!done.test(records)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Timed out waiting for "
                                + what
                                + "; "
                                + records.size()
                                + " records so far");
            }
            Thread.sleep(200);
            records = read.get();
        }
        return records;
    }

    /** The table a changelog leaves when applied by key: id to value. */
    static Map<Long, Long> apply(List<String> records) {
        Map<Long, Long> table = new TreeMap<>();
        for (String record : records) {
            Matcher m = RECORD.matcher(record);
            if (!m.matches()) {
                throw new AssertionError("Not a change record: " + record);
            }
            long id = Long.parseLong(m.group(2));
            if (m.group(1).equals("+I") || m.group(1).equals("+U")) {
                table.put(id, m.group(3).equals("null") ? null : Long.parseLong(m.group(3)));
            } else {
                table.remove(id);
            }
        }
        return table;
    }

    /**
     * Compares as multisets; the message names the duplicated, missing and unexpected records (the
     * first 20 of each).
     */
    static String exactlyOnceProblems(List<String> actual, List<String> expected) {
        Map<String, Integer> counts = new TreeMap<>();
        actual.forEach(r -> counts.merge(r, 1, Integer::sum));
        Map<String, Integer> wanted = new TreeMap<>();
        expected.forEach(r -> wanted.merge(r, 1, Integer::sum));
        List<String> duplicated = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        counts.forEach(
                (r, n) -> {
                    int w = wanted.getOrDefault(r, 0);
                    if (w == 0) {
                        unexpected.add(r);
                    } else if (n > w) {
                        duplicated.add(r + " x" + n);
                    }
                });
        List<String> missing = new ArrayList<>();
        wanted.forEach(
                (r, w) -> {
                    if (counts.getOrDefault(r, 0) < w) {
                        missing.add(r);
                    }
                });
        if (duplicated.isEmpty() && unexpected.isEmpty() && missing.isEmpty()) {
            return "";
        }
        return String.format(
                "%d records, %d expected; duplicated %d %s; missing %d %s; unexpected %d %s",
                actual.size(),
                expected.size(),
                duplicated.size(),
                first20(duplicated),
                missing.size(),
                first20(missing),
                unexpected.size(),
                first20(unexpected));
    }

    private static List<String> first20(List<String> list) {
        return list.subList(0, Math.min(20, list.size()));
    }
}
