package io.alfred.gitops.safety;

import static io.alfred.gitops.testing.Workloads.daemonSet;
import static io.alfred.gitops.testing.Workloads.deployment;
import static io.alfred.gitops.testing.Workloads.pdb;
import static io.alfred.gitops.testing.Workloads.statefulSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Stage;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.PdbMode;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Revisions;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PDB gate, HPA-aware apply, rollout wait and rollback, on the suites' cluster (its real controllers, or the
 * sandbox's).
 */
class SafetyTest {
    static final String NS = "shop";

    @TempDir
    Path tmp;

    TestRepo repo;
    TestCluster sandbox;
    KubernetesClient client;

    @BeforeEach
    void setUp() {
        repo = TestRepo.create(tmp.resolve("infra"));
        sandbox = TestCluster.start();
        client = sandbox.client();
    }

    @AfterEach
    void tearDown() {
        client.close();
        sandbox.close();
        repo.close();
    }

    private static String namespace() {
        return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NS + "\n";
    }

    private CycleResult cycle(PdbMode pdbMode, String... files) {
        for (int i = 0; i < files.length; i += 2) {
            repo.write(files[i], files[i + 1]);
        }
        repo.commit("change");
        Settings settings = settings(new SafetySettings(pdbMode, Duration.ofSeconds(30), true));
        try (Revisions revisions = Wiring.revisions(settings);
                Reconciler reconciler =
                        Wiring.reconciler(client, settings.apply(), settings.safety(), WriteGuard.ALWAYS)) {
            return reconciler.reconcile(revisions.latest());
        }
    }

    private Settings settings(SafetySettings safety) {
        return TestSettings.builder(
                        ClusterSettings.of("test", "dev"),
                        SourceSettings.anonymous(repo.url(), "main", "app", tmp.resolve("work")),
                        new RenderSettings("auto", Duration.ofMinutes(1), Map.of()))
                .safety(safety)
                .build();
    }

    private static final String ROLLING_1 = "{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}";
    private static final String SURGE_ONLY = "{type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}";

    @Test
    void aRollingUpdateTheBudgetCannotAffordIsRefused() {
        assertThat(cycle(
                                PdbMode.ENFORCE,
                                "app/ns.yaml",
                                namespace(),
                                "app/web.yaml",
                                deployment("web", 3, "web:1", ROLLING_1),
                                "app/pdb.yaml",
                                pdb("web", "web", "minAvailable: 3"))
                        .outcome())
                .isEqualTo(CycleResult.Outcome.SUCCEEDED);
        CycleResult r = cycle(PdbMode.ENFORCE, "app/web.yaml", deployment("web", 3, "web:2", ROLLING_1));
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
        assertThat(r.refusal().gate()).isEqualTo(Gate.PDB);
        assertThat(r.refusal().getMessage())
                .contains("Deployment shop/web: rolling it takes down 1 pod(s) at once")
                .contains("PodDisruptionBudget shop/web")
                .contains("allows 0 disruption(s)");
        assertThat(image("web")).as("nothing applied").isEqualTo("web:1");
    }

