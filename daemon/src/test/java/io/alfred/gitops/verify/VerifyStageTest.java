package io.alfred.gitops.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.PdbMode;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.VerifyMode;
import io.alfred.gitops.config.VerifySettings;
import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.reconcile.CycleResult;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.safety.Gate;
import io.alfred.gitops.state.HistoryStore;
import io.alfred.gitops.testing.Signing;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            Settings plain = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
            Settings settings = TestSettings.from(plain)
                    .verify(new VerifySettings(VerifyMode.HEAD, Optional.of(keys), Optional.empty(), Optional.empty()))
                    .build();
            String unsigned = repo.repository().resolve("refs/heads/main").name();
            SyncStatus status = new SyncStatus();
            List<DeployEvent> events = new CopyOnWriteArrayList<>();
            try (CycleRunner runner =
                    Wiring.runner(settings, client, status, CycleRunner.Outlets.events(events::add))) {
                CycleResult blocked = runner.runOnce(Trigger.of(Trigger.Kind.STARTUP));
                assertThat(blocked.outcome()).isEqualTo(CycleResult.Outcome.BLOCKED);
                assertThat(blocked.refusal().gate()).isEqualTo(Gate.VERIFY);
                assertThat(blocked.refusal().getMessage())
                        .contains("commit " + Revision.abbreviate(unsigned))
                        .contains("it is not signed")
                        .contains("the last verified revision stays applied");
                assertThat(client.namespaces().withName("alfred-platform").get())
                        .as("nothing applied")
                        .isNull();
                assertThat(runner.runOnce(Trigger.of(Trigger.Kind.SCHEDULE)).outcome())
                        .isEqualTo(CycleResult.Outcome.BLOCKED);
                assertThat(types(events))
                        .as("one event per revision, not per interval")
                        .containsExactly("sync.started", "sync.blocked");
                assertThat(events.get(1).data().path("gate").asText()).isEqualTo("verify");
                events.clear();

                String signed = Signing.commitOpenPgp(repo.repository(), "signed by alice", alice, false);
                CycleResult applied = runner.runOnce(Trigger.of(Trigger.Kind.MANUAL));
                assertThat(applied.outcome()).isEqualTo(CycleResult.Outcome.SUCCEEDED);
                assertThat(status.view().lastAppliedRevision()).isEqualTo(signed);
                assertThat(status.view().verified().signer().identity()).isEqualTo("Alice <alice@example.com>");
                assertThat(events)
                        .as("every event of the cycle names the signer")
                        .isNotEmpty()
                        .allSatisfy(e -> assertThat(
                                        e.data().path("signer").path("identity").asText())
                                .isEqualTo("Alice <alice@example.com>"));
                assertThat(new HistoryStore(client, settings.apply().namespace(), "alfred-gitops", WriteGuard.ALWAYS)
                                .load())
                        .filteredOn(r -> r.revision().equals(signed))
                        .isNotEmpty()
                        .allSatisfy(r ->
                                assertThat(r.signer()).startsWith("openpgp ").endsWith("(Alice <alice@example.com>)"));

                // a force-push back to the unsigned commit: held back, and the signed revision is still reconciled
                repo.resetHard(unsigned);
                events.clear();
                CycleResult again = runner.runOnce(Trigger.of(Trigger.Kind.MANUAL));
                assertThat(again.revision().sha()).isEqualTo(signed);
                assertThat(again.outcome()).isEqualTo(CycleResult.Outcome.NOOP);
                assertThat(status.view().held().gate()).isEqualTo("verify");
                assertThat(status.view().held().revision()).isEqualTo(unsigned);
                assertThat(status.view().lastAppliedRevision()).isEqualTo(signed);
                assertThat(types(events)).containsExactly("sync.started", "sync.blocked");
                client.configMaps()
                        .inNamespace("alfred-platform")
                        .withName("prometheus-config")
                        .edit(cm -> {
                            cm.getData().put("prometheus.yml", "edited by hand");
                            return cm;
                        });
                CycleResult corrected = runner.runOnce(Trigger.of(Trigger.Kind.DRIFT));
                assertThat(corrected.outcome())
                        .as("drift of the verified revision is still put back")
                        .isEqualTo(CycleResult.Outcome.SUCCEEDED);
                assertThat(types(events)).as("the hold is said once").containsOnlyOnce("sync.blocked");
            }
        }
    }

    /**
     * A rollout that fails cannot be rolled back to a revision that no longer verifies (its signer's
     * key was removed from the trusted keys since): the rollback is refused at the verify stage.
     */
    @Test
    void aRollbackRestoresOnlyAVerifiedRevision() throws Exception {
        Signing.OpenPgpKey alice = Signing.openPgpKey("Alice <alice@example.com>", new Date(), 0);
        Signing.OpenPgpKey bob = Signing.openPgpKey("Bob <bob@example.com>", new Date(), 0);
        Path keys = tmp.resolve("keys.asc");
        Files.writeString(keys, alice.armoredPublicKey() + bob.armoredPublicKey());
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"));
                TestCluster sandbox = TestCluster.start();
                KubernetesClient client = sandbox.client()) {
            Settings plain = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work"));
            Settings settings = TestSettings.from(plain)
                    .safety(new SafetySettings(PdbMode.ENFORCE, Duration.ofSeconds(2), true))
                    .verify(new VerifySettings(VerifyMode.HEAD, Optional.of(keys), Optional.empty(), Optional.empty()))
                    .build();
            String good = Signing.commitOpenPgp(repo.repository(), "signed by alice", alice, false);
            List<DeployEvent> events = new CopyOnWriteArrayList<>();
            SyncStatus status = new SyncStatus();
            try (CycleRunner runner =
                    Wiring.runner(settings, client, status, CycleRunner.Outlets.events(events::add))) {
                assertThat(runner.runOnce(Trigger.of(Trigger.Kind.STARTUP)).outcome())
                        .isEqualTo(CycleResult.Outcome.SUCCEEDED);
                Files.writeString(keys, bob.armoredPublicKey());
                Files.setLastModifiedTime(keys, FileTime.from(Instant.now().plusSeconds(5)));
                sandbox.failImages("crashloop");
                repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:crashloop")
                        .commit("bad image");
                String bad = Signing.commitOpenPgp(repo.repository(), "bad image, signed by bob", bob, false);
                events.clear();

                CycleResult failed = runner.runOnce(Trigger.of(Trigger.Kind.MANUAL));

                assertThat(failed.outcome()).isEqualTo(CycleResult.Outcome.FAILED);
                assertThat(types(events)).endsWith("sync.failed", "sync.failed");
                DeployEvent refused = events.get(events.size() - 1);
                assertThat(refused.data().path("stage").asText()).isEqualTo("verify");
                assertThat(refused.data().path("cause").asText())
                        .contains("rollback to " + good + " refused")
                        .contains("not a trusted key");
                assertThat(client.apps()
                                .deployments()
                                .inAnyNamespace()
                                .withField("metadata.name", "ui-chat")
                                .list()
                                .getItems())
                        .as("nothing was restored")
                        .singleElement()
                        .satisfies(d -> assertThat(d.getSpec()
                                        .getTemplate()
                                        .getSpec()
                                        .getContainers()
                                        .get(0)
                                        .getImage())
                                .endsWith("ui-chat:crashloop"));
                assertThat(status.view().failedRevision()).isEqualTo(bad);
            }
        }
    }

    private static List<String> types(List<DeployEvent> events) {
        return events.stream()
                .map(e -> e.type().type().replace("io.alfred.gitops.", ""))
                .toList();
    }
}
