package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox rolls Deployments like the Deployment controller when pods take time to start. */
class DeploymentSimulatorTest {
    SandboxApiServer sandbox;
    KubernetesClient client;

    @BeforeEach
    void start() {
        sandbox = SandboxApiServer.start();
        sandbox.controllers().podReadyDelay(Duration.ofMillis(300));
        client = sandbox.client();
    }

    @AfterEach
    void stop() {
        sandbox.controllers().podReadyDelay(Duration.ZERO);
        client.close();
        sandbox.close();
    }

    private Deployment web(String image, int maxSurge, int maxUnavailable) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withReplicas(3)
                .withNewSelector()
                .addToMatchLabels("app", "web")
                .endSelector()
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withNewMaxSurge(maxSurge)
                .withNewMaxUnavailable(maxUnavailable)
                .endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private Deployment live() {
        return client.apps()
                .deployments()
                .inNamespace("default")
                .withName("web")
                .get();
    }

    private boolean rolledOut(String image) {
        Deployment d = live();
        return d.getStatus() != null
                && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                && Integer.valueOf(3).equals(d.getStatus().getReplicas())
                && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                && d.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage()
                        .equals(image);
    }

    @Test
    void aSurgeOnlyRolloutNeverDropsBelowTheReplicaCount() throws Exception {
        client.resource(web("web:1", 1, 0)).fieldManager("t").serverSideApply();
        waitFor(() -> rolledOut("web:1"));
        assertThat(client.pods()
                        .inNamespace("default")
                        .withLabel("app", "web")
                        .list()
                        .getItems())
                .hasSize(3);

        client.resource(web("web:2", 1, 0)).fieldManager("t").serverSideApply();
        int minAvailable = Integer.MAX_VALUE;
        int maxPods = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!rolledOut("web:2") && System.nanoTime() < deadline) {
            Deployment d = live();
            if (d.getStatus() != null && d.getStatus().getAvailableReplicas() != null) {
                minAvailable = Math.min(minAvailable, d.getStatus().getAvailableReplicas());
                maxPods = Math.max(maxPods, d.getStatus().getReplicas());
            }
            Thread.sleep(20);
        }
        assertThat(rolledOut("web:2")).isTrue();
        assertThat(minAvailable).as("maxUnavailable 0").isGreaterThanOrEqualTo(3);
        assertThat(maxPods).as("maxSurge 1").isLessThanOrEqualTo(4);
        assertThat(client.pods()
                        .inNamespace("default")
                        .withLabel("app", "web")
                        .list()
                        .getItems())
                .hasSize(3)
                .allMatch(p -> p.getSpec().getContainers().get(0).getImage().equals("web:2"));
    }

    @Test
    void aCrashingImageNeverBecomesReadyAndOldPodsGoDownToTheLimit() throws Exception {
        sandbox.controllers().stuckImages("crash");
        client.resource(web("web:1", 0, 1)).fieldManager("t").serverSideApply();
        waitFor(() -> rolledOut("web:1"));
        client.resource(web("web:crash", 0, 1)).fieldManager("t").serverSideApply();
        waitFor(() -> live().getStatus().getUpdatedReplicas() != null
                && live().getStatus().getUpdatedReplicas() >= 1);
        Thread.sleep(1000);
        Deployment d = live();
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(2);
        assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(1);
        assertThat(client.pods()
                        .inNamespace("default")
                        .withLabel("app", "web")
                        .list()
                        .getItems())
                .anyMatch(p -> "Pending".equals(p.getStatus().getPhase()));
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
