package io.alfred.gitops.reconcile;

import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.Durations;
import io.alfred.gitops.drift.DriftConflict;
import io.alfred.gitops.drift.DriftWatch;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.plan.LiveView;
import io.alfred.gitops.promotion.PromotionGate;
import io.alfred.gitops.state.SuspendStore;
import io.alfred.gitops.state.Suspension;
import io.alfred.gitops.support.Background;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.trigger.TriggerSink;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs cycles ({@link Cycle}) one at a time on a single worker. Triggers that arrive while a cycle
 * runs or waits collapse into one follow-up cycle that targets the newest announced revision. A push
 * whose revision is already applied starts nothing; one announced before the git server serves it is
 * fetched again with backoff ({@link Revisions#pollFor}), then left to the next poll.
 */
public final class CycleRunner implements TriggerSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CycleRunner.class);
    /** How long SIGTERM waits for the cycle in flight (part of k8s/'s terminationGracePeriodSeconds). */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
    /**
     * The text log's prefix, {@code "cycle 12 at f099837b4411: "}: the cycle number and the revision
     * stay separate fields ({@code cycle}, {@code revision}) in the JSON log.
     */
    static final String LOG_PREFIX = "cyclePrefix";

    private final SyncStatus status;
    final Revisions revisions;
    final Reconciler reconciler;
    final CycleReporter reporter;
    final SuspendStore suspendStore;
    final HeapRelease heapRelease;
    final boolean rollback;
    private final ScheduledExecutorService worker =
            new ScheduledThreadPoolExecutor(1, Background.threads("gitops-cycle"));
    private final AtomicReference<Trigger> queued = new AtomicReference<>();
    private final AtomicLong cycles = new AtomicLong();
    private final Optional<DriftWatch> driftWatch;
    private final PromotionGate promotion;
    private final QuietIntervals quiet = new QuietIntervals();
    /** A revision that failed to render or to roll out: not retried until a newer commit or a manual reconcile. */
    private volatile Revision failedRevision;

    /**
     * Where a runner's outcomes go besides {@code /status}, what it asks before every write, the
     * promotion gate new revisions must pass (none: every revision may be applied), and the watch
     * that reports drift between cycles (none: only cycles see drift).
     *
     * @param guard asked before every write (leader election)
     */
    public record Outlets(
            EventSink events,
            CycleMetrics metrics,
            WriteGuard guard,
            Optional<PromotionGate> promotion,
            Optional<DriftWatching> drift) {
        /** No events, metrics of its own, always allowed to write, no promotion gate: a command or a test. */
        public static Outlets none() {
            return events(EventSink.NONE);
        }

        public static Outlets events(EventSink events) {
            return new Outlets(events, CycleMetrics.detached(), WriteGuard.ALWAYS, Optional.empty(), Optional.empty());
        }

        /** The same, with new revisions applied only once {@code gate} has seen them proven. */
        public Outlets gated(PromotionGate gate) {
            return new Outlets(events, metrics, guard, Optional.of(gate), drift);
        }

        /** The same, with drift between cycles reported by the watch {@code watching} builds. */
        public Outlets watching(DriftWatching watching) {
            return new Outlets(events, metrics, guard, promotion, Optional.of(watching));
        }
    }

    /**
     * Builds the watch that reports drift to a runner: the watch reports to the runner and the runner
     * tells the watch what each cycle applies, so the runner hands itself over as it is built.
     */
    @FunctionalInterface
    public interface DriftWatching {
        DriftWatch watch(CycleRunner runner);
    }

    /** Built by {@link Wiring#runner}. */
    CycleRunner(
            SyncStatus status,
            Revisions revisions,
            Reconciler reconciler,
            CycleReporter reporter,
            SuspendStore suspendStore,
            boolean rollback,
            Outlets outlets) {
        this.status = status;
        this.revisions = revisions;
        this.reconciler = reconciler;
        this.reporter = reporter;
        this.suspendStore = suspendStore;
        this.rollback = rollback;
        this.promotion = outlets.promotion().orElse(null);
        this.heapRelease = HeapRelease.ofJvm();
        ((ScheduledThreadPoolExecutor) worker).setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // the watch does nothing before the first cycle tells it what to expect
        this.driftWatch = outlets.drift().map(watching -> watching.watch(this));
    }

    /** Where {@code suspend}/{@code resume} leave their state, for the daemon's watch. */
    public SuspendStore suspendStore() {
        return suspendStore;
    }

    /**
     * {@code suspend} or {@code resume} took effect (seen by the watch, or by a cycle): status,
     * metric, log and event; a resume starts a cycle at once.
     */
    public void suspensionChanged(Suspension now) {
        boolean resumed = status.view().suspension().suspended() && !now.suspended();
        reporter.suspension(now, Trigger.of(Trigger.Kind.MANUAL));
        if (resumed) {
            offer(Trigger.of(Trigger.Kind.RESUME));
        }
    }

    /**
     * An object became a drift conflict: said once (a WARN line, a {@code drift.conflict} deploy
     * event), and shown in {@code /status} and {@code gitops_drift_conflicts} while it lasts.
     */
    public void conflicted(DriftConflict conflict) {
        reporter.conflict(conflict);
        driftWatch.ifPresent(watch -> reporter.conflicts(watch.conflicts()));
    }

    /** The watch that reports drift between cycles, when the runner has one (the daemon's loop). */
    public Optional<DriftWatch> driftWatch() {
        return driftWatch;
    }

    @Override
    public boolean offer(Trigger trigger) {
        return offer(trigger, Duration.ZERO);
    }

    public boolean offer(Trigger trigger, Duration delay) {
        if (worker.isShutdown()) {
            return false;
        }
        Trigger previous = queued.getAndUpdate(pending -> newest(pending, trigger));
        if (previous == null) {
            worker.schedule(this::runQueued, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /** The pending trigger that targets the newest announced revision. */
    private static Trigger newest(Trigger pending, Trigger incoming) {
        if (pending == null || incoming.revision() != null || pending.revision() == null) {
            return incoming;
        }
        return pending;
    }

    /** Cycles run so far (no-op pushes that were skipped are not cycles). */
    public long cycles() {
        return cycles.get();
    }

    private void runQueued() {
        Trigger trigger = queued.getAndSet(null);
        if (trigger != null) {
            runCycle(trigger);
        }
    }

    /**
     * One cycle now, on the caller's thread ({@code reconcile --once}): the same cycle as the
     * daemon's, events and rollback included.
     *
     * @return how it ended; null when there was nothing to do (an applied or rolled-back revision)
     */
    public CycleResult runOnce(Trigger trigger) {
        reporter.callerReports(true);
        try {
            return runCycle(trigger);
        } finally {
            reporter.callerReports(false);
        }
    }

    CycleResult runCycle(Trigger trigger) {
        if (trigger.revision() != null
                && trigger.revision().equals(status.view().lastAppliedRevision())) {
            LOG.debugf("trigger %s: revision already applied, nothing to do", trigger);
            return null;
        }
        long number = cycles.incrementAndGet();
        MDC.put("cycle", String.valueOf(number));
        MDC.put(LOG_PREFIX, "cycle " + number + ": ");
        reporter.stage(Stage.FETCH, null);
        try {
            return new Cycle(this, trigger, lastApplied()).run();
        } finally {
            MDC.remove("cycle");
            MDC.remove(LOG_PREFIX);
            MDC.remove("revision");
            MDC.remove("signer");
            reporter.stage(null, null);
        }
    }

    /**
     * Whether the fetched revision deserves a cycle: not one that failed (unless asked by hand), not
     * a quiet interval. When it does, the view the plan reads the live objects from: the watches'
     * or, as the safety net every few intervals, none (the plan lists them).
     */
    Optional<LiveView> worthACycle(Trigger trigger, Revision revision) {
        if (revision.equals(failedRevision)) {
            if (trigger.kind() != Trigger.Kind.MANUAL) {
                LOG.debugf(
                        "cycle (%s): %s failed (render, or rollout and rolled back); waiting for a newer commit",
                        trigger, revision);
                return Optional.empty();
            }
            failedRevision(null);
        }
        QuietIntervals.Interval interval =
                quiet.next(trigger, driftWatch, revision.is(status.view().lastAppliedRevision()));
        if (interval == QuietIntervals.Interval.SKIP) {
            LOG.debugf("interval: %s still applied and the watches saw no drift; nothing to do", revision);
            return Optional.empty();
        }
        if (interval == QuietIntervals.Interval.RELIST) {
            return Optional.of(LiveView.NONE);
        }
        return Optional.of(driftWatch.map(DriftWatch::view).orElse(LiveView.NONE));
    }

    void failedRevision(Revision revision) {
        failedRevision = revision;
        reporter.failedRevision(revision);
    }

    PromotionGate promotion() {
        return promotion;
    }

    /** The revision applied before this cycle: this process's last, or after a restart the inventory's. */
    private Revision lastApplied() {
        String known = status.view().lastAppliedRevision();
        if (known != null) {
            return Revision.of(known);
        }
        try {
            return Revision.ofNullable(reconciler.inventory().lastAppliedRevision());
        } catch (RuntimeException e) {
            return null; // the cycle reports the cluster's absence itself
        }
    }

    /** Lets a cycle in flight finish its writes (bounded by {@link #SHUTDOWN_GRACE}), starts no new one. */
    @Override
    public void close() {
        queued.set(null);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(SHUTDOWN_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warnf(
                        "shutdown: the cycle in flight did not finish within %s; interrupting it",
                        Durations.format(SHUTDOWN_GRACE));
                worker.shutdownNow();
                worker.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        driftWatch.ifPresent(DriftWatch::close);
        revisions.close();
        reconciler.close();
    }
}
