package io.alfred.gitops.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.sandbox.SandboxApiServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The controllers the suites bring to kube-api-test, tried on the sandbox with its own controllers
 * switched off (so that, as on kube-api-test, nothing but them writes a status).
 */
class SimulatedControllersTest {
    @Test
    void aDeploymentRollsOutAndABudgetGetsItsStatus() {
        try (SandboxApiServer sandbox = SandboxApiServer.start(); KubernetesClient client = sandbox.client()) {
            sandbox.controllers().simulateWorkloads(false);
            Deployment web = new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                    .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", "web").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec()
                    .addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec().endTemplate().endSpec()
                    .build();
            client.resource(web).create();
            assertThat(client.apps().deployments().inNamespace("default").withName("web").get().getStatus())
                    .as("no status before the simulated controllers run").isNull();
            try (SimulatedControllers controllers = SimulatedControllers.start(client)) {
                Await.until(() -> {
                    Deployment live = client.apps().deployments().inNamespace("default").withName("web").get();
                    return live.getStatus() != null && live.getMetadata().getGeneration().equals(live.getStatus()
                            .getObservedGeneration()) && Integer.valueOf(3).equals(live.getStatus().getAvailableReplicas());
                }, Duration.ofSeconds(10), () -> client.apps().deployments().inNamespace("default").withName("web").get()
                        .getStatus());
                client.resource(new PodDisruptionBudgetBuilder().withNewMetadata().withName("web").withNamespace("default")
                        .endMetadata().withNewSpec().withNewMinAvailable(2).withNewSelector().addToMatchLabels("app", "web")
                        .endSelector().endSpec().build()).create();
                Await.until(() -> {
                    var status = client.policy().v1().podDisruptionBudget().inNamespace("default").withName("web").get()
                            .getStatus();
                    return status != null && Integer.valueOf(3).equals(status.getExpectedPods())
                            && Integer.valueOf(1).equals(status.getDisruptionsAllowed());
                }, Duration.ofSeconds(10), () -> client.policy().v1().podDisruptionBudget().inNamespace("default")
                        .withName("web").get().getStatus());
            }
        }
    }
}
