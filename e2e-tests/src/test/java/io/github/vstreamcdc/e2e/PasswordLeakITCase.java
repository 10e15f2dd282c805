package io.github.vstreamcdc.e2e;

import io.github.vstreamcdc.source.PlanetScaleSource;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The password never shows: a job through the edge stand-in fails once on a wrong password and runs
 * once with the right one (with checkpoints), and neither password appears in anything a user or
 * operator sees: the log (all loggers, INFO), the failure with its causes, the source's and its
 * configuration's {@code toString()}, the web UI's REST answers (job list, job config, plan,
 * exceptions, checkpoints, JobManager config) and the checkpoint files.
 */
@ExtendWith(SecureEndpointsExtension.class)
class PasswordLeakITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SourceTestSupport.miniCluster(false);

    private static final String TABLE = "tls_leak";

    private static PlanetScaleSource<RowData> source(SecureEndpoints secure, String password) {
        return SecureConnectionITCase.viaEdge(secure, TABLE).password(password).build();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void passwordAppearsNowhere(
            SecureEndpoints secure,
            @InjectClusterClient ClusterClient<?> client,
            @TempDir Path checkpoints)
            throws Exception {
        String password = secure.password();
        String wrongPassword = password + "-wrong";
        List<String> seen = new ArrayList<>();
        try (CapturedLogs logs = new CapturedLogs()) {
            // 1. a refused password
            PlanetScaleSource<RowData> refused = source(secure, wrongPassword);
            seen.add("toString of the source: " + refused);
            Throwable failure =
                    SourceTestSupport.failureOf(refused, "leak-refused", Duration.ofMinutes(2));
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).contains("refused the credentials");
            seen.add("the failure: " + trace);

            // 2. the right one, with checkpoints
            secure.deleteAll(TABLE);
            secure.insert(TABLE, 1, 3);
            Configuration config = new Configuration();
            config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            StreamExecutionEnvironment env2 =
                    StreamExecutionEnvironment.getExecutionEnvironment(config);
            env2.setParallelism(1);
            env2.enableCheckpointing(200);
            PlanetScaleSource<RowData> accepted = source(secure, password);
            seen.add("toString of the source: " + accepted);
            // sanity: the search below would find it (the job graph carries the source
            // serialized; Flink does not show it)
            assertThat(
                            new String(
                                    InstantiationUtil.serializeObject(accepted),
                                    StandardCharsets.ISO_8859_1))
                    .contains(password);
            try (CloseableIterator<RowData> rows =
                    env2.fromSource(accepted, WatermarkStrategy.noWatermarks(), "planetscale")
                            .executeAndCollect("leak-accepted")) {
                for (int i = 0; i < 3; i++) {
                    rows.next();
                }
                awaitCompletedCheckpoint(checkpoints);
                seen.addAll(restAnswers(client.getWebInterfaceURL()));
                seen.add("checkpoint files: " + filesUnder(checkpoints));
            }
            seen.add("log: " + logs.text());
        }
        String all = String.join("\n", seen);
        assertThat(all).contains("leak-accepted").contains("leak-refused").contains("tls_user");
        assertThat(all).doesNotContain(password).doesNotContain(wrongPassword);
    }

    private static void awaitCompletedCheckpoint(Path dir) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Stream<Path> files = Files.walk(dir)) {
                if (files.anyMatch(p -> p.getFileName().toString().equals("_metadata"))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no checkpoint completed in " + dir);
    }

    /** All bytes of all files under the directory, as text. */
    private static String filesUnder(Path dir) throws IOException {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                out.append(file)
                        .append(": ")
                        .append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                        .append('\n');
            }
        }
        return out.toString();
    }

    /** What the web UI shows, from the REST API it reads. */
    private static List<String> restAnswers(String base) throws IOException {
        List<String> answers = new ArrayList<>();
        String overview = get(base + "/jobs/overview");
        answers.add(overview);
        answers.add(get(base + "/jobmanager/config"));
        Matcher jid = Pattern.compile("\"jid\":\"([0-9a-f]{32})\"").matcher(overview);
        while (jid.find()) {
            String job = base + "/jobs/" + jid.group(1);
            for (String path :
                    new String[] {"", "/config", "/plan", "/exceptions", "/checkpoints"}) {
                answers.add(get(job + path));
            }
        }
        return answers;
    }

    private static String get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        int code = connection.getResponseCode();
        try (InputStream in =
                code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            byte[] body = in == null ? new byte[0] : in.readAllBytes();
            return url + " -> " + code + ": " + new String(body, StandardCharsets.UTF_8);
        }
    }
}
