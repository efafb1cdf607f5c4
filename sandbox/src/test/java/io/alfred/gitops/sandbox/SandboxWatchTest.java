package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watches over plain HTTP as the API concepts page describes them ("Efficient detection of changes"):
 * one JSON event per line, resumed after a resourceVersion, ADDED events for the current state when
 * none is given, selectors applied, BOOKMARK only when asked for, 410 Gone as an ERROR event once the
 * resourceVersion has left the watch cache, and the end of the stream at timeoutSeconds.
 */
class SandboxWatchTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static SandboxApiServer sandbox;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        sandbox = SandboxApiServer.start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** The events of a watch that ends by timeoutSeconds, read while {@code during} runs. */
    static List<JsonNode> watch(String query, Runnable during) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(sandbox.url() + "/api/v1/namespaces/default/configmaps?watch=true&" + query))
                .timeout(Duration.ofSeconds(30))
                .build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        CompletableFuture<List<JsonNode>> events = CompletableFuture.supplyAsync(() -> {
            List<JsonNode> out = new ArrayList<>();
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    out.add(JSON.readTree(line));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return out;
        });
        Thread.sleep(200);
        during.run();
        return events.get();
    }

    static String create(String name, String label) {
        try (KubernetesClient client = sandbox.client()) {
            return client.configMaps()
                    .inNamespace("default")
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .addToLabels("team", label)
                            .endMetadata()
                            .addToData("k", "v")
                            .build())
                    .create()
                    .getMetadata()
                    .getResourceVersion();
        }
    }

    @Test
    void resumesAfterTheResourceVersionAndFiltersByLabel() throws Exception {
        String rv = create("w-before", "a");
        List<JsonNode> events = watch("resourceVersion=" + rv + "&labelSelector=team%3Da&timeoutSeconds=2", () -> {
            create("w-after", "a");
            create("w-other", "b");
            try (KubernetesClient client = sandbox.client()) {
                client.configMaps().inNamespace("default").withName("w-after").delete();
            }
        });
        assertThat(events)
                .extracting(e -> e.path("type").asText() + " "
                        + e.path("object").path("metadata").path("name").asText())
                .containsExactly("ADDED w-after", "DELETED w-after");
        assertThat(Long.parseLong(events.get(1)
                        .path("object")
                        .path("metadata")
                        .path("resourceVersion")
                        .asText()))
                .isGreaterThan(Long.parseLong(events.get(0)
                        .path("object")
                        .path("metadata")
                        .path("resourceVersion")
                        .asText()));
    }

    @Test
    void withoutAResourceVersionStartsWithTheCurrentState() throws Exception {
        create("w-state", "state");
        List<JsonNode> events = watch("labelSelector=team%3Dstate&timeoutSeconds=1", () -> {});
        assertThat(events)
                .extracting(e -> e.path("type").asText() + " "
                        + e.path("object").path("metadata").path("name").asText())
                .containsExactly("ADDED w-state");
    }

    @Test
    void bookmarksOnlyWhenAskedFor() throws Exception {
        String rv = create("w-bookmark", "bm");
        List<JsonNode> without = watch("resourceVersion=" + rv + "&timeoutSeconds=7", () -> {});
        assertThat(without).isEmpty();
        List<JsonNode> with = watch("resourceVersion=" + rv + "&allowWatchBookmarks=true&timeoutSeconds=7", () -> {});
        assertThat(with).isNotEmpty().allSatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("BOOKMARK");
            assertThat(e.path("object").path("kind").asText()).isEqualTo("ConfigMap");
            assertThat(e.path("object").path("metadata").path("resourceVersion").asText())
                    .isNotEmpty();
        });
    }

    @Test
    void aResourceVersionOlderThanTheCacheIsGone() throws Exception {
        SandboxApiServer shared = sandbox;
        sandbox = SandboxApiServer.start(); // its watch cache is filled up below
        try {
            String rv = create("w-old", "old");
            WatchHub hub = sandbox.watchHub();
            long next = Long.parseLong(rv) + 1_000_000;
            for (int i = 0; i < 10_001; i++) {
                hub.publish(
                        new WatchHub.Change("MODIFIED", "/api/v1/namespaces/elsewhere/configmaps/x", "{}", next + i));
            }
            expired(rv, watch("resourceVersion=" + rv, () -> {}));
        } finally {
            sandbox.close();
            sandbox = shared;
        }
    }

    private static void expired(String rv, List<JsonNode> events) {
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("type").asText()).isEqualTo("ERROR");
        assertThat(events.get(0).path("object").path("code").asInt()).isEqualTo(410);
        assertThat(events.get(0).path("object").path("reason").asText()).isEqualTo("Expired");
        assertThat(events.get(0).path("object").path("message").asText()).startsWith("too old resource version: " + rv);
    }

    @Test
    void kubectlGetWatchPrintsChangesAsTableRows() throws Exception {
        Path kubeconfig =
                sandbox.writeKubeconfig(Files.createTempDirectory("watch").resolve("kc"));
        Process watch = new ProcessBuilder(
                        "kubectl",
                        "--kubeconfig",
                        kubeconfig.toString(),
                        // a discovery cache of its own: ~/.kube/cache may hold another server's at this port
                        "--cache-dir",
                        kubeconfig.resolveSibling("kubectl-cache").toString(),
                        "get",
                        "configmaps",
                        "-n",
                        "default",
                        "-l",
                        "team=kubectl",
                        "--watch",
                        "--request-timeout=4s")
                .redirectErrorStream(true)
                .start();
        Thread.sleep(1500);
        create("w-kubectl", "kubectl");
        String out = new String(watch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        watch.waitFor();
        assertThat(out).containsPattern("(?m)^NAME\\s+DATA\\s+AGE$").containsPattern("(?m)^w-kubectl\\s+1\\s+");
    }
}
