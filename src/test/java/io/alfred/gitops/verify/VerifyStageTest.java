package io.alfred.gitops.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.VerifyMode;
import io.alfred.gitops.config.VerifySettings;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.sandbox.SandboxApiServer;
import io.alfred.gitops.testing.Signing;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verify stage in the daemon's cycle: an unsigned revision is blocked before it is rendered and
 * nothing of it reaches the cluster; a signed one is applied and its signer shown; a force-push back
 * to an unsigned commit is blocked and the verified revision stays applied.
 */
class VerifyStageTest {
    @TempDir
    Path tmp;

    @Test
    void onlyVerifiedRevisionsAreApplied() throws Exception {
        Signing.OpenPgpKey alice = Signing.openPgpKey("Alice <alice@example.com>", new Date(), 0);
        Path keys = tmp.resolve("keys.asc");
        Files.writeString(keys, alice.armoredPublicKey());
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"));
                SandboxApiServer sandbox = SandboxApiServer.start();
                KubernetesClient client = sandbox.client()) {
            Settings plain = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
            Settings settings = new Settings(plain.cluster(), plain.source(), plain.render(), plain.apply(), plain.safety(),
                    plain.drift(), new VerifySettings(VerifyMode.HEAD, Optional.of(keys), Optional.empty(), Optional.empty()));
            String unsigned = repo.repository().resolve("refs/heads/main").name();
            SyncStatus status = new SyncStatus();
            try (CycleRunner runner = new CycleRunner(settings, client, status)) {
                CycleResult blocked = runner.runOnce(Trigger.of(Trigger.Kind.STARTUP));
                assertThat(blocked.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
                assertThat(blocked.refusal().gate()).isEqualTo("verify");
                assertThat(blocked.refusal().getMessage()).contains("commit " + unsigned.substring(0, 7))
                        .contains("it is not signed").contains("the last verified revision stays applied");
                assertThat(client.namespaces().withName("alfred-platform").get()).as("nothing applied").isNull();

                String signed = Signing.commitOpenPgp(repo.repository(), "signed by alice", alice, false);
                CycleResult applied = runner.runOnce(Trigger.of(Trigger.Kind.MANUAL));
                assertThat(applied.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
                assertThat(status.view().lastAppliedRevision()).isEqualTo(signed);
                assertThat(status.view().verified().signer().identity()).isEqualTo("Alice <alice@example.com>");

                // a force-push back to the unsigned commit
                repo.resetHard(unsigned);
                CycleResult again = runner.runOnce(Trigger.of(Trigger.Kind.MANUAL));
                assertThat(again.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
                assertThat(status.view().lastAppliedRevision()).isEqualTo(signed);
            }
        }
    }
}