    @Test
    void percentagesAndBudgetsThatAffordTheRolloutPass() {
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/web.yaml",
                deployment(
                        "web",
                        4,
                        "web:1",
                        "{type: RollingUpdate, rollingUpdate: {maxUnavailable: '50%', maxSurge: 0}}"),
                "app/pdb.yaml",
                pdb("web", "web", "maxUnavailable: '50%'"));
        CycleResult r = cycle(
                PdbMode.ENFORCE,
                "app/web.yaml",
                deployment(
                        "web",
                        4,
                        "web:2",
                        "{type: RollingUpdate, rollingUpdate: {maxUnavailable: '50%', maxSurge: 0}}"));
        assertThat(r.outcome()).as(String.valueOf(r.refusal())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        CycleResult tighter = cycle(
                PdbMode.ENFORCE,
                "app/pdb.yaml",
                pdb("web", "web", "maxUnavailable: '25%'"),
                "app/web.yaml",
                deployment(
                        "web",
                        4,
                        "web:3",
                        "{type: RollingUpdate, rollingUpdate: {maxUnavailable: '50%', maxSurge: 0}}"));
        assertThat(tighter.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
        assertThat(tighter.refusal().getMessage())
                .contains("takes down 2 pod(s)")
                .contains("maxUnavailable 25%")
                .contains("allows 1 disruption(s) for 4 healthy pod(s)");
    }

    @Test
    void aSurgeOnlyRolloutPassesUnderASpentBudget() {
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/web.yaml",
                deployment("web", 2, "web:1", SURGE_ONLY),
                "app/pdb.yaml",
                pdb("web", "web", "minAvailable: 2"));
        assertThat(client.policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(NS)
                        .withName("web")
                        .get()
                        .getStatus()
                        .getDisruptionsAllowed())
                .isZero();
        CycleResult r = cycle(PdbMode.ENFORCE, "app/web.yaml", deployment("web", 2, "web:2", SURGE_ONLY));
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(image("web")).isEqualTo("web:2");
    }

