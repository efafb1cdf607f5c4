package io.alfred.gitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.cluster.ClusterOrigin;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The cluster is reached while the command fetches and renders; failures keep their old order. */
class ConnectingTest {
    private static ClusterConnection connection(AtomicBoolean closed) {
        return ClusterConnection.of(
                new KubernetesClientBuilder()
                        .withConfig(new ConfigBuilder()
                                .withMasterUrl("https://127.0.0.1:1")
                                .build())
                        .build(),
                () -> closed.set(true),
                ClusterOrigin.sandbox(Path.of("kubeconfig")));
    }

    @Test
    void theWorkRunsWhileTheClusterIsReached() throws Exception {
        CountDownLatch rendered = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        try (Connecting connecting = new Connecting(() -> {
            try {
                // the connection waits for the work: both run at once, or this never ends
                assertThat(rendered.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return connection(closed);
        })) {
            String render = connecting.meanwhile(() -> {
                rendered.countDown();
                return "rendered";
            });
            assertThat(render).isEqualTo("rendered");
            assertThat(connecting.connected().origin().kind()).isEqualTo(ClusterOrigin.Kind.SANDBOX);
        }
        assertThat(closed).as("closing it closes the connection").isTrue();
    }

    @Test
    void withoutAClusterTheClusterIsNamedEvenWhenTheRenderFailsToo() {
        StageException noCluster = new StageException(Stage.CLUSTER, "cluster", "no cluster configured");
        try (Connecting connecting = new Connecting(() -> {
            throw noCluster;
        })) {
            Supplier<String> fetch = () -> {
                throw new StageException(Stage.FETCH, "repo", "no such repository");
            };
            assertThatThrownBy(() -> connecting.meanwhile(fetch)).isSameAs(noCluster);
        }
    }

    @Test
    void aRenderFailureIsReportedAndTheConnectionStillClosed() {
        AtomicBoolean closed = new AtomicBoolean();
        StageException badRender = new StageException(Stage.RENDER, "app", "kustomize failed");
        try (Connecting connecting = new Connecting(() -> connection(closed))) {
            Supplier<String> render = () -> {
                throw badRender;
            };
            assertThatThrownBy(() -> connecting.meanwhile(render)).isSameAs(badRender);
        }
        assertThat(closed).isTrue();
    }
}
