package io.alfred.gitops.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.Revision;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.source.GitSource;
import io.alfred.gitops.source.PollResult;
import io.alfred.gitops.testing.TestRepo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled example, fetched from a real git repository and rendered, must equal what
 * {@code kubectl kustomize} makes of the same overlay, object by object, apart from the
 * substituted variables.
 */
class ExampleOverlaysRenderTest {
    @TempDir
    static Path tmp;

    static TestRepo repo;
    static GitSource source;
    static PollResult head;

    @BeforeAll
    static void fetchExample() {
        repo = TestRepo.withExample(tmp.resolve("infra"));
        source = new GitSource(SourceSettings.anonymous(repo.url(), "main", ".", tmp.resolve("work")));
        head = source.poll();
    }

    @AfterAll
    static void close() {
        source.close();
        repo.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void rendersLikeKubectlKustomize(String env) throws Exception {
        String path = "infra/k8s/overlays/" + env;
        Path checkout = source.checkout(head.revision());
        Renderer renderer = new Renderer(
                new RenderSettings(
                        "auto", Duration.ofMinutes(1), Map.of("cluster_name", "test-" + env, "cluster_env", env)),
                KustomizeOutputs.NONE);

        RenderResult result = renderer.render(checkout, path, Revision.of(head.revision()));

        Map<String, JsonNode> expected =
                byKey(ManifestParser.parse(kubectlKustomize(checkout.resolve(path)), "kubectl"));
        Map<String, JsonNode> actual = new LinkedHashMap<>();
        result.manifests().forEach(m -> actual.put(m.ref().key(), m.body()));
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        ((ObjectNode) expected.get("/ConfigMap/alfred-platform/alfred-env-config")
                        .get("data"))
                .put("cluster-name", "test-" + env);
        expected.forEach((key, object) -> assertThat(actual.get(key)).as(key).isEqualTo(object));
        assertThat(result.manifests()).hasSizeGreaterThan(30);
        assertThat(result.warnings()).anyMatch(w -> w.contains("patchesStrategicMerge"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void ordersForApply(String env) {
        Path checkout = source.checkout(head.revision());
        List<Manifest> manifests = new Renderer(
                        new RenderSettings(
                                "auto", Duration.ofMinutes(1), Map.of("cluster_name", "c", "cluster_env", env)),
                        KustomizeOutputs.NONE)
                .render(checkout, "infra/k8s/overlays/" + env, Revision.of(head.revision()))
                .manifests();
        List<ApplyOrder.Phase> phases = manifests.stream()
                .map(m -> ApplyOrder.phaseOf(m.ref(), Set.of()))
                .toList();
        assertThat(phases).isSorted();
        assertThat(manifests.get(0).ref().kind()).isEqualTo("CustomResourceDefinition");
        assertThat(manifests)
                .filteredOn(m -> m.ref().kind().equals("Namespace"))
                .hasSize(1);
        int pdb = indexOf(manifests, "PodDisruptionBudget");
        int deployment = indexOf(manifests, "Deployment");
        assertThat(pdb).as("a budget is in force before its workload rolls").isLessThan(deployment);
    }

    private static int indexOf(List<Manifest> manifests, String kind) {
        for (int i = 0; i < manifests.size(); i++) {
            if (manifests.get(i).ref().kind().equals(kind)) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, JsonNode> byKey(List<Manifest> manifests) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        manifests.forEach(m -> out.put(m.ref().key(), m.body()));
        return out;
    }

    public static String kubectlKustomize(Path dir) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }
}
