package io.github.vstreamcdc.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the set-up scripts of {@code e2e-tests/vitess} ({@code vitess.sh}, {@code
 * cluster.sh}, {@code secure.sh}): they print {@code KEY=value} lines on stdout and their progress
 * on stderr.
 */
final class SetupScript {

    private SetupScript() {}

    /**
     * Runs the script with these arguments and extra environment variables; returns its stdout
     * lines, or fails with the tail of its stderr unless it succeeds in time.
     */
    static List<String> run(
            String script, Map<String, String> environment, long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        String what = script + " " + String.join(" ", args);
        Path stdout = Files.createTempFile("setup-script", ".out");
        Path stderr = Files.createTempFile("setup-script", ".err");
        try {
            String[] command = new String[args.length + 2];
            command[0] = "bash";
            command[1] = script;
            System.arraycopy(args, 0, command, 2, args.length);
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .redirectOutput(stdout.toFile())
                            .redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(what + " did not finish in " + timeoutMinutes + " minutes");
            }
            if (process.exitValue() != 0) {
                List<String> err = Files.readAllLines(stderr, StandardCharsets.UTF_8);
                int from = Math.max(0, err.size() - 40);
                throw new IOException(
                        what
                                + " failed with exit code "
                                + process.exitValue()
                                + ":\n"
                                + String.join("\n", err.subList(from, err.size())));
            }
            return Files.readAllLines(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** The {@code KEY=value} lines of a script's output; fails if a required key is missing. */
    static Map<String, String> keyValues(String script, List<String> lines, String... required)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z0-9_]+")) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        for (String key : required) {
            if (!env.containsKey(key)) {
                throw new IOException(
                        script + " printed no " + key + "; it printed " + env.keySet());
            }
        }
        return env;
    }
}
