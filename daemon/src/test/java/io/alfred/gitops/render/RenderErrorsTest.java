package io.alfred.gitops.render;

import static io.alfred.gitops.render.SourceFiles.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.config.RenderLimits;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.YamlLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails at stage render with the file or object and the cause. */
class RenderErrorsTest {
    @TempDir
    Path root;

    private RenderResult render(String path) {
        return renderer(Map.of()).render(root, path, Revision.of("rev-" + System.nanoTime()));
    }

    private Renderer renderer(Map<String, String> vars) {
        return new Renderer(new RenderSettings("auto", Duration.ofMinutes(1), vars), KustomizeOutputs.NONE);
    }

    private void write(String path, String content) throws Exception {
        SourceFiles.write(root, path, content);
    }

    @Test
    void aDirectoryWithoutKustomizationTakesEveryYamlFile() throws Exception {
        write("plain/b.yaml", configMap("b"));
        write("plain/a.yml", configMap("a") + "---\n" + configMap("a2"));
        write("plain/sub/c.yaml", configMap("c"));
        write("plain/README.md", "not yaml");
        write("plain/.hidden/d.yaml", configMap("d"));
        List<String> names =
                render("plain").manifests().stream().map(m -> m.ref().name()).toList();
        assertThat(names).containsExactly("a", "a2", "b", "c");
    }

    @Test
    void brokenYamlNamesFileAndLine() throws Exception {
        write("plain/ok.yaml", configMap("ok"));
        write("plain/broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n");
        assertThatThrownBy(() -> render("plain"))
                .isInstanceOfSatisfying(
                        StageException.class, e -> assertThat(e.stage()).isEqualTo(Stage.RENDER))
                .hasMessageStartingWith("render: plain/broken.yaml:")
                .hasMessageContaining("invalid YAML");
    }

    /** Paths relative to the repository, said once, not the snapshot directory's absolute path four times. */
    @Test
    void kustomizeErrorsNameFilesRelativeToTheRepositoryOnce() throws Exception {
        write("overlay/kustomization.yaml", "resources:\n- missing.yaml\n");
        assertThatThrownBy(() -> render("overlay"))
                .isInstanceOf(RenderException.class)
                .hasMessage("render: overlay: kustomize failed: resource 'missing.yaml' does not exist "
                        + "(overlay/missing.yaml)");
    }

    @Test
    void brokenYamlInsideAKustomizationNamesFileAndLine() throws Exception {
        write("base/kustomization.yaml", "resources:\n- ok.yaml\n- cm.yaml\n");
        write("base/ok.yaml", configMap("ok"));
        write("base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n");
        write("overlay/kustomization.yaml", "resources:\n- ../base\n");
        assertThatThrownBy(() -> render("overlay"))
                .isInstanceOf(RenderException.class)
                .hasMessageStartingWith("render: base/cm.yaml:")
                .hasMessageContaining("invalid YAML");
    }

    /** kubectl reports a duplicate key as a multi-line klog record without a file name. */
    @Test
    void aDuplicateKeyNamesFileAndLineWithoutKlogResidue() throws Exception {
        write("overlay/kustomization.yaml", "resources:\n- cm.yaml\n");
        write("overlay/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n");
        assertThatThrownBy(() -> render("overlay"))
                .isInstanceOf(RenderException.class)
                .hasMessage("render: overlay/cm.yaml:5: duplicate key 'name'");
    }

