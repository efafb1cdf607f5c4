package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Injected faults: a rejected object, error answers, late answers, dropped connections. */
class SandboxFaultsTest {
    SandboxApiServer sandbox;
    KubernetesClient client;

    @BeforeEach
    void start() {
        sandbox = SandboxApiServer.start();
        client = sandbox.client();
    }

    @AfterEach
    void stop() {
        client.close();
        sandbox.close();
    }

    private static ConfigMap cm(String name) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .addToData("k", "v")
                .build();
    }

    @Test
    void aNamedObjectIsRejectedEvenInADryRun() {
        sandbox.faults().reject("ConfigMap", "default", "doomed", 422, "data.k: Invalid value: \"v\": injected");
        assertThatThrownBy(() ->
                        client.resource(cm("doomed")).dryRun().fieldManager("m").serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("ConfigMap \"doomed\" is invalid: data.k: Invalid value");
                });
        assertThat(client.resource(cm("fine")).fieldManager("m").serverSideApply())
                .isNotNull();
        assertThat(sandbox.faults().injected()).isEqualTo(1);
    }

    @Test
    void aShareOfRequestsIsAnsweredWithAnError() {
        sandbox.faults().failRequests(1.0, 500);
        assertThatThrownBy(() -> client.configMaps().inNamespace("default").list())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(500));
        sandbox.faults().failRequests(0.5, 503);
        int failures = 0;
        for (int i = 0; i < 40; i++) {
            try {
                client.configMaps().inNamespace("default").list();
            } catch (KubernetesClientException e) {
                assertThat(e.getCode()).isEqualTo(503);
                failures++;
            }
        }
        assertThat(failures).isBetween(5, 35);
        sandbox.faults().clear();
        assertThat(client.configMaps().inNamespace("default").list()).isNotNull();
    }

    @Test
    void aDelayedAnswerTimesOutAClientThatWillNotWait() {
        sandbox.faults().delayRequests(1.0, Duration.ofSeconds(5));
        try (KubernetesClient impatient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(sandbox.config())
                        .withRequestTimeout(200)
                        .build())
                .build()) {
            assertThatThrownBy(
                            () -> impatient.configMaps().inNamespace("default").list())
                    .isInstanceOf(KubernetesClientException.class);
        }
        sandbox.faults().clear();
        assertThat(client.configMaps().inNamespace("default").list()).isNotNull();
    }

    @Test
    void droppedConnectionsFailTheRequestAndTheServerRecovers() {
        sandbox.faults().dropConnections(1.0);
        assertThatThrownBy(() -> client.configMaps().inNamespace("default").list())
                .isInstanceOf(KubernetesClientException.class);
        sandbox.faults().clear();
        assertThat(client.resource(cm("after"))
                        .fieldManager("m")
                        .serverSideApply()
                        .getMetadata()
                        .getName())
                .isEqualTo("after");
    }
}
