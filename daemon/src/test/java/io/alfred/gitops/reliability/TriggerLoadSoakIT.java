package io.alfred.gitops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvn -Preliability verify}: 1,000 signed GitHub push deliveries a minute for five minutes
 * ({@code -Dsoak.minutes}) into the packaged daemon, with a new commit every ten seconds. The
 * cycles coalesce (their number follows the commits, not the deliveries), resident memory stays
 * flat, and the cluster ends on the newest commit.
 */
class TriggerLoadSoakIT {
    static final String SECRET = "load-soak-webhook-secret";

    @TempDir
    Path tmp;

    @Test
    void aThousandTriggersAMinuteForFiveMinutes() throws Exception {
        int minutes = Integer.getInteger("soak.minutes", 5);
        Path secretFile = Files.writeString(tmp.resolve("github-secret"), SECRET);
        try (TestCluster sandbox = TestCluster.start();
                TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            Path kubeconfig = sandbox.writeKubeconfig(tmp.resolve("kubeconfig"));
            Map<String, String> env = Map.of(
                    "KUBECONFIG",
                    kubeconfig.toString(),
                    "GITOPS_WEBHOOK_GITHUB_SECRET_FILE",
                    secretFile.toString(),
                    "GITOPS_SOURCE_WORKDIR",
                    tmp.resolve("work").toString());
            try (DaemonProcess daemon = DaemonProcess.start(
                    List.of("-XX:+UseSerialGC", "-XX:MaxRAM=512m", "-XX:MaxRAMPercentage=50"),
                    List.of("run", "--repo", repo.dir().toString(), "--cluster", "load", "--env", "dev"),
                    env,
                    tmp.resolve("daemon.log"))) {
                String first = repo.repository().resolve("HEAD").name();
                Await.until(
                        () -> daemon.body("/status").contains("\"lastAppliedRevision\":\"" + first + "\""),
                        Duration.ofMinutes(2),
                        daemon::log);

                String read = repo.read("infra/k8s/overlays/dev/dev-config.yaml");
                String devConfig = read.endsWith("\n") ? read : read + "\n";
                long sent = 0;
                long refused = 0;
                int commits = 0;
                String head = first;
                List<Double> rss = new ArrayList<>();
                long start = System.nanoTime();
                long end = start + Duration.ofMinutes(minutes).toNanos();
                long nextCommit = start;
                long nextSample = start;
                while (System.nanoTime() < end) {
                    long now = System.nanoTime();
                    if (now >= nextCommit) {
                        commits++;
                        head = repo.write(
                                        "infra/k8s/overlays/dev/dev-config.yaml",
                                        devConfig + "---\napiVersion: v1\n"
                                                + "kind: ConfigMap\nmetadata: {name: load-marker, "
                                                + "namespace: alfred-platform}\n"
                                                + "data: {commit: \"" + commits + "\"}\n")
                                .commit("load " + commits);
                        nextCommit += Duration.ofSeconds(10).toNanos();
                    }
                    if (now >= nextSample) {
                        rss.add(daemon.rssMiB());
                        nextSample += Duration.ofSeconds(15).toNanos();
                    }
                    String body =
                            "{\"ref\":\"refs/heads/main\",\"after\":\"" + head + "\",\"repository\":{\"clone_url\":\""
                                    + repo.url() + "\"},\"pusher\":{\"name\":\"load\"}}";
                    HttpResponse<String> r = daemon.post(
                            "/hooks/github",
                            Map.of(
                                    "Content-Type",
                                    "application/json",
                                    "X-GitHub-Event",
                                    "push",
                                    "X-GitHub-Delivery",
                                    "load-" + sent,
                                    "X-Hub-Signature-256",
                                    sign(body)),
                            body);
                    sent++;
                    if (r.statusCode() != 202) {
                        refused++;
                    }
                    // 1,000 a minute: one every 60 ms, on schedule
                    long due = start + sent * 60_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                String newest = head;
                Await.until(
                        () -> daemon.body("/status").contains("\"lastAppliedRevision\":\"" + newest + "\""),
                        Duration.ofMinutes(2),
                        () -> daemon.body("/status"));
                double cycles = daemon.metricSum("gitops_reconcile_total{");
                try (var client = sandbox.client()) {
                    assertThat(client.configMaps()
                                    .inNamespace("alfred-platform")
                                    .withName("load-marker")
                                    .get()
                                    .getData())
                            .containsEntry("commit", String.valueOf(commits));
                }
                double warm = rss.get(Math.min(rss.size() - 1, 4));
                double last = rss.get(rss.size() - 1);
                double max = rss.stream().mapToDouble(Double::doubleValue).max().orElse(0);
                System.out.printf(
                        "%ntrigger load: %d deliveries in %d min (%d refused), %d commits, %.0f cycles;"
                                + " RSS after 1 min %.0f MiB, at the end %.0f MiB, max %.0f MiB%n",
                        sent, minutes, refused, commits, cycles, warm, last, max);
                assertThat(sent).isGreaterThanOrEqualTo(minutes * 900L);
                assertThat(refused).isZero();
                assertThat(cycles).as("cycles follow commits, not deliveries").isLessThan(commits * 3 + 20);
                assertThat(last - warm)
                        .as("resident memory stays flat after the first minute")
                        .isLessThan(64);
                assertThat(daemon.isAlive()).isTrue();
            }
        }
    }

    private static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
