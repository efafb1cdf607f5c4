package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.cluster.KnownUids;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.events.ClusterEventRecorder;
import io.alfred.gitops.render.KustomizeOutputs;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cycle's Kubernetes Events stay bounded: a cold apply of many objects is not thousands of requests. */
class CycleAnnouncerTest {
    @Test
    void atMostAHundredObjectEventsPerCycleThenOneNote() {
        try (TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            TestCluster.createNamespaces(client, "shop", "alfred-gitops");
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
                            new ClusterEventRecorder(
                                    client, WriteGuard.ALWAYS, "test", Clock.systemUTC(), new KnownUids()),
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

    /**
     * An object's Event names its uid, the one the apply answered: the recorder does not read the
     * object back (a uid the applier knows is the one the Event carries, even one the server never gave).
     */
    @Test
    void eventsNameTheUidTheApplyAnswered(@TempDir Path tree) throws Exception {
        Files.writeString(
                tree.resolve("objects.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\n---\n"
                        + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: shop}\n");
        try (TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client();
                Reconciler reconciler = Wiring.reconciler(
                        client, ApplySettings.defaults(), SafetySettings.defaults(), WriteGuard.ALWAYS)) {
            TestCluster.createNamespaces(
                    client, "shop", ApplySettings.defaults().namespace());
            RenderResult render = new Renderer(
                            new RenderSettings("auto", Duration.ofMinutes(1), Map.of()), KustomizeOutputs.NONE)
                    .render(tree, ".", Revision.of("0123456789abcdef0123456789abcdef01234567"));
            CycleResult result = reconciler.reconcile(render);
            assertThat(result.outcome()).as(String.valueOf(result.error())).isEqualTo(CycleResult.Outcome.SUCCEEDED);

            ObjectRef a = ObjectRef.of("v1", "ConfigMap", "shop", "a");
            String liveA = client.configMaps()
                    .inNamespace("shop")
                    .withName("a")
                    .get()
                    .getMetadata()
                    .getUid();
            assertThat(reconciler.knownUids().of(a)).contains(liveA);

            new CycleAnnouncer(
                            new ClusterEventRecorder(
                                    client, WriteGuard.ALWAYS, "test", Clock.systemUTC(), reconciler.knownUids()),
                            ApplySettings.defaults().namespace())
                    .cycleEnded(result, Trigger.of(Trigger.Kind.MANUAL), "two configmaps");
            assertThat(client.events().v1().events().inNamespace("shop").list().getItems())
                    .filteredOn(e -> e.getRegarding().getName().equals("a"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getRegarding().getUid()).isEqualTo(liveA));

            KnownUids told = new KnownUids();
            told.applied(a, "uid-from-the-apply");
            new ClusterEventRecorder(client, WriteGuard.ALWAYS, "test", Clock.systemUTC(), told)
                    .record(a, ClusterEventRecorder.Type.Normal, "Configured", "Apply", "once more");
            assertThat(client.events().v1().events().inNamespace("shop").list().getItems())
                    .filteredOn(e -> e.getReason().equals("Configured"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getRegarding().getUid()).isEqualTo("uid-from-the-apply"));
        }
    }
}
