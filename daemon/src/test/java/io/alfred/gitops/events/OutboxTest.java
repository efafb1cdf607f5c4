package io.alfred.gitops.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The outbox's bound: planned events are compacted first, the others are never dropped and make the cycle wait. */
class OutboxTest {

    @Test
    void whenFullPlannedEventsGoFirstAndOthersWait() throws Exception {
        try (TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            OutboxStatus status = OutboxStatus.detached();
            Outbox outbox = new Outbox(client, "alfred-gitops", 3, status);
            CycleEvents cycle =
                    new CycleEvents(outbox, "eu-1", "dev", Trigger.of(Trigger.Kind.MANUAL), "a".repeat(40), null);
            cycle.started(false);
            cycle.planned(ChangeSet.empty());
            cycle.applied(ChangeSet.empty(), false);
            assertThat(outbox.pending())
                    .extracting(e -> e.event().type())
                    .containsExactly(EventType.STARTED, EventType.PLANNED, EventType.APPLIED);

            // full: the planned event is compacted to make room for succeeded
            cycle.succeeded(ChangeSet.empty(), Duration.ofMillis(5), List.of(), List.of());
            assertThat(outbox.pending())
                    .extracting(e -> e.event().type())
                    .containsExactly(EventType.STARTED, EventType.APPLIED, EventType.SUCCEEDED);

            // full of events that may not be dropped: the next one waits, readiness says why
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(
                    () -> new CycleEvents(outbox, "eu-1", "dev", Trigger.of(Trigger.Kind.MANUAL), "b".repeat(40), null)
                            .started(false));
            Await.until(status::isFull, Duration.ofSeconds(10), () -> "the outbox never reported full");
            assertThat(waiting).isNotDone();
            OutboxReadiness readiness = new OutboxReadiness();
            readiness.status = status;
            assertThat(readiness.call().getStatus().name()).isEqualTo("DOWN");

            outbox.remove(outbox.pending().get(0).key()); // Pub/Sub acknowledged the oldest
            waiting.get(10, TimeUnit.SECONDS);
            assertThat(status.isFull()).isFalse();
            assertThat(outbox.pending())
                    .extracting(e -> e.event().type())
                    .containsExactly(EventType.APPLIED, EventType.SUCCEEDED, EventType.STARTED);
        }
    }
}
