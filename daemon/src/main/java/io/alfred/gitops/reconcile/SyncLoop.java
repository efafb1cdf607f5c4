package io.alfred.gitops.reconcile;

import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.Durations;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.preview.PreviewSink;
import io.alfred.gitops.preview.Previews;
import io.alfred.gitops.preview.PullRequest;
import io.alfred.gitops.promotion.PromotionGate;
import io.alfred.gitops.promotion.ProofStore;
import io.alfred.gitops.state.SuspendStore;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.trigger.TriggerSink;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * The daemon's loop: every {@code gitops.source.interval} (with jitter) it offers a cycle to the
 * {@link CycleRunner}, as push triggers do, so polling stays the fallback that never loses a deploy.
 * Between cycles a {@link DriftWatch} reports a managed object changed or deleted by hand, which
 * starts a cycle at once; the interval cycle still runs whether or not the revision moved.
 */
@ApplicationScoped
public class SyncLoop implements TriggerSink, PreviewSink {
    private static final Logger LOG = Logger.getLogger(SyncLoop.class);
    private static final String JOB = "gitops-source-poll";
    private static final Duration MAX_JITTER = Duration.ofSeconds(30);

    @Inject
    Scheduler scheduler;

    @Inject
    SyncStatus status;

    @Inject
    MeterRegistry registry;

    private volatile Settings settings;
    private volatile CycleRunner runner;
    private volatile KubernetesClient client;

    public synchronized void start(Settings settings, KubernetesClient client) {
        start(settings, client, EventSink.NONE);
    }

    public synchronized void start(Settings settings, KubernetesClient client, EventSink events) {
        start(settings, client, events, WriteGuard.ALWAYS);
    }

    /** Waits as a standby: configured and connected, ready, not reconciling until {@link #start} (leader election). */
    public synchronized void standby(Settings settings, KubernetesClient client) {
        this.client = client;
        status.configure(settings);
        status.leader(false);
    }

    private Watch suspendWatch;
    private PromotionGate promotionGate;
    private volatile Previews previews;
    private volatile Previews.Listener previewListener = Previews.Listener.NONE;

    /** Told of each pull request's preview (the git host's comment and status); set before {@link #start}. */
    public void previewListener(Previews.Listener listener) {
        this.previewListener = listener;
    }

    public synchronized void start(Settings settings, KubernetesClient client, EventSink events, WriteGuard guard) {
        if (this.runner != null) {
            throw new IllegalStateException("already started");
        }
        this.settings = settings;
        this.client = client;
        CycleRunner.Outlets outlets = new CycleRunner.Outlets(
                        events, new CycleMetrics(registry), guard, Optional.empty(), Optional.empty())
                .watching(Wiring.driftWatch(client, settings, settings.drift(), what -> LOG.debugf("drift: %s", what)));
        if (settings.promotion().enabled()) {
            // before the first cycle: no new revision may pass unproven
            promotionGate = new PromotionGate(
                    settings.promotion(),
                    new ProofStore(
                            client,
                            settings.apply().namespace(),
                            settings.apply().fieldManager()),
                    Clock.systemUTC());
            outlets = outlets.gated(promotionGate);
        }
        this.runner = Wiring.runner(settings, client, status, outlets);
        this.previews = Wiring.previews(settings, client, events, Optional.ofNullable(promotionGate), previewListener);
        status.leader(true);
        Duration interval = settings.source().interval();
        scheduler
                .newJob(JOB)
                .setInterval(interval.toString())
                .setDelayed(interval.toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> onTick())
                .schedule();
        status.scheduled(Instant.now().plus(interval));
        LOG.infof(
                "watching %s ref %s path %s every %s",
                settings.source().url(),
                settings.source().ref(),
                settings.source().path(),
                Durations.format(interval));
        watchSuspension();
        runner.offer(Trigger.of(Trigger.Kind.STARTUP));
    }

    /** {@code suspend}/{@code resume} take effect within a second; a failed watch leaves it to the next cycle. */
    private void watchSuspension() {
        CycleRunner r = runner;
        try {
            suspendWatch = r.suspendStore().watch(r::suspensionChanged);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "suspend: cannot watch ConfigMap %s (%s); each cycle reads it instead",
                    SuspendStore.NAME, e.getMessage());
        }
    }

    /** The promotion gate of the running daemon, when {@code gitops.promotion.after} is set. */
    public Optional<PromotionGate> promotionGate() {
        return Optional.ofNullable(promotionGate);
    }

    /** The settings of the running daemon, empty before {@link #start}. */
    public Optional<Settings> settings() {
        return Optional.ofNullable(settings);
    }

    @Override
    public boolean offer(PullRequest pr) {
        Previews p = previews;
        return p != null && p.offer(pr);
    }

    /** The previews of the running daemon, empty before {@link #start}. */
    public Optional<Previews> previews() {
        return Optional.ofNullable(previews);
    }

    @Override
    public boolean offer(Trigger trigger) {
        CycleRunner r = runner;
        return r != null && r.offer(trigger);
    }

    /** The cluster of the running daemon, empty before {@link #start}. */
    public Optional<KubernetesClient> client() {
        return Optional.ofNullable(client);
    }

    public Optional<CycleRunner> runner() {
        return Optional.ofNullable(runner);
    }

    private void onTick() {
        Duration interval = settings.source().interval();
        status.scheduled(Instant.now().plus(interval));
        long bound = Math.max(1, Math.min(interval.toMillis() / 10, MAX_JITTER.toMillis()));
        CycleRunner r = runner;
        if (r != null) {
            r.offer(
                    Trigger.of(Trigger.Kind.SCHEDULE),
                    Duration.ofMillis(ThreadLocalRandom.current().nextLong(bound)));
        }
    }

    @PreDestroy
    public synchronized void stop() {
        if (runner != null) {
            scheduler.unscheduleJob(JOB);
            if (suspendWatch != null) {
                suspendWatch.close();
                suspendWatch = null;
            }
            previews.close();
            previews = null;
            runner.close();
            runner = null;
            settings = null;
            status.leader(false);
        }
    }
}
