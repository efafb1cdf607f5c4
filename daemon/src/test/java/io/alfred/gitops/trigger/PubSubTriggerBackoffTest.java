package io.alfred.gitops.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.preview.PreviewSink;
import io.alfred.gitops.pubsub.Backoff;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.pubsub.PubSubResource;
import io.alfred.gitops.pubsub.PubSubState;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.LogCapture;
import io.alfred.gitops.testing.PubSubEmulator;
import io.alfred.gitops.testing.SharedPubSubEmulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trigger subscription that does not exist, on the real emulator: attempts back off
 * exponentially, the state is reported once (not once per attempt) with the command that fixes it,
 * and the trigger recovers by itself once the subscription is created.
 */
class PubSubTriggerBackoffTest {
    @RegisterExtension
    static final SharedPubSubEmulator EMULATOR = new SharedPubSubEmulator();

    PubSubEmulator emulator;

    @BeforeEach
    void emulator() {
        emulator = EMULATOR.get();
    }

    private static NoticeHandler ignoringHandler() {
        return new NoticeHandler(
                new RepoMatcher("https://example.com/infra.git", "main"),
                trigger -> true,
                PreviewSink.NONE,
                new TriggerMetrics(new SimpleMeterRegistry()),
                new DeliveryLog());
    }

    @Test
    void aMissingSubscriptionIsRetriedWithGrowingBackoffAndReportedOnce() throws Exception {
        PubSubHealth health = PubSubHealth.detached();
        PubSubResource resource = PubSubResource.triggerSubscription(PubSubEmulator.PROJECT, "missing");
        // the daemon's backoff (1 s doubling to 1 min), scaled down 10x so that the test takes seconds
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(6));
        try (LogCapture log = LogCapture.install();
                PubSubTrigger trigger = new PubSubTrigger(
                                emulator.connection(),
                                PubSubResource.triggerSubscription(PubSubEmulator.PROJECT, "missing"),
                                PubSubTrigger.notices(ignoringHandler()),
                                health,
                                backoff,
                                Duration.ofSeconds(1))
                        .start()) {
            Thread.sleep(4_000);
            int attempts = trigger.attempts();
            // 0, 0.1, 0.3, 0.7, 1.5, 3.1 s: six attempts in four seconds (plus the emulator's answer time each);
            // without growing backoff it would be one every 0.1 s plus that answer time, over twenty
            assertThat(attempts).as("attempts in 4 s").isBetween(4, 7);
            assertThat(health.state(resource)).isEqualTo(PubSubState.NOT_FOUND);
            assertThat(health.ready()).isFalse();
            List<String> reports = log.lines().stream()
                    .filter(l -> l.contains("projects/alfred-test/subscriptions/missing")
                            && l.startsWith(PubSubHealth.class.getName()))
                    .toList();
            assertThat(reports)
                    .as("one line for the state change, not one per attempt")
                    .singleElement()
                    .asString()
                    .contains("trigger subscription (gitops.trigger.subscription)")
                    .contains("does not exist")
                    .contains("gcloud pubsub subscriptions create missing");

            emulator.createTopic("pushes-for-missing");
            emulator.createSubscription("pushes-for-missing", "missing");
            Await.until(() -> health.state(resource) == PubSubState.OK, Duration.ofSeconds(30), log::all);
            assertThat(health.ready()).isTrue();
            assertThat(log.lines()).anyMatch(l -> l.contains("is usable again"));
        }
    }
}
