package io.github.vstreamcdc.e2e.cluster;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The parts of Flink's REST API (the one the web UI reads) that the cluster tests use: jar upload
 * and run, job state, stop-with-savepoint, cancel, subtask metrics.
 */
final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    FlinkRest(String base) {
        this.base = base;
    }

    /** The body of GET {@code path}, whatever the status (for what a user would see). */
    String text(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
        return path + " -> " + response.statusCode() + ": " + response.body();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return parse(path, send(HttpRequest.newBuilder(uri(path)).GET()));
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return parse(
                path,
                send(
                        HttpRequest.newBuilder(uri(path))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(body)))));
    }

    /** Uploads a job jar (POST /jars/upload, multipart); returns its jar id. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----cluster-it-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer =
                parse(
                        "/jars/upload",
                        send(
                                HttpRequest.newBuilder(uri("/jars/upload"))
                                        .header(
                                                "Content-Type",
                                                "multipart/form-data; boundary=" + boundary)
                                        .POST(
                                                HttpRequest.BodyPublishers.ofByteArray(
                                                        body.toByteArray()))));
        String filename = answer.path("filename").asText();
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    /** Runs an uploaded jar's main class (POST /jars/:id/run); returns the job id. */
    String runJar(
            String jarId, String entryClass, List<String> args, int parallelism, String savepoint)
            throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        request.put("entryClass", entryClass);
        request.putPOJO("programArgsList", args);
        request.put("parallelism", parallelism);
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
            request.put("allowNonRestoredState", false);
        }
        return post("/jars/" + jarId + "/run", request).path("jobid").asText();
    }

    /** Stop-with-savepoint (no drain); returns the savepoint's location once it completed. */
    String stopWithSavepoint(String jobId, String directory)
            throws IOException, InterruptedException {
        String trigger =
                post(
                                "/jobs/" + jobId + "/stop",
                                Map.of("targetDirectory", directory, "drain", false))
                        .path("request-id")
                        .asText();
        JsonNode status =
                await(
                        "/jobs/" + jobId + "/savepoints/" + trigger,
                        s -> "COMPLETED".equals(s.path("status").path("id").asText()),
                        Duration.ofMinutes(2));
        JsonNode operation = status.path("operation");
        if (!operation.hasNonNull("location")) {
            throw new AssertionError("Stop-with-savepoint of " + jobId + " failed: " + status);
        }
        await(
                "/jobs/" + jobId,
                job -> job.path("state").asText().equals("FINISHED"),
                Duration.ofMinutes(1));
        return operation.path("location").asText();
    }

    void cancel(String jobId) throws IOException, InterruptedException {
        send(
                HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /** Waits until the job and all its tasks run. */
    void awaitRunning(String jobId) throws IOException, InterruptedException {
        await(
                "/jobs/" + jobId,
                job -> {
                    if (!job.path("state").asText().equals("RUNNING")) {
                        return false;
                    }
                    for (JsonNode vertex : job.path("vertices")) {
                        if (!vertex.path("status").asText().equals("RUNNING")) {
                            return false;
                        }
                    }
                    return true;
                },
                Duration.ofMinutes(3));
    }

    /** The job's first vertex: the (chained) source. */
    String sourceVertex(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("vertices").get(0).path("id").asText();
    }

    /** The resource id of the TaskManager that runs a subtask of a vertex. */
    String taskManagerOf(String jobId, String vertexId, int subtask)
            throws IOException, InterruptedException {
        for (JsonNode s : get("/jobs/" + jobId + "/vertices/" + vertexId).path("subtasks")) {
            if (s.path("subtask").asInt() == subtask) {
                return s.path("taskmanager-id").asText();
            }
        }
        throw new AssertionError("No subtask " + subtask + " of vertex " + vertexId);
    }

    /** Polls GET {@code path} until the answer satisfies the condition; returns that answer. */
    JsonNode await(String path, Predicate<JsonNode> condition, Duration limit)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
            if (response.statusCode() < 300) {
                last = JSON.readTree(response.body());
                if (condition.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GET " + path + " did not reach the expected state: " + last);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return http.send(
                request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode parse(String path, HttpResponse<String> response) throws IOException {
        if (response.statusCode() >= 300) {
            throw new IOException(path + " -> " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
