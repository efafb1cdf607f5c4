package io.alfred.gitops.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.cluster.KnownUids;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.events.ClusterEventRecorder;
import io.alfred.gitops.events.ClusterEventRecorder.Type;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's history, suspend state and Kubernetes Events, kept in the cluster (the sandbox). */
class InClusterStateTest {
    @TempDir
    Path tmp;

    static CycleRecord record(int i) {
        return new CycleRecord(
                "2026-11-30T10:00:" + String.format("%02d", i % 60) + "Z",
                "schedule",
                "r" + i,
                "commit " + i,
                "A <a@b>",
                "succeeded",
                false,
                Map.of("configured", 1),
                100,
                "x".repeat(2000),
                List.of("f1", "f2", "f3", "f4"),
                "");
    }

    @Test
    void theHistoryKeepsTheLastTwentyCyclesBoundedInSize() {
        try (TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            HistoryStore history = new HistoryStore(client, "alfred-gitops", "alfred-gitops", WriteGuard.ALWAYS);
            for (int i = 0; i < 30; i++) {
                history.record(record(i));
            }
            List<CycleRecord> kept = new HistoryStore(client, "alfred-gitops", "x", WriteGuard.ALWAYS).load();
            assertThat(kept).hasSize(HistoryStore.KEEP);
            assertThat(kept.get(0).revision()).as("newest first").isEqualTo("r29");
            assertThat(kept.get(19).revision()).isEqualTo("r10");
            assertThat(kept.get(0).problem()).hasSize(CycleRecord.MAX_TEXT);
            assertThat(kept.get(0).findings()).hasSize(CycleRecord.MAX_FINDINGS);
            ConfigMap cm = client.configMaps()
                    .inNamespace("alfred-gitops")
                    .withName(HistoryStore.NAME)
                    .get();
            assertThat(cm.getData().get("cycles.json").length())
                    .as("far below a ConfigMap's 1 MiB")
                    .isLessThan(20_000);
        }
    }

    @Test
    void aStandbyWritesNoHistory() {
        try (TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            HistoryStore standby =
                    new HistoryStore(client, "alfred-gitops", "alfred-gitops", new WriteGuard(() -> false));
            try {
                standby.record(record(1));
            } catch (RuntimeException expected) {
                assertThat(expected).hasMessageContaining("leadership lost");
            }
            assertThat(client.configMaps()
                            .inNamespace("alfred-gitops")
                            .withName(HistoryStore.NAME)
                            .get())
                    .isNull();
        }
    }

    /** A new daemon (a restart, a new leader) reads the history and the suspend state its predecessor left. */
    @Test
    void historyAndSuspensionSurviveARestart() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"));
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            Settings settings = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
            String head = repo.repository().resolve("HEAD").name();
            SyncStatus first = new SyncStatus();
            try (CycleRunner runner = Wiring.runner(settings, client, first, CycleRunner.Outlets.none())) {
                runner.offer(Trigger.of(Trigger.Kind.STARTUP));
                Await.until(() -> head.equals(first.view().lastAppliedRevision()), Duration.ofSeconds(60), first::view);
                String rotated = repo.edit(
                                "infra/k8s/base/config/secrets.yaml",
                                "eW91ci1zdXBlci1zZWNyZXQtcGFzc3dvcmQ=",
                                "bmV3LXBhc3N3b3JkLTQy")
                        .commit("rotate the password"); // new-password-42
                runner.offer(Trigger.of(Trigger.Kind.MANUAL));
                Await.until(
                        () -> rotated.equals(first.view().lastAppliedRevision()), Duration.ofSeconds(60), first::view);
                List<Event> events =
                        client.events().v1().events().inAnyNamespace().list().getItems();
                assertThat(events).anySatisfy(e -> {
                    assertThat(e.getRegarding().getName()).isEqualTo("alfred-secrets");
                    assertThat(e.getReason()).isEqualTo("Configured");
                });
                assertThat(events)
                        .as("a Secret changed, never its data")
                        .allSatisfy(e -> assertThat(e.getNote())
                                .doesNotContain("bmV3LXBhc3N3b3JkLTQy")
                                .doesNotContain("new-password-42")
                                .doesNotContain("eW91ci1zdXBlci1zZWNyZXQtcGFzc3dvcmQ=")
                                .doesNotContain("your-super-secret-password"));
            }
            new SuspendStore(client, "alfred-gitops").suspend("ana@laptop", "freeze for the audit");

            SyncStatus second = new SyncStatus();
            try (CycleRunner restarted = Wiring.runner(settings, client, second, CycleRunner.Outlets.none())) {
                String next = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:14")
                        .commit("ui 14");
                restarted.offer(Trigger.of(Trigger.Kind.STARTUP));
                Await.until(() -> "blocked".equals(second.view().lastResult()), Duration.ofSeconds(60), second::view);
                assertThat(second.view().suspension().by()).isEqualTo("ana@laptop");
                assertThat(second.view().lastError().message())
                        .contains("suspended by ana@laptop")
                        .contains("freeze for the audit")
                        .contains("git differs from the cluster (");
                assertThat(second.view().lastAppliedRevision()).isNull();
                assertThat(client.apps()
                                .deployments()
                                .inNamespace("alfred-platform")
                                .withName("ui-chat")
                                .get()
                                .getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage())
                        .as("nothing written")
                        .endsWith(":latest");
                List<CycleRecord> history = new HistoryStore(client, "alfred-gitops", "", WriteGuard.ALWAYS).load();
                assertThat(history)
                        .extracting(CycleRecord::outcome)
                        .containsExactly("blocked", "succeeded", "succeeded");
                assertThat(history.get(0).revision()).isEqualTo(next);
                assertThat(history.get(1).subject()).isNotEmpty();
                assertThat(history.get(1).counts()).containsEntry("configured", 1);
                assertThat(history.get(2).counts()).containsKey("created");
                assertThat(SyncState.of(new SuspendStore(client, "alfred-gitops").load(), history))
                        .isEqualTo(SyncState.DRIFTED);
            }
        }
    }

    @Test
    void eventsBecomeASeriesAndAreRateLimitedPerObject() {
        try (TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            TestCluster.createNamespaces(client, "shop");
            ClusterEventRecorder recorder =
                    new ClusterEventRecorder(client, WriteGuard.ALWAYS, "test", Clock.systemUTC(), new KnownUids());
            ObjectRef web = ObjectRef.of("apps/v1", "Deployment", "shop", "web");
            for (int i = 0; i < 5; i++) {
                recorder.record(web, Type.Warning, "SyncFailed", "Reconcile", "the same failure");
            }
            List<Event> events =
                    client.events().v1().events().inNamespace("shop").list().getItems();
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.getSeries().getCount()).isEqualTo(5);
                assertThat(e.getReportingController()).isEqualTo("alfred.io/gitops");
                assertThat(e.getRegarding().getKind()).isEqualTo("Deployment");
            });
            for (int i = 0; i < 40; i++) {
                recorder.record(web, Type.Normal, "Configured", "Apply", "change " + i);
            }
            assertThat(client.events().v1().events().inNamespace("shop").list().getItems())
                    .as("at most the burst of 25 per object: the first one and 24 more")
                    .hasSize(25);
        }
    }
}
