package io.alfred.gitops.preview;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.VerifyMode;
import io.alfred.gitops.config.VerifySettings;
import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.events.EventType;
import io.alfred.gitops.githost.PreviewComment;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Revisions;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.safety.Gate;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull request's preview on the example's dev overlay, after a deploy of main, on an API server
 * (the real control plane when configured): what it finds, what each gate says, and that it writes
 * nothing, counted request by request as the client sends them.
 */
class PreviewCycleTest {
    static final String NS = "alfred-platform";
    static final String SECRET_SUBSTITUTION = "s3cr3t-of-the-daemon-42";
    static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    @TempDir
    Path tmp;

    TestRepo repo;
    TestCluster cluster;
    KubernetesClient client;
    KubernetesClient counted;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<DeployEvent> events = new CopyOnWriteArrayList<>();
    final List<Preview> ready = new CopyOnWriteArrayList<>();
    Settings settings;
    String deployed;

    @BeforeEach
    void deployMain() {
        repo = TestRepo.withExample(tmp.resolve("infra"));
        cluster = TestCluster.start();
        client = cluster.client();
        Settings plain = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
        RenderSettings render = new RenderSettings(
                "auto",
                Duration.ofMinutes(1),
                Map.of("cluster_name", "test", "cluster_env", "dev", "db_password", SECRET_SUBSTITUTION));
        settings = TestSettings.builder(plain.cluster(), plain.source(), render)
                .apply(plain.apply())
                .build();
        try (Revisions revisions = Wiring.revisions(settings);
                Reconciler reconciler =
                        Wiring.reconciler(client, settings.apply(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            CycleResult first = reconciler.reconcile(revisions.latest());
            assertThat(first.outcome()).as(String.valueOf(first.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
            deployed = first.revision().sha();
        }
        counted = new KubernetesClientBuilder()
                .withConfig(cluster.config())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", new Interceptor() {
                    @Override
                    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        requests.add(request.method() + " " + request.uri());
                    }
                }))
                .build();
    }

    @AfterEach
    void tearDown() {
        counted.close();
        client.close();
        cluster.close();
        repo.close();
    }

    /** Commits {@code edits} as pull request 7's head, then puts main back where it was. */
    private String pullRequest(Runnable edits) {
        edits.run();
        String head = repo.commit("pull request 7");
        repo.ref("refs/pull/7/head", head);
        repo.resetHard(deployed);
        return head;
    }

    private Preview preview(PullRequest pr, Settings s) {
        try (Previews previews = Wiring.previews(s, counted, events::add, Optional.empty(), ready::add)) {
            int before = ready.size();
            assertThat(previews.offer(pr)).isTrue();
            Await.until(() -> ready.size() > before, Duration.ofSeconds(120), () -> requests.size() + " requests");
            return ready.get(ready.size() - 1);
        }
    }

    private List<String> writes() {
        synchronized (requests) {
            return requests.stream()
                    .filter(r -> WRITES.contains(r.substring(0, r.indexOf(' '))))
                    .filter(r -> !r.contains("dryRun=All"))
                    .toList();
        }
    }