    @Test
    void klogWrappersAreRemoved() {
        Path snapshot = Path.of("/var/lib/alfred-gitops/x/snapshots/abc");
        assertThat(KustomizeErrors.message(
                        List.of(
                                "E1130 13:14:41.086656   21406 run.go:72] \"command failed\" err=<",
                                "\tmap[string]interface {}(nil): yaml: unmarshal errors:",
                                "\t  line 5: mapping key \"name\" already defined at line 4",
                                " >"),
                        1,
                        snapshot))
                .isEqualTo("yaml: unmarshal errors:; line 5: mapping key \"name\" already defined at line 4");
        assertThat(KustomizeErrors.message(
                        List.of("E1130 13:14:41.086656   21406 run.go:72] \"command failed\" err=\"accumulating"
                                + " resources: open /var/lib/alfred-gitops/x/snapshots/abc/overlay/p.yaml: denied\""),
                        1,
                        snapshot))
                .isEqualTo("accumulating resources: open overlay/p.yaml: denied");
        assertThat(KustomizeErrors.message(List.of(), 3, snapshot)).isEqualTo("exit code 3");
    }

    @Test
    void remoteBasesAreRefused() throws Exception {
        write("base/kustomization.yaml", "resources:\n- https://github.com/example/infra//base?ref=main\n");
        write("overlay/kustomization.yaml", "resources:\n- ../base\n");
        assertThatThrownBy(() -> render("overlay"))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("base/kustomization.yaml")
                .hasMessageContaining("remote resource 'https://github.com/example/infra//base?ref=main' refused");
        write("base/kustomization.yaml", "resources:\n- github.com/example/infra/base\n");
        assertThatThrownBy(() -> render("overlay")).hasMessageContaining("remote resource");
    }

