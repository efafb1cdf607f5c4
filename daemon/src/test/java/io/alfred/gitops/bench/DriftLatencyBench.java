package io.alfred.gitops.bench;

import io.alfred.gitops.config.DriftSettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drift-to-corrected latency: a hand edit of a field git sets (a ConfigMap's data, by another client)
 * until the daemon has put it back, through the drift watch and the cycle it starts (coalescing
 * included, as the daemon's loop uses it), on the sandbox with the example's prod overlay.
 */
class DriftLatencyBench {
    static final int EDITS = Integer.getInteger("bench.edits", 30);
    private static final String NS = "alfred-platform";

    @Test
    void driftToCorrected() throws Exception {
        Path tmp = Files.createTempDirectory("bench-drift");
        BenchResults results = new BenchResults();
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"));
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client();
                KubernetesClient editor = sandbox.client()) {
            Settings settings = TestSettings.overlay(repo.url(), "prod", tmp.resolve("work"));
            // every edit is the same object's: a threshold no run reaches, so that no fight is detected
            CycleRunner.Outlets outlets = CycleRunner.Outlets.none()
                    .watching(Wiring.driftWatch(
                            client, settings, new DriftSettings(10_000, Duration.ofMinutes(10)), what -> {}));
            try (CycleRunner runner = Wiring.runner(settings, client, new SyncStatus(), outlets)) {
                runner.runOnce(Trigger.of(Trigger.Kind.STARTUP));
                String original = data(editor);
                double[] latencies = new double[EDITS];
                for (int i = 0; i < EDITS; i++) {
                    String edit = "edited by hand " + i;
                    long start = System.nanoTime();
                    editor.configMaps()
                            .inNamespace(NS)
                            .withName("prometheus-config")
                            .edit(cm -> {
                                cm.getData().put("prometheus.yml", edit);
                                return cm;
                            });
                    while (!original.equals(data(editor))) {
                        Thread.sleep(5);
                    }
                    latencies[i] = (System.nanoTime() - start) / 1e6;
                    Thread.sleep(300); // a pause between edits, so that each is a drift of its own
                }
                Map<String, Object> params =
                        Map.of("edits", EDITS, "overlay", "prod", "cluster", "sandbox", "coalescing_ms", 100);
                results.add("drift_to_corrected_median", BenchResults.percentile(latencies, 50), "ms", params);
                results.add("drift_to_corrected_p95", BenchResults.percentile(latencies, 95), "ms", params);
            }
        }
        results.printAndWrite("drift-to-corrected latency (hand edit -> put back), prod overlay on the sandbox");
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
