package io.alfred.gitops.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code render}'s YAML must read back as the same objects in every Kubernetes decoder: strings
 * that YAML 1.1 (what kubectl and the API server's YAML path read) would take for numbers,
 * booleans, nulls or timestamps stay strings.
 */
class ManifestWriterTest {
    static final List<String> TRICKY = List.of(
            "1",
            "0755",
            "1e3",
            "true",
            "yes",
            "on",
            "off",
            "no",
            "y",
            "n",
            "null",
            "~",
            "",
            "1.5",
            ".5",
            "+1",
            "-1",
            "0x1F",
            "0o17",
            "1_000",
            "1:30",
            ".inf",
            "-.Inf",
            ".NaN",
            "2024-01-01",
            "2024-01-01T10:00:00Z",
            "True",
            "NULL",
            "Yes",
            "012",
            "1e-3",
            "0b101",
            "plain",
            "with space",
            "a: b",
            "#x");

    private static Manifest configMap() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode body = f.objectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode metadata = body.putObject("metadata").put("name", "tricky").put("namespace", "default");
        ObjectNode labels = metadata.putObject("labels");
        ObjectNode data = body.putObject("data");
        for (int i = 0; i < TRICKY.size(); i++) {
            labels.put("l" + i, TRICKY.get(i));
            data.put(TRICKY.get(i).isEmpty() ? "empty" : "k" + i, TRICKY.get(i));
        }
        return new Manifest(ObjectRef.of("v1", "ConfigMap", "default", "tricky"), body, "test");
    }

    @Test
    void everyStringReadsBackAsTheSameStringInYaml11() {
        String yaml = ManifestWriter.toYaml(configMap());
        Map<String, Object> read = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        @SuppressWarnings("unchecked")
        Map<String, Object> labels = (Map<String, Object>) ((Map<String, Object>) read.get("metadata")).get("labels");
        for (int i = 0; i < TRICKY.size(); i++) {
            assertThat(labels.get("l" + i))
                    .as("label l%d = '%s' in:%n%s", i, TRICKY.get(i), yaml)
                    .isEqualTo(TRICKY.get(i));
        }
    }

    @Test
    void theTypedKubernetesModelReadsTheSameObject() {
        Manifest m = configMap();
        ConfigMap typed = new KubernetesSerialization().unmarshal(ManifestWriter.toYaml(m), ConfigMap.class);
        for (int i = 0; i < TRICKY.size(); i++) {
            assertThat(typed.getMetadata().getLabels()).containsEntry("l" + i, TRICKY.get(i));
        }
        assertThat(typed.getData()).hasSize(TRICKY.size());
    }

    @Test
    void plainStringsStayUnquoted() {
        assertThat(ManifestWriter.toYaml(configMap()))
                .contains("l32: plain")
                .contains("l0: \"1\"")
                .contains("l4: \"yes\"");
    }
}