    @Test
    void aBudgetSpentByUnhealthyPodsStopsARolloutThatTakesPodsDown() {
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/web.yaml",
                deployment("web", 3, "web:1", ROLLING_1),
                "app/pdb.yaml",
                pdb("web", "web", "maxUnavailable: 1"));
        // another workload behind the same budget is unhealthy: the budget is spent right now
        sandbox.failImages("canary-crash");
        cycle(
                PdbMode.ENFORCE,
                "app/canary.yaml",
                deployment("web-canary", 1, "web:canary-crash", SURGE_ONLY)
                        .replace("{app: web-canary}", "{app: web}")
                        .replace("app: web-canary}", "app: web}"));
        CycleResult r = cycle(PdbMode.ENFORCE, "app/web.yaml", deployment("web", 3, "web:2", ROLLING_1));
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
        assertThat(r.refusal().getMessage()).contains("allows 0 disruption(s) now (status.disruptionsAllowed)");
    }

    private CycleResult again() {
        Settings settings = settings(new SafetySettings(PdbMode.ENFORCE, Duration.ofSeconds(30), true));
        try (Revisions revisions = Wiring.revisions(settings);
                Reconciler reconciler =
                        Wiring.reconciler(client, settings.apply(), settings.safety(), WriteGuard.ALWAYS)) {
            return reconciler.reconcile(revisions.latest());
        }
    }

    private static String configMap(String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {value: \"" + value
                + "\"}\n";
    }

    private String configValue() {
        return client.configMaps()
                .inNamespace(NS)
                .withName("settings")
                .get()
                .getData()
                .get("value");
    }

    /**
     * A scale-down the live budget cannot absorb at once goes in the steps it allows, cycle after cycle; the rest
     * goes ahead.
     */
    @Test
    void aScaleDownTheBudgetCannotAbsorbGoesInStepsWhileTheRestIsApplied() {
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/web.yaml",
                deployment("web", 4, "web:1", SURGE_ONLY),
                "app/pdb.yaml",
                pdb("web", "web", "maxUnavailable: 1"),
                "app/cm.yaml",
                configMap("1"));
        CycleResult first = cycle(
                PdbMode.ENFORCE,
                "app/web.yaml",
                deployment("web", 1, "web:1", SURGE_ONLY),
                "app/cm.yaml",
                configMap("2"));
        assertThat(first.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(configValue()).as("the rest of the change set went ahead").isEqualTo("2");
        assertThat(replicas("web")).isEqualTo(3);
        assertThat(first.findings())
                .contains("Deployment shop/web: scaled from 4 to 3 replica(s), PodDisruptionBudget"
                        + " shop/web allows 1 disruption(s) now; 2 replica(s) left to remove in later cycles");
        assertThat(first.changes().changes())
                .anyMatch(c -> c.line().startsWith("Deployment/shop/web configured (scaled from 4 to 3"));

        CycleResult second = again();
        assertThat(second.outcome()).as("a step, not drift").isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(second.drift()).isFalse();
        assertThat(replicas("web")).isEqualTo(2);
        assertThat(second.findings())
                .anyMatch(f -> f.contains("scaled from 3 to 2") && f.contains("1 replica(s) left"));

        CycleResult third = again();
        assertThat(third.findings()).noneMatch(f -> f.contains("left to remove"));
        assertThat(replicas("web")).isEqualTo(1);
        assertThat(again().outcome()).as("converged").isEqualTo(CycleResult.Outcome.NOOP);
    }

    /**
     * The bundled dev example's trap: one replica under minAvailable 2. Scaled up by hand to 3, it
     * used to block every later cycle; now it is a finding naming both objects, the scale-down
     * goes as far as the budget allows, and other changes keep flowing.
     */
    @Test
    void aBudgetGitCanNeverSatisfyIsAFindingAndHoldsBackNothingElse() {
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/web.yaml",
                deployment("web", 1, "web:1", SURGE_ONLY),
                "app/pdb.yaml",
                pdb("web", "web", "minAvailable: 2"),
                "app/cm.yaml",
                configMap("1"));
        client.apps().deployments().inNamespace(NS).withName("web").scale(3); // by hand
        // the hand-made pods ready, and the disruption controller counting them (at once on the sandbox)
        await(() -> {
            var pdb = client.policy()
                    .v1()
                    .podDisruptionBudget()
                    .inNamespace(NS)
                    .withName("web")
                    .get();
            return pdb.getStatus() != null
                    && Integer.valueOf(3).equals(pdb.getStatus().getCurrentHealthy());
        });
        CycleResult first = cycle(PdbMode.ENFORCE, "app/cm.yaml", configMap("2"));
        assertThat(first.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(configValue()).isEqualTo("2");
        assertThat(replicas("web")).isEqualTo(2);
        assertThat(first.findings())
                .contains("PodDisruptionBudget shop/web (minAvailable 2) can never be satisfied by the"
                        + " 1 replica(s) git declares for Deployment shop/web: change one of them in git");

        CycleResult second = cycle(PdbMode.ENFORCE, "app/cm.yaml", configMap("3"));
        assertThat(second.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(configValue()).isEqualTo("3");
        assertThat(replicas("web")).as("never below what the budget allows").isEqualTo(2);
        assertThat(second.findings())
                .anyMatch(f -> f.contains("scale-down from 2 to 1 replica(s) waits:"
                        + " PodDisruptionBudget shop/web allows 0 disruption(s) now"));
    }

    @Test
    void statefulSetsAndDaemonSetsAreChecked() {
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/db.yaml",
                statefulSet("db", 3, "db:1"),
                "app/agent.yaml",
                daemonSet("agent", "agent:1"),
                "app/pdb-db.yaml",
                pdb("db", "db", "maxUnavailable: 0"),
                "app/pdb-agent.yaml",
                pdb("agent", "agent", "minAvailable: '100%'"));
        CycleResult db = cycle(PdbMode.ENFORCE, "app/db.yaml", statefulSet("db", 3, "db:2"));
        assertThat(db.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
        assertThat(db.refusal().getMessage()).contains("StatefulSet shop/db: rolling it takes down 1 pod(s)");
        repo.write("app/db.yaml", statefulSet("db", 3, "db:1"));
        CycleResult agent = cycle(PdbMode.ENFORCE, "app/agent.yaml", daemonSet("agent", "agent:2"));
        assertThat(agent.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
        assertThat(agent.refusal().getMessage()).contains("DaemonSet shop/agent");
    }

    @Test
    void warnModeAppliesAndReportsOffModeIgnores() {
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/web.yaml",
                deployment("web", 3, "web:1", ROLLING_1),
                "app/pdb.yaml",
                pdb("web", "web", "minAvailable: 3"));
        CycleResult warned = cycle(PdbMode.WARN, "app/web.yaml", deployment("web", 3, "web:2", ROLLING_1));
        assertThat(warned.outcome()).as(String.valueOf(warned.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(warned.findings()).anyMatch(f -> f.contains("allows 0 disruption(s)"));
        CycleResult off = cycle(PdbMode.OFF, "app/web.yaml", deployment("web", 3, "web:3", ROLLING_1));
        assertThat(off.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(off.findings()).isEmpty();
        assertThat(image("web")).isEqualTo("web:3");
    }

    @Test
    void aBudgetThatCanNeverAllowADisruptionWarnsWithoutBlockingSurgeOnlyRollouts() {
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/web.yaml",
                deployment("web", 1, "web:1", SURGE_ONLY),
                "app/pdb.yaml",
                pdb("web", "web", "minAvailable: 2"));
        CycleResult r = cycle(PdbMode.ENFORCE, "app/web.yaml", deployment("web", 1, "web:2", SURGE_ONLY));
        assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(r.findings())
                .anyMatch(f -> f.contains("can never allow a disruption") && f.contains("node drains will hang"));
    }

    @Test
    void theHpaKeepsOwnershipOfReplicasAcrossCycles() {
        String hpa = """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: web, namespace: shop}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
                  minReplicas: 3
                  maxReplicas: 10
                """;
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/web.yaml",
                deployment("web", 5, "web:1", SURGE_ONLY),
                "app/hpa.yaml",
                hpa);
        assertThat(replicas("web")).as("created with git's replicas").isEqualTo(5);
        // the HPA controller scales through the scale subresource
        client.apps()
                .deployments()
                .inNamespace(NS)
                .withName("web")
                .subresource("scale")
                .patch(
                        new PatchContext.Builder()
                                .withPatchType(PatchType.JSON_MERGE)
                                .withFieldManager("kube-controller-manager")
                                .build(),
                        "{\"spec\":{\"replicas\":8}}");
        assertThat(replicas("web")).isEqualTo(8);
        CycleResult image = cycle(PdbMode.ENFORCE, "app/web.yaml", deployment("web", 5, "web:2", SURGE_ONLY));
        assertThat(image.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(replicas("web")).as("the HPA's count stays").isEqualTo(8);
        assertThat(image("web")).isEqualTo("web:2");
        CycleResult again = cycle(PdbMode.ENFORCE, "app/README.md", "unchanged manifests\n");
        assertThat(again.outcome()).isEqualTo(CycleResult.Outcome.NOOP);
        assertThat(replicas("web")).isEqualTo(8);
    }

    @Test
    void aStuckRolloutFailsAndRollsBackWithEventsInOrder() {
        cycle(PdbMode.ENFORCE, "app/ns.yaml", namespace(), "app/web.yaml", deployment("web", 2, "web:1", SURGE_ONLY));
        String good = head();
        sandbox.failImages("crashloop");
        List<DeployEvent> events = new CopyOnWriteArrayList<>();
        SyncStatus status = new SyncStatus();
        Settings settings = settings(new SafetySettings(PdbMode.ENFORCE, Duration.ofSeconds(2), true));
        try (CycleRunner runner = Wiring.runner(settings, client, status, CycleRunner.Outlets.events(events::add))) {
            runner.offer(Trigger.of(Trigger.Kind.STARTUP));
            await(() -> good.equals(status.view().lastAppliedRevision()));
            String bad = repo.write("app/web.yaml", deployment("web", 2, "web:crashloop", SURGE_ONLY))
                    .commit("bad image");
            runner.offer(new Trigger(Trigger.Kind.WEBHOOK, bad, "d-1", "dev"));
            await(() -> events.stream().anyMatch(e -> e.type().type().endsWith("rolledback")));
            assertThat(events.stream()
                            .map(e -> e.type().type().replace("io.alfred.gitops.", ""))
                            .toList())
                    .containsExactly("sync.started", "sync.planned", "sync.applied", "sync.failed", "sync.rolledback");
            DeployEvent failed = events.get(3);
            assertThat(failed.data().path("stage").asText()).isEqualTo("wait");
            assertThat(failed.data().path("cause").asText()).contains("rollout not finished within 2s");
            assertThat(events.get(4).data().path("restoredRevision").asText()).isEqualTo(good);
            assertThat(image("web")).isEqualTo("web:1");
            assertThat(status.view().lastAppliedRevision()).isEqualTo(good);
            assertThat(status.view().failedRevision()).isEqualTo(bad);

            int before = events.size();
            runner.offer(Trigger.of(Trigger.Kind.SCHEDULE));
            runner.offer(Trigger.of(Trigger.Kind.SCHEDULE));
            sleep(1500);
            assertThat(events)
                    .as("the failed revision is not retried by polling")
                    .hasSize(before);
        }
    }

    @Test
    void aRollbackThatFailsTooEndsWithoutALoop() {
        cycle(
                PdbMode.ENFORCE,
                "app/ns.yaml",
                namespace(),
                "app/web.yaml",
                deployment("web", 2, "web:1-crashloop-later", SURGE_ONLY));
        String good = head();
        List<DeployEvent> events = new CopyOnWriteArrayList<>();
        SyncStatus status = new SyncStatus();
        Settings settings = settings(new SafetySettings(PdbMode.ENFORCE, Duration.ofSeconds(5), true));
        try (CycleRunner runner = Wiring.runner(settings, client, status, CycleRunner.Outlets.events(events::add))) {
            runner.offer(Trigger.of(Trigger.Kind.STARTUP));
            await(() -> good.equals(status.view().lastAppliedRevision()));
            sandbox.failImages("crashloop"); // now the good revision's image crashes too
            repo.write("app/web.yaml", deployment("web", 2, "web:2-crashloop", SURGE_ONLY))
                    .commit("bad image");
            runner.offer(Trigger.of(Trigger.Kind.SCHEDULE));
            await(() -> events.stream()
                            .filter(e -> e.type().type().endsWith("failed"))
                            .count()
                    == 2);
            assertThat(events.get(events.size() - 1).data().path("cause").asText())
                    .contains("rollback to " + good + " failed");
            long cycles = runner.cycles();
            runner.offer(Trigger.of(Trigger.Kind.SCHEDULE));
            sleep(1500);
            assertThat(events.stream()
                            .filter(e -> e.type().type().endsWith("failed"))
                            .count())
                    .isEqualTo(2);
            assertThat(runner.cycles()).isEqualTo(cycles + 1); // polled, saw the failed revision, did nothing
        }
    }

    @Test
    void aRolloutThatTakesABudgetBelowItsMinimumFailsEarly() {
        sandbox.podReadyDelay(Duration.ofMillis(200));
        sandbox.failImages("crash");
        try {
            cycle(
                    PdbMode.ENFORCE,
                    "app/ns.yaml",
                    namespace(),
                    "app/web.yaml",
                    deployment("web", 3, "web:1", ROLLING_1),
                    "app/pdb.yaml",
                    pdb("web", "web", "minAvailable: 3"));
            repo.write("app/web.yaml", deployment("web", 3, "web:crash", ROLLING_1));
            repo.commit("crashing image");
            Settings settings = settings(new SafetySettings(PdbMode.WARN, Duration.ofSeconds(60), true));
            try (Revisions revisions = Wiring.revisions(settings);
                    Reconciler reconciler =
                            Wiring.reconciler(client, settings.apply(), settings.safety(), WriteGuard.ALWAYS)) {
                CycleResult r = reconciler.reconcile(revisions.latest());
                assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
                assertThat(r.error().stage()).isEqualTo(Stage.WAIT);
                assertThat(r.error().getMessage())
                        .contains("PodDisruptionBudget shop/web")
                        .contains("the rollout took healthy pods below the budget: 2 healthy (was 3), 3 required")
                        .as("failed early, not at the 60 s timeout")
                        .doesNotContain("not finished within");
            }
        } finally {
            sandbox.podReadyDelay(Duration.ZERO);
        }
    }

    @Test
    void theExampleProdOverlayPassesTheGateAndRolls() {
        try (TestRepo example = TestRepo.withExample(tmp.resolve("example"))) {
            Settings settings = TestSettings.builder(
                            ClusterSettings.of("test", "prod"),
                            SourceSettings.anonymous(
                                    example.url(), "main", "infra/k8s/overlays/prod", tmp.resolve("work-prod")),
                            new RenderSettings(
                                    "auto",
                                    Duration.ofMinutes(1),
                                    Map.of("cluster_name", "test", "cluster_env", "prod")))
                    .build();
            try (Revisions revisions = Wiring.revisions(settings);
                    Reconciler reconciler =
                            Wiring.reconciler(client, settings.apply(), settings.safety(), WriteGuard.ALWAYS)) {
                assertThat(reconciler.reconcile(revisions.latest()).outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
                example.edit("infra/k8s/base/core/deployment.yaml", "agent-core:latest", "agent-core:2.0")
                        .commit("core 2.0");
                CycleResult r = reconciler.reconcile(revisions.latest());
                assertThat(r.outcome()).as(String.valueOf(r.refusal())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
                Deployment core = client.apps()
                        .deployments()
                        .inNamespace("alfred-platform")
                        .withName("agent-core")
                        .get();
                assertThat(core.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage())
                        .isEqualTo("alfred-platform/agent-core:2.0");
                assertThat(core.getSpec().getReplicas()).isEqualTo(5);
            }
        }
    }

    /** The bundled example must not ship the trap above: every overlay's budgets can be met by its replica counts. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theExampleOverlaysDeclareNoBudgetTheirReplicasCannotMeet(String env) {
        try (TestRepo example = TestRepo.withExample(tmp.resolve("example"))) {
            Settings settings = TestSettings.builder(
                            ClusterSettings.of("test", env),
                            SourceSettings.anonymous(
                                    example.url(), "main", "infra/k8s/overlays/" + env, tmp.resolve("work-" + env)),
                            new RenderSettings(
                                    "auto", Duration.ofMinutes(1), Map.of("cluster_name", "test", "cluster_env", env)))
                    .build();
            try (Revisions revisions = Wiring.revisions(settings);
                    Reconciler reconciler =
                            Wiring.reconciler(client, settings.apply(), settings.safety(), WriteGuard.ALWAYS)) {
                CycleResult r = reconciler.reconcile(revisions.latest());
                assertThat(r.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
                example.edit("infra/k8s/base/core/deployment.yaml", "agent-core:latest", "agent-core:2.0")
                        .commit("core 2.0");
                CycleResult rolled = reconciler.reconcile(revisions.latest());
                assertThat(rolled.outcome())
                        .as(String.valueOf(rolled.refusal()))
                        .isEqualTo(CycleResult.Outcome.SUCCEEDED);
                assertThat(rolled.findings()).noneMatch(f -> f.contains("can never"));
            }
        }
    }

    private String head() {
        try {
            return repo.repository().resolve("HEAD").name();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String image(String name) {
        return client.apps()
                .deployments()
                .inNamespace(NS)
                .withName(name)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
    }

    private int replicas(String name) {
        return client.apps()
                .deployments()
                .inNamespace(NS)
                .withName(name)
                .get()
                .getSpec()
                .getReplicas();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(60), () -> "");
    }
}
