package io.alfred.gitops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.ClusterSuite;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a watch sends for one write of a workload whose rollout is done, on whichever server the
 * suite runs (the sandbox, or the real control plane with its controllers): one event. The sandbox
 * used to follow every write of a Deployment with a status write of its own, even when nothing in
 * the status changed, so one hand edit was counted twice by the drift watch.
 */
class WatchEventsTest extends ClusterSuite {

    @Test
    void oneLabelEditOfARolledOutDeploymentIsOneWatchEvent() throws Exception {
        Deployment d = new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .addToMatchLabels("app", "web")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("nginx:1.26")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        client.resource(d).fieldManager("test").serverSideApply();
        Await.until(
                () -> rolledOut(client.apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("web")
                        .get()),
                Duration.ofSeconds(60),
                () -> String.valueOf(client.apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("web")
                        .get()
                        .getStatus()));
        Thread.sleep(1500); // the controllers' last writes of the rollout

        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = client.apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .watch(
                        client.apps()
                                .deployments()
                                .inNamespace(ns)
                                .withName("web")
                                .get()
                                .getMetadata()
                                .getResourceVersion(),
                        new Watcher<>() {
                            @Override
                            public void eventReceived(Action action, Deployment resource) {
                                events.add(action + " " + resource.getMetadata().getLabels());
                            }

                            @Override
                            public void onClose(WatcherException cause) {}
                        })) {
            client.apps()
                    .deployments()
                    .inNamespace(ns)
                    .withName("web")
                    .edit(x -> new DeploymentBuilder(x)
                            .editMetadata()
                            .addToLabels("edited-by", "hand")
                            .endMetadata()
                            .build());
            Thread.sleep(2000);
        }
        // a WebSocket watch on the sandbox goes to fabric8's mock server, which also replays the object as ADDED
        // however recent the resourceVersion asked for (a difference the README lists); the edits are what count
        assertThat(events).filteredOn(e -> !e.startsWith("ADDED")).containsExactly("MODIFIED {edited-by=hand}");
    }

    private static boolean rolledOut(Deployment d) {
        return d != null
                && d.getStatus() != null
                && Objects.equals(
                        d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration())
                && Objects.equals(d.getStatus().getReadyReplicas(), 2)
                && Objects.equals(d.getStatus().getUpdatedReplicas(), 2);
    }
}