    @Test
    void aPullRequestIsPreviewedWithItsDiffGatesAndPrunesAndWritesNothing() throws IOException {
        String head = pullRequest(
                () -> repo.edit("infra/k8s/overlays/dev/kustomization.yaml", "log-level=debug", "log-level=trace")
                        .edit("infra/k8s/overlays/dev/kustomization.yaml", "- dev-config.yaml\n", ""));
        Preview p = preview(
                new PullRequest(PullRequest.Host.GITHUB, 7, Optional.of(head), false, Optional.empty()), settings);

        assertThat(p.revision()).contains(head);
        assertThat(p.verdict()).as(p.line()).isEqualTo(Verdict.WOULD_APPLY);
        assertThat(p.changes()).contains("ConfigMap/alfred-platform/alfred-config configured");
        assertThat(p.diff()).contains("-  log-level: debug").contains("+  log-level: trace");
        assertThat(p.pruned()).containsExactly("ConfigMap/alfred-platform/alfred-env-config");
        assertThat(p.gates())
                .extracting(GateVerdict::gate)
                .containsExactlyInAnyOrder(
                        Gate.VERIFY, Gate.PROMOTION, Gate.SUSPENDED, Gate.EMPTY_RENDER, Gate.PRUNE_GUARD, Gate.PDB);
        assertThat(p.gates()).allMatch(GateVerdict::passes);

        assertThat(requests).as("the preview asked the API server").isNotEmpty();
        assertThat(requests).as("server-side dry runs").anyMatch(r -> r.contains("dryRun=All"));
        assertThat(writes()).as("writes of a preview").isEmpty();
        // and the cluster is as the deploy left it
        assertThat(client.configMaps()
                        .inNamespace(NS)
                        .withName("alfred-config")
                        .get()
                        .getData())
                .containsEntry("log-level", "debug");
        assertThat(client.configMaps()
                        .inNamespace(NS)
                        .withName("alfred-env-config")
                        .get())
                .isNotNull();

        assertThat(events).extracting(DeployEvent::type).containsExactly(EventType.PREVIEW_READY);
        DeployEvent event = events.get(0);
        assertThat(event.revision()).isEqualTo(head);
        assertThat(event.data().path("verdict").asText()).isEqualTo("would apply");
        assertThat(event.data().path("pullRequest").path("number").asInt()).isEqualTo(7);
        assertThat(event.data().path("pruned").toString()).contains("alfred-env-config");
        assertThat(event.toCloudEvent().getType()).isEqualTo("io.alfred.gitops.preview.ready");
        assertThat(event.data().has("diff")).as("events carry no values").isFalse();

        // the comment a reviewer reads (the README shows this one)
        String comment = PreviewComment.markdown(p);
        assertThat(comment).contains("**would apply**").contains("- `ConfigMap/alfred-platform/alfred-env-config`");
        Files.writeString(Path.of("target/preview-comment.md"), comment);
    }

    @Test
    void theGatesSayWhatWouldBlockTheDeploy() {
        // deleting nearly everything: the prune guard would stop the deploy
        String head = pullRequest(() -> repo.write(
                "infra/k8s/overlays/dev/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- dev-config.yaml\n"));
        Preview p = preview(
                new PullRequest(PullRequest.Host.GITHUB, 7, Optional.of(head), false, Optional.empty()), settings);

        assertThat(p.verdict()).as(p.line()).isEqualTo(Verdict.WOULD_BE_BLOCKED);
        GateVerdict guard = p.gates().stream()
                .filter(g -> g.gate() == Gate.PRUNE_GUARD)
                .findFirst()
                .orElseThrow();
        assertThat(guard.passes()).isFalse();
        assertThat(guard.reason()).contains("would delete").contains("gitops.apply.prune-guard");
        assertThat(p.pruned()).hasSizeGreaterThan(20);
        assertThat(writes()).isEmpty();
    }

    @Test
    void aForkCannotReadTheDaemonsSubstitutionsOrReachTheNetwork() {
        String head = pullRequest(() -> repo.edit(
                "infra/k8s/overlays/dev/dev-config.yaml",
                "debug-endpoints: \"enabled\"",
                "debug-endpoints: \"enabled\"\n  stolen: \"${db_password}\""));
        PullRequest fork = new PullRequest(PullRequest.Host.GITHUB, 7, Optional.of(head), true, Optional.of("mallory"));
        Preview p = preview(fork, settings);
        assertThat(p.verdict()).as(p.line()).isEqualTo(Verdict.WOULD_APPLY);
        assertThat(p.diff()).contains("stolen: (redacted)").doesNotContain(SECRET_SUBSTITUTION);
        assertThat(p.toJson(true).toString()).doesNotContain(SECRET_SUBSTITUTION);
        assertThat(events.get(0).toJsonLine()).doesNotContain(SECRET_SUBSTITUTION);

        // a remote base would make Kustomize fetch from the network: refused before Kustomize runs
        String remote = pullRequest(() -> repo.edit(
                "infra/k8s/overlays/dev/kustomization.yaml",
                "- dev-config.yaml",
                "- dev-config.yaml\n- https://github.com/example/evil//base?ref=main"));
        Preview refused = preview(
                new PullRequest(PullRequest.Host.GITHUB, 7, Optional.of(remote), true, Optional.empty()), settings);
        assertThat(refused.verdict()).as(refused.line()).isEqualTo(Verdict.WOULD_FAIL);
        assertThat(refused.error().orElseThrow()).contains("remote");
        assertThat(writes()).isEmpty();
    }

