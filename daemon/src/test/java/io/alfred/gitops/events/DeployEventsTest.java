package io.alfred.gitops.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.PubSubEmulator;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploy events through the durable outbox to the real Pub/Sub emulator. */
class DeployEventsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    PubSubEmulator emulator;
    TestRepo repo;
    TestCluster sandbox;
    KubernetesClient client;
    Outbox outbox;
    EventPublisher publisher;
    SyncStatus status;
    CycleRunner runner;

    @BeforeEach
    void setUp() {
        emulator = PubSubEmulator.startOrSkip();
        emulator.createTopic("events");
        emulator.createSubscription("events", "audit");
        repo = TestRepo.withExample(tmp.resolve("infra"));
        sandbox = TestCluster.start();
        client = sandbox.client();
        outbox = new Outbox(client, "alfred-gitops", 1000, OutboxStatus.detached());
        publisher = new EventPublisher(
                        outbox,
                        emulator.connection(),
                        PubSubEmulator.PROJECT,
                        "events",
                        OutboxStatus.detached(),
                        PubSubHealth.detached())
                .start();
        status = new SyncStatus();
        runner = Wiring.runner(settings("eu-1"), client, status, CycleRunner.Outlets.events(outbox));
    }

    @AfterEach
    void tearDown() {
        runner.close();
        if (publisher != null) {
            publisher.close();
        }
        client.close();
        sandbox.close();
        repo.close();
        emulator.close();
    }

    private Settings settings(String cluster) {
        return TestSettings.builder(
                        ClusterSettings.of(cluster, "dev"),
                        SourceSettings.anonymous(
                                repo.url(), "main", "infra/k8s/overlays/dev", tmp.resolve("work-" + cluster)),
                        new RenderSettings(
                                "auto", Duration.ofMinutes(1), Map.of("cluster_name", cluster, "cluster_env", "dev")))
                .build();
    }

    private static void await(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(90), () -> "");
    }

    private static List<String> types(List<PubsubMessage> messages) {
        return messages.stream()
                .map(m -> m.getAttributesOrDefault("ce-type", "?").replace("io.alfred.gitops.", ""))
                .toList();
    }

    /** What a consumer sees after deduplicating by ce-id (delivery is at least once). */
    private static List<PubsubMessage> deduplicated(List<PubsubMessage> messages) {
        Set<String> seen = new HashSet<>();
        return messages.stream()
                .filter(m -> seen.add(m.getAttributesOrThrow("ce-id")))
                .toList();
    }

    private static JsonNode data(PubsubMessage m) throws Exception {
        return JSON.readTree(m.getData().toByteArray());
    }

    @Test
    void aCycleYieldsStartedPlannedAppliedSucceeded() throws Exception {
        String head = repo.repository().resolve("HEAD").name();
        try (PubSubEmulator.Received received = emulator.receive("audit")) {
            runner.offer(new Trigger(Trigger.Kind.WEBHOOK, head, "delivery-1", "octocat"));
            await(() -> received.messages().size() >= 4);
            Thread.sleep(300);
            List<PubsubMessage> m = received.messages();
            assertThat(types(m)).containsExactly("sync.started", "sync.planned", "sync.applied", "sync.succeeded");
            for (PubsubMessage msg : m) {
                Map<String, String> a = msg.getAttributesMap();
                assertThat(a)
                        .containsEntry("ce-specversion", "1.0")
                        .containsEntry("ce-source", "//alfred-gitops/clusters/eu-1")
                        .containsEntry("ce-subject", head)
                        .containsEntry("cluster", "eu-1")
                        .containsEntry("environment", "dev")
                        .containsEntry("revision", head)
                        .containsKey("ce-id")
                        .containsKey("ce-time")
                        .containsEntry("content-type", "application/json");
                assertThat(msg.getOrderingKey()).isEqualTo("eu-1");
            }
            assertThat(m.get(3).getAttributesMap()).containsEntry("outcome", "succeeded");
            JsonNode started = data(m.get(0));
            assertThat(started.at("/trigger/kind").asText()).isEqualTo("webhook");
            assertThat(started.at("/trigger/id").asText()).isEqualTo("delivery-1");
            assertThat(started.at("/trigger/actor").asText()).isEqualTo("octocat");
            JsonNode applied = data(m.get(2));
            assertThat(applied.path("changes")).hasSize(35);
            assertThat(applied.path("changes").toString())
                    .contains("\"kind\":\"Secret\"")
                    .doesNotContain("cG9zdGdyZXM=")
                    .doesNotContain("eW91ci1zdXBlci1zZWNyZXQ");
            assertThat(data(m.get(3)).path("durationMs").asLong()).isPositive();
            assertThat(data(m.get(3)).path("workloads").toString())
                    .as("each waited workload's final health")
                    .contains("{\"kind\":\"Deployment\",\"namespace\":\"alfred-platform\",\"name\":\"agent-core\","
                            + "\"health\":\"ready\"");
        }
        assertThat(outbox.pending()).as("acknowledged events leave the outbox").isEmpty();
    }

    @Test
    void aFailedRenderYieldsStartedAndFailed() throws Exception {
        String broken = repo.write("infra/k8s/overlays/dev/dev-config.yaml", "kind: [\n")
                .commit("broken");
        try (PubSubEmulator.Received received = emulator.receive("audit")) {
            runner.offer(Trigger.of(Trigger.Kind.SCHEDULE));
            await(() -> received.messages().size() >= 2);
            List<PubsubMessage> m = received.messages();
            assertThat(types(m)).containsExactly("sync.started", "sync.failed");
            assertThat(m.get(1).getAttributesMap())
                    .containsEntry("outcome", "failed")
                    .containsEntry("revision", broken);
            assertThat(data(m.get(1)).path("stage").asText()).isEqualTo("render");
            assertThat(data(m.get(1)).path("object").asText())
                    .as("the broken file and line")
                    .isEqualTo("infra/k8s/overlays/dev/dev-config.yaml:2");
            // the same failure again is not published again
            runner.offer(Trigger.of(Trigger.Kind.SCHEDULE));
            Thread.sleep(1500);
            assertThat(received.messages()).hasSize(2);
        }
    }

    @Test
    void anOutageLosesNothingAndKeepsOrderAndIds() throws Exception {
        String head = repo.repository().resolve("HEAD").name();
        emulator.stop();
        runner.offer(Trigger.of(Trigger.Kind.STARTUP));
        await(() -> head.equals(status.view().lastAppliedRevision())
                && outbox.pending().size() == 4);
        List<String> storedIds =
                outbox.pending().stream().map(e -> e.event().id()).toList();

        // the daemon stops with events pending ...
        publisher.close();
        publisher = null;
        emulator.restart(e -> {
            e.createTopic("events");
            e.createSubscription("events", "audit");
        });
        try (PubSubEmulator.Received received = emulator.receive("audit")) {
            // ... and a new one starts: pending events go first, with the ids they were stored with
            publisher = new EventPublisher(
                            new Outbox(client, "alfred-gitops", 1000, OutboxStatus.detached()),
                            emulator.connection(),
                            PubSubEmulator.PROJECT,
                            "events",
                            OutboxStatus.detached(),
                            PubSubHealth.detached())
                    .start();
            await(() -> deduplicated(received.messages()).size() >= 4);
            Thread.sleep(300);
            List<PubsubMessage> m = deduplicated(received.messages());
            assertThat(types(m)).containsExactly("sync.started", "sync.planned", "sync.applied", "sync.succeeded");
            assertThat(m.stream().map(x -> x.getAttributesOrThrow("ce-id")).toList())
                    .containsExactlyElementsOf(storedIds);
        }
        await(() -> outbox.pending().isEmpty());
    }

    @Test
    void anOutageDuringPublishingIsRetriedWithTheSameIds() throws Exception {
        String head = repo.repository().resolve("HEAD").name();
        runner.offer(Trigger.of(Trigger.Kind.STARTUP));
        await(() -> head.equals(status.view().lastAppliedRevision()));
        await(() -> outbox.pending().isEmpty());

        emulator.stop();
        String next = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:11")
                .commit("ui 11");
        runner.offer(new Trigger(Trigger.Kind.PUBSUB, next, "m-9", null));
        Await.until(
                () -> next.equals(status.view().lastAppliedRevision())
                        && outbox.pending().size() == 4,
                Duration.ofSeconds(90),
                () -> "status " + status.view() + ", outbox "
                        + outbox.pending().stream()
                                .map(e -> e.event().type().type() + " "
                                        + e.event().revision())
                                .toList());
        List<String> storedIds =
                outbox.pending().stream().map(e -> e.event().id()).toList();
        Thread.sleep(1500); // the publisher fails and backs off meanwhile
        emulator.restart(e -> {
            e.createTopic("events");
            e.createSubscription("events", "audit");
        });
        try (PubSubEmulator.Received received = emulator.receive("audit")) {
            // the publisher's next attempt may be a full backoff (60 s) away, after an attempt that was
            // in flight when the emulator died had waited out its 30 s: the wait covers both
            Await.until(
                    () -> deduplicated(received.messages()).size() >= 4,
                    Duration.ofSeconds(150),
                    () -> "outbox " + outbox.pending().size() + " pending");
            Thread.sleep(300);
            List<PubsubMessage> m = deduplicated(received.messages());
            assertThat(types(m)).containsExactly("sync.started", "sync.planned", "sync.applied", "sync.succeeded");
            assertThat(m.stream().map(x -> x.getAttributesOrThrow("ce-id")).toList())
                    .containsExactlyElementsOf(storedIds);
        }
    }

    @Test
    void aSubscriptionFilterOnClusterReceivesOnlyItsCluster() throws Exception {
        emulator.createSubscription("events", "eu-only", "attributes.cluster = \"eu-1\"");
        try (PubSubEmulator.Received euOnly = emulator.receive("eu-only");
                PubSubEmulator.Received all = emulator.receive("audit")) {
            new CycleEvents(outbox, "us-1", "dev", Trigger.of(Trigger.Kind.MANUAL), "a".repeat(40), null)
                    .started(false);
            new CycleEvents(outbox, "eu-1", "dev", Trigger.of(Trigger.Kind.MANUAL), "b".repeat(40), null)
                    .started(false);
            await(() -> all.messages().size() >= 2 && !euOnly.messages().isEmpty());
            Thread.sleep(500);
            assertThat(all.messages())
                    .extracting(m -> m.getAttributesMap().get("cluster"))
                    .containsExactlyInAnyOrder("us-1", "eu-1");
            assertThat(euOnly.messages())
                    .anySatisfy(m -> assertThat(m.getAttributesMap()).containsEntry("cluster", "eu-1"));
            if (euOnly.messages().size() > 1) {
                // the filter was accepted but not applied: the SDK's emulator (0.8.20) does not evaluate filters
                org.junit.jupiter.api.Assumptions.abort("the Pub/Sub emulator accepts but does not apply subscription "
                        + "filters; the plain `cluster` attribute a filter needs is checked above");
            }
            assertThat(euOnly.messages()).hasSize(1);
        }
    }
}
