package io.alfred.gitops.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestRepo;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged daemon as a real process: JSON logs with the cycle's context, events on stdout, SIGTERM. */
class DaemonProcessIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void runsACycleLogsJsonAndStopsCleanlyOnSigterm() throws Exception {
        Path jar = Path.of("daemon/target/quarkus-app/quarkus-run.jar");
        assertThat(jar).exists();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            String head = repo.repository().resolve("HEAD").name();
            Path out = tmp.resolve("stdout");
            Path err = tmp.resolve("stderr");
            ProcessBuilder pb = new ProcessBuilder(
                            "java",
                            "-Dquarkus.http.port=" + port,
                            "-jar",
                            jar.toString(),
                            "run",
                            "--sandbox",
                            "--repo",
                            repo.dir().toString(),
                            "--cluster",
                            "it",
                            "--env",
                            "dev")
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().put("GITOPS_LOG_JSON", "true");
            pb.environment().put("GITOPS_SOURCE_WORKDIR", tmp.resolve("work").toString());
            Process daemon = pb.start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                Await.until(
                        () -> status(http, port).contains(head)
                                && status(http, port).contains("\"succeeded\""),
                        Duration.ofSeconds(90),
                        () -> readQuietly(err));
            } finally {
                daemon.destroy(); // SIGTERM
            }
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS))
                    .as("stopped within the shutdown grace")
                    .isTrue();

            List<JsonNode> logs = new ArrayList<>();
            for (String line : Files.readAllLines(err)) {
                if (line.startsWith("{")) {
                    logs.add(JSON.readTree(line));
                }
            }
            assertThat(logs).isNotEmpty();
            assertThat(logs)
                    .filteredOn(l -> l.path("message").asText().contains("applied (trigger startup): 35 created"))
                    .singleElement()
                    .satisfies(l -> {
                        assertThat(l.at("/mdc/cycle").asText()).isEqualTo("1");
                        assertThat(l.at("/mdc/revision").asText()).isEqualTo(head);
                        assertThat(l.at("/mdc/stage").asText()).isEqualTo("reconcile");
                    });
            assertThat(logs).anyMatch(l -> l.path("message").asText().contains("stopped in"));

            List<JsonNode> events = new ArrayList<>();
            for (String line : Files.readAllLines(out)) {
                events.add(JSON.readTree(line));
            }
            assertThat(events)
                    .extracting(e -> e.path("type").asText())
                    .containsExactly(
                            "io.alfred.gitops.sync.started",
                            "io.alfred.gitops.sync.planned",
                            "io.alfred.gitops.sync.applied",
                            "io.alfred.gitops.sync.succeeded");
            assertThat(events).allMatch(e -> e.path("subject").asText().equals(head));
        }
    }

    private static String status(HttpClient http, int port) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }
}
