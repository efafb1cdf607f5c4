package io.alfred.gitops.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.RenderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Kustomize printed is kept on disk per commit, path and Kustomize binary: a second process
 * (here a second renderer) rendering the same commit does not run Kustomize again; anything else
 * that could change the output does.
 */
class KustomizeOutputsTest {
    @TempDir
    Path tmp;

    Path kustomize;
    Path runs;
    Path kept;
    Path tree;

    /** A Kustomize that counts its runs: a script that appends a line, then runs kubectl's. */
    @BeforeEach
    void countingKustomize() throws Exception {
        runs = tmp.resolve("runs");
        kustomize = SourceFiles.script(
                tmp, "bin/kustomize", "#!/bin/sh\necho run >> '" + runs + "'\nshift\nexec kubectl kustomize \"$@\"\n");
        kept = tmp.resolve("work/kustomize-outputs");
        tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("app"));
        Files.writeString(tree.resolve("app/kustomization.yaml"), "resources: [cm.yaml]\n");
        Files.writeString(
                tree.resolve("app/cm.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {k: v}\n");
    }

    private Renderer process() {
        return new Renderer(
                new RenderSettings(kustomize.toString(), Duration.ofMinutes(1), Map.of()), KustomizeOutputs.in(kept));
    }

    private long kustomizeRuns() throws Exception {
        return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
    }

    private List<Path> entries() throws Exception {
        try (Stream<Path> files = Files.list(kept)) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }

    @Test
    void aCommitRenderedBeforeIsNotRenderedByKustomizeAgain() throws Exception {
        RenderResult first = process().render(tree, "app", Revision.of("c1"));
        assertThat(kustomizeRuns()).isEqualTo(1);

        RenderResult second = process().render(tree, "app", Revision.of("c1"));
        assertThat(kustomizeRuns()).as("a second process, the same commit").isEqualTo(1);
        assertThat(second.manifests()).isEqualTo(first.manifests());

        process().render(tree, "app", Revision.of("c2"));
        assertThat(kustomizeRuns()).as("another commit").isEqualTo(2);

        Files.setLastModifiedTime(kustomize, FileTime.from(Instant.now().plusSeconds(60)));
        process().render(tree, "app", Revision.of("c1"));
        assertThat(kustomizeRuns())
                .as("another Kustomize (a new build of the binary)")
                .isEqualTo(3);

        assertThat(entries())
                .allSatisfy(entry -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)))
                        .as("a render holds the Secrets git holds: owner only")
                        .isEqualTo("rw-------"));
    }

    @Test
    void aDamagedEntryIsRenderedAgain() throws Exception {
        RenderResult first = process().render(tree, "app", Revision.of("c1"));
        Files.writeString(entries().get(0), "{\"format\": \"alfred-gitops kustomize output 1\", \"yaml\": ");
        RenderResult again = process().render(tree, "app", Revision.of("c1"));
        assertThat(kustomizeRuns()).isEqualTo(2);
        assertThat(again.manifests()).isEqualTo(first.manifests());
    }

    @Test
    void theSourceChecksStillRunOnAKeptRender() throws Exception {
        process().render(tree, "app", Revision.of("c1"));
        Files.createSymbolicLink(tree.resolve("app/escape.yaml"), Path.of("/etc/hostname"));
        assertThatThrownBy(() -> process().render(tree, "app", Revision.of("c1")))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("symlink");
    }

    @Test
    void theNewestFourAreKept() throws Exception {
        for (int i = 1; i <= KustomizeOutputs.KEPT + 2; i++) {
            process().render(tree, "app", Revision.of("c" + i));
            for (Path entry : entries()) {
                // older entries look older, whatever the file system's timestamp resolution
                Files.setLastModifiedTime(
                        entry,
                        FileTime.from(
                                Files.getLastModifiedTime(entry).toInstant().minusSeconds(10)));
            }
        }
        assertThat(entries()).hasSize(KustomizeOutputs.KEPT);
    }

    @Test
    void aWorkingTreeKeepsNothing() throws Exception {
        new Renderer(new RenderSettings(kustomize.toString(), Duration.ofMinutes(1), Map.of()), KustomizeOutputs.NONE)
                .render(tree, "app", Revision.of("c1"));
        assertThat(kept).doesNotExist();
    }
}
