package io.alfred.gitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.testing.TestRepo;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code reconcile --once} and {@code diff} through the real command line, on the sandbox. */
@QuarkusMainTest
class ReconcileCommandTest {

    private static String[] args(TestRepo repo, String command, String path, String... more) {
        List<String> a = new ArrayList<>(List.of(command));
        if (command.equals("reconcile")) {
            a.add("--once");
        }
        a.addAll(List.of(
                "--sandbox", "--repo", repo.dir().toString(), "--cluster", "local", "--env", "dev", "--path", path));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void reconcileOnceAppliesTheExampleToAnEmptySandbox(QuarkusMainLauncher launcher) throws Exception {
        try (TestRepo repo =
                TestRepo.withExample(Files.createTempDirectory("rc").resolve("infra"))) {
            LaunchResult r = launcher.launch(args(repo, "reconcile", "infra/k8s/overlays/dev"));
            assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
            assertThat(r.getOutput())
                    .contains("CustomResourceDefinition/servicemonitors.monitoring.coreos.com created")
                    .contains("Deployment/alfred-platform/agent-core created")
                    .contains("+++ git/Deployment/alfred-platform/agent-core")
                    .contains("# Secret data (values not shown): added database-url")
                    .contains("reconcile succeeded at ")
                    .doesNotContain("cG9zdGdyZXM=")
                    .doesNotContain("eW91ci1zdXBlci1zZWNyZXQtcGFzc3dvcmQ=");
        }
    }

    @Test
    void diffReportsChangesWithExitOne(QuarkusMainLauncher launcher) throws Exception {
        try (TestRepo repo =
                TestRepo.withExample(Files.createTempDirectory("rc").resolve("infra"))) {
            LaunchResult r = launcher.launch(args(repo, "diff", "infra/k8s/overlays/prod"));
            assertThat(r.exitCode()).as(r.getErrorOutput()).isEqualTo(1);
            assertThat(r.getOutput())
                    .contains("HorizontalPodAutoscaler/alfred-platform/agent-core created")
                    .contains("(not validated: its namespace or CRD is new)")
                    .contains("diff at ");
        }
    }

    @Test
    void exitCodesFollowDesign(QuarkusMainLauncher launcher) throws Exception {
        Path dir = Files.createTempDirectory("rc").resolve("infra");
        try (TestRepo repo = TestRepo.withExample(dir)) {
            repo.write("empty/kustomization.yaml", "resources: []\n");
            repo.write(
                    "unknown/widget.yaml",
                    "apiVersion: example.io/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: default\n");
            repo.commit("test overlays");

            LaunchResult blocked = launcher.launch(args(repo, "reconcile", "empty"));
            assertThat(blocked.exitCode()).isEqualTo(3);
            assertThat(blocked.getErrorOutput()).contains("blocked: empty-render");

            LaunchResult failed = launcher.launch(args(repo, "reconcile", "unknown"));
            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.getErrorOutput())
                    .contains("plan: Widget default/w: the cluster does not serve example.io/v1 Widget");

            LaunchResult usage = launcher.launch(
                    "reconcile", "--sandbox", "--repo", repo.dir().toString());
            assertThat(usage.exitCode()).as("--once is required").isEqualTo(2);

            LaunchResult unreachable = launcher.launch(
                    "reconcile",
                    "--once",
                    "--sandbox",
                    "--repo",
                    "https://127.0.0.1:1/infra.git",
                    "--cluster",
                    "local",
                    "--env",
                    "dev");
            assertThat(unreachable.exitCode())
                    .as("git cannot be reached: " + unreachable.getErrorOutput())
                    .isEqualTo(2);
            assertThat(unreachable.getErrorOutput()).contains("fetch: https://127.0.0.1:1/infra.git");

            LaunchResult config =
                    launcher.launch("reconcile", "--once", "--repo", repo.dir().toString(), "--env", "dev");
            assertThat(config.exitCode()).isEqualTo(2);
            assertThat(config.getErrorOutput()).contains("gitops.cluster.name is not set");
        }
    }
}