    @Test
    void anUnsignedHeadIsHeldByVerifyAndNotRendered() throws IOException {
        String head = pullRequest(
                () -> repo.edit("infra/k8s/overlays/dev/kustomization.yaml", "log-level=debug", "log-level=trace"));
        Path keys = Files.writeString(tmp.resolve("allowed_signers"), "");
        Settings verifying = TestSettings.from(settings)
                .verify(new VerifySettings(VerifyMode.HEAD, Optional.empty(), Optional.of(keys), Optional.empty()))
                .build();
        Preview p = preview(
                new PullRequest(PullRequest.Host.GITHUB, 7, Optional.of(head), true, Optional.empty()), verifying);
        assertThat(p.verdict()).as(p.line()).isEqualTo(Verdict.WOULD_BE_BLOCKED);
        GateVerdict verify = p.gates().get(0);
        assertThat(verify.gate()).isEqualTo(Gate.VERIFY);
        assertThat(verify.passes()).isFalse();
        assertThat(p.summary()).isEqualTo("not rendered");
        assertThat(p.changes()).isEmpty();
        assertThat(requests).as("nothing of it was planned").noneMatch(r -> r.contains("dryRun=All"));
    }

    /** Prod's agent-core is scaled by an HPA: a pull request that changes its replicas is told it has no effect. */
    @Test
    void replicasAnHpaKeepsAreNamedNotDiffed() {
        Settings prod = TestSettings.from(TestSettings.overlay(repo.url(), "prod", tmp.resolve("work-prod")))
                .build();
        try (Revisions revisions = Wiring.revisions(prod);
                Reconciler reconciler =
                        Wiring.reconciler(client, prod.apply(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            CycleResult applied = reconciler.reconcile(revisions.latest());
            assertThat(applied.outcome()).as(String.valueOf(applied.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
            deployed = applied.revision().sha();
        }
        String head = pullRequest(
                () -> repo.edit("infra/k8s/overlays/prod/patches/set-replicas.yaml", "replicas: 5", "replicas: 8"));
        Preview p =
                preview(new PullRequest(PullRequest.Host.GITHUB, 7, Optional.of(head), false, Optional.empty()), prod);
        assertThat(p.findings())
                .contains("hpa: Deployment/alfred-platform/agent-core: replicas left to its HorizontalPodAutoscaler"
                        + " (git says 8)");
        assertThat(p.diff()).doesNotContain("replicas: 8");
        assertThat(writes()).isEmpty();
    }

    @Test
    void aPreviewNeverMovesTheDeploy() {
        String head = pullRequest(
                () -> repo.edit("infra/k8s/overlays/dev/kustomization.yaml", "log-level=debug", "log-level=trace"));
        preview(new PullRequest(PullRequest.Host.GITHUB, 7, Optional.of(head), false, Optional.empty()), settings);
        try (Revisions revisions = Wiring.revisions(settings);
                Reconciler reconciler =
                        Wiring.reconciler(client, settings.apply(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            assertThat(revisions.poll().revision())
                    .as("main still points where it was")
                    .isEqualTo(deployed);
            assertThat(reconciler.inventory().lastAppliedRevision()).isEqualTo(deployed);
            assertThat(reconciler.reconcile(revisions.latest()).outcome()).isEqualTo(CycleResult.Outcome.NOOP);
        }
    }

    @Test
    void aPullRequestThatDoesNotExistFailsWithTheRef() {
        Preview p = preview(
                new PullRequest(PullRequest.Host.GITLAB, 99, Optional.empty(), false, Optional.empty()), settings);
        assertThat(p.verdict()).isEqualTo(Verdict.WOULD_FAIL);
        assertThat(p.revision()).isEmpty();
        assertThat(p.error().orElseThrow()).contains("refs/merge-requests/99/head");
    }
}
