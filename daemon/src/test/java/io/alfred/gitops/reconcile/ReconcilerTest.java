package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Stage;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.prune.Inventory;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.safety.Gate;
import io.alfred.gitops.testing.LogCapture;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reconcile cycle, commit by commit, on the example infra repository and an API server (the
 * sandbox, or a real one when available).
 */
class ReconcilerTest {
    static final String NS = "alfred-platform";
    static LogCapture log;
    static final List<String> printed = new ArrayList<>();

    @TempDir
    Path tmp;

    TestRepo repo;
    TestCluster cluster;
    KubernetesClient client;
    Revisions revisions;
    Reconciler reconciler;

    @BeforeAll
    static void captureLog() {
        log = LogCapture.install();
    }

    @AfterAll
    static void noSecretValueWasEverLoggedOrPrinted() throws Exception {
        log.close();
        String secrets = Files.readString(Path.of("examples/alfred-platform/infra/k8s/base/config/secrets.yaml"));
        Matcher m = Pattern.compile(":\\s+([A-Za-z0-9+/=]{8,})").matcher(secrets);
        List<String> values = new ArrayList<>();
        while (m.find()) {
            values.add(m.group(1));
            String decoded = new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
            if (decoded.length() >= 12) { // the user name "postgres" is also the name of a Service and a StatefulSet
                values.add(decoded);
            }
        }
        assertThat(values).hasSizeGreaterThanOrEqualTo(9);
        String everything = log.all() + "\n" + String.join("\n", printed);
        assertThat(log.lines()).isNotEmpty();
        for (String value : values) {
            assertThat(everything).as("a Secret value leaked").doesNotContain(value);
        }
    }

    @BeforeEach
    void setUp() {
        repo = TestRepo.withExample(tmp.resolve("infra"));
        cluster = TestCluster.start();
        client = cluster.client();
        use("dev");
    }

    @AfterEach
    void tearDown() {
        reconciler.close();
        revisions.close();
        client.close();
        cluster.close();
        repo.close();
    }

    /** This test injects a fault, which only the sandbox can: it moves to one, whatever the suite runs on. */
    private void onSandbox(String why) {
        if (cluster.isSandbox()) {
            return;
        }
        reconciler.close();
        revisions.close();
        reconciler = null;
        client.close();
        cluster.close();
        cluster = TestCluster.sandbox(why);
        client = cluster.client();
        use("dev");
    }

    private void use(String env) {
        if (reconciler != null) {
            reconciler.close();
            revisions.close();
        }
        Settings settings = TestSettings.overlay(repo.url(), env, tmp.resolve("work"));
        revisions = Wiring.revisions(settings);
        reconciler = Wiring.reconciler(client, settings.apply(), SafetySettings.defaults(), WriteGuard.ALWAYS);
    }

    private CycleResult cycle() {
        RenderResult render = revisions.latest();
        CycleResult result = reconciler.reconcile(render);
        printed.add(result.changes().render(true));
        return result;
    }

