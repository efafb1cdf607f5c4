package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.DriftSettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.drift.DriftConflict;
import io.alfred.gitops.drift.DriftWatch;
import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.events.EventType;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fight is detected, not fought: another writer changes a managed object back after every
 * correction; past the threshold the daemon stops correcting it, names the writer (from
 * managedFields) once in a {@code drift.conflict} event and in {@code /status}, and later cycles
 * leave it alone with a finding.
 */
class DriftFightTest {
    private static final String NS = "alfred-platform";

    @TempDir
    Path tmp;

    @Test
    void anObjectChangedBackAgainAndAgainIsHeldAndTheOtherWriterNamed() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"));
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            Settings settings = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
            SyncStatus status = new SyncStatus();
            List<DeployEvent> events = new CopyOnWriteArrayList<>();
            EventSink sink = events::add;
            List<DriftConflict> conflicts = new CopyOnWriteArrayList<>();
            CycleRunner.Outlets outlets = CycleRunner.Outlets.events(sink)
                    .watching(r -> new DriftWatch(
                            client,
                            what -> r.offer(Trigger.of(Trigger.Kind.DRIFT), Duration.ofMillis(100)),
                            settings.apply().fieldManager(),
                            new DriftSettings(2, Duration.ofMinutes(5)),
                            c -> {
                                conflicts.add(c);
                                r.conflicted(c);
                            }));
            try (CycleRunner runner = Wiring.runner(settings, client, status, outlets)) {
                runner.runOnce(Trigger.of(Trigger.Kind.STARTUP));
                String original = data(client);

                for (int round = 1; round <= 5 && conflicts.isEmpty(); round++) {
                    String theirs = "changed back by the other writer, round " + round;
                    client.configMaps()
                            .inNamespace(NS)
                            .withName("prometheus-config")
                            .edit(cm -> {
                                cm.getData().put("prometheus.yml", theirs);
                                return cm;
                            });
                    Await.until(
                            () -> original.equals(data(client)) || !conflicts.isEmpty(),
                            Duration.ofSeconds(10),
                            () -> data(client));
                }
                assertThat(conflicts).hasSize(1);
                DriftConflict conflict = conflicts.get(0);
                assertThat(conflict.ref().name()).isEqualTo("prometheus-config");
                assertThat(conflict.manager()).isEqualTo("fabric8-kubernetes-client");
                assertThat(conflict.corrections()).isEqualTo(3);
                assertThat(data(client))
                        .as("the other writer's value is left alone")
                        .startsWith("changed back");

                long cycles = runner.cycles();
                client.configMaps()
                        .inNamespace(NS)
                        .withName("prometheus-config")
                        .edit(cm -> {
                            cm.getData().put("prometheus.yml", "and again");
                            return cm;
                        });
                Thread.sleep(1000);
                assertThat(runner.cycles())
                        .as("no drift cycle for a held object")
                        .isEqualTo(cycles);
                CycleResult interval = runner.runOnce(Trigger.of(Trigger.Kind.WEBHOOK));
                assertThat(interval.outcome()).isEqualTo(CycleResult.Outcome.NOOP);
                assertThat(interval.findings()).anyMatch(f -> f.contains("prometheus-config: not corrected"));
                assertThat(data(client))
                        .as("a cycle nobody asked for by hand leaves a held object alone")
                        .isEqualTo("and again");
                assertThat(status.view().conflicts()).singleElement().satisfies(c -> {
                    assertThat(c.object()).isEqualTo("ConfigMap " + NS + "/prometheus-config");
                    assertThat(c.manager()).isEqualTo("fabric8-kubernetes-client");
                });
                assertThat(events)
                        .filteredOn(e -> e.type() == EventType.DRIFT_CONFLICT)
                        .singleElement()
                        .satisfies(e ->
                                assertThat(e.data().path("manager").asText()).isEqualTo("fabric8-kubernetes-client"));

                CycleResult manual = runner.runOnce(Trigger.of(Trigger.Kind.MANUAL));
                assertThat(manual.outcome())
                        .as("a person asked for git's state")
                        .isEqualTo(CycleResult.Outcome.SUCCEEDED);
                assertThat(data(client)).isEqualTo(original);
                assertThat(status.view().conflicts()).as("the hold is released").isEmpty();
            }
        }
    }

    /**
     * Five pushes that each change a Deployment's image: the Deployment controller writes status and
     * its revision annotation during every rollout (a real one writes several times per rollout).
     * None of that is drift, so none of it is a fight.
     */
    @Test
    void rolloutsOfSeveralPushesAreNeitherDriftNorAFight() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"));
                TestCluster cluster = TestCluster.start();
                KubernetesClient client = cluster.client()) {
            Settings settings = TestSettings.overlay(repo.url(), "staging", tmp.resolve("work"));
            cluster.podReadyDelay(Duration.ofSeconds(1)); // rollouts in steps, each a status write
            List<DeployEvent> events = new CopyOnWriteArrayList<>();
            List<String> drifts = new CopyOnWriteArrayList<>();
            List<DriftConflict> conflicts = new CopyOnWriteArrayList<>();
            // a watch that only reports: nothing it sees starts a cycle
            CycleRunner.Outlets outlets = CycleRunner.Outlets.events(events::add)
                    .watching(r -> new DriftWatch(
                            client,
                            drifts::add,
                            settings.apply().fieldManager(),
                            DriftSettings.defaults(),
                            conflicts::add));
            try (CycleRunner runner = Wiring.runner(settings, client, new SyncStatus(), outlets)) {
                assertThat(runner.runOnce(Trigger.of(Trigger.Kind.STARTUP)).outcome())
                        .isEqualTo(CycleResult.Outcome.SUCCEEDED);
                drifts.clear();
                for (int push = 1; push <= 5; push++) {
                    String from = push == 1 ? "agent-core:latest" : "agent-core:1.0." + (push - 1);
                    repo.edit("infra/k8s/base/core/deployment.yaml", from, "agent-core:1.0." + push)
                            .commit("agent-core 1.0." + push);
                    CycleResult result = runner.runOnce(Trigger.of(Trigger.Kind.WEBHOOK));
                    assertThat(result.outcome()).as("push %d", push).isEqualTo(CycleResult.Outcome.SUCCEEDED);
                }
                Thread.sleep(1000); // the controllers' last status writes
                assertThat(conflicts).as("conflicts").isEmpty();
                assertThat(drifts).as("drift reported").isEmpty();
                assertThat(events).noneMatch(e -> e.type() == EventType.DRIFT_CONFLICT);
                Deployment live = client.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("agent-core")
                        .get();
                assertThat(live.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage())
                        .endsWith(":1.0.5");
            }
        }
    }

    private static String data(KubernetesClient client) {
        return client.configMaps()
                .inNamespace(NS)
                .withName("prometheus-config")
                .get()
                .getData()
                .get("prometheus.yml");
    }
}
