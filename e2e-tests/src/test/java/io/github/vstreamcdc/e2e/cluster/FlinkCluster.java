package io.github.vstreamcdc.e2e.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The multi-process Flink session cluster of {@code e2e-tests/flink/flink-cluster.sh}: a JobManager
 * and TaskManagers in their own JVMs, for the Flink version of the build ({@code -Dflink.version}).
 * Started once per JVM and stopped when the JVM exits (its logs are copied to {@code
 * target/flink-cluster-logs} first); {@code -Dflink.cluster.keep=true} leaves it running.
 */
public final class FlinkCluster {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkCluster.class);

    private static FlinkCluster instance;
    private static Throwable startFailure;

    private volatile Map<String, String> env;

    private FlinkCluster(Map<String, String> env) {
        this.env = env;
    }

    /** The running cluster; starts it on first use. */
    public static synchronized FlinkCluster get() {
        if (instance == null && startFailure == null) {
            try {
                instance = new FlinkCluster(keyValues(run(10, "up")));
                Runtime.getRuntime().addShutdownHook(new Thread(FlinkCluster::shutdown));
            } catch (Throwable t) {
                startFailure = t;
            }
        }
        if (startFailure != null) {
            throw new IllegalStateException(
                    "The Flink cluster could not start: " + startFailure.getMessage(),
                    startFailure);
        }
        return instance;
    }

    private static void shutdown() {
        try {
            Path logs = Paths.get(instance.get("FLINK_LOG_DIR"));
            Path target = Paths.get("target", "flink-cluster-logs");
            if (Files.isDirectory(target)) {
                try (Stream<Path> old = Files.list(target)) {
                    for (Path file : old.collect(Collectors.toList())) {
                        Files.delete(file);
                    }
                }
            }
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(logs)) {
                for (Path file : files.collect(Collectors.toList())) {
                    Files.copy(
                            file,
                            target.resolve(file.getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!Boolean.getBoolean("flink.cluster.keep")) {
                run(2, "down");
            }
        } catch (Exception e) {
            LOG.warn("Stopping the Flink cluster failed", e);
        }
    }

    private static Path script() {
        return Paths.get(System.getProperty("flink.cluster.script", "flink/flink-cluster.sh"));
    }

    /** Runs flink-cluster.sh; returns its stdout, or fails with the tail of its stderr. */
    private static List<String> run(long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script().toString()));
        Collections.addAll(command, args);
        Path out = Files.createTempFile("flink-cluster", ".out");
        Path err = Files.createTempFile("flink-cluster", ".err");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile());
            builder.environment()
                    .putIfAbsent("FLINK_VERSION", System.getProperty("flink.version", "2.3.0"));
            Process process = builder.start();
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(command + " did not finish in " + timeoutMinutes + " min");
            }
            if (process.exitValue() != 0) {
                List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
                throw new IOException(
                        command
                                + " failed with exit code "
                                + process.exitValue()
                                + ":\n"
                                + String.join(
                                        "\n",
                                        lines.subList(
                                                Math.max(0, lines.size() - 60), lines.size())));
            }
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Map<String, String> keyValues(List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z0-9_]+")) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return Collections.unmodifiableMap(values);
    }

    public String get(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException("flink-cluster.sh printed no " + key + ": " + env);
        }
        return value;
    }

    /** The REST API's (and web UI's) base URL. */
    public String restUrl() {
        return get("FLINK_REST_URL");
    }

    public Path logDir() {
        return Paths.get(get("FLINK_LOG_DIR"));
    }

    public Path dataDir() {
        return Paths.get(get("FLINK_DATA_DIR"));
    }

    /** The process id of a TaskManager, by its resource id ({@code taskmanager-<n>}). */
    public long taskManagerPid(String resourceId) {
        return Long.parseLong(get("FLINK_" + resourceId.toUpperCase().replace('-', '_') + "_PID"));
    }

    /**
     * {@code flink-cluster.sh up} again: starts the TaskManagers that are gone (e.g. killed) and
     * waits until all are registered.
     */
    public synchronized void restartMissingTaskManagers() throws IOException, InterruptedException {
        env = keyValues(run(5, "up"));
    }

    /**
     * Runs a SQL file with Flink's SQL client, the jars passed with {@code -j}; returns the ids of
     * the jobs it submitted.
     */
    public List<String> sql(Path file, Path... jars) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("sql", file.toString()));
        for (Path jar : jars) {
            args.add(jar.toString());
        }
        return run(5, args.toArray(new String[0])).stream()
                .filter(line -> line.startsWith("FLINK_JOB_ID="))
                .map(line -> line.substring("FLINK_JOB_ID=".length()))
                .collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return "FlinkCluster" + env;
    }
}
