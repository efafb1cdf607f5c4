package io.alfred.gitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.Settings;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
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
                SandboxApiServer sandbox = SandboxApiServer.start();
                KubernetesClient client = sandbox.client()) {
            Settings settings = TestSettings.overlay(served.url(), "dev", tmp.resolve("work"));
            SyncStatus status = new SyncStatus();
            try (CycleRunner runner = new CycleRunner(settings, client, status);
                    TestRepo ahead = served.cloneTo(tmp.resolve("ahead"))) {
                String first = served.repository().resolve("HEAD").name();
                runner.offer(Trigger.of(Trigger.Kind.STARTUP));
                Await.until(() -> first.equals(status.view().lastAppliedRevision()), Duration.ofSeconds(60), status::view);

                // the push notification arrives before the replica we fetch from has the commit
                String pushed = ahead.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:13").commit("ui 13");
                runner.offer(new Trigger(Trigger.Kind.PUBSUB, pushed, "m-lag", null));
                Thread.sleep(1500);
                assertThat(status.view().lastAppliedRevision()).isEqualTo(first);
                served.fetchMainFrom(ahead);

                Await.until(() -> pushed.equals(status.view().lastAppliedRevision()), Duration.ofSeconds(30), status::view);
                assertThat(runner.cycles()).as("one cycle waited for the revision; no poll was needed").isEqualTo(2);

                // announcing it again is a no-op
                runner.offer(new Trigger(Trigger.Kind.PUBSUB, pushed, "m-again", null));
                Thread.sleep(500);
                assertThat(runner.cycles()).isEqualTo(2);
            }
        }
    }
}
