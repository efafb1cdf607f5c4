package io.alfred.gitops.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.DriftSettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift between cycles, reported by the watch and put back by a cycle it starts (the interval here
 * is the test settings' own, far longer than the waits): a hand edit of a field git sets, a deleted
 * object; not a field git does not set, nor the daemon's own writes.
 */
class DriftWatchTest {
    private static final String NS = "alfred-platform";

    @TempDir
    Path tmp;

    @Test
    void aHandEditOrADeleteIsPutBackByTheCycleTheWatchStarts() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"));
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            Settings settings = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
            SyncStatus status = new SyncStatus();
            List<String> reports = new CopyOnWriteArrayList<>();
            CycleRunner.Outlets outlets = CycleRunner.Outlets.none()
                    .watching(Wiring.driftWatch(client, settings, DriftSettings.defaults(), reports::add));
            try (CycleRunner runner = Wiring.runner(settings, client, status, outlets)) {
                DriftWatch watch = runner.driftWatch().orElseThrow();
                runner.runOnce(Trigger.of(Trigger.Kind.STARTUP));
                assertThat(watch.watchedKinds()).isGreaterThan(3);
                long cycles = runner.cycles();
                ConfigMap before = client.configMaps()
                        .inNamespace(NS)
                        .withName("prometheus-config")
                        .get();
                String original = before.getData().get("prometheus.yml");

                // a field another writer adds is not drift, and the daemon's own cycle wrote nothing to report
                client.configMaps()
                        .inNamespace(NS)
                        .withName("prometheus-config")
                        .edit(cm -> {
                            cm.getMetadata().getAnnotations().put("example.com/note", "by hand");
                            return cm;
                        });
                Thread.sleep(1000);
                assertThat(reports).isEmpty();
                assertThat(runner.cycles()).isEqualTo(cycles);

                // a field git sets, changed by hand
                client.configMaps()
                        .inNamespace(NS)
                        .withName("prometheus-config")
                        .edit(cm -> {
                            cm.getData().put("prometheus.yml", "edited by hand");
                            return cm;
                        });
                Await.until(
                        () -> original.equals(client.configMaps()
                                .inNamespace(NS)
                                .withName("prometheus-config")
                                .get()
                                .getData()
                                .get("prometheus.yml")),
                        Duration.ofSeconds(10),
                        () -> reports);
                assertThat(reports).contains("ConfigMap " + NS + "/prometheus-config changed");
                assertThat(runner.cycles()).isGreaterThan(cycles);

                // a managed object deleted
                client.apps().deployments().inNamespace(NS).withName("grafana").delete();
                Await.until(
                        () -> client.apps()
                                        .deployments()
                                        .inNamespace(NS)
                                        .withName("grafana")
                                        .get()
                                != null,
                        Duration.ofSeconds(10),
                        () -> reports);
                assertThat(reports).anyMatch(r -> r.contains("grafana deleted"));
            }
        }
    }
}
