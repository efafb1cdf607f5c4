package io.alfred.gitops.testing;

import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.PdbMode;
import io.alfred.gitops.config.PromotionSettings;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SafetySettings;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.events.EventPublisher;
import io.alfred.gitops.events.Outbox;
import io.alfred.gitops.events.OutboxStatus;
import io.alfred.gitops.promotion.PromotionGate;
import io.alfred.gitops.promotion.ProofStore;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.pubsub.PubSubResource;
import io.alfred.gitops.reconcile.CycleRunner;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.reconcile.Wiring;
import io.alfred.gitops.trigger.PubSubTrigger;
import io.alfred.gitops.trigger.Trigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * One daemon of a promotion pair, as {@code run} wires it: its cluster (a sandbox), its cycle runner with
 * the promotion gate set before the first cycle, its events published to the shared topic {@code events},
 * and the proofs read from subscription {@code prod-proofs}.
 */
public final class PromotionDaemon implements AutoCloseable {
    public final TestCluster sandbox;
    public final KubernetesClient client;
    public final Settings settings;
    public final SyncStatus status = new SyncStatus();
    final Outbox outbox;
    final EventPublisher publisher;
    public CycleRunner runner;
    PubSubTrigger proofs;
    public PromotionGate gate;

    private final PubSubEmulator emulator;

    public PromotionDaemon(
            PubSubEmulator emulator,
            TestRepo repo,
            Path workdir,
            String cluster,
            String environment,
            PromotionSettings promotion,
            TestCluster sandbox) {
        this.emulator = emulator;
        this.sandbox = sandbox;
        this.client = sandbox.client();
        this.settings = TestSettings.builder(
                        ClusterSettings.of(cluster, environment),
                        SourceSettings.anonymous(repo.url(), "main", "infra/k8s/overlays/" + environment, workdir),
                        new RenderSettings(
                                "auto",
                                Duration.ofMinutes(1),
                                Map.of("cluster_name", cluster, "cluster_env", environment)))
                .safety(new SafetySettings(PdbMode.ENFORCE, Duration.ofSeconds(3), true))
                .promotion(promotion)
                .build();
        this.outbox = new Outbox(client, "alfred-gitops", 1000, OutboxStatus.detached());
        this.publisher = new EventPublisher(
                        outbox,
                        emulator.connection(),
                        PubSubEmulator.PROJECT,
                        "events",
                        OutboxStatus.detached(),
                        PubSubHealth.detached())
                .start();
        start(true);
    }

    /** The daemon's loop, as {@code run} starts it: the gate before the first cycle, then the proofs' subscription. */
    public void start(boolean listen) {
        CycleRunner.Outlets outlets = CycleRunner.Outlets.events(outbox);
        if (settings.promotion().enabled()) {
            gate = new PromotionGate(
                    settings.promotion(), new ProofStore(client, "alfred-gitops", "alfred-gitops"), Clock.systemUTC());
            outlets = outlets.gated(gate);
        }
        runner = Wiring.runner(settings, client, status, outlets);
        if (gate != null) {
            if (listen) {
                proofs = PubSubTrigger.of(
                                emulator.connection(),
                                PubSubResource.promotionSubscription(PubSubEmulator.PROJECT, "prod-proofs"),
                                gate.listener(() -> runner.offer(Trigger.of(Trigger.Kind.PROMOTION))),
                                PubSubHealth.detached())
                        .start();
            }
        }
    }

    /** A restart: the loop and the subscription go, the cluster (and what the daemon kept in it) stays. */
    public void restart(boolean listen) {
        stopLoop();
        start(listen);
    }

    public void stopLoop() {
        if (proofs != null) {
            proofs.close();
            proofs = null;
        }
        runner.close();
    }

    public String applied() {
        return status.view().lastAppliedRevision();
    }

    @Override
    public void close() {
        stopLoop();
        publisher.close();
        client.close();
        sandbox.close();
    }
}
