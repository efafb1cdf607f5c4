package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.PdbMode;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.events.EventType;
import io.alfred.gitops.render.KustomizeOutputs;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.LogCapture;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change git makes to a field the API server does not let change: without an opt-in the cycle
 * says {@code immutable}, naming the object and the fields, and writes nothing; with one
 * ({@code gitops.apply.recreate-immutable} or the annotation) the object is deleted and created
 * again, a StatefulSet keeping its pods and claims. The real control plane's controllers (garbage
 * collector, ReplicaSet, StatefulSet and Job controllers) and the test node do the rest.
 */
class RecreateTest {
    static final String NS = "recreate";
    static final String NAMESPACE = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: recreate}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: recreate}
            data: {level: "%s"}
            """;
    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: recreate}
            spec:
              replicas: 2
              selector: {matchLabels: %1$s}
              template:
                metadata: {labels: %1$s}
                spec: {containers: [{name: web, image: "web:1"}]}
            """;
    static final String STATEFUL_SET = """
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: recreate}
            spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: recreate, annotations: {gitops.alfred.io/recreate: enabled}}
            spec:
              serviceName: db
              replicas: 2
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: "db:1"}]}
              volumeClaimTemplates:
              - metadata: {name: data}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: %s}}}
            """;
    static final String JOB = """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: migrate, namespace: recreate, annotations: {gitops.alfred.io/recreate: enabled}}
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: migrate, image: "%s"}]
            """;
    static final String CLAIM = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: cache, namespace: recreate, annotations: {gitops.alfred.io/recreate: enabled}}
            spec: {accessModes: [ReadWriteOnce], storageClassName: %s, resources: {requests: {storage: 1Gi}}}
            """;

    @TempDir
    Path tmp;

    private TestCluster cluster;
    private KubernetesClient client;
    private final Renderer renderer =
            new Renderer(new RenderSettings("auto", Duration.ofMinutes(2), Map.of()), KustomizeOutputs.NONE);
    private int revisions;

    @BeforeEach
    void start() {
        cluster = TestCluster.start();
        client = cluster.client();
    }

    @AfterEach
    void stop() {
        client.close();
        cluster.close();
    }

    private RenderResult render(String... documents) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(dir.resolve("all.yaml"), String.join("---\n", documents));
        return renderer.render(tmp, "app", Revision.of("r" + ++revisions));
    }

    private Reconciler reconciler(boolean recreate) {
        return Wiring.reconciler(
                client,
                ApplySettings.defaults().withRecreateImmutable(recreate),
                new SafetySettings(PdbMode.ENFORCE, Duration.ofMinutes(2), false),
                WriteGuard.ALWAYS);
    }

    private Deployment web() {
        return client.apps().deployments().inNamespace(NS).withName("web").get();
    }

    /** The cycle succeeded (its error, if not, in the failure). */
    private static CycleResult succeeded(CycleResult result) {
        assertThat(result.outcome()).as("%s", result.error()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        return result;
    }

    private static Set<Action> actions(CycleResult result) {
        return result.changes().changes().stream().map(Change::action).collect(Collectors.toSet());
    }

    private static String uid(HasMetadata o) {
        return o.getMetadata().getUid();
    }

    @Test
    void withoutTheOptInTheCycleSaysImmutableNamesTheFieldAndWritesNothing() throws Exception {
        try (Reconciler reconciler = reconciler(false)) {
            succeeded(reconciler.reconcile(render(NAMESPACE.formatted(1), DEPLOYMENT.formatted("{app: web}"))));
            String before = web().getMetadata().getResourceVersion();

            RenderResult next = render(NAMESPACE.formatted(2), DEPLOYMENT.formatted("{app: web, track: blue}"));
            assertThat(reconciler.diff(next).changes())
                    .filteredOn(c -> c.ref().name().equals("web"))
                    .singleElement()
                    .satisfies(c -> {
                        assertThat(c.action()).isEqualTo(Action.IMMUTABLE);
                        assertThat(c.note()).contains("spec.selector", "gitops.alfred.io/recreate: enabled");
                        assertThat(c.diff()).contains("+      track: blue");
                    });

            CycleResult refused = reconciler.reconcile(next);
            assertThat(refused.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
            assertThat(refused.error().stage()).isEqualTo(Stage.PLAN);
            assertThat(refused.error().getMessage())
                    .contains("Deployment", "recreate/web", "immutable spec.selector", "recreate-immutable=true");
            // all or nothing: the ConfigMap git also changed stays as it was, the Deployment too
            assertThat(client.configMaps()
                            .inNamespace(NS)
                            .withName("settings")
                            .get()
                            .getData())
                    .containsEntry("level", "1");
            assertThat(web().getMetadata().getResourceVersion()).isEqualTo(before);
        }
    }

    @Test
    void aDeploymentWhoseSelectorChangesEndsWithOnlyItsNewReplicaSet() throws Exception {
        try (Reconciler reconciler = reconciler(true)) {
            succeeded(reconciler.reconcile(render(NAMESPACE.formatted(1), DEPLOYMENT.formatted("{app: web}"))));
            String old = uid(web());

            CycleResult recreated = succeeded(reconciler.reconcile(
                    render(NAMESPACE.formatted(2), DEPLOYMENT.formatted("{app: web, track: blue}"))));
            assertThat(recreated.changes().changes())
                    .filteredOn(c -> c.ref().name().equals("web"))
                    .singleElement()
                    .satisfies(c -> {
                        assertThat(c.action()).isEqualTo(Action.RECREATED);
                        assertThat(c.line()).contains("recreated (immutable spec.selector changes");
                    });
            String now = uid(web());
            assertThat(now).isNotEqualTo(old);
            assertThat(web().getSpec().getSelector().getMatchLabels()).containsEntry("track", "blue");
            // the garbage collector removes the old ReplicaSet and its pods
            Await.until(
                    () -> {
                        List<ReplicaSet> sets = client.apps()
                                .replicaSets()
                                .inNamespace(NS)
                                .list()
                                .getItems();
                        return sets.size() == 1
                                && owner(sets.get(0)).equals(now)
                                && client.pods().inNamespace(NS).list().getItems().stream()
                                        .allMatch(p -> owner(p).equals(uid(sets.get(0)))
                                                && p.getMetadata().getDeletionTimestamp() == null);
                    },
                    Duration.ofSeconds(60),
                    () -> client.apps().replicaSets().inNamespace(NS).list().getItems().stream()
                            .map(rs -> rs.getMetadata().getName() + " owned by " + owner(rs))
                            .toList());
            assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(2);
        }
    }

    @Test
    void theBudgetGateCountsThePodsARecreateTakesDown() throws Exception {
        String budget = """
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: web, namespace: recreate}
                spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
                """;
        try (Reconciler reconciler = reconciler(true)) {
            succeeded(reconciler.reconcile(render(NAMESPACE.formatted(1), budget, DEPLOYMENT.formatted("{app: web}"))));
            String old = uid(web());

            CycleResult blocked = reconciler.reconcile(
                    render(NAMESPACE.formatted(1), budget, DEPLOYMENT.formatted("{app: web, track: blue}")));
            assertThat(blocked.outcome()).as("%s", blocked.error()).isEqualTo(CycleResult.Outcome.BLOCKED);
            assertThat(blocked.refusal().getMessage())
                    .contains("Deployment recreate/web", "recreating it takes down all 2 pod(s)", "allows 1");
            assertThat(uid(web())).isEqualTo(old);
        }
    }

    @Test
    void aStatefulSetWhoseClaimTemplateGrowsKeepsItsPodsAndClaims() throws Exception {
        assumeTrue(
                TestCluster.isRealConfigured(),
                "needs the real control plane: the garbage collector orphans the pods, the StatefulSet controller"
                        + " adopts them");
        try (Reconciler reconciler = reconciler(false)) {
            succeeded(reconciler.reconcile(render(NAMESPACE.formatted(1), STATEFUL_SET.formatted("1Gi"))));
            Await.until(
                    () -> client.persistentVolumeClaims()
                                    .inNamespace(NS)
                                    .list()
                                    .getItems()
                                    .size()
                            == 2,
                    Duration.ofSeconds(30),
                    () -> client.persistentVolumeClaims().inNamespace(NS).list().getItems());
            Set<String> pods = uids(client.pods().inNamespace(NS).list().getItems());
            Set<String> claims =
                    uids(client.persistentVolumeClaims().inNamespace(NS).list().getItems());
            String old = uid(
                    client.apps().statefulSets().inNamespace(NS).withName("db").get());

            // annotated in git: recreated although gitops.apply.recreate-immutable is off
            CycleResult grown =
                    succeeded(reconciler.reconcile(render(NAMESPACE.formatted(1), STATEFUL_SET.formatted("2Gi"))));
            assertThat(grown.changes().changes())
                    .filteredOn(
                            c -> c.ref().name().equals("db") && c.ref().kind().equals("StatefulSet"))
                    .singleElement()
                    .satisfies(c -> assertThat(c.line())
                            .contains("recreated (immutable spec changes: deleted and created again, its pods and"
                                    + " claims kept)"));
            var now =
                    client.apps().statefulSets().inNamespace(NS).withName("db").get();
            assertThat(uid(now)).isNotEqualTo(old);
            assertThat(now.getSpec()
                            .getVolumeClaimTemplates()
                            .get(0)
                            .getSpec()
                            .getResources()
                            .getRequests())
                    .containsEntry("storage", new io.fabric8.kubernetes.api.model.Quantity("2Gi"));
            Await.until(
                    () -> client.pods().inNamespace(NS).list().getItems().stream()
                            .allMatch(p -> owner(p).equals(uid(now))),
                    Duration.ofSeconds(30),
                    () -> client.pods().inNamespace(NS).list().getItems());
            assertThat(uids(client.pods().inNamespace(NS).list().getItems()))
                    .as("the same pods")
                    .isEqualTo(pods);
            assertThat(uids(client.persistentVolumeClaims()
                            .inNamespace(NS)
                            .list()
                            .getItems()))
                    .as("the same claims")
                    .isEqualTo(claims);
        }
    }

    @Test
    void aJobWhoseTemplateChangesRunsAgain() throws Exception {
        try (Reconciler reconciler = reconciler(false)) {
            succeeded(reconciler.reconcile(render(NAMESPACE.formatted(1), JOB.formatted("migrate:1"))));
            String old = uid(client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(NS)
                    .withName("migrate")
                    .get());

            CycleResult again =
                    succeeded(reconciler.reconcile(render(NAMESPACE.formatted(1), JOB.formatted("migrate:2"))));
            assertThat(actions(again)).contains(Action.RECREATED);
            var job = client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(NS)
                    .withName("migrate")
                    .get();
            assertThat(uid(job)).isNotEqualTo(old);
            assertThat(job.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .isEqualTo("migrate:2");
            assertThat(job.getStatus().getSucceeded())
                    .as("the wait stage waited for the new run")
                    .isEqualTo(1);
        }
    }

    @Test
    void aClaimIsNeverRecreatedEvenWhenAnnotated() throws Exception {
        try (Reconciler reconciler = reconciler(true)) {
            succeeded(reconciler.reconcile(render(NAMESPACE.formatted(1), CLAIM.formatted("slow"))));
            String old = uid(client.persistentVolumeClaims()
                    .inNamespace(NS)
                    .withName("cache")
                    .get());

            CycleResult refused = reconciler.reconcile(render(NAMESPACE.formatted(1), CLAIM.formatted("fast")));
            assertThat(refused.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
            assertThat(refused.error().getMessage())
                    .contains("PersistentVolumeClaim", "recreate/cache", "never recreated", "its data");
            assertThat(uid(client.persistentVolumeClaims()
                            .inNamespace(NS)
                            .withName("cache")
                            .get()))
                    .isEqualTo(old);
        }
    }

    @Test
    void aRecreateIsOneDeployEventAKubernetesEventAndALogLine() throws Exception {
        try (TestRepo repo = TestRepo.create(tmp.resolve("repo"));
                LogCapture log = LogCapture.install()) {
            repo.write("app/all.yaml", NAMESPACE.formatted(1) + "---\n" + DEPLOYMENT.formatted("{app: web}"))
                    .commit("web");
            Settings settings = TestSettings.from(TestSettings.path(repo.url(), "app", "dev", tmp.resolve("work")))
                    .apply(ApplySettings.defaults().withRecreateImmutable(true))
                    .build();
            List<DeployEvent> events = new CopyOnWriteArrayList<>();
            try (CycleRunner runner =
                    Wiring.runner(settings, client, new SyncStatus(), CycleRunner.Outlets.events(events::add))) {
                assertThat(runner.runOnce(Trigger.of(Trigger.Kind.STARTUP)).outcome())
                        .isEqualTo(CycleResult.Outcome.SUCCEEDED);
                repo.write(
                                "app/all.yaml",
                                NAMESPACE.formatted(1) + "---\n" + DEPLOYMENT.formatted("{app: web, track: green}"))
                        .commit("web: a new selector");
                events.clear();
                succeeded(runner.runOnce(Trigger.of(Trigger.Kind.WEBHOOK)));
            }
            assertThat(events)
                    .filteredOn(e -> e.type() == EventType.APPLIED)
                    .singleElement()
                    .satisfies(e -> assertThat(e.data().path("changes"))
                            .singleElement()
                            .satisfies(c -> {
                                assertThat(c.path("name").asText()).isEqualTo("web");
                                assertThat(c.path("action").asText()).isEqualTo("recreated");
                                assertThat(c.path("note").asText()).contains("immutable spec.selector");
                            }));
            Await.until(
                    () -> client.events().v1().events().inNamespace(NS).list().getItems().stream()
                            .anyMatch(e -> "Recreated".equals(e.getReason())),
                    Duration.ofSeconds(10),
                    () -> client.events().v1().events().inNamespace(NS).list().getItems());
            assertThat(client.events().v1().events().inNamespace(NS).list().getItems())
                    .filteredOn(e -> "Recreated".equals(e.getReason()))
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.getRegarding().getName()).isEqualTo("web");
                        assertThat(e.getNote())
                                .startsWith("recreated by alfred-gitops at ")
                                .contains("spec.selector");
                    });
            assertThat(log.lines())
                    .filteredOn(l -> l.contains("recreate: Deployment"))
                    .singleElement()
                    .asString()
                    .contains("recreate/web", "deleted (with its dependents)", "created again from git");
        }
    }

    private static Set<String> uids(List<? extends HasMetadata> objects) {
        return objects.stream().map(RecreateTest::uid).collect(Collectors.toSet());
    }

    private static String owner(HasMetadata o) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        return refs == null || refs.isEmpty() ? "" : refs.get(0).getUid();
    }
}
