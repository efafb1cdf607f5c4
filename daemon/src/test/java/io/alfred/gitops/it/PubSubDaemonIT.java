package io.alfred.gitops.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.DaemonProcess;
import io.alfred.gitops.testing.PubSubEmulator;
import io.alfred.gitops.testing.SharedPubSubEmulator;
import io.alfred.gitops.testing.TestRepo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon with Pub/Sub wired (the real emulator), logging JSON: every line it writes
 * parses as JSON; SIGTERM ends it quietly within the grace period; a missing topic and subscription
 * are reported once each, with the command that creates them, in readiness, {@code /status} and the
 * metrics, and the daemon recovers by itself once they exist.
 */
class PubSubDaemonIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** k8s/'s terminationGracePeriodSeconds. */
    static final Duration GRACE = Duration.ofSeconds(45);

    @RegisterExtension
    static final SharedPubSubEmulator EMULATOR = new SharedPubSubEmulator();

    PubSubEmulator emulator;

    @TempDir
    Path tmp;

    @BeforeEach
    void emulator() {
        emulator = EMULATOR.get();
    }

    private DaemonProcess start(TestRepo repo, String topic, String subscription) throws Exception {
        return start(repo, topic, subscription, null);
    }

    /** @param fleet the fleet page's subscription on the events topic, or null */
    private DaemonProcess start(TestRepo repo, String topic, String subscription, String fleet) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "GITOPS_LOG_JSON",
                "true",
                "PUBSUB_EMULATOR_HOST",
                emulator.hostAndPort(),
                "GITOPS_PUBSUB_PROJECT",
                PubSubEmulator.PROJECT,
                "GITOPS_EVENTS_TOPIC",
                topic,
                "GITOPS_TRIGGER_SUBSCRIPTION",
                subscription,
                "GITOPS_SOURCE_WORKDIR",
                tmp.resolve("work").toString()));
        if (fleet != null) {
            env.put("GITOPS_FLEET_SUBSCRIPTION", fleet);
        }
        return DaemonProcess.start(
                List.of(),
                List.of("run", "--sandbox", "--repo", repo.dir().toString(), "--cluster", "it", "--env", "dev"),
                env,
                tmp.resolve("daemon-" + topic + ".log"));
    }

    /** Every line the daemon wrote, parsed: a line that is not JSON fails the test. */
    private static List<JsonNode> jsonLines(String log) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (!line.isEmpty()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (Exception e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
        }
        return lines;
    }

    private static long stopAndTime(DaemonProcess daemon) throws Exception {
        long start = System.nanoTime();
        daemon.close(); // SIGTERM, waits
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    @Test
    void healthyPubSubEveryLineIsJsonAndSigtermIsQuiet() throws Exception {
        emulator.createTopic("events");
        emulator.createTopic("pushes");
        emulator.createSubscription("pushes", "trigger");
        emulator.createSubscription("events", "fleet");
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            DaemonProcess daemon = start(repo, "events", "trigger", "fleet");
            Await.until(
                    () -> daemon.body("/status").contains("\"lastResult\":\"succeeded\"")
                            && daemon.body("/status").contains("\"state\":\"ok\""),
                    Duration.ofSeconds(90),
                    daemon::log);
            // the fleet page hears the daemon's own events back through gitops.fleet.subscription
            Await.until(
                    () -> daemon.body("/fleet").contains("data-cluster=\"it\"")
                            && daemon.body("/fleet").contains("class=\"outcome o-succeeded\""),
                    Duration.ofSeconds(60),
                    () -> daemon.body("/fleet"));
            assertThat(daemon.body("/fleet"))
                    .contains("it (this one)")
                    .contains("in sync")
                    .doesNotContain("id=\"note\"");
            Await.until(() -> daemon.metricSum("gitops_events_outbox_depth") == 0, Duration.ofSeconds(30), daemon::log);
            long stopMs = stopAndTime(daemon);
            assertThat(stopMs).as("stopped within the grace period").isLessThan(GRACE.toMillis());
            List<JsonNode> lines = jsonLines(daemon.log());
            assertThat(lines).anyMatch(l -> l.path("message").asText().contains("stopped in"));
            assertThat(lines).as("no SEVERE or ERROR line, no stack trace").allSatisfy(l -> {
                assertThat(l.path("level").asText()).isNotIn("SEVERE", "ERROR", "FATAL");
                assertThat(l.has("exception")).as(l.toString()).isFalse();
            });
            assertThat(lines)
                    .filteredOn(l -> l.path("message").asText().contains("applied (trigger startup): 35 created"))
                    .singleElement()
                    .satisfies(l -> {
                        assertThat(l.at("/mdc/cycle").asText()).isEqualTo("1");
                        assertThat(l.at("/mdc/revision").asText()).hasSize(40);
                    });
        }
    }

    @Test
    void aMissingTopicAndSubscriptionAreReportedOnceAndRecoveredFrom() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            DaemonProcess daemon = start(repo, "absent-events", "absent-trigger");
            try {
                Await.until(
                        () -> daemon.body("/status").contains("\"state\":\"not_found\",")
                                && daemon.body("/status")
                                        .replaceFirst("not_found", "")
                                        .contains("not_found"),
                        Duration.ofSeconds(90),
                        () -> daemon.body("/status"));
                assertThat(daemon.code("/q/health/ready")).isEqualTo(503);
                assertThat(daemon.body("/q/health/ready"))
                        .contains("\"pubsub\"")
                        .contains("projects/alfred-test/topics/absent-events: not_found");
                assertThat(daemon.metricSum("gitops_pubsub_state{resource=\"events-topic\",state=\"not_found\""))
                        .isEqualTo(1);
                assertThat(daemon.metricSum(
                                "gitops_pubsub_state{resource=\"trigger-subscription\",state=\"not_found\""))
                        .isEqualTo(1);
                Thread.sleep(8_000); // several attempts of each
                List<JsonNode> lines = jsonLines(daemon.log());
                assertThat(lines)
                        .filteredOn(l -> l.path("level").asText().equals("ERROR"))
                        .extracting(l -> l.path("message").asText())
                        .as("one ERROR line per resource, not one per attempt")
                        .satisfiesExactlyInAnyOrder(
                                m -> assertThat(m)
                                        .contains("events topic (gitops.events.topic) projects/alfred-test/topics/"
                                                + "absent-events does not exist")
                                        .contains("gcloud pubsub topics create absent-events"),
                                m -> assertThat(m)
                                        .contains("trigger subscription (gitops.trigger.subscription)"
                                                + " projects/alfred-test/subscriptions/absent-trigger does not exist")
                                        .contains("gcloud pubsub subscriptions create absent-trigger"));

                emulator.createTopic("absent-events");
                emulator.createTopic("pushes-2");
                emulator.createSubscription("pushes-2", "absent-trigger");
                Await.until(
                        () -> !daemon.body("/status").contains("not_found") && daemon.code("/q/health/ready") == 200,
                        Duration.ofSeconds(120),
                        () -> daemon.body("/status"));
                Await.until(
                        () -> daemon.metricSum("gitops_events_outbox_depth") == 0, Duration.ofSeconds(60), daemon::log);
            } finally {
                stopAndTime(daemon);
            }
            assertThat(jsonLines(daemon.log()))
                    .anyMatch(l -> l.path("message").asText().contains("usable again"));
        }
    }

    private DaemonProcess events(String subscription, String log) throws Exception {
        return DaemonProcess.start(
                List.of(),
                List.of("events", "--subscription", subscription, "--project", PubSubEmulator.PROJECT),
                Map.of("PUBSUB_EMULATOR_HOST", emulator.hostAndPort()),
                tmp.resolve(log));
    }

    /**
     * The audit consumer: a missing subscription is one line with the command that creates it; unordered is a
     * warning.
     */
    @Test
    void theEventsCommandNamesAMissingOrUnorderedSubscription() throws Exception {
        DaemonProcess missing = events("no-such-subscription", "events-missing.log");
        assertThat(missing.exitCode(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(missing.log().strip())
                .isEqualTo("alfred-gitops: events: projects/alfred-test/subscriptions/"
                        + "no-such-subscription does not exist; create it on the events topic: gcloud "
                        + "pubsub subscriptions create"
                        + " no-such-subscription --topic TOPIC --enable-message-ordering --project alfred-test");

        emulator.createTopic("audit");
        emulator.createSubscription("audit", "unordered", "", false);
        emulator.createSubscription("audit", "ordered");
        for (String subscription : List.of("unordered", "ordered")) {
            DaemonProcess reader = events(subscription, "events-" + subscription + ".log");
            Await.until(() -> reader.log().contains("(Ctrl-C to stop)"), Duration.ofSeconds(60), reader::log);
            assertThat(reader.terminate())
                    .as("ended by the signal, as a shell reports it (128 + SIGTERM)")
                    .isEqualTo(143);
            String warning = "alfred-gitops: warning: projects/alfred-test/subscriptions/" + subscription
                    + " has message ordering off";
            if (subscription.equals("unordered")) {
                assertThat(reader.log()).contains(warning);
            } else {
                assertThat(reader.log()).doesNotContain("warning");
            }
            assertThat(reader.log()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
