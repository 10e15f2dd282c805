package io.github.vstreamcdc.e2e;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One of the set-up scripts of {@code e2e-tests/vitess} ({@code vitess.sh}, {@code cluster.sh},
 * {@code secure.sh}): {@code up} starts what it runs and prints {@code KEY=value} lines on stdout
 * (its progress goes to stderr). {@link #up()} runs {@code up} once per JVM and keeps what it
 * printed, as a {@code T}; {@link #run} runs any other command of the script. If {@code up} fails,
 * every later {@link #up()} fails with that cause: nothing is skipped, nothing started twice.
 *
 * <p>Nothing here runs {@code down}: what the scripts start is kept for the next JVM ({@code up} is
 * idempotent and quick then); CI stops it with the scripts' {@code down}.
 *
 * @param <T> what the tests see of the running script, made from its {@code KEY=value} lines
 */
final class SetupScript<T> {

    private static final Logger LOG = LoggerFactory.getLogger(SetupScript.class);

    private final String what;
    private final Path path;
    private final long startTimeoutMinutes;
    private final Function<Map<String, String>, T> view;
    private final String[] requiredKeys;

    private T started;
    private Throwable startFailure;

    /**
     * @param what what the script starts, for messages ("The local Vitess cluster")
     * @param view makes the {@code T} from the lines of {@code up}
     * @param requiredKeys keys {@code up} must print
     */
    SetupScript(
            String what,
            Path path,
            long startTimeoutMinutes,
            Function<Map<String, String>, T> view,
            String... requiredKeys) {
        this.what = what;
        this.path = path;
        this.startTimeoutMinutes = startTimeoutMinutes;
        this.view = view;
        this.requiredKeys = requiredKeys.clone();
    }

    /** What the running script printed; runs {@code up} on first use (once per JVM). */
    synchronized T up() {
        if (started == null && startFailure == null) {
            try {
                started =
                        view.apply(
                                Collections.unmodifiableMap(
                                        keyValues(
                                                run(Map.of(), startTimeoutMinutes, "up"),
                                                requiredKeys)));
            } catch (Throwable t) {
                startFailure = t;
            }
        }
        if (startFailure != null) {
            throw new IllegalStateException(
                    what + " could not start: " + startFailure.getMessage(), startFailure);
        }
        return started;
    }

    /**
     * {@link #up()}, and if it started before, checks with the script's {@code status} that what it
     * started is still healthy: a test that broke it (a fault it injected that did not heal) then
     * costs only itself, as {@code up} starts it again, instead of failing every later test.
     */
    synchronized T upHealthy() {
        if (started != null) {
            try {
                run(Map.of(), 2, "status");
            } catch (IOException e) {
                LOG.warn(
                        "{} is not healthy any more; starting it again ({})", what, e.getMessage());
                started = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return up();
    }

    Path path() {
        return path;
    }

    /**
     * Runs the script with these arguments and extra environment variables; returns its stdout
     * lines, or fails with the tail of its stderr unless it succeeds in time.
     */
    List<String> run(Map<String, String> environment, long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        String command = path + " " + String.join(" ", args);
        Path stdout = Files.createTempFile("setup-script", ".out");
        Path stderr = Files.createTempFile("setup-script", ".err");
        try {
            String[] argv = new String[args.length + 2];
            argv[0] = "bash";
            argv[1] = path.toString();
            System.arraycopy(args, 0, argv, 2, args.length);
            ProcessBuilder builder =
                    new ProcessBuilder(argv)
                            .redirectOutput(stdout.toFile())
                            .redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(
                        command + " did not finish in " + timeoutMinutes + " minutes");
            }
            if (process.exitValue() != 0) {
                List<String> err = Files.readAllLines(stderr, StandardCharsets.UTF_8);
                int from = Math.max(0, err.size() - 40);
                throw new IOException(
                        command
                                + " failed with exit code "
                                + process.exitValue()
                                + ":\n"
                                + String.join("\n", err.subList(from, err.size())));
            }
            // The script's own progress lines ("[cluster.sh 10:00:00] ...") show in the test log
            // where a slow test spends its time; the tools' chatter between them does not.
            String err = new String(Files.readAllBytes(stderr), StandardCharsets.UTF_8);
            for (String line : err.split("\n")) {
                if (line.startsWith("[" + path.getFileName() + " ")) {
                    LOG.info("{}", line);
                }
            }
            return Files.readAllLines(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** The {@code KEY=value} lines of the script's output; fails if a required key is missing. */
    Map<String, String> keyValues(List<String> lines, String... required) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z0-9_]+")) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        for (String key : required) {
            if (!env.containsKey(key)) {
                throw new IOException(path + " printed no " + key + "; it printed " + env.keySet());
            }
        }
        return env;
    }
}
