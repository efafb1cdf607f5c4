package io.alfred.gitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Main;
import io.alfred.gitops.testing.Signing;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

    /**
     * A PodDisruptionBudget refusal through the command line, on the suites' cluster (the real
     * control plane in CI): exit 3, and nothing of the refused revision written.
     */
    @Test
    void aBudgetRefusalExitsThreeAndWritesNothing(QuarkusMainLauncher launcher) throws Exception {
        Path dir = Files.createTempDirectory("rc-pdb");
        String previous = System.getProperty("kubeconfig");
        try (TestCluster cluster = TestCluster.start();
                KubernetesClient client = cluster.client();
                TestRepo repo = TestRepo.create(dir.resolve("infra"))) {
            System.setProperty(
                    "kubeconfig",
                    cluster.writeKubeconfig(dir.resolve("kubeconfig")).toString());
            String rolling = "{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}";
            repo.write("app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
            repo.write("app/web.yaml", Workloads.deployment("web", 3, "web:1", rolling));
            repo.write("app/pdb.yaml", Workloads.pdb("web", "web", "minAvailable: 3"));
            repo.commit("web behind a budget that allows no disruption");
            String[] args = {
                "reconcile",
                "--once",
                "--repo",
                repo.dir().toString(),
                "--cluster",
                "local",
                "--env",
                "dev",
                "--path",
                "app"
            };
            LaunchResult first = launcher.launch(args);
            assertThat(first.exitCode()).as(first.getErrorOutput()).isZero();

            repo.write("app/web.yaml", Workloads.deployment("web", 3, "web:2", rolling))
                    .commit("web 2");
            LaunchResult refused = launcher.launch(args);
            assertThat(refused.exitCode())
                    .as(refused.getOutput() + refused.getErrorOutput())
                    .isEqualTo(3);
            assertThat(refused.getErrorOutput()).contains("PodDisruptionBudget shop/web");
            assertThat(client.apps()
                            .deployments()
                            .inNamespace("shop")
                            .withName("web")
                            .get()
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .as("nothing written")
                    .isEqualTo("web:1");
        } finally {
            if (previous == null) {
                System.clearProperty("kubeconfig");
            } else {
                System.setProperty("kubeconfig", previous);
            }
        }
    }

    /** {@code -v} ends with one line saying where the seconds went, stage by stage. */
    @Test
    void verboseSaysWhereTheSecondsWent(QuarkusMainLauncher launcher) throws Exception {
        try (TestRepo repo =
                TestRepo.withExample(Files.createTempDirectory("rc").resolve("infra"))) {
            LaunchResult reconcile = launcher.launch(args(repo, "reconcile", "infra/k8s/overlays/dev", "-v"));
            assertThat(reconcile.exitCode()).as(reconcile.getErrorOutput()).isZero();
            assertThat(secondsLine(reconcile))
                    .matches("# seconds: start \\d+\\.\\d\\d, .*; wall \\d+\\.\\d\\d")
                    .contains("cluster ", "fetch ", "render ", "plan ", "apply ", "wait ", "prune ");

            LaunchResult diff = launcher.launch(args(repo, "diff", "infra/k8s/overlays/dev", "-v"));
            assertThat(secondsLine(diff)).contains("cluster ", "fetch ", "render ", "plan ");
        }
    }

    /**
     * {@code reconcile --once} fetches and renders while it connects, but a revision the verify gate
     * refuses is never rendered: the seconds line has a fetch and no render.
     */
    @Test
    void anUnverifiedRevisionIsNotRenderedWhileConnecting(QuarkusMainLauncher launcher) throws Exception {
        Path tmp = Files.createTempDirectory("rc-verify");
        Signing.OpenPgpKey alice = Signing.openPgpKey("Alice <alice@example.com>", new Date(), 0);
        try (Signing.Setting signedHeads = Signing.requireSignedHeads(alice, tmp);
                TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            LaunchResult unsigned = launcher.launch(args(repo, "reconcile", "infra/k8s/overlays/dev", "-v"));
            assertThat(unsigned.exitCode()).as(unsigned.getErrorOutput()).isEqualTo(3);
            assertThat(secondsLine(unsigned)).contains("fetch ").doesNotContain("render ");
        }
    }

    /**
     * {@code -v} sets JVM-wide properties (verbose, the log level), which would outlive a launch in
     * this shared JVM and put log lines into later commands' output: restored after each test.
     */
    private final Map<String, String> before = new HashMap<>();

    @BeforeEach
    void rememberVerbosity() {
        for (String key : List.of(Main.VERBOSE_PROPERTY, "quarkus.log.level")) {
            before.put(key, System.getProperty(key));
        }
    }

    @AfterEach
    void restoreVerbosity() {
        before.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    private static String secondsLine(LaunchResult result) {
        return result.getErrorStream().stream()
                .filter(line -> line.startsWith("# seconds: "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '# seconds:' line in " + result.getErrorOutput()));
    }
}
