package io.alfred.gitops.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.Settings;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.reconcile.CycleMetrics;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two daemons on one cluster: only the leader reconciles; when it goes away the standby takes over. */
class LeadershipTest {
    static final Duration LEASE = Duration.ofSeconds(3);

    @TempDir
    Path tmp;

    /** One daemon instance: a Leadership that starts and stops a CycleRunner. */
    final class Instance implements AutoCloseable {
        final String name;
        final KubernetesClient client;
        final SyncStatus status = new SyncStatus();
        final AtomicReference<CycleRunner> runner = new AtomicReference<>();
        final Leadership leadership;
        final Settings settings;

        Instance(String name, TestCluster sandbox, TestRepo repo, boolean releaseOnClose) {
            this.name = name;
            this.client = sandbox.client();
            this.settings = TestSettings.overlay(repo.url(), "dev", tmp.resolve("work-" + name));
            this.leadership = new Leadership(client, "alfred-gitops", name, LEASE, releaseOnClose);
            leadership.start(
                    () -> {
                        CycleRunner r = Wiring.runner(
                                settings,
                                client,
                                status,
                                new CycleRunner.Outlets(
                                        EventSink.NONE,
                                        CycleMetrics.detached(),
                                        new WriteGuard(leadership::isLeader),
                                        Optional.empty(),
                                        Optional.empty()));
                        runner.set(r);
                        r.offer(Trigger.of(Trigger.Kind.STARTUP));
                    },
                    () -> {
                        CycleRunner r = runner.getAndSet(null);
                        if (r != null) {
                            r.close();
                        }
                    });
        }

        @Override
        public void close() {
            leadership.close();
            CycleRunner r = runner.getAndSet(null);
            if (r != null) {
                r.close();
            }
            client.close();
        }
    }

    @Test
    void onlyTheLeaderReconcilesAndTheStandbyTakesOverWhenItDies() throws Exception {
        try (TestCluster sandbox = TestCluster.start();
                TestRepo repo = TestRepo.withExample(tmp.resolve("infra"))) {
            String first = repo.repository().resolve("HEAD").name();
            Instance a = new Instance("daemon-a", sandbox, repo, false);
            Await.until(() -> a.leadership.isLeader(), Duration.ofSeconds(30), () -> "a never led");
            Instance b = new Instance("daemon-b", sandbox, repo, false);
            try {
                Await.until(
                        () -> first.equals(a.status.view().lastAppliedRevision()),
                        Duration.ofSeconds(60),
                        a.status::view);
                Thread.sleep(LEASE.toMillis());
                assertThat(b.leadership.isLeader()).as("one leader at a time").isFalse();
                assertThat(b.runner.get()).isNull();
                try (KubernetesClient c = sandbox.client()) {
                    assertThat(c.leases()
                                    .inNamespace("alfred-gitops")
                                    .withName(Leadership.LEASE)
                                    .get()
                                    .getSpec()
                                    .getHolderIdentity())
                            .isEqualTo("daemon-a");
                }

                // the leader dies without releasing the lease (as after kill -9); new work arrives meanwhile
                a.close();
                String second = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:12")
                        .commit("ui 12");
                Await.until(() -> b.leadership.isLeader(), LEASE.multipliedBy(4), () -> "b did not take over");
                Await.until(
                        () -> second.equals(b.status.view().lastAppliedRevision()),
                        Duration.ofSeconds(60),
                        b.status::view);
                try (KubernetesClient c = sandbox.client()) {
                    assertThat(c.apps()
                                    .deployments()
                                    .inNamespace("alfred-platform")
                                    .withName("ui-chat")
                                    .get()
                                    .getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getContainers()
                                    .get(0)
                                    .getImage())
                            .endsWith(":12");
                }
            } finally {
                b.close();
            }
        }
    }

    @Test
    void aWriteAfterLosingLeadershipIsRefused() {
        WriteGuard lost = new WriteGuard(() -> false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> lost.check("Deployment shop/web"))
                .hasMessageContaining("apply: Deployment shop/web: leadership lost");
    }
}
