package io.alfred.gitops.reconcile;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.source.GitSource;
import io.alfred.gitops.source.PollResult;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
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
 * run one at a time on a single worker, and requests that arrive while one is queued coalesce
 * into it. A cycle fetches, renders a new revision and records the outcome.
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
    private GitSource source;
    private Renderer renderer;
    private volatile String lastRenderedRevision;

    public synchronized void start(Settings settings) {
        if (this.settings != null) {
            throw new IllegalStateException("already started");
        }
        this.settings = settings;
        this.source = new GitSource(settings.source());
        this.renderer = new Renderer(settings.render());
        status.configure(settings);
        Duration interval = settings.source().interval();
        scheduler.newJob("gitops-source-poll")
                .setInterval(interval.toString())
                .setDelayed(interval.toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> onTick())
                .schedule();
        status.scheduled(Instant.now().plus(interval));
        LOG.infof("watching %s ref %s path %s every %s", source.url(), settings.source().ref(),
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
        Stage stage = Stage.FETCH;
        try {
            PollResult poll = source.poll();
            revision = poll.revision();
            status.fetched(revision);
            if (revision.equals(lastRenderedRevision)) {
                status.unchanged();
                LOG.debugf("cycle (%s): %s unchanged, nothing to do", trigger, shortSha(revision));
                return;
            }
            stage = Stage.RENDER;
            Path tree = source.checkout(revision);
            RenderResult result = renderer.render(tree, settings.source().path(), revision);
            lastRenderedRevision = revision;
            status.rendered(result);
            LOG.infof("cycle (%s): rendered %s at %s: %d objects in %d ms", trigger, settings.source().path(),
                    shortSha(revision), result.manifests().size(), result.duration().toMillis());
        } catch (StageException e) {
            status.failed(revision, e);
            LOG.errorf("cycle (%s) failed: %s", trigger, e.getMessage());
        } catch (RuntimeException e) {
            StageException wrapped = new StageException(stage, source.url(), "unexpected error: " + e, e);
            status.failed(revision, wrapped);
            LOG.error("cycle (" + trigger + ") failed unexpectedly", e);
        }
    }

    static String shortSha(String sha) {
        return sha == null || sha.length() < 12 ? sha : sha.substring(0, 12);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
        if (source != null) {
            source.close();
        }
    }
}
