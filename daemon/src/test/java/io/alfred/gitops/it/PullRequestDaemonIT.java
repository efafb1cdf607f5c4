package io.alfred.gitops.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.githost.Provider;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.FakeGitHost;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon as a team runs it with a git host: a deploy sets pending then success on the
 * deployed commit, and a signed pull request webhook gives the pull request's head a preview, a
 * status and one comment, while the cluster keeps main's state (the real control plane when the
 * suites have one, else the daemon's own {@code --sandbox}).
 */
class PullRequestDaemonIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "pr-it-webhook-secret";
    static final String CONFIG = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            data: {level: "%s"}
            """;

    @TempDir
    Path tmp;

    static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aDeployAndAPullRequestEndOnTheGitHost() throws Exception {
        TestRepo repo = TestRepo.create(tmp.resolve("infra"));
        repo.write("app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        repo.write("app/settings.yaml", String.format(CONFIG, "info"));
        String main = repo.commit("Shop settings");
        Path token = Files.writeString(tmp.resolve("githost-token"), FakeGitHost.TOKEN);
        Path secret = Files.writeString(tmp.resolve("webhook-secret"), SECRET);

        try (FakeGitHost host = new FakeGitHost(Provider.GITHUB)) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "GITOPS_SOURCE_WORKDIR", tmp.resolve("work").toString(),
                    "GITOPS_SOURCE_INTERVAL", "1h",
                    "GITOPS_WEBHOOK_GITHUB_SECRET_FILE", secret.toString(),
                    "GITOPS_GITHOST_PROVIDER", "github",
                    "GITOPS_GITHOST_API_URL", host.apiUrl(),
                    "GITOPS_GITHOST_TOKEN_FILE", token.toString(),
                    "GITOPS_GITHOST_REPOSITORY", "acme/infra"));
            TestCluster cluster = TestCluster.isRealConfigured() ? TestCluster.start() : null;
            List<String> args = new ArrayList<>(List.of(
                    "run", "--repo", repo.dir().toString(), "--path", "app", "--cluster", "pr-it", "--env", "dev"));
            if (cluster == null) {
                args.add(1, "--sandbox");
            } else {
                env.put(
                        "KUBECONFIG",
                        cluster.writeKubeconfig(tmp.resolve("kubeconfig")).toString());
            }
            try (DaemonProcess daemon = DaemonProcess.start(List.of(), args, env, tmp.resolve("daemon.log"));
                    TestRepo closing = repo;
                    AutoCloseable closingCluster = cluster == null ? () -> {} : cluster) {
                Await.until(
                        () -> host.statuses.stream()
                                .anyMatch(s -> s.sha().equals(main) && s.state().equals("success")),
                        Duration.ofSeconds(90),
                        daemon::log);
                assertThat(host.statuses)
                        .filteredOn(s -> s.sha().equals(main))
                        .extracting(s -> s.state() + " " + s.context() + " " + s.repository())
                        .containsExactly(
                                "pending alfred-gitops/pr-it acme/infra", "success alfred-gitops/pr-it acme/infra");

                // a pull request raises the level; its head is served at refs/pull/7/head, main stays
                String head = repo.write("app/settings.yaml", String.format(CONFIG, "debug"))
                        .commit("Debug logging for the shop");
                repo.ref("refs/pull/7/head", head);
                repo.resetHard(main);
                String body = "{\"action\":\"opened\",\"number\":7,\"pull_request\":{\"number\":7,\"head\":{\"sha\":\""
                        + head + "\",\"repo\":{\"full_name\":\"someone/infra\"}},\"base\":{\"ref\":\"main\","
                        + "\"repo\":{\"full_name\":\"acme/infra\",\"clone_url\":\"" + repo.dir() + "\"}}},"
                        + "\"sender\":{\"login\":\"someone\"}}";
                HttpResponse<String> unsigned = daemon.post(
                        "/hooks/github",
                        Map.of(
                                "Content-Type",
                                "application/json",
                                "X-GitHub-Event",
                                "pull_request",
                                "X-Hub-Signature-256",
                                "sha256=00"),
                        body);
                assertThat(unsigned.statusCode()).isEqualTo(401);
                HttpResponse<String> queued = daemon.post(
                        "/hooks/github",
                        Map.of(
                                "Content-Type",
                                "application/json",
                                "X-GitHub-Event",
                                "pull_request",
                                "X-GitHub-Delivery",
                                "pr-it-1",
                                "X-Hub-Signature-256",
                                sign(body)),
                        body);
                assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
                assertThat(queued.body()).contains("preview queued");

                Await.until(() -> !host.commentsOn(7).isEmpty(), Duration.ofSeconds(60), daemon::log);
                String comment = host.commentsOn(7).get(0).body();
                assertThat(comment)
                        .contains("<!-- alfred-gitops:preview:pr-it -->")
                        .contains("`pr-it` (dev): **would apply**")
                        .contains("ConfigMap/shop/settings configured")
                        .contains("+  level: debug");
                Await.until(
                        () -> host.statuses.stream()
                                .anyMatch(s -> s.sha().equals(head) && s.state().equals("success")),
                        Duration.ofSeconds(30),
                        daemon::log);
                assertThat(host.statuses)
                        .filteredOn(s -> s.sha().equals(head))
                        .extracting(s -> s.state())
                        .containsExactly("pending", "success");

                JsonNode preview = JSON.readTree(daemon.body("/previews/" + head));
                assertThat(preview.path("verdict").asText()).isEqualTo("would apply");
                assertThat(preview.path("pullRequest").path("fork").asBoolean()).isTrue();
                assertThat(daemon.status().path("lastAppliedRevision").asText())
                        .as("a preview deploys nothing")
                        .isEqualTo(main);
            }
        }
    }
}
