package io.alfred.gitops.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.config.RenderLimits;
import io.alfred.gitops.config.YamlLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source YAML file that passed the strict parse is not parsed again while its text and the
 * limits stay the same, in this process or the next; anything else is parsed as before.
 */
class CheckedYamlTest {
    @TempDir
    Path tmp;

    Path tree;
    Path kept;

    @BeforeEach
    void tree() throws Exception {
        tree = tmp.resolve("tree");
        kept = tmp.resolve("kept/checked-yaml");
        Files.createDirectories(tree.resolve("app"));
        Files.writeString(tree.resolve("app/kustomization.yaml"), "resources: [cm.yaml]\n");
        Files.writeString(
                tree.resolve("app/cm.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\nlist: &l [x, y]\ncopy: *l\n");
    }

    private void check(RenderLimits limits) {
        SourceLimits.check(tree, List.of(tree.resolve("app")), limits, new CheckedYaml(kept));
    }

    private static String digestOf(Path file, YamlLimits limits) throws Exception {
        return CheckedYaml.digest(Files.readString(file), limits);
    }

    @Test
    void aFileThatPassedIsKnownToTheNextProcessByItsTextAndLimits() throws Exception {
        RenderLimits limits = RenderLimits.defaults();
        check(limits);

        CheckedYaml next = new CheckedYaml(kept);
        assertThat(next.passed(digestOf(tree.resolve("app/cm.yaml"), limits.yaml())))
                .isTrue();
        assertThat(next.passed(digestOf(tree.resolve("app/kustomization.yaml"), limits.yaml())))
                .isTrue();
        // another text, or the same text under other limits, was never parsed
        assertThat(next.passed(CheckedYaml.digest("kind: Other\n", limits.yaml())))
                .isFalse();
        YamlLimits stricter = new YamlLimits(0, 100, 10_000, 100);
        assertThat(next.passed(digestOf(tree.resolve("app/cm.yaml"), stricter))).isFalse();
        assertThat(Files.readAllLines(kept)).hasSize(3); // the format line and two digests
    }

    @Test
    void stricterLimitsParseTheSameFileAgainAndRefuseIt() {
        check(RenderLimits.defaults());

        assertThatThrownBy(() -> check(RenderLimits.defaults().withYaml(new YamlLimits(0, 100, 10_000, 100))))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("app/cm.yaml")
                .hasMessageContaining("alias");
    }

    @Test
    void aFileThatFailsIsNeverRemembered() throws Exception {
        Files.writeString(tree.resolve("app/cm.yaml"), "a: [unclosed\n");
        assertThatThrownBy(() -> check(RenderLimits.defaults())).isInstanceOf(RenderException.class);

        assertThat(new CheckedYaml(kept)
                        .passed(digestOf(
                                tree.resolve("app/cm.yaml"),
                                RenderLimits.defaults().yaml())))
                .isFalse();
        assertThatThrownBy(() -> check(RenderLimits.defaults())).isInstanceOf(RenderException.class);
    }

    @Test
    void aDamagedFileIsReadAsEmptyAndWrittenAnew() throws Exception {
        Files.createDirectories(kept.getParent());
        Files.writeString(kept, "something else\n" + "0".repeat(64) + "\n");
        assertThat(new CheckedYaml(kept).passed("0".repeat(64))).isFalse();

        check(RenderLimits.defaults());

        List<String> lines = Files.readAllLines(kept);
        assertThat(lines).hasSize(3).doesNotContain("0".repeat(64));
        assertThat(new CheckedYaml(kept)
                        .passed(digestOf(
                                tree.resolve("app/cm.yaml"),
                                RenderLimits.defaults().yaml())))
                .isTrue();
    }
}
