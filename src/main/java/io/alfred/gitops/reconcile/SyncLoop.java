package io.alfred.gitops.reconcile;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.prune.Inventory;
import io.alfred.gitops.render.RenderResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The daemon's loop: every {@code gitops.source.interval} (with jitter) it asks for a cycle; cycles
 * run one at a time on a single worker, and requests that arrive while one is queued coalesce into
 * it. A cycle fetches, renders and reconciles, whether or not the revision moved, so drift is put
 * back within one interval.
 */
@ApplicationScoped
public class SyncLoop {
    private static final Logger LOG = Logger.getLogger(SyncLoop.class);
    private static final Duration MAX_JITTER = Duration.ofSeconds(30);

    @Inject
    Scheduler scheduler;

    @Inject
    SyncStatus status;

    private final ScheduledExecutorService worker = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "gitops-cycle");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private Settings settings;
    private Revisions revisions;
    private Reconciler reconciler;

    public synchronized void start(Settings settings, KubernetesClient client) {
        if (this.settings != null) {
            throw new IllegalStateException("already started");
        }
        this.settings = settings;
        this.revisions = new Revisions(settings);
        this.reconciler = new Reconciler(client, settings.apply());
        status.configure(settings);
        Duration interval = settings.source().interval();
        scheduler.newJob("gitops-source-poll")
                .setInterval(interval.toString())
                .setDelayed(interval.toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> onTick())
                .schedule();
        status.scheduled(Instant.now().plus(interval));
        LOG.infof("watching %s ref %s path %s every %s", revisions.url(), settings.source().ref(),
                settings.source().path(), interval);
        request("startup", Duration.ZERO);
    }

    private void onTick() {
        Duration interval = settings.source().interval();
        status.scheduled(Instant.now().plus(interval));
        long bound = Math.max(1, Math.min(interval.toMillis() / 10, MAX_JITTER.toMillis()));
        request("schedule", Duration.ofMillis(ThreadLocalRandom.current().nextLong(bound)));
    }

    /** Asks for a cycle; a no-op when one is already queued (it will see the newest state). */
    public void request(String trigger, Duration delay) {
        if (queued.compareAndSet(false, true)) {
            worker.schedule(() -> {
                queued.set(false);
                runCycle(trigger);
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void runCycle(String trigger) {
        String revision = null;
        try {
            revision = revisions.poll().revision();
            status.fetched(revision);
            RenderResult render = revisions.render(revision);
            status.rendered(render);
            CycleResult result = reconciler.reconcile(render);
            Inventory inventory = result.outcome() == CycleResult.Outcome.FAILED ? null : reconciler.inventory();
            status.cycle(result, inventory == null ? status.view().inventorySize() : inventory.size());
            log(trigger, result);
        } catch (StageException e) {
            status.failed(revision, e);
            LOG.errorf("cycle (%s) failed: %s", trigger, e.getMessage());
        } catch (RuntimeException e) {
            StageException wrapped = new StageException(revision == null ? Stage.FETCH : Stage.PLAN, revisions.url(),
                    "unexpected error: " + e, e);
            status.failed(revision, wrapped);
            LOG.error("cycle (" + trigger + ") failed unexpectedly", e);
        }
    }

    private void log(String trigger, CycleResult r) {
        String rev = shortSha(r.revision());
        switch (r.outcome()) {
            case NOOP -> LOG.debugf("cycle (%s) at %s: in sync", trigger, rev);
            case SUCCEEDED -> {
                LOG.infof("cycle (%s) at %s %s: %s in %d ms", trigger, rev, r.drift() ? "corrected drift" : "applied",
                        r.changes().summary(), r.duration().toMillis());
                for (Change c : r.changes().effective()) {
                    LOG.infof("  %s", c.line());
                }
            }
            case BLOCKED -> LOG.warnf("cycle (%s) at %s blocked: %s", trigger, rev, r.refusal().getMessage());
            case FAILED -> LOG.errorf("cycle (%s) at %s failed: %s", trigger, rev, r.error().getMessage());
            default -> throw new IllegalStateException();
        }
    }

    static String shortSha(String sha) {
        return sha == null || sha.length() < 12 ? sha : sha.substring(0, 12);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
        if (revisions != null) {
            revisions.close();
        }
        if (reconciler != null) {
            reconciler.close();
        }
    }
}