    private static List<String> effective(CycleResult r) {
        return r.changes().effective().stream().map(Change::line).toList();
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void eachOverlayAppliesToAnEmptyClusterThenIsInSync(String env) {
        use(env);
        CycleResult first = cycle();
        assertThat(first.outcome()).as(String.valueOf(first.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        int rendered = revisions.latest().manifests().size();
        assertThat(first.changes().changes()).hasSize(rendered).allMatch(c -> c.action() == Action.CREATED);
        assertThat(reconciler.inventory().size()).isEqualTo(rendered);
        assertThat(client.genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor")
                        .inNamespace(NS)
                        .withName("agent-core")
                        .get())
                .as("CRD applied first, then its resource")
                .isNotNull();
        assertThat(deployment("agent-core").getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "alfred-gitops");

        cluster.sandbox().ifPresent(s -> s.resetRequestCounts());
        sleepPastTheSecond(); // managedFields times have a resolution of one second
        Instant noopStart = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CycleResult second = cycle();
        assertThat(second.outcome()).isEqualTo(CycleResult.Outcome.NOOP);
        assertThat(second.changes().effective()).isEmpty();
        cluster.sandbox()
                .ifPresent(s -> assertThat(s.requestCounts().keySet())
                        .as("same revision, no drift: reads only")
                        .allMatch(verb -> verb.equals("GET") || verb.equals("LIST")));
        // on either server: no object carries a write of the daemon's field manager from the no-op cycle
        for (var m : revisions.latest().manifests()) {
            var kind = client.genericKubernetesResources(
                    m.ref().apiVersion(), m.ref().kind());
            var live = (m.ref().namespace().isEmpty()
                            ? kind.withName(m.ref().name())
                            : kind.inNamespace(m.ref().namespace())
                                    .withName(m.ref().name()))
                    .get();
            assertThat(live).as(m.ref().toString()).isNotNull();
            live.getMetadata().getManagedFields().stream()
                    .filter(f -> ApplySettings.defaults().fieldManager().equals(f.getManager()))
                    .forEach(f -> assertThat(Instant.parse(f.getTime()))
                            .as("%s written by the no-op", m.ref())
                            .isBefore(noopStart));
        }
    }

    private static void sleepPastTheSecond() {
        try {
            Thread.sleep(1100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anImageChangeConfiguresOnlyThatDeployment() {
        cycle();
        repo.edit("infra/k8s/base/agents/financial-tax.yaml", "financial-tax:latest", "financial-tax:2.0.1")
                .commit("bump");
        CycleResult r = cycle();
        assertThat(effective(r)).containsExactly("Deployment/alfred-platform/financial-tax configured");
        assertThat(r.changes()
                        .changes()
                        .get(indexOf(r, "financial-tax", "Deployment"))
                        .diff())
                .contains("-        image: alfred-platform/financial-tax:latest")
                .contains("+        image: alfred-platform/financial-tax:2.0.1");
        assertThat(deployment("financial-tax")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("alfred-platform/financial-tax:2.0.1");
    }

    private static int indexOf(CycleResult r, String name, String kind) {
        for (int i = 0; i < r.changes().changes().size(); i++) {
            Change c = r.changes().changes().get(i);
            if (c.ref().name().equals(name) && c.ref().kind().equals(kind)) {
                return i;
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void aRemovedFilePrunesItsObjects() {
        cycle();
        repo.edit("infra/k8s/base/monitoring/kustomization.yaml", "- grafana.yaml\n", "")
                .delete("infra/k8s/base/monitoring/grafana.yaml")
                .commit("drop grafana");
        CycleResult r = cycle();
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(effective(r))
                .containsExactlyInAnyOrder(
                        "Deployment/alfred-platform/grafana deleted", "Service/alfred-platform/grafana deleted");
        assertThat(deployment("grafana")).isNull();
        assertThat(reconciler.inventory().keys()).noneMatch(k -> k.contains("grafana"));
    }

    @Test
    void anObjectAnnotatedPruneDisabledIsKeptAndReported() {
        repo.edit(
                        "infra/k8s/base/monitoring/grafana.yaml",
                        "  name: grafana\n  namespace: alfred-platform\n",
                        "  name: grafana\n  namespace: alfred-platform\n  annotations:\n    "
                                + "gitops.alfred.io/prune: disabled\n")
                .commit("keep grafana");
        cycle();
        repo.edit("infra/k8s/base/monitoring/kustomization.yaml", "- grafana.yaml\n", "")
                .commit("drop grafana");
        CycleResult r = cycle();
        assertThat(effective(r))
                .contains("Deployment/alfred-platform/grafana skipped (gitops.alfred.io/prune: disabled)")
                .contains("Service/alfred-platform/grafana deleted");
        assertThat(deployment("grafana")).isNotNull();
    }

    @Test
    void aRemovedEnvVarDisappearsFromTheLiveDeployment() {
        cycle();
        assertThat(env("social-intel")).contains("ALFRED_VECTOR_DB_URL");
        String file = "infra/k8s/base/agents/social-intel.yaml";
        repo.edit(file, """
                        - name: ALFRED_VECTOR_DB_URL
                          valueFrom:
                            configMapKeyRef:
                              name: alfred-config
                              key: vector-db-url
                """, "").commit("drop env");
        assertThat(cycle().outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(env("social-intel")).doesNotContain("ALFRED_VECTOR_DB_URL").contains("ALFRED_OPENAI_API_KEY");
    }

    private List<String> env(String name) {
        return deployment(name).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .map(e -> e.getName())
                .toList();
    }

    @Test
    void anObjectTheApiRejectsLeavesTheClusterUnchanged() {
        cycle();
        ConfigMap before = client.configMaps()
                .inNamespace(NS)
                .withName("prometheus-config")
                .get();
        repo.edit("infra/k8s/base/monitoring/prometheus.yaml", "scrape_interval: 15s", "scrape_interval: 30s")
                .edit(
                        "infra/k8s/base/agents/social-intel.yaml",
                        "    component: social-intel\nspec:",
                        "    component: social-intel\n    owner: not a valid label value!\nspec:")
                .commit("bad label");
        CycleResult r = cycle();
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
        assertThat(r.error().stage()).isEqualTo(Stage.PLAN);
        assertThat(r.error().getMessage())
                .contains("Deployment alfred-platform/social-intel")
                .contains("metadata.labels: Invalid value: \"not a valid value!\""
                        .replace("not a valid value!", "not a valid label value!"));
        ConfigMap after = client.configMaps()
                .inNamespace(NS)
                .withName("prometheus-config")
                .get();
        assertThat(after.getMetadata().getResourceVersion())
                .isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(after.getData().get("prometheus.yml")).contains("15s");
    }

    @Test
    void aRejectionInjectedByTheServerFailsThePlanAndAppliesNothing() {
        onSandbox("it injects a rejection");
        cycle();
        var sandbox = cluster.sandbox();
        sandbox.get().faults().reject("Deployment", NS, "ui-chat", 422, "spec.template: Invalid value: injected");
        repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:3.0")
                .edit("infra/k8s/base/ui/ui-admin.yaml", "ui-admin:latest", "ui-admin:3.0")
                .commit("both uis");
        sandbox.get().resetRequestCounts();
        CycleResult r = cycle();
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
        assertThat(r.error().getMessage())
                .startsWith("plan: Deployment alfred-platform/ui-chat: the API server refused it")
                .contains("injected");
        assertThat(sandbox.get().requestCounts()).doesNotContainKeys("PATCH", "POST", "PUT", "DELETE");
        assertThat(deployment("ui-admin")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .endsWith(":latest");
    }

    @Test
    void anUnknownKindFailsNamingTheMissingCrd() {
        cycle();
        repo.write("infra/k8s/overlays/dev/certificate.yaml", """
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata:
                  name: api-tls
                  namespace: alfred-platform
                spec:
                  secretName: api-tls
                """)
                .edit(
                        "infra/k8s/overlays/dev/kustomization.yaml",
                        "- dev-config.yaml\n",
                        "- dev-config.yaml\n- certificate.yaml\n")
                .commit("certificate");
        CycleResult r = cycle();
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
        assertThat(r.error().getMessage())
                .contains("plan: Certificate alfred-platform/api-tls")
                .contains("the cluster does not serve cert-manager.io/v1 Certificate")
                .contains("no CRD for group cert-manager.io is installed");
    }

    @Test
    void aHandEditIsCorrectedWithinOneCycle() {
        cycle();
        client.apps().deployments().inNamespace(NS).withName("grafana").scale(3);
        client.configMaps().inNamespace(NS).withName("alfred-config").edit(cm -> {
            cm.getData().put("log-level", "trace");
            return cm;
        });
        CycleResult r = cycle();
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(r.drift()).isTrue();
        // the hand edits made the editing client the owner of those fields: the forced apply takes them back, and says
        // so
        assertThat(effective(r))
                .containsExactlyInAnyOrder(
                        "ConfigMap/alfred-platform/alfred-config configured (fields taken over from "
                                + "fabric8-kubernetes-client: data.log-level)",
                        "Deployment/alfred-platform/grafana configured (fields taken over from "
                                + "fabric8-kubernetes-client: spec.replicas)");
        assertThat(deployment("grafana").getSpec().getReplicas()).isEqualTo(1);
        assertThat(client.configMaps()
                        .inNamespace(NS)
                        .withName("alfred-config")
                        .get()
                        .getData())
                .containsEntry("log-level", "debug");
    }

    /**
     * The steady-state view (one LIST per kind, no dry run) must still see a change made between
     * two intervals: the first cycle after the edit corrects it, and only that cycle writes.
     */
    @Test
    void theSteadyStateViewCatchesDriftOnTheNextCycle() {
        cycle();
        cluster.sandbox().ifPresent(s -> s.resetRequestCounts());
        assertThat(cycle().outcome()).isEqualTo(CycleResult.Outcome.NOOP);
        cluster.sandbox()
                .ifPresent(s -> assertThat(s.requestCounts().keySet())
                        .as("in sync: no dry run, no write")
                        .containsOnly("GET", "LIST"));

        // another manager adds a label of its own and changes a field git sets: only the second is drift
        client.configMaps().inNamespace(NS).withName("alfred-config").edit(cm -> {
            cm.getMetadata().getLabels().put("team", "someone-else");
            return cm;
        });
        cluster.sandbox().ifPresent(s -> s.resetRequestCounts());
        assertThat(cycle().outcome())
                .as("a field git does not set is not drift")
                .isEqualTo(CycleResult.Outcome.NOOP);
        cluster.sandbox().ifPresent(s -> assertThat(s.requestCounts().keySet()).containsOnly("GET", "LIST"));

        client.apps().deployments().inNamespace(NS).withName("grafana").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("grafana/grafana:hand-edited");
            return d;
        });
        CycleResult corrected = cycle();
        assertThat(corrected.drift()).isTrue();
        assertThat(effective(corrected))
                .singleElement()
                .asString()
                .startsWith("Deployment/alfred-platform/grafana configured (fields taken over from "
                        + "fabric8-kubernetes-client: spec.template.spec.containers");
        assertThat(deployment("grafana")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isNotEqualTo("grafana/grafana:hand-edited");
        assertThat(client.configMaps()
                        .inNamespace(NS)
                        .withName("alfred-config")
                        .get()
                        .getMetadata()
                        .getLabels())
                .as("the other manager's label is left alone")
                .containsEntry("team", "someone-else");
        assertThat(cycle().outcome()).as("and the cycle after is quiet again").isEqualTo(CycleResult.Outcome.NOOP);
    }

    @Test
    void anEmptyRenderDeletesNothing() {
        cycle();
        int before = reconciler.inventory().size();
        repo.write(
                        "infra/k8s/overlays/dev/kustomization.yaml",
                        "apiVersion: kustomize.config.k8s.io/v1beta1\n" + "kind: Kustomization\nresources: []\n")
                .commit("empty");
        CycleResult r = cycle();
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
        assertThat(r.refusal().gate()).isEqualTo(Gate.EMPTY_RENDER);
        assertThat(reconciler.inventory().size()).isEqualTo(before);
        assertThat(deployment("agent-core")).isNotNull();
    }

    @Test
    void aMassDeletionBeyondTheGuardIsBlocked() {
        cycle();
        Inventory before = reconciler.inventory();
        reconciler.close();
        reconciler = Wiring.reconciler(
                client,
                new ApplySettings("alfred-gitops", true, 0.3, false, false, "alfred-gitops"),
                SafetySettings.defaults(),
                WriteGuard.ALWAYS);
        repo.write(
                        "infra/k8s/base/kustomization.yaml",
                        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                                + "kind: Kustomization\nresources:\n- namespace.yaml\n- config\n- "
                                + "core\n- agents\n- ui\n")
                .commit("oops");
        CycleResult r = cycle();
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
        assertThat(r.refusal().gate()).isEqualTo(Gate.PRUNE_GUARD);
        assertThat(r.refusal().getMessage())
                .contains("would delete 16 of 35")
                .contains("more than gitops.apply.prune-guard=30%");
        assertThat(reconciler.inventory()).isEqualTo(before);
        assertThat(deployment("agent-core")).isNotNull();
    }

    @Test
    void aCrashBetweenApplyAndPruneConvergesOnTheNextCycle() {
        onSandbox("it injects a failure between apply and prune");
        cycle();
        var sandbox = cluster.sandbox();
        // the delete of grafana fails after the new revision is applied: the state a crash there leaves
        sandbox.get().faults().reject("Deployment", NS, "grafana", 500, "injected crash during prune");
        repo.edit("infra/k8s/base/monitoring/kustomization.yaml", "- grafana.yaml\n", "")
                .edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:3.1")
                .commit("drop grafana, bump ui");
        CycleResult failed = cycle();
        assertThat(failed.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
        assertThat(failed.error().stage()).isEqualTo(Stage.PRUNE);
        assertThat(deployment("ui-chat")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .endsWith(":3.1");
        assertThat(reconciler.inventory().keys()).as("still tracked").anyMatch(k -> k.endsWith("/grafana"));

        sandbox.get().faults().clear();
        CycleResult next = cycle();
        assertThat(next.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(effective(next)).contains("Deployment/alfred-platform/grafana deleted");
        assertThat(deployment("grafana")).isNull();
        assertThat(deployment("ui-chat")).isNotNull();
        assertThat(reconciler.inventory().size())
                .isEqualTo(revisions.latest().manifests().size());
    }

    @Test
    void diffShowsWhatWouldChangeAndWritesNothing() {
        cycle();
        repo.edit(
                        "infra/k8s/base/config/secrets.yaml",
                        "jwt-secret: eW91ci1zdXBlci1zZWNyZXQtand0LXRva2Vu",
                        "jwt-secret: bmV3LWp3dC1zZWNyZXQ=")
                .commit("rotate jwt");
        var changes = reconciler.diff(revisions.latest());
        printed.add(changes.render(true));
        assertThat(changes.effective())
                .extracting(Change::line)
                .containsExactly("Secret/alfred-platform/alfred-secrets configured");
        assertThat(changes.effective().get(0).diff())
                .contains("# Secret data (values not shown): changed jwt-secret")
                .doesNotContain("bmV3LWp3dC1zZWNyZXQ=");
        assertThat(client.secrets()
                        .inNamespace(NS)
                        .withName("alfred-secrets")
                        .get()
                        .getData()
                        .get("jwt-secret"))
                .isEqualTo("eW91ci1zdXBlci1zZWNyZXQtand0LXRva2Vu");
    }

    /**
     * {@code diff} on the revision a cycle applied in full trusts the live state as that cycle
     * would: no dry run for an object that holds every field git gives it (on the sandbox, which
     * counts requests: none at all), and a hand edit is still found and shown.
     */
    @Test
    void diffOfTheAppliedRenderDryRunsOnlyWhatChanged() {
        cycle();
        cluster.sandbox().ifPresent(s -> s.resetRequestCounts());
        var inSync = reconciler.diff(revisions.latest());
        assertThat(inSync.hasChanges()).isFalse();
        cluster.sandbox()
                .ifPresent(s -> assertThat(s.requestCountsByResource().keySet())
                        .as("requests of a diff with nothing to change")
                        .noneMatch(request -> request.startsWith("dry-run")));

        client.configMaps().inNamespace(NS).withName("alfred-config").edit(cm -> {
            cm.getData().put("log-level", "trace");
            return cm;
        });
        var edited = reconciler.diff(revisions.latest());
        assertThat(edited.effective())
                .extracting(Change::line)
                .containsExactly("ConfigMap/alfred-platform/alfred-config configured (fields taken over from "
                        + "fabric8-kubernetes-client: data.log-level)");
        assertThat(edited.effective().get(0).diff())
                .contains("-  log-level: trace")
                .contains("+  log-level: debug");
    }
}
