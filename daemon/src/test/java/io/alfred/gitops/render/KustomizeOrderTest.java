package io.alfred.gitops.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.RenderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kustomize runs without its own final re-sort ({@link Kustomize#NO_REORDER}): the render is put in
 * apply order by phase afterwards, and within a phase keeps the order the kustomization asks for.
 */
class KustomizeOrderTest {
    @TempDir
    Path root;

    private void write(String path, String content) throws Exception {
        SourceFiles.write(root, path, content);
    }

    /** ConfigMaps named {@code names}, in that order, each a document ending in {@code ---}. */
    private static String configMaps(String... names) {
        return Stream.of(names)
                .map(name -> SourceFiles.configMap(name) + "---\n")
                .collect(Collectors.joining());
    }

    private static Renderer renderer(String kustomize) {
        return new Renderer(new RenderSettings(kustomize, Duration.ofMinutes(1), Map.of()), KustomizeOutputs.NONE);
    }

    private static List<String> names(RenderResult result) {
        return result.manifests().stream()
                .map(m -> m.ref().kind() + " " + m.ref().name())
                .toList();
    }

    /** Kustomize's legacy re-sort would put the ConfigMaps in name order and the Namespace first. */
    @Test
    void withinAPhaseTheRenderKeepsTheOrderTheFilesList() throws Exception {
        write(
                "k/objects.yaml",
                configMaps("zeta", "alpha", "mid") + "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n");
        write("k/kustomization.yaml", "resources: [objects.yaml]\n");

        RenderResult result = renderer("auto").render(root, "k", Revision.of("r1"));

        assertThat(names(result))
                .containsExactly("Namespace apps", "ConfigMap zeta", "ConfigMap alpha", "ConfigMap mid");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void aKustomizationsSortOptionsStillDecideWithoutAWarning() throws Exception {
        write("k/objects.yaml", configMaps("zeta", "alpha", "mid"));
        write("k/kustomization.yaml", "resources: [objects.yaml]\nsortOptions:\n  order: legacy\n");

        RenderResult result = renderer("auto").render(root, "k", Revision.of("r1"));

        assertThat(names(result)).containsExactly("ConfigMap alpha", "ConfigMap mid", "ConfigMap zeta");
        assertThat(result.warnings()).isEmpty();
    }

    /** A Kustomize after the flag's removal: the render runs again without it, and so does the next. */
    @Test
    void aKustomizeThatNoLongerKnowsTheFlagRunsWithoutIt() throws Exception {
        Path calls = root.resolve("calls");
        Path fake = SourceFiles.script(root, "bin/kustomize", """
                #!/bin/sh
                echo "$*" >> %s
                for arg; do
                  if [ "$arg" = --reorder=none ]; then echo "Error: unknown flag: --reorder" >&2; exit 1; fi
                done
                printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: made, namespace: apps}\\n'
                """.formatted(calls));
        write("k/kustomization.yaml", "resources: []\n");
        Renderer renderer = renderer(fake.toString());

        assertThat(names(renderer.render(root, "k", Revision.of("r1")))).containsExactly("ConfigMap made");
        assertThat(names(renderer.render(root, "k", Revision.of("r2")))).containsExactly("ConfigMap made");

        assertThat(Files.readAllLines(calls))
                .hasSize(3)
                .satisfiesExactly(
                        first -> assertThat(first).contains("--reorder=none"),
                        second -> assertThat(second).doesNotContain("--reorder"),
                        third -> assertThat(third).doesNotContain("--reorder"));
    }
}
