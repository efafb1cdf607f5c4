package io.alfred.gitops.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.Revision;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.Kubectl;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon on the suites' cluster (the real control plane, or its own {@code --sandbox}), and the
 * CLI as a person runs it against that cluster's kubeconfig: {@code status} (text and JSON, exit
 * codes), {@code suspend} stopping writes while drift is reported, {@code resume} correcting it at
 * once, and the history kept in the cluster.
 */
class SuspendAndStatusIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "suspend-it-token";
    static final String DEPLOY = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: "web:%s"}]}
            """;

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    Run cli(Path kubeconfig, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                DaemonProcess.JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void statusSuspendResumeFromTheCommandLine() throws Exception {
        TestRepo repo = TestRepo.create(tmp.resolve("infra"));
        repo.write("app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        repo.write("app/web.yaml", String.format(DEPLOY, "1"));
        String first = repo.commit("Web 1 for the shop");
        Path token = tmp.resolve("token");
        Files.writeString(token, TOKEN);
        Map<String, String> env = Map.of(
                "GITOPS_SOURCE_WORKDIR",
                tmp.resolve("work").toString(),
                "GITOPS_SOURCE_INTERVAL",
                "1h",
                "GITOPS_API_TOKEN_FILE",
                token.toString());
        // the real control plane when the suites have one (the daemon as in a cluster), else the daemon's own --sandbox
        TestCluster cluster = TestCluster.isRealConfigured() ? TestCluster.start() : null;
        Path realKubeconfig = cluster == null ? null : cluster.writeKubeconfig(tmp.resolve("kubeconfig"));
        List<String> args = new ArrayList<>(
                List.of("run", "--repo", repo.dir().toString(), "--path", "app", "--cluster", "it", "--env", "dev"));
        Map<String, String> daemonEnv = new HashMap<>(env);
        if (cluster == null) {
            args.add(1, "--sandbox");
        } else {
            daemonEnv.put("KUBECONFIG", realKubeconfig.toString());
        }
        try (DaemonProcess daemon = DaemonProcess.start(List.of(), args, daemonEnv, tmp.resolve("daemon.log"));
                TestRepo closing = repo;
                AutoCloseable closingCluster = cluster == null ? () -> {} : cluster) {
            Await.until(
                    () -> first.equals(
                            daemon.status().path("lastAppliedRevision").asText()),
                    Duration.ofSeconds(90),
                    daemon::log);
            Path kubeconfig;
            if (cluster == null) {
                Matcher m = Pattern.compile("look with: kubectl --kubeconfig (\\S+)")
                        .matcher(daemon.log());
                assertThat(m.find()).as(daemon.log()).isTrue();
                kubeconfig = Path.of(m.group(1));
            } else {
                kubeconfig = realKubeconfig;
            }

            Run ok = cli(kubeconfig, "status");
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out())
                    .contains("state:        in sync")
                    .contains("applied:      " + Revision.abbreviate(first)
                            + " \"Web 1 for the shop\" (Test Author <author@example.com>)")
                    .contains("leader:       no Lease (leader election off)")
                    .contains("startup")
                    .contains("2 created");

            Run suspended = cli(kubeconfig, "suspend", "--reason", "hotfix INC-42 by hand");
            assertThat(suspended.exit()).as(suspended.err()).isZero();
            long asked = System.nanoTime();
            Await.until(
                    () -> daemon.status().path("suspension").path("suspended").asBoolean(),
                    Duration.ofSeconds(10),
                    daemon::log);
            long seenMs = (System.nanoTime() - asked) / 1_000_000;
            assertThat(daemon.status().path("suspension").path("reason").asText())
                    .isEqualTo("hotfix INC-42 by hand");
            assertThat(daemon.body("/q/metrics")).containsPattern("(?m)^gitops_suspended(\\{[^}]*})? 1\\.0$");

            try (KubernetesClient kubectl = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
                    .build()) {
                kubectl.apps().deployments().inNamespace("shop").withName("web").scale(5); // the hotfix by hand
                String second =
                        repo.write("app/web.yaml", String.format(DEPLOY, "2")).commit("Web 2");
                daemon.post("/reconcile", Map.of("Authorization", "Bearer " + TOKEN), "");
                Await.until(
                        () -> second.equals(daemon.status()
                                        .path("lastAttemptedRevision")
                                        .asText())
                                && "blocked"
                                        .equals(daemon.status()
                                                .path("lastResult")
                                                .asText()),
                        Duration.ofSeconds(60),
                        daemon::log);
                Deployment live = kubectl.apps()
                        .deployments()
                        .inNamespace("shop")
                        .withName("web")
                        .get();
                assertThat(live.getSpec().getReplicas())
                        .as("the hand edit stands while suspended")
                        .isEqualTo(5);
                assertThat(live.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage())
                        .isEqualTo("web:1");

                Run drifted = cli(kubeconfig, "status");
                assertThat(drifted.exit()).as(drifted.out()).isEqualTo(1);
                assertThat(drifted.out())
                        .contains("state:        drifted")
                        .contains("suspend:      suspended by ")
                        .contains("hotfix INC-42 by hand")
                        .contains("git differs from the cluster");

                Run resumed = cli(kubeconfig, "resume");
                assertThat(resumed.exit()).as(resumed.err()).isZero();
                long resumedAt = System.nanoTime();
                Await.until(
                        () -> second.equals(
                                daemon.status().path("lastAppliedRevision").asText()),
                        Duration.ofSeconds(30),
                        daemon::log);
                long appliedMs = (System.nanoTime() - resumedAt) / 1_000_000;
                Deployment after = kubectl.apps()
                        .deployments()
                        .inNamespace("shop")
                        .withName("web")
                        .get();
                assertThat(after.getSpec().getReplicas()).isEqualTo(2);
                assertThat(after.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage())
                        .isEqualTo("web:2");
                System.out.printf(
                        "SuspendAndStatusIT: suspend seen by the daemon after %d ms; resume applied in %d ms%n",
                        seenMs, appliedMs);

                Run events = kubectl(kubeconfig, "get", "events", "-n", "shop");
                assertThat(events.exit()).as(events.err()).isZero();
                assertThat(events.out())
                        .contains("Configured")
                        .contains("deployment/web")
                        .contains("configured by alfred-gitops at " + Revision.abbreviate(second)
                                + ": replicas: 2; image: web:2");
                Run describe = kubectl(kubeconfig, "describe", "deployment", "web", "-n", "shop");
                assertThat(describe.out())
                        .as(describe.err())
                        .contains("Events:")
                        .contains("Created")
                        .contains("created by alfred-gitops at " + Revision.abbreviate(first))
                        .contains("configured by alfred-gitops at " + Revision.abbreviate(second));
                Run daemonEvents = kubectl(kubeconfig, "get", "events", "-n", "alfred-gitops");
                assertThat(daemonEvents.out())
                        .contains("Synced")
                        .contains("Suspended")
                        .contains("Resumed")
                        .contains("Blocked")
                        .contains("configmap/alfred-gitops-inventory");
            }

            Run json = cli(kubeconfig, "status", "-o", "json");
            assertThat(json.exit()).as(json.out() + json.err()).isZero();
            JsonNode s = JSON.readTree(json.out());
            assertThat(s.path("state").asText()).isEqualTo("in sync");
            assertThat(s.path("suspension").path("suspended").asBoolean()).isFalse();
            assertThat(s.path("history"))
                    .extracting(h -> h.path("outcome").asText())
                    .containsSubsequence("succeeded", "blocked", "succeeded");
            assertThat(s.path("history").get(0).path("trigger").asText()).isEqualTo("resume");
            assertThat(s.path("history").get(0).path("subject").asText()).isEqualTo("Web 2");
            assertThat(daemon.log()).contains("suspended by ").contains("writes resume");
        }
    }

    Run kubectl(Path kubeconfig, String... args) throws IOException, InterruptedException {
        List<String> cmd = Kubectl.command(kubeconfig);
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("kout-" + System.nanoTime());
        Path err = tmp.resolve("kerr-" + System.nanoTime());
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void withoutAClusterStatusSaysSoInOneLine() throws Exception {
        Run r = cli(tmp.resolve("no-such-kubeconfig"), "status");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().toList())
                .as(r.err())
                .containsExactly("alfred-gitops: cluster: KUBECONFIG="
                        + tmp.resolve("no-such-kubeconfig")
                        + " names no file; point KUBECONFIG at an existing kubeconfig, or unset"
                        + " it to use ~/.kube/config");
    }

    /** A kubeconfig that is not YAML: one line naming it and where it breaks, from a command with and without the application. */
    @Test
    void aKubeconfigThatDoesNotParseIsOneLine() throws Exception {
        Path broken =
                Files.writeString(tmp.resolve("broken-kubeconfig"), "apiVersion: v1\nkind: Config\nclusters: [oops\n");
        String expected = "alfred-gitops: cluster: cannot read KUBECONFIG=" + broken
                + ": while parsing a flow sequence (line 3, column 11); check it with kubectl config view";
        Run status = cli(broken, "status");
        assertThat(status.exit()).as(status.err()).isEqualTo(2);
        assertThat(status.err().lines().toList()).as(status.err()).containsExactly(expected);

        try (TestRepo repo = TestRepo.create(tmp.resolve("plain"))) {
            repo.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n")
                    .commit("one object");
            Run diff = cli(
                    broken,
                    "diff",
                    "--repo",
                    repo.dir().toString(),
                    "--path",
                    "app",
                    "--cluster",
                    "it",
                    "--env",
                    "dev");
            assertThat(diff.exit()).as(diff.err()).isEqualTo(2);
            assertThat(diff.err().lines().toList()).as(diff.err()).containsExactly(expected);
        }
    }
}
