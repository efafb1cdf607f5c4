package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.events.ClusterEventRecorder;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A cycle's Kubernetes Events stay bounded: a cold apply of many objects is not thousands of requests. */
class CycleAnnouncerTest {
    @Test
    void atMostAHundredObjectEventsPerCycleThenOneNote() {
        try (TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            for (String ns : List.of("shop", "alfred-gitops")) {
                client.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .endMetadata()
                                .build())
                        .create();
            }
            List<Change> created = IntStream.range(0, 150)
                    .mapToObj(i -> Change.of(ObjectRef.of("v1", "ConfigMap", "shop", "cm-" + i), Action.CREATED))
                    .toList();
            CycleResult result = CycleResult.succeeded(
                    Revision.of("0123456789abcdef0123456789abcdef01234567"),
                    new ChangeSet(created),
                    false,
                    Duration.ofSeconds(1),
                    List.of(),
                    Map.of(),
                    OptionalInt.of(150),
                    List.of());
            new CycleAnnouncer(
                            new ClusterEventRecorder(client, WriteGuard.ALWAYS, "test", Clock.systemUTC()),
                            "alfred-gitops")
                    .cycleEnded(result, Trigger.of(Trigger.Kind.STARTUP), "many configmaps");

            List<Event> onObjects =
                    client.events().v1().events().inNamespace("shop").list().getItems();
            assertThat(onObjects).hasSize(CycleAnnouncer.MAX_OBJECT_EVENTS);
            List<Event> onInventory = client.events()
                    .v1()
                    .events()
                    .inNamespace("alfred-gitops")
                    .list()
                    .getItems();
            assertThat(onInventory).extracting(Event::getReason).containsExactlyInAnyOrder("Synced", "ManyChanges");
            assertThat(onInventory)
                    .filteredOn(e -> e.getReason().equals("ManyChanges"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getNote()).startsWith("50 more objects changed at 0123456"));
        }
    }
}
