package io.alfred.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@link Main} reads from the command line before picocli does. */
class MainTest {
    @Test
    void diffAndReconcileOnAKubeconfigsClusterReadTheKubeconfigAhead() {
        assertThat(Main.reachesKubeconfigCluster("reconcile", "--once", "--repo", "r"))
                .isTrue();
        assertThat(Main.reachesKubeconfigCluster("-v", "diff", "--path", "p")).isTrue();
    }

    @Test
    void everyOtherCommandLineDoesNot() {
        assertThat(Main.reachesKubeconfigCluster("reconcile", "--once", "--sandbox"))
                .isFalse();
        assertThat(Main.reachesKubeconfigCluster("diff", "--help")).isFalse();
        assertThat(Main.reachesKubeconfigCluster("--version")).isFalse();
        assertThat(Main.reachesKubeconfigCluster("render", "--repo", "diff")).isFalse();
        assertThat(Main.reachesKubeconfigCluster("run")).isFalse();
        assertThat(Main.reachesKubeconfigCluster("reconsile", "--once")).isFalse();
        assertThat(Main.reachesKubeconfigCluster()).isFalse();
    }
}
