package io.alfred.gitops.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.RenderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders are cached per revision, and the cache holds a bounded number of objects, not of renders. */
class RenderCacheTest {
    @TempDir
    Path tmp;

    @Test
    void aRevisionIsRenderedOnce() throws Exception {
        Renderer renderer = renderer();
        Path dir = configMaps(3);
        assertThat(renderer.render(dir, "app", Revision.of("a")))
                .isSameAs(renderer.render(dir, "app", Revision.of("a")));
    }

    @Test
    void largeRendersPushOlderOnesOutPastTheObjectBudget() throws Exception {
        Renderer renderer = renderer();
        int size = Renderer.CACHE_OBJECTS / 2 + 1;
        Path dir = configMaps(size);
        RenderResult first = renderer.render(dir, "app", Revision.of("first"));
        RenderResult second = renderer.render(dir, "app", Revision.of("second"));

        assertThat(renderer.render(dir, "app", Revision.of("second")))
                .as("the newest is kept")
                .isSameAs(second);
        RenderResult again = renderer.render(dir, "app", Revision.of("first"));
        assertThat(again)
                .as("two renders of %d objects pass the budget of %d", size, Renderer.CACHE_OBJECTS)
                .isNotSameAs(first);
        assertThat(again.manifests()).hasSize(size);
    }

    private Renderer renderer() {
        return new Renderer(new RenderSettings("auto", Duration.ofMinutes(1), Map.of()), KustomizeOutputs.NONE);
    }

    /** A directory {@code app} of plain YAML (no kustomization) with {@code n} ConfigMaps. */
    private Path configMaps(int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-")
                    .append(i)
                    .append(", namespace: bench}\ndata: {key: v}\n");
        }
        Files.createDirectories(tmp.resolve("app"));
        Files.writeString(tmp.resolve("app/objects.yaml"), sb.toString());
        return tmp;
    }
}
