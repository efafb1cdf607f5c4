package io.alfred.gitops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Revisions;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server misbehaving during a cycle: the daemon's client ({@link ClusterConnection#resilient})
 * retries errors, a cycle that still fails does so cleanly, and the next one converges.
 */
class ApiFaultsTest {
    @TempDir
    Path tmp;

    TestRepo repo;
    SandboxApiServer sandbox;
    RenderResult render;

    @BeforeEach
    void setUp() {
        repo = TestRepo.withExample(tmp.resolve("infra"));
        sandbox = TestCluster.sandbox("it injects API faults").sandboxServer();
        Settings settings = TestSettings.overlay(repo.url(), "prod", tmp.resolve("work"));
        try (Revisions revisions = Wiring.revisions(settings)) {
            render = revisions.latest();
        }
    }

    @AfterEach
    void tearDown() {
        sandbox.close();
        repo.close();
    }

    /** The daemon's client, with its backoff shortened so that the test is quick. */
    private KubernetesClient daemonClient(int requestTimeoutMs) {
        return ClusterConnection.client(new ConfigBuilder(ClusterConnection.resilient(sandbox.config()))
                .withRequestRetryBackoffInterval(5)
                .withRequestTimeout(requestTimeoutMs)
                .build());
    }

    @Test
    void serverErrorsOnAShareOfRequestsAreRetriedAndTheCycleSucceeds() {
        try (KubernetesClient client = daemonClient(10_000);
                Reconciler reconciler = Wiring.reconciler(
                        client, ApplySettings.defaults(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            sandbox.faults().failRequests(0.25, 500);
            CycleResult first = reconciler.reconcile(render);
            long injected = sandbox.faults().injected();
            sandbox.faults().failRequests(0.25, 429);
            CycleResult second = reconciler.reconcile(render);
            sandbox.faults().clear();

            System.out.printf(
                    "api faults: 500 on 25%%: %d injected, cycle %s; 429 on 25%%: %d injected, cycle %s%n",
                    injected, first.outcome(), sandbox.faults().injected() - injected, second.outcome());
            assertThat(injected).as("faults injected during the first cycle").isGreaterThan(10);
            assertThat(sandbox.faults().injected()).isGreaterThan(injected);
            assertThat(first.outcome()).as(String.valueOf(first.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);
            assertThat(second.outcome()).as(String.valueOf(second.error())).isEqualTo(CycleResult.Outcome.NOOP);
            assertEveryObjectIsLive(client);
        }
    }

    @Test
    void timeoutsFailACycleCleanlyOrAreRetriedAndTheNextCycleConverges() {
        try (KubernetesClient client = daemonClient(300);
                Reconciler reconciler = Wiring.reconciler(
                        client, ApplySettings.defaults(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            sandbox.faults().delayRequests(0.15, Duration.ofSeconds(1));
            CycleResult faulty = reconciler.reconcile(render);
            long injected = sandbox.faults().injected();
            assertThat(injected).isPositive();
            sandbox.faults().clear();
            CycleResult next = reconciler.reconcile(render);
            System.out.printf(
                    "api faults: 1 s delays on 15%% with a 300 ms timeout: %d injected, cycle %s, next %s%n",
                    injected, faulty.outcome(), next.outcome());
            if (faulty.outcome() == CycleResult.Outcome.FAILED) {
                assertThat(faulty.error().stage())
                        .as("the failure names its stage")
                        .isNotNull();
                assertThat(faulty.error().getMessage()).isNotBlank();
            } else {
                assertThat(faulty.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
            }
            assertThat(next.outcome())
                    .as(String.valueOf(next.error()))
                    .isIn(CycleResult.Outcome.SUCCEEDED, CycleResult.Outcome.NOOP);
            assertEveryObjectIsLive(client);
            assertThat(reconciler.reconcile(render).outcome()).isEqualTo(CycleResult.Outcome.NOOP);
        }
    }

    /**
     * A connection closed before the answer: the plan, apply, prune and inventory requests retry it
     * ({@code NoAnswerRetry}); any other read that meets it fails the cycle cleanly, and the next converges.
     */
    @Test
    void droppedConnectionsAreRetriedOrFailTheCycleCleanly() {
        try (KubernetesClient client = daemonClient(10_000);
                Reconciler reconciler = Wiring.reconciler(
                        client, ApplySettings.defaults(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            sandbox.faults().dropConnections(0.1);
            CycleResult faulty = reconciler.reconcile(render);
            long injected = sandbox.faults().injected();
            assertThat(injected).isPositive();
            sandbox.faults().clear();
            if (faulty.outcome() == CycleResult.Outcome.FAILED) {
                assertThat(faulty.error().stage()).isNotNull();
                assertThat(faulty.error().getMessage()).contains("Connection was closed");
            } else {
                assertThat(faulty.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
            }
            CycleResult next = reconciler.reconcile(render);
            System.out.printf(
                    "api faults: dropped connections on 10%%: %d injected, cycle %s, next %s%n",
                    injected, faulty.outcome(), next.outcome());
            assertThat(next.outcome())
                    .as(String.valueOf(next.error()))
                    .isIn(CycleResult.Outcome.SUCCEEDED, CycleResult.Outcome.NOOP);
            assertEveryObjectIsLive(client);
        }
    }

    private void assertEveryObjectIsLive(KubernetesClient client) {
        for (Manifest m : render.manifests()) {
            var ref = m.ref();
            var resources = client.genericKubernetesResources(ref.apiVersion(), ref.kind());
            var live = ref.namespace().isEmpty()
                    ? resources.withName(ref.name()).get()
                    : resources
                            .inNamespace(ref.namespace())
                            .withName(ref.name())
                            .get();
            assertThat(live).as(ref.toString()).isNotNull();
        }
    }
}
