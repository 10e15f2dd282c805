package io.github.vstreamcdc.e2e.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which splits (shards) each reader of a source was given, from the TaskManagers' logs: Flink's
 * {@code SourceReaderBase} logs "Adding split(s) to reader: [...]" in the task's thread, whose name
 * (in the cluster's log pattern, after the empty NDC {@code []}) says the subtask and attempt:
 * {@code Source: orders (1/2)#0}. A restored reader logs the splits of its state the same way, so
 * the latest attempt of each subtask tells what it reads now.
 */
final class ReaderSplits {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    private static final Pattern LINE =
            Pattern.compile(
                    "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) .* \\[\\] \\[(.*) \\((\\d+)/\\d+\\)#(\\d+)] - "
                            + "Adding split\\(s\\) to reader: (.*)$");
    private static final Pattern SPLIT = Pattern.compile("ShardSplit\\{(\\S+) at ");

    private ReaderSplits() {}

    /**
     * The shards added to each subtask (0-based) of the task named {@code taskName} since {@code
     * sinceMillis}, in its latest attempt; subtasks that got none are absent.
     */
    static Map<Integer, List<String>> of(Path logDir, String taskName, long sinceMillis)
            throws IOException {
        Map<Integer, Integer> attempts = new TreeMap<>();
        Map<Integer, List<String>> shards = new TreeMap<>();
        List<Path> logs;
        try (Stream<Path> files = Files.list(logDir)) {
            logs =
                    files.filter(f -> f.getFileName().toString().startsWith("flink-taskexecutor-"))
                            .filter(f -> f.getFileName().toString().contains(".log"))
                            .collect(Collectors.toList());
        }
        for (Path log : logs) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(line);
                if (!m.matches() || !m.group(2).equals(taskName)) {
                    continue;
                }
                long at =
                        LocalDateTime.parse(m.group(1), TIME)
                                .atZone(ZoneId.systemDefault())
                                .toInstant()
                                .toEpochMilli();
                if (at < sinceMillis) {
                    continue;
                }
                int subtask = Integer.parseInt(m.group(3)) - 1;
                int attempt = Integer.parseInt(m.group(4));
                int latest = attempts.getOrDefault(subtask, -1);
                if (attempt > latest) {
                    attempts.put(subtask, attempt);
                    shards.put(subtask, new ArrayList<>());
                } else if (attempt < latest) {
                    continue;
                }
                Matcher split = SPLIT.matcher(m.group(5));
                while (split.find()) {
                    shards.get(subtask).add(split.group(1));
                }
            }
        }
        shards.values().forEach(Collections::sort);
        return shards;
    }
}