    /**
     * {@code render --local} in a git work tree looks at what git would: an ignored directory
     * (build output with a symlink out of it) is not part of the render; an untracked file is.
     */
    @Test
    void aWorkingTreeIsCheckedAsGitSeesIt() throws Exception {
        Git.init().setDirectory(root.toFile()).call().close();
        write(".gitignore", "target/\n");
        write("overlay/cm.yaml", configMap("x"));
        Files.createDirectories(root.resolve("target/bin"));
        Files.createSymbolicLink(root.resolve("target/bin/etcd"), Path.of("/usr/bin/env"));
        WorkingTree tree = WorkingTree.of(root.resolve("overlay"));
        assertThat(tree.render(renderer(Map.of())).manifests()).hasSize(1);

        Files.createSymbolicLink(root.resolve("overlay/passwd.yaml"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> tree.render(renderer(Map.of())))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("overlay/passwd.yaml")
                .hasMessageContaining("symlink leads outside the checkout");
    }

    @Test
    void aSymlinkOutOfTheCheckoutIsRefused() throws Exception {
        write("overlay/cm.yaml", configMap("x"));
        Files.createSymbolicLink(root.resolve("overlay/passwd.yaml"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> render("overlay"))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("overlay/passwd.yaml")
                .hasMessageContaining("symlink leads outside the checkout");
        Files.delete(root.resolve("overlay/passwd.yaml"));
        Files.createSymbolicLink(root.resolve("overlay/sneaky"), Path.of("../../"));
        assertThatThrownBy(() -> render("overlay")).hasMessageContaining("overlay/sneaky");
    }

    @Test
    void aSymlinkInsideTheCheckoutIsFine() throws Exception {
        write("shared/cm.yaml", configMap("shared"));
        write("overlay/own.yaml", configMap("own"));
        Files.createSymbolicLink(root.resolve("overlay/link.yaml"), Path.of("../shared/cm.yaml"));
        assertThat(render("overlay").manifests()).hasSize(2);
    }

    @Test
    void objectsMustHaveIdentity() throws Exception {
        write("a/x.yaml", "kind: ConfigMap\nmetadata:\n  name: x\n");
        assertThatThrownBy(() -> render("a"))
                .hasMessageContaining("a/x.yaml:1")
                .hasMessageContaining("apiVersion is missing");
        write("a/x.yaml", "apiVersion: v1\nmetadata:\n  name: x\n");
        assertThatThrownBy(() -> render("a")).hasMessageContaining("kind is missing");
        write("a/x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n");
        assertThatThrownBy(() -> render("a")).hasMessageContaining("metadata.name is missing");
        write("a/x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 42\n");
        assertThatThrownBy(() -> render("a")).hasMessageContaining("metadata.name is missing or not a string");
        write("a/x.yaml", "- just\n- a list\n");
        assertThatThrownBy(() -> render("a")).hasMessageContaining("must be a mapping");
    }

    @Test
    void duplicateObjectsAreRefusedNamingBothPlaces() throws Exception {
        write("d/one.yaml", configMap("same"));
        write("d/two.yaml", configMap("same"));
        assertThatThrownBy(() -> render("d"))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("ConfigMap apps/same is defined twice (d/one.yaml:1 and d/two.yaml:1)");
    }

    @Test
    void sameNameInAnotherNamespaceOrKindIsNotADuplicate() throws Exception {
        write("d/one.yaml", configMap("same"));
        write("d/two.yaml", configMap("same").replace("namespace: apps", "namespace: other"));
        write("d/three.yaml", configMap("same").replace("kind: ConfigMap", "kind: Secret"));
        assertThat(render("d").manifests()).hasSize(3);
    }

    @Test
    void clusterScopedObjectWithANamespaceIsRefused() throws Exception {
        write("c/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  namespace: default\n");
        assertThatThrownBy(() -> render("c")).hasMessageContaining("Namespace is cluster-scoped");
    }

    @Test
    void missingPathIsNamed() {
        assertThatThrownBy(() -> render("does/not/exist"))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("does/not/exist: no such directory");
        assertThatThrownBy(() -> render("../outside")).hasMessageContaining("outside the repository");
    }

    @Test
    void invalidUtf8IsRefused() throws Exception {
        Files.createDirectories(root.resolve("u"));
        Files.write(root.resolve("u/bad.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThatThrownBy(() -> render("u"))
                .hasMessageContaining("u/bad.yaml")
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void aHangingKustomizeIsKilledAtTheTimeout() throws Exception {
        Path fake = SourceFiles.script(root, "bin/kustomize", "#!/bin/sh\nsleep 60\n");
        write("k/kustomization.yaml", "resources: []\n");
        Renderer slow = new Renderer(
                new RenderSettings(fake.toString(), Duration.ofMillis(500), Map.of()), KustomizeOutputs.NONE);
        assertThatThrownBy(() -> slow.render(root, "k", Revision.of("r")))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("did not finish within 500ms (gitops.render.timeout) and was killed");
    }

    @Test
    void rendersAreCachedByRevision() throws Exception {
        write("p/cm.yaml", configMap("v1"));
        Renderer r = renderer(Map.of());
        RenderResult first = r.render(root, "p", Revision.of("abc"));
        write("p/cm.yaml", configMap("v2"));
        assertThat(r.render(root, "p", Revision.of("abc"))).isSameAs(first);
        assertThat(r.render(root, "p", Revision.of("def"))
                        .manifests()
                        .get(0)
                        .ref()
                        .name())
                .isEqualTo("v2");
    }

    private RenderResult renderWith(RenderLimits limits, String path) {
        return new Renderer(new RenderSettings("auto", Duration.ofMinutes(1), Map.of(), limits), KustomizeOutputs.NONE)
                .render(root, path, Revision.of("rev-" + System.nanoTime()));
    }

    /**
     * Nine levels of nine aliases: Kustomize needed 24 GB for it; the source check refuses it before Kustomize runs.
     */
    @Test
    void anAliasBombInASourceFileIsRefusedBeforeKustomizeSeesIt() throws Exception {
        StringBuilder bomb =
                new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb, namespace: apps}\n"
                        + "bomb:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        String previous = "a";
        for (String level : List.of("b", "c", "d", "e", "f", "g", "h", "i")) {
            bomb.append("  ")
                    .append(level)
                    .append(": &")
                    .append(level)
                    .append(" [")
                    .append(String.join(", ", Collections.nCopies(9, "*" + previous)))
                    .append("]\n");
            previous = level;
        }
        write("overlay/kustomization.yaml", "resources:\n- bomb.yaml\n");
        write("overlay/bomb.yaml", bomb.toString());
        // the strict parser's refusal, naming file and line: Kustomize's own answer would name neither
        assertThatThrownBy(() -> render("overlay"))
                .isInstanceOf(RenderException.class)
                .hasMessageStartingWith("render: overlay/bomb.yaml:")
                .hasMessageContaining("aliases");
    }

    @Test
    void eachSourceLimitIsNamedWhenExceeded() throws Exception {
        write("overlay/kustomization.yaml", "resources:\n- a.yaml\n- b.yaml\n");
        write("overlay/a.yaml", configMap("a"));
        write("overlay/b.yaml", configMap("b") + "# " + "x".repeat(2000) + "\n");
        RenderLimits defaults = RenderLimits.defaults();
        assertThatThrownBy(() -> renderWith(defaults.withFileSize(1024), "overlay"))
                .hasMessageStartingWith("render: overlay/b.yaml: ")
                .hasMessageContaining("(gitops.render.limits.file-size)");
        assertThatThrownBy(() -> renderWith(defaults.withTotalSize(2048), "overlay"))
                .hasMessageContaining("(gitops.render.limits.total-size)");
        assertThatThrownBy(() -> renderWith(defaults.withFiles(2), "overlay"))
                .hasMessage("render: overlay: more than 2 files to read (gitops.render.limits.files)");
        assertThatThrownBy(() -> renderWith(defaults.withObjects(1), "overlay"))
                .hasMessage("render: overlay: 2 objects, more than 1 (gitops.render.limits.objects)");
        write("overlay/c.yaml", "a: &a [x, x]\nb: [*a, *a, *a]\n---\n" + configMap("c"));
        write("overlay/kustomization.yaml", "resources:\n- a.yaml\n- b.yaml\n- c.yaml\n");
        assertThatThrownBy(() -> renderWith(defaults.withYaml(new YamlLimits(2, 100, 1000, 10)), "overlay"))
                .hasMessageContaining("overlay/c.yaml")
                .hasMessageContaining("(gitops.render.limits.yaml-aliases)");
        assertThatThrownBy(() -> renderWith(defaults.withYaml(new YamlLimits(50, 2, 1000, 10)), "overlay"))
                .hasMessageContaining("overlay/")
                .hasMessageContaining("(gitops.render.limits.yaml-depth)");
        assertThatThrownBy(() -> renderWith(defaults.withYaml(new YamlLimits(50, 100, 8, 10)), "overlay"))
                .hasMessageContaining("overlay/")
                .hasMessageContaining("(gitops.render.limits.yaml-nodes)");
        assertThatThrownBy(() -> renderWith(defaults.withYaml(new YamlLimits(50, 100, 1000, 1)), "overlay"))
                .hasMessage("render: overlay/c.yaml:4: more than 1 YAML documents (gitops.render.limits.documents)");
        write("overlay/kustomization.yaml", "resources:\n- a.yaml\n- b.yaml\n");
        assertThat(renderWith(defaults, "overlay").manifests()).hasSize(2);
    }

    /**
     * Kustomize runs under prlimit: out of its memory, the render fails naming the limit; the daemon's heap is
     * untouched.
     */
    @Test
    void kustomizeRunsWithinItsOwnMemoryLimit() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux) is not installed");
        write("overlay/kustomization.yaml", "resources:\n- a.yaml\n");
        write("overlay/a.yaml", configMap("a"));
        RenderLimits defaults = RenderLimits.defaults();
        assertThatThrownBy(() -> renderWith(defaults.withKustomizeMemory(32 * RenderLimits.MIB), "overlay"))
                .hasMessage("render: overlay: kustomize ran out of memory: it may use 32Mi"
                        + " (gitops.render.limits.kustomize-memory)");
    }
}
