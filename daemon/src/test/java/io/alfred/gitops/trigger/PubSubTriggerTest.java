package io.alfred.gitops.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.Settings;
import io.alfred.gitops.preview.PreviewSink;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.pubsub.PubSubResource;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.PubSubEmulator;
import io.alfred.gitops.testing.SharedPubSubEmulator;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pushes announced through the real Pub/Sub emulator reach the sandbox cluster. */
class PubSubTriggerTest {
    @RegisterExtension
    static final SharedPubSubEmulator EMULATOR = new SharedPubSubEmulator();

    PubSubEmulator emulator;
    static int counter;

    @TempDir
    Path tmp;

    TestRepo repo;
    TestCluster sandbox;
    KubernetesClient client;
    SyncStatus status;
    CycleRunner runner;
    PubSubTrigger trigger;
    TriggerMetrics metrics;
    String topic;

    @BeforeEach
    void setUp() {
        emulator = EMULATOR.get();
        counter++;
        topic = "pushes-" + counter;
        emulator.createTopic(topic);
        emulator.createSubscription(topic, "alfred-" + counter);
        repo = TestRepo.withExample(tmp.resolve("infra"));
        sandbox = TestCluster.start();
        client = sandbox.client();
        Settings settings = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
        status = new SyncStatus();
        runner = Wiring.runner(settings, client, status, CycleRunner.Outlets.none());
        metrics = new TriggerMetrics(new SimpleMeterRegistry());
        trigger = PubSubTrigger.of(
                        emulator.connection(),
                        PubSubResource.triggerSubscription(PubSubEmulator.PROJECT, "alfred-" + counter),
                        PubSubTrigger.notices(new NoticeHandler(
                                new RepoMatcher(repo.url(), "main"),
                                runner,
                                PreviewSink.NONE,
                                metrics,
                                new DeliveryLog())),
                        PubSubHealth.detached())
                .start();
        String first = head();
        runner.offer(Trigger.of(Trigger.Kind.STARTUP));
        await(() -> first.equals(status.view().lastAppliedRevision()));
    }

    @AfterEach
    void tearDown() {
        trigger.close();
        runner.close();
        client.close();
        sandbox.close();
        repo.close();
    }

    private String head() {
        try {
            return repo.repository().resolve("HEAD").name();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String githubPush(String sha, String url, String ref) {
        return """
                {"ref":"%s","after":"%s","repository":{"clone_url":"%s"},"pusher":{"name":"octocat"}}
                """.formatted(ref, sha, url);
    }

    private static void await(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(60), () -> "");
    }

    private String image(String deployment) {
        return client.apps()
                .deployments()
                .inNamespace("alfred-platform")
                .withName(deployment)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
    }

    @Test
    void anAnnouncedPushIsApplied() {
        String sha = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:4.0")
                .commit("ui 4.0");
        emulator.publish(topic, githubPush(sha, repo.url(), "refs/heads/main"), Map.of());
        await(() -> sha.equals(status.view().lastAppliedRevision()));
        assertThat(image("ui-chat")).isEqualTo("alfred-platform/ui-chat:4.0");
        assertThat(metrics.value("pubsub", "accepted")).isEqualTo(1);
    }

    /**
     * The emulator killed and started again (its state is lost, as a real outage can lose a
     * subscription until it is recreated): the trigger subscribes again by itself and the next
     * announced push is applied, with no restart of the daemon.
     */
    @Test
    void theSubscriptionResumesAfterPubSubIsKilledAndRestarted() {
        String before = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:5.0")
                .commit("ui 5.0");
        emulator.publish(topic, githubPush(before, repo.url(), "refs/heads/main"), Map.of());
        await(() -> before.equals(status.view().lastAppliedRevision()));

        emulator.restart(e -> {
            e.createTopic(topic);
            e.createSubscription(topic, "alfred-" + counter);
        });
        String after = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:5.0", "ui-chat:6.0")
                .commit("ui 6.0");
        // nothing polls in this test: only a delivered message can apply it; published until one is
        // delivered, as the subscriber may still be backing off
        Await.until(
                () -> {
                    if (after.equals(status.view().lastAppliedRevision())) {
                        return true;
                    }
                    emulator.publish(topic, githubPush(after, repo.url(), "refs/heads/main"), Map.of());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return after.equals(status.view().lastAppliedRevision());
                },
                Duration.ofSeconds(90),
                status::view);
        assertThat(image("ui-chat")).isEqualTo("alfred-platform/ui-chat:6.0");
    }

    @Test
    void aBurstOfMessagesCollapsesIntoAFewCyclesEndingOnTheNewest() {
        long before = runner.cycles();
        List<String> commits = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            commits.add(repo.edit(
                            "infra/k8s/base/ui/ui-admin.yaml",
                            i == 1 ? "ui-admin:latest" : "ui-admin:" + (i - 1),
                            "ui-admin:" + i)
                    .commit("admin " + i));
        }
        for (int round = 0; round < 5; round++) {
            for (String sha : commits) {
                emulator.publish(topic, githubPush(sha, repo.url(), "refs/heads/main"), Map.of());
            }
        }
        String newest = commits.get(commits.size() - 1);
        await(() -> newest.equals(status.view().lastAppliedRevision()) && metrics.value("pubsub", "accepted") == 50);
        long cycles = runner.cycles() - before;
        assertThat(cycles).as("50 messages, a handful of cycles").isBetween(1L, 12L);
        assertThat(image("ui-admin")).isEqualTo("alfred-platform/ui-admin:10");
    }

    @Test
    void anotherRepositoryOrBranchIsIgnoredAndAMalformedMessageCounted() {
        String sha = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:5.0")
                .commit("ui 5.0");
        long before = runner.cycles();
        emulator.publish(topic, githubPush(sha, "https://github.com/someone/else.git", "refs/heads/main"), Map.of());
        emulator.publish(topic, githubPush(sha, repo.url(), "refs/heads/feature"), Map.of());
        emulator.publish(topic, "{this is not json", Map.of());
        await(() -> metrics.value("pubsub", "ignored") == 2 && metrics.value("pubsub", "malformed") == 1);
        assertThat(runner.cycles()).isEqualTo(before);
        assertThat(image("ui-chat")).isEqualTo("alfred-platform/ui-chat:latest");
    }

    @Test
    void theGenericFormInAttributesWorks() {
        String sha = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:6.0")
                .commit("ui 6.0");
        emulator.publish(topic, "", Map.of("ref", "refs/heads/main", "revision", sha));
        await(() -> sha.equals(status.view().lastAppliedRevision()));
    }
}
