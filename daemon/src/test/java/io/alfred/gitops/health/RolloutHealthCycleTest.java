package io.alfred.gitops.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Stage;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.PdbMode;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Revisions;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end cycles on the sandbox, whose controllers behave as the real ones for these cases: what
 * never rolls by itself is reported, not waited for (and never rolled back); a custom resource is
 * judged by its conditions. The rollout timeout is 3 s: a cycle that waited for any of the
 * suspended cases would fail.
 */
class RolloutHealthCycleTest {
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
        repo.write("app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n");
    }

    @AfterEach
    void tearDown() {
        client.close();
        sandbox.close();
        repo.close();
    }

    private CycleResult cycle(String... files) {
        for (int i = 0; i < files.length; i += 2) {
            repo.write(files[i], files[i + 1]);
        }
        repo.commit("change");
        Settings settings = TestSettings.builder(
                        ClusterSettings.of("test", "dev"),
                        SourceSettings.anonymous(repo.url(), "main", "app", tmp.resolve("work")),
                        new RenderSettings("auto", Duration.ofMinutes(1), Map.of()))
                .safety(new SafetySettings(PdbMode.ENFORCE, Duration.ofSeconds(3), true))
                .build();
        try (Revisions revisions = Wiring.revisions(settings);
                Reconciler reconciler =
                        Wiring.reconciler(client, settings.apply(), settings.safety(), WriteGuard.ALWAYS)) {
            return reconciler.reconcile(revisions.latest());
        }
    }

    private static Health healthOf(CycleResult r, String kind) {
        return r.workloads().stream()
                .filter(w -> w.ref().kind().equals(kind))
                .findFirst()
                .orElseThrow()
                .health();
    }

    static String daemonSet(String image, String strategy) {
        return """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: shop}
                spec:
                  selector: {matchLabels: {app: agent}}
                  updateStrategy: %s
                  template:
                    metadata: {labels: {app: agent}}
                    spec: {containers: [{name: app, image: "%s"}]}
                """.formatted(strategy, image);
    }

    static String statefulSet(String image, int partition) {
        return """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: shop}
                spec:
                  replicas: 3
                  serviceName: db
                  selector: {matchLabels: {app: db}}
                  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: %d}}
                  template:
                    metadata: {labels: {app: db}}
                    spec: {containers: [{name: app, image: "%s"}]}
                """.formatted(partition, image);
    }

    static String deployment(String image, boolean paused) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  replicas: 2
                  paused: %s
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: app, image: "%s"}]}
                """.formatted(paused, image);
    }

    @Test
    void anOnDeleteDaemonSetUpdateSucceedsWithoutWaiting() {
        assertThat(cycle("app/agent.yaml", daemonSet("agent:1", "{type: OnDelete}"))
                        .outcome())
                .isEqualTo(CycleResult.Outcome.SUCCEEDED);
        CycleResult r = cycle("app/agent.yaml", daemonSet("agent:2", "{type: OnDelete}"));
        assertThat(r.outcome()).as(String.valueOf(r.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(healthOf(r, "DaemonSet").state()).isEqualTo(Health.State.SUSPENDED);
        assertThat(healthOf(r, "DaemonSet").message()).contains("OnDelete").contains("0 of 1 updated");
        SyncStatus status = new SyncStatus();
        status.cycle(r, 2);
        assertThat(status.view().workloads())
                .as("/status carries it")
                .containsExactly(new SyncStatus.Workload(
                        "DaemonSet shop/agent",
                        "suspended",
                        healthOf(r, "DaemonSet").message()));
        // a real controller leaves a zero count out of the status (omitempty)
        Integer updated = client.apps()
                .daemonSets()
                .inNamespace(NS)
                .withName("agent")
                .get()
                .getStatus()
                .getUpdatedNumberScheduled();
        assertThat(updated == null ? 0 : updated)
                .as("the controller replaced no pod")
                .isZero();
    }

    @Test
    void aPartitionedStatefulSetRolloutStopsAtThePartitionAndSucceeds() {
        cycle("app/db.yaml", statefulSet("db:1", 2));
        CycleResult r = cycle("app/db.yaml", statefulSet("db:2", 2));
        assertThat(r.outcome()).as(String.valueOf(r.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(healthOf(r, "StatefulSet"))
                .isEqualTo(Health.ready(
                        "partitioned rollout done: 1 new pods updated," + " 2 stay at the old revision (partition 2)"));
    }

    @Test
    void aPausedDeploymentIsReportedNotRolledBack() {
        cycle("app/web.yaml", deployment("web:1", false));
        CycleResult r = cycle("app/web.yaml", deployment("web:2", true));
        assertThat(r.outcome()).as(String.valueOf(r.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(healthOf(r, "Deployment").state()).isEqualTo(Health.State.SUSPENDED);
        assertThat(r.findings())
                .as("reported in the log and the succeeded event")
                .contains("Deployment shop/web: suspended"
                        + " (paused (spec.paused): the rollout goes on after kubectl rollout resume): not waited for");
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("web")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .as("git's change stays applied")
                .isEqualTo("web:2");
    }

    @Test
    void aSuspendedJobIsReportedNotWaitedFor() {
        CycleResult r = cycle("app/job.yaml", """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: migrate, namespace: shop}
                spec:
                  suspend: true
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: m, image: "migrate:1"}]
                """);
        assertThat(r.outcome()).as(String.valueOf(r.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(healthOf(r, "Job").state()).isEqualTo(Health.State.SUSPENDED);
    }

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.io}
            spec:
              group: example.io
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget}
              versions:
              - name: v1
                served: true
                storage: true
                schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            """;

    /** Without a status subresource the CR's status is part of what git applies: a stand-in for its controller. */
    static String widget(int size, String conditions) {
        return """
                apiVersion: example.io/v1
                kind: Widget
                metadata: {name: w, namespace: shop}
                spec: {size: %d}
                status:
                  conditions: %s
                """.formatted(size, conditions);
    }

    @Test
    void aCustomResourceIsJudgedByItsConditions() {
        CycleResult ready = cycle("app/crd.yaml", CRD, "app/w.yaml", widget(1, "[{type: Ready, status: 'True'}]"));
        assertThat(ready.outcome()).as(String.valueOf(ready.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(healthOf(ready, "Widget").state()).isEqualTo(Health.State.READY);

        CycleResult stalled = cycle("app/w.yaml", widget(2, "[{type: Stalled, status: 'True', reason: InvalidSpec}]"));
        assertThat(stalled.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
        assertThat(stalled.error().stage()).isEqualTo(Stage.WAIT);
        assertThat(stalled.error().getMessage())
                .contains("Widget shop/w")
                .contains("rollout failed: stalled: InvalidSpec");
        assertThat(stalled.error().getMessage())
                .as("failed at once, not at the timeout")
                .doesNotContain("within");

        CycleResult notReady = cycle("app/w.yaml", widget(3, "[{type: Ready, status: 'False', reason: Provisioning}]"));
        assertThat(notReady.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
        assertThat(notReady.error().getMessage())
                .contains("rollout not finished within 3s")
                .contains("not ready: Provisioning");
    }

    static String pod(String image) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: tool, namespace: shop}
                spec: {containers: [{name: app, image: "%s"}]}
                """.formatted(image);
    }

    /**
     * A pod that crash-loops fails the wait at once, naming the container and the reason, instead of at the timeout.
     */
    @Test
    void aCrashLoopingPodFailsAtOnce() {
        sandbox.failImages("crash");
        CycleResult good = cycle("app/pod.yaml", pod("tool:1"));
        assertThat(good.outcome()).as(String.valueOf(good.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
        assertThat(healthOf(good, "Pod")).isEqualTo(Health.ready("running and ready"));
        CycleResult crashing = cycle("app/other.yaml", pod("tool:crash").replace("name: tool", "name: tool-2"));
        assertThat(crashing.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
        assertThat(crashing.error().getMessage())
                .contains("Pod shop/tool-2: rollout failed: container app: CrashLoopBackOff")
                .doesNotContain("within");
    }
}
