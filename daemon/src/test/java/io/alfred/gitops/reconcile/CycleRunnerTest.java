package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.Settings;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduling of cycles: a push announced before the git server serves it, an already applied revision. */
class CycleRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void aRevisionAnnouncedBeforeTheServerHasItIsFetchedAgainUntilItIs() throws Exception {
        try (TestRepo served = TestRepo.withExample(tmp.resolve("served"));
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            Settings settings = TestSettings.overlay(served.url(), "dev", tmp.resolve("work"));
            SyncStatus status = new SyncStatus();
            try (CycleRunner runner = Wiring.runner(settings, client, status, CycleRunner.Outlets.none());
                    TestRepo ahead = served.cloneTo(tmp.resolve("ahead"))) {
                String first = served.repository().resolve("HEAD").name();
                runner.offer(Trigger.of(Trigger.Kind.STARTUP));
                Await.until(
                        () -> first.equals(status.view().lastAppliedRevision()), Duration.ofSeconds(60), status::view);

                // the push notification arrives before the replica we fetch from has the commit
                String pushed = ahead.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:13")
                        .commit("ui 13");
                runner.offer(new Trigger(Trigger.Kind.PUBSUB, pushed, "m-lag", null));
                Thread.sleep(1500);
                assertThat(status.view().lastAppliedRevision()).isEqualTo(first);
                served.fetchMainFrom(ahead);

                Await.until(
                        () -> pushed.equals(status.view().lastAppliedRevision()), Duration.ofSeconds(30), status::view);
                assertThat(runner.cycles())
                        .as("one cycle waited for the revision; no poll was needed")
                        .isEqualTo(2);

                // announcing it again is a no-op
                runner.offer(new Trigger(Trigger.Kind.PUBSUB, pushed, "m-again", null));
                Thread.sleep(500);
                assertThat(runner.cycles()).isEqualTo(2);
            }
        }
    }

    /**
     * A revision that does not render is tried once: the schedule does not render it again, a manual reconcile does.
     */
    @Test
    void aRevisionThatFailedToRenderIsNotRetriedEveryInterval() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("infra"));
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            Settings settings = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
            SyncStatus status = new SyncStatus();
            try (CycleRunner runner = Wiring.runner(settings, client, status, CycleRunner.Outlets.none())) {
                String broken = repo.write("infra/k8s/overlays/dev/dev-config.yaml", "kind: [\n")
                        .commit("broken");
                runner.offer(Trigger.of(Trigger.Kind.STARTUP));
                Await.until(() -> "failed".equals(status.view().lastResult()), Duration.ofSeconds(60), status::view);
                assertThat(status.view().failedRevision()).isEqualTo(broken);
                var firstAttempt = status.view().lastCycleAt();

                runner.offer(Trigger.of(Trigger.Kind.SCHEDULE));
                Await.until(() -> runner.cycles() == 2, Duration.ofSeconds(30), status::view);
                Thread.sleep(300);
                assertThat(status.view().lastCycleAt())
                        .as("polled, saw the failed revision, rendered nothing")
                        .isEqualTo(firstAttempt);

                runner.offer(Trigger.of(Trigger.Kind.MANUAL));
                Await.until(
                        () -> !firstAttempt.equals(status.view().lastCycleAt()), Duration.ofSeconds(30), status::view);
                assertThat(status.view().lastError().stage())
                        .as("a manual reconcile tries it again")
                        .isEqualTo("render");

                String fixed = repo.write(
                                "infra/k8s/overlays/dev/dev-config.yaml",
                                "apiVersion: v1\nkind: ConfigMap\n"
                                        + "metadata: {name: fixed, namespace: alfred-platform}\n")
                        .commit("fixed");
                runner.offer(Trigger.of(Trigger.Kind.SCHEDULE));
                Await.until(
                        () -> fixed.equals(status.view().lastAppliedRevision()), Duration.ofSeconds(60), status::view);
            }
        }
    }

    /**
     * A connection closed under a call fabric8 does not wrap fails the cycle like any API failure; a bug does not
     * hide.
     */
    @Test
    void aLostConnectionIsAnApiFailureAndABugIsNot() {
        class HttpClosedException extends RuntimeException {
            HttpClosedException() {
                super("Connection was closed");
            }
        }
        assertThat(Reconciler.connectionLost(new HttpClosedException())).isTrue();
        assertThat(Reconciler.connectionLost(
                        new IllegalStateException(new UncheckedIOException(new IOException("reset")))))
                .isTrue();
        assertThat(Reconciler.connectionLost(new IllegalStateException("a bug")))
                .isFalse();
        assertThat(Reconciler.connectionLost(new NullPointerException())).isFalse();
    }
}
