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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiet intervals cost no API request: with the drift watch open on every managed kind and no drift
 * seen, an interval cycle on the applied revision is skipped, except one in {@link QuietIntervals#RELIST_EVERY},
 * which lists and compares everything as the safety net. A drift makes the next interval a full one.
 */
class QuietIntervalTest {
    @TempDir
    Path tmp;

    /** Waits until the sandbox has seen no request for half a second. */
    static void settle(SandboxApiServer sandbox) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            sandbox.resetRequestCounts();
            Thread.sleep(500);
            if (sandbox.requestCounts().isEmpty()) {
                return;
            }
        }
    }

    @Test
    void quietIntervalsMakeNoRequestAndEveryTenthRelists() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"));
                SandboxApiServer sandbox = TestCluster.sandbox("it counts the requests of quiet intervals")
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
                settle(sandbox); // the startup cycle's Kubernetes Events are written in the background
                sandbox.resetRequestCounts();
                for (int i = 1; i < QuietIntervals.RELIST_EVERY; i++) {
                    assertThat(runner.runOnce(Trigger.of(Trigger.Kind.SCHEDULE)))
                            .as("interval %d", i)
                            .isNull();
                }
                assertThat(sandbox.requestCounts()).as("quiet intervals").isEmpty();

                CycleResult relist = runner.runOnce(Trigger.of(Trigger.Kind.SCHEDULE));
                assertThat(relist).isNotNull();
                assertThat(relist.outcome()).isEqualTo(CycleResult.Outcome.NOOP);
                assertThat(sandbox.requestCounts()).containsKey("LIST").doesNotContainKeys("PATCH", "POST", "DELETE");
                // the safety net reads the cluster itself, not the watches' view of it
                assertThat(sandbox.requestCountsByResource()).containsKeys("LIST configmaps", "LIST deployments");

                // a drift (put back by the cycle it starts) makes the next interval a full one
                long before = runner.cycles();
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
                settle(sandbox);
                sandbox.resetRequestCounts();
                assertThat(runner.runOnce(Trigger.of(Trigger.Kind.SCHEDULE)))
                        .as("quiet again after the correction")
                        .isNull();
                assertThat(sandbox.requestCounts()).isEmpty();
            }
        }
    }
}
