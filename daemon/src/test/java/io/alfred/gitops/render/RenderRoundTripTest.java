package io.alfred.gitops.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.alfred.gitops.Revision;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.source.GitSource;
import io.alfred.gitops.source.PollResult;
import io.alfred.gitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What {@code alfred-gitops render} prints is read back by a Kubernetes decoder as the same objects:
 * the YAML is read as kubectl reads it (YAML 1.1), then decoded into fabric8's typed model with
 * coercion off (a number where the model has a string is an error, as in the API server's decoder),
 * and compared object by object with the render in memory and with {@code kubectl kustomize}.
 */
class RenderRoundTripTest {
    @TempDir
    static Path tmp;

    static TestRepo repo;
    static GitSource source;
    static PollResult head;

    static final ObjectMapper STRICT = strictMapper();
    static final KubernetesSerialization TYPED = new KubernetesSerialization(STRICT, true);

    static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    @BeforeAll
    static void fetch() {
        repo = TestRepo.withExample(tmp.resolve("infra"));
        StringBuilder labels = new StringBuilder();
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < ManifestWriterTest.TRICKY.size(); i++) {
            String value =
                    ManifestWriterTest.TRICKY.get(i).replace("\\", "\\\\").replace("\"", "\\\"");
            labels.append("    l").append(i).append(": \"").append(value).append("\"\n");
            data.append("  k").append(i).append(": \"").append(value).append("\"\n");
        }
        repo.write("tricky/kustomization.yaml", "resources:\n- cm.yaml\ncommonLabels: {team: \"0755\"}\n");
        repo.write(
                "tricky/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tricky\n  namespace: default\n" + "  labels:\n"
                        + labels + "data:\n" + data);
        repo.commit("tricky scalars");
        source = new GitSource(SourceSettings.anonymous(repo.url(), "main", ".", tmp.resolve("work")));
        head = source.poll();
    }

    @AfterAll
    static void close() {
        source.close();
        repo.close();
    }

    static RenderResult render(String path) {
        return new Renderer(
                        new RenderSettings(
                                "auto", Duration.ofMinutes(1), Map.of("cluster_name", "c", "cluster_env", "e")),
                        KustomizeOutputs.NONE)
                .render(source.checkout(head.revision()), path, Revision.of(head.revision()));
    }

    /** The printed YAML, read as kubectl reads it and decoded strictly into the typed model. */
    static Map<String, JsonNode> readBack(String yaml) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (document == null) {
                continue;
            }
            JsonNode tree = STRICT.valueToTree(document);
            KubernetesResource typed = TYPED.unmarshal(tree.toString(), KubernetesResource.class);
            assertThat(typed)
                    .as("decoded into a typed object: %s", tree.path("kind"))
                    .isInstanceOf(HasMetadata.class);
            HasMetadata object = (HasMetadata) typed;
            String key = ObjectRef.of(
                            object.getApiVersion(),
                            object.getKind(),
                            object.getMetadata().getNamespace() == null
                                    ? ""
                                    : object.getMetadata().getNamespace(),
                            object.getMetadata().getName())
                    .key();
            out.put(key, withoutFilledInTypeMeta(STRICT.valueToTree(typed)));
        }
        return out;
    }

    /**
     * The typed model, like the API server, fills in apiVersion and kind of each StatefulSet
     * volumeClaimTemplate; what git wrote there (usually nothing) is not the point of this test.
     */
    static JsonNode withoutFilledInTypeMeta(JsonNode object) {
        for (JsonNode template : object.path("spec").path("volumeClaimTemplates")) {
            ((ObjectNode) template).remove(List.of("apiVersion", "kind"));
        }
        return object;
    }

    /** Equal as JSON: 8011 is 8011 whether the tree holds it as an int or a long. */
    static boolean sameJson(JsonNode a, JsonNode b) {
        return b != null
                && a.equals(
                        (x, y) -> x.equals(y)
                                        || x.isNumber()
                                                && y.isNumber()
                                                && x.decimalValue().compareTo(y.decimalValue()) == 0
                                ? 0
                                : 1,
                        b);
    }

    static Map<String, JsonNode> inMemory(RenderResult result) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        result.manifests()
                .forEach(m ->
                        out.put(m.ref().key(), withoutFilledInTypeMeta(m.body().deepCopy())));
        return out;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"infra/k8s/overlays/dev", "infra/k8s/overlays/staging", "infra/k8s/overlays/prod", "tricky"})
    void everyObjectReadsBackAsRenderedAndAsKubectlKustomizeMakesIt(String path) throws Exception {
        RenderResult result = render(path);
        Map<String, JsonNode> printed = readBack(ManifestWriter.toYaml(result.manifests()));
        Map<String, JsonNode> rendered = inMemory(result);
        Map<String, JsonNode> kubectl = readBack(ExampleOverlaysRenderTest.kubectlKustomize(
                source.checkout(head.revision()).resolve(path)));

        assertThat(printed.keySet()).containsExactlyElementsOf(rendered.keySet());
        assertThat(printed.keySet()).containsExactlyInAnyOrderElementsOf(kubectl.keySet());
        printed.forEach((key, object) -> {
            assertThat(sameJson(object, rendered.get(key)))
                    .as("%s as printed, read back:%n%s%n%s", key, object, rendered.get(key))
                    .isTrue();
            if (!key.endsWith("/alfred-env-config")) { // the one object with substituted variables
                assertThat(sameJson(object, kubectl.get(key)))
                        .as("%s as kubectl kustomize makes it:%n%s%n%s", key, object, kubectl.get(key))
                        .isTrue();
            }
        });
        assertThat(printed).isNotEmpty();
    }

    @Test
    void trickyScalarsStayStringsThroughKustomizeAndBack() {
        String yaml = ManifestWriter.toYaml(render("tricky").manifests());
        ConfigMap cm = TYPED.unmarshal(
                STRICT.valueToTree(new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml))
                        .toString(),
                ConfigMap.class);
        for (int i = 0; i < ManifestWriterTest.TRICKY.size(); i++) {
            assertThat(cm.getMetadata().getLabels()).containsEntry("l" + i, ManifestWriterTest.TRICKY.get(i));
            assertThat(cm.getData()).containsEntry("k" + i, ManifestWriterTest.TRICKY.get(i));
        }
        assertThat(cm.getMetadata().getLabels()).containsEntry("team", "0755");
    }

    /** The decoder is strict: an unquoted number where Kubernetes has a string does not pass. */
    @Test
    void theDecoderRefusesANumberForAString() {
        assertThatThrownBy(() -> readBack("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: {a: 1}}\n"))
                .rootCause()
                .hasMessageContaining("Cannot coerce Integer value (1) to `java.lang.String` value");
        assertThat(readBack("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: {a: \"1\"}}\n"))
                .hasSize(1);
    }
}
