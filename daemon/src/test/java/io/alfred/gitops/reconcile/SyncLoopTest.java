package io.alfred.gitops.reconcile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The daemon's loop on a real repository and the sandbox, observed through GET /status. */
@QuarkusTest
class SyncLoopTest {
    @Inject
    SyncLoop loop;

    @Inject
    SyncStatus status;

    @Test
    void pollsRendersNewRevisionsAndReportsFailures() throws Exception {
        Path tmp = Files.createTempDirectory("sync-loop");
        boolean serverStopsAtTheEnd;
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"));
                TestCluster sandbox = TestCluster.start()) {
            serverStopsAtTheEnd = sandbox.isSandbox();
            String first = repo.repository().resolve("HEAD").name();
            SourceSettings source = new SourceSettings(
                    repo.url(),
                    "main",
                    "infra/k8s/overlays/dev",
                    Duration.ofSeconds(1),
                    tmp.resolve("work"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
            loop.start(
                    TestSettings.builder(
                                    ClusterSettings.of("test", "dev"),
                                    source,
                                    new RenderSettings(
                                            "auto",
                                            Duration.ofMinutes(1),
                                            Map.of("cluster_name", "test", "cluster_env", "dev")))
                            .build(),
                    sandbox.client());

            awaitStatus(v -> first.equals(v.lastAppliedRevision()) && "succeeded".equals(v.lastResult()));
            given().get("/status")
                    .then()
                    .statusCode(200)
                    .body("cluster", equalTo("test"))
                    .body("source.path", equalTo("infra/k8s/overlays/dev"))
                    .body("lastFetchedRevision", equalTo(first))
                    .body("lastRender.objects", equalTo(35))
                    .body("inventorySize", equalTo(35));
            given().get("/q/health/ready").then().statusCode(200);
            String metrics =
                    given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics)
                    .contains("gitops_reconcile_total{result=\"succeeded\"}")
                    .contains("gitops_objects_managed 35.0")
                    .contains("gitops_revision_info{revision=\"" + first + "\"} 1.0")
                    .contains("gitops_reconcile_duration_seconds_count{stage=\"plan\"}")
                    .contains("gitops_reconcile_duration_seconds_count{stage=\"render\"}");

            try (var client = sandbox.client()) {
                client.apps()
                        .deployments()
                        .inNamespace("alfred-platform")
                        .withName("grafana")
                        .scale(4);
            }
            awaitStatus(v -> v.lastChanges() != null && v.lastChanges().contains("1 configured"));
            try (var client = sandbox.client()) {
                assertThat(client.apps()
                                .deployments()
                                .inNamespace("alfred-platform")
                                .withName("grafana")
                                .get()
                                .getSpec()
                                .getReplicas())
                        .as("drift corrected")
                        .isEqualTo(1);
            }

            String second = repo.edit("infra/k8s/overlays/dev/patches/set-replicas.yaml", "replicas: 1", "replicas: 2")
                    .commit("scale agent-core");
            awaitStatus(v -> second.equals(v.lastAppliedRevision()) && "succeeded".equals(v.lastResult()));

            String broken = repo.write("infra/k8s/overlays/dev/dev-config.yaml", "kind: [\n")
                    .commit("break");
            awaitStatus(v -> broken.equals(v.lastAttemptedRevision()) && "failed".equals(v.lastResult()));
            SyncStatus.View failed = status.view();
            assertThat(failed.lastError().stage()).isEqualTo("render");
            assertThat(failed.lastError().message()).contains("infra/k8s/overlays/dev");
            assertThat(failed.lastRender().revision())
                    .as("last good render is kept")
                    .isEqualTo(second);
            given().get("/status").then().body("lastError.stage", equalTo("render"));
        } finally {
            loop.stop();
        }
        if (serverStopsAtTheEnd) { // a sandbox stops with its suite; the real control plane stays up
            given().get("/q/health/ready").then().statusCode(503);
        }
    }

    private void awaitStatus(Predicate<SyncStatus.View> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.test(status.view())) {
            assertThat(System.nanoTime())
                    .as("status never reached the expected state: %s", status.view())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
