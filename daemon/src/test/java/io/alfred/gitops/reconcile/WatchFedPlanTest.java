package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.DriftSettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.drift.DriftWatch;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cycle that runs while the watches' view is warm takes what it knows from the view: correcting a
 * hand edit lists no managed kind and dry-runs only the object that drifted.
 */
class WatchFedPlanTest {
    @TempDir
    Path tmp;

    @Test
    void aDriftCycleListsNothingAndDryRunsOnlyTheDriftedObject() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"));
                SandboxApiServer sandbox = TestCluster.sandbox("it counts the requests by verb and resource")
                        .sandboxServer();
                KubernetesClient client = sandbox.client()) {
            Settings settings = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
            SyncStatus status = new SyncStatus();
            CycleRunner.Outlets outlets = CycleRunner.Outlets.none()
                    .watching(Wiring.driftWatch(client, settings, DriftSettings.defaults(), what -> {}));
            try (CycleRunner runner = Wiring.runner(settings, client, status, outlets)) {
                DriftWatch watch = runner.driftWatch().orElseThrow();
                runner.runOnce(Trigger.of(Trigger.Kind.STARTUP));
                Await.until(watch::quiet, Duration.ofSeconds(10), () -> "watch not quiet");
                QuietIntervalTest.settle(
                        sandbox); // the startup cycle's Kubernetes Events are written in the background
                long before = runner.cycles();
                sandbox.resetRequestCounts();
                client.configMaps()
                        .inNamespace("alfred-platform")
                        .withName("prometheus-config")
                        .edit(cm -> {
                            cm.getData().put("prometheus.yml", "edited by hand");
                            return cm;
                        });
                Await.until(
                        () -> runner.cycles() > before && watch.quiet(),
                        Duration.ofSeconds(10),
                        () -> "no drift cycle");

                assertThat(client.configMaps()
                                .inNamespace("alfred-platform")
                                .withName("prometheus-config")
                                .get()
                                .getData()
                                .get("prometheus.yml"))
                        .isNotEqualTo("edited by hand");
                Map<String, Long> requests = sandbox.requestCountsByResource();
                // HPAs are listed per namespace by the HPA gate, not as managed objects
                assertThat(keysStartingWith(requests, "LIST "))
                        .as("lists, of %s", requests)
                        .containsOnlyKeys("LIST horizontalpodautoscalers");
                assertThat(keysStartingWith(requests, "dry-run "))
                        .as("dry runs, of %s", requests)
                        .isEqualTo(Map.of("dry-run PATCH configmaps", 1L));
            }
        }
    }

    private static Map<String, Long> keysStartingWith(Map<String, Long> requests, String prefix) {
        return requests.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
