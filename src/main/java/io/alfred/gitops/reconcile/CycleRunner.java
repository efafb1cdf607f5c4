package io.alfred.gitops.reconcile;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.apply.WriteGuard;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.config.Durations;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.drift.DriftConflict;
import io.alfred.gitops.drift.DriftWatch;
import io.alfred.gitops.events.ClusterEventRecorder;
import io.alfred.gitops.events.CycleEvents;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.plan.LiveView;
import io.alfred.gitops.promotion.PromotionDecision;
import io.alfred.gitops.promotion.PromotionGate;
import io.alfred.gitops.promotion.PromotionRefusal;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.safety.GateRefusal;
import io.alfred.gitops.state.HistoryStore;
import io.alfred.gitops.state.SuspendStore;
import io.alfred.gitops.state.Suspension;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.trigger.TriggerSink;
import io.alfred.gitops.verify.RevisionVerification;
import io.alfred.gitops.verify.SignatureCheck;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs cycles one at a time on a single worker. Triggers that arrive while a cycle runs or waits
 * collapse into one follow-up cycle that targets the newest announced revision. A push whose
 * revision is already applied starts nothing; one announced before the git server serves it is
 * fetched again with backoff for {@link #LAG_WINDOW}, then left to the next poll.
 */
public final class CycleRunner implements TriggerSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CycleRunner.class);
    static final Duration LAG_WINDOW = Duration.ofSeconds(20);
    /** How long SIGTERM waits for the cycle in flight (part of k8s/'s terminationGracePeriodSeconds). */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
    /**
     * The text log's prefix, {@code "cycle 12 at f099837b4411: "}: the cycle number and the revision
     * stay separate fields ({@code cycle}, {@code revision}) in the JSON log.
     */
    static final String LOG_PREFIX = "cyclePrefix";

    private final SyncStatus status;
    private final Revisions revisions;
    private final Reconciler reconciler;
    private final ScheduledExecutorService worker = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "gitops-cycle");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Trigger> queued = new AtomicReference<>();
    private volatile DriftWatch driftWatch;
    private volatile PromotionGate promotion;
    /** The hold said last (revision and gate state): the same hold is said once, whatever cycles run meanwhile. */
    private String lastHold;
    /** Intervals in a row skipped as quiet (the worker thread's). */
    private int quietIntervals;
    /** With a quiet drift watch, one interval in this many still lists and compares everything. */
    static final int RELIST_EVERY = 10;

    private final AtomicLong cycles = new AtomicLong();
    private final EventSink events;
    private final CycleMetrics metrics;
    private final String cluster;
    private final String environment;
    /** The last failure reported; the same failure on the same revision is not reported again. */
    private String lastFailure;

    private final boolean rollback;
    /** A revision that failed to render or to roll out: not retried until a newer commit or a manual reconcile. */
    private volatile String failedRevision;
    /** A command runs this cycle ({@link #runOnce}) and prints its failure or refusal itself: logged once, by it. */
    private volatile boolean callerReports;

    private final CycleJournal journal;
    private final SuspendStore suspendStore;
    private final CycleAnnouncer announcer;
    private final HeapRelease heapRelease;

    public CycleRunner(Settings settings, KubernetesClient client, SyncStatus status) {
        this(settings, client, status, EventSink.NONE);
    }

    public CycleRunner(Settings settings, KubernetesClient client, SyncStatus status, EventSink events) {
        this(settings, client, status, events, CycleMetrics.detached());
    }

    public CycleRunner(
            Settings settings, KubernetesClient client, SyncStatus status, EventSink events, CycleMetrics metrics) {
        this(settings, client, status, events, metrics, WriteGuard.ALWAYS);
    }

    public CycleRunner(
            Settings settings,
            KubernetesClient client,
            SyncStatus status,
            EventSink events,
            CycleMetrics metrics,
            WriteGuard guard) {
        this.status = status;
        this.metrics = metrics;
        ((ScheduledThreadPoolExecutor) worker).setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.events = events;
        this.cluster = settings.cluster().name();
        this.environment = settings.cluster().environment();
        this.revisions = new Revisions(settings);
        this.reconciler = new Reconciler(client, settings.apply(), settings.safety(), guard);
        this.rollback = settings.safety().rollback();
        this.journal = new CycleJournal(
                new HistoryStore(
                        client, settings.apply().namespace(), settings.apply().fieldManager(), guard),
                revisions::describe);
        this.suspendStore = new SuspendStore(client, settings.apply().namespace());
        this.announcer = new CycleAnnouncer(
                new ClusterEventRecorder(client, guard, ClusterEventRecorder.thisInstance()),
                settings.apply().namespace());
        this.heapRelease = HeapRelease.ofJvm();
        status.configure(settings);
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
        Suspension before = status.view().suspension();
        if (before.suspended() == now.suspended()) {
            status.suspension(now);
            return;
        }
        status.suspension(now);
        metrics.suspended(now.suspended());
        announcer.suspension(now);
        String applied = status.view().lastAppliedRevision();
        new CycleEvents(events, cluster, environment, Trigger.of(Trigger.Kind.MANUAL), applied, applied)
                .suspension(now.suspended(), now.by(), now.reason(), now.since());
        if (now.suspended()) {
            LOG.warnf(
                    "%s: the daemon fetches and reports drift but writes nothing until alfred-gitops resume",
                    now.describe());
        } else {
            LOG.infof("%s: writes resume", now.describe());
            offer(Trigger.of(Trigger.Kind.RESUME));
        }
    }

    @Override
    public boolean offer(Trigger trigger) {
        return offer(trigger, Duration.ZERO);
    }

    /**
     * An interval cycle that can be skipped: the revision did not move, and the drift watch has seen
     * every managed kind since the last cycle without a drift. Every {@link #RELIST_EVERY}th interval
     * still runs in full, as the safety net for what a watch could miss.
     */
    private Interval interval(Trigger trigger, String revision) {
        DriftWatch watch = driftWatch;
        if (trigger.kind() != Trigger.Kind.SCHEDULE
                || watch == null
                || !watch.quiet()
                || !revision.equals(status.view().lastAppliedRevision())) {
            quietIntervals = 0;
            return Interval.RUN;
        }
        if (++quietIntervals >= RELIST_EVERY) {
            quietIntervals = 0;
            return Interval.RELIST;
        }
        return Interval.SKIP;
    }

    /** What an interval cycle does: skip (quiet), run (through the watches' view), or relist everything. */
    private enum Interval {
        SKIP,
        RUN,
        RELIST
    }

    /**
     * An object became a drift conflict: said once (a WARN line, a {@code drift.conflict} deploy
     * event), and shown in {@code /status} and {@code gitops_drift_conflicts} while it lasts.
     */
    public void conflicted(DriftConflict conflict) {
        LOG.warn("drift: " + conflict.describe());
        String applied = status.view().lastAppliedRevision();
        new CycleEvents(events, cluster, environment, Trigger.of(Trigger.Kind.DRIFT), applied, applied)
                .conflict(conflict);
        DriftWatch watch = driftWatch;
        if (watch != null) {
            conflictsChanged(watch.conflicts());
        }
    }

    private void conflictsChanged(List<DriftConflict> now) {
        status.conflicts(now.stream()
                .map(c -> new SyncStatus.Conflict(c.ref().toString(), c.manager(), c.corrections(), c.since()))
                .toList());
        metrics.conflicts(now.size());
    }

    /** Tells {@code watch} what each cycle applies, so that it reports drift between cycles (the daemon's loop). */
    public void watchDrift(DriftWatch watch) {
        this.driftWatch = watch;
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
        callerReports = true;
        try {
            return runCycle(trigger);
        } finally {
            callerReports = false;
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
        MDC.put("stage", "fetch");
        status.stage("fetch", null);
        try {
            return runCycleLogged(trigger);
        } finally {
            MDC.remove("cycle");
            MDC.remove(LOG_PREFIX);
            MDC.remove("stage");
            MDC.remove("revision");
            MDC.remove("signer");
            status.stage(null, null);
        }
    }

    private CycleResult runCycleLogged(Trigger trigger) {
        long start = System.nanoTime();
        String revision = null;
        String previous = lastApplied();
        CycleEvents cycleEvents = new CycleEvents(events, cluster, environment, trigger, null, previous);
        try {
            revision = pollFor(trigger);
            MDC.put("revision", revision);
            MDC.put(LOG_PREFIX, "cycle " + MDC.get("cycle") + " at " + shortSha(revision) + ": ");
            if (revision.equals(failedRevision)) {
                if (trigger.kind() != Trigger.Kind.MANUAL) {
                    LOG.debugf(
                            "cycle (%s): %s failed (render, or rollout and rolled back); waiting for a newer commit",
                            trigger, shortSha(revision));
                    return null;
                }
                failedRevision = null;
                status.failedRevision(null);
            }
            Interval interval = interval(trigger, revision);
            if (interval == Interval.SKIP) {
                LOG.debugf(
                        "interval: %s still applied and the watches saw no drift; nothing to do", shortSha(revision));
                return null;
            }
            // the safety net reads the cluster itself, not what the watches say of it
            reconciler.use(interval == Interval.RELIST || driftWatch == null ? LiveView.NONE : driftWatch.view());
            cycleEvents = new CycleEvents(events, cluster, environment, trigger, revision, previous);
            status.fetched(revision);
            metrics.stage("fetch", Duration.ofNanos(System.nanoTime() - start));
            MDC.put("stage", "verify");
            status.stage("verify", revision);
            RevisionVerification verification = revisions.verify(revision);
            GateRefusal held = held(revision, previous, verification);
            if (held != null && previous != null && !previous.equals(revision)) {
                // the newest revision waits; the applied one stays applied, and is still reconciled (drift)
                holdBack(held, trigger, revision, cycleEvents, start);
                revision = previous;
                MDC.put("revision", revision);
                MDC.put(LOG_PREFIX, "cycle " + MDC.get("cycle") + " at " + shortSha(revision) + ": ");
                cycleEvents = new CycleEvents(events, cluster, environment, trigger, revision, previous);
                verification = RevisionVerification.notRequired(revision);
                held = null;
            } else if (held == null) {
                status.held(null);
                lastHold = null;
            }
            DriftWatch watch = driftWatch;
            RenderResult render = null;
            CycleResult result;
            if (held != null) {
                result = CycleResult.blocked(
                        revision, held, Duration.ofNanos(System.nanoTime() - start), List.of(), Map.of(), -1);
                watch = null; // nothing was applied: the watches keep the applied render
            } else {
                verification.signer().ifPresent(signer -> MDC.put("signer", signer.describe()));
                cycleEvents.signedBy(verification.signer());
                String verifiedRevision = revision;
                verification.signer().ifPresent(signer -> journal.signed(verifiedRevision, signer.describe()));
                status.verified(revision, verification.signer());
                MDC.put("stage", "render");
                status.stage("render", revision);
                long renderStart = System.nanoTime();
                render = revisions.render(revision);
                metrics.stage("render", Duration.ofNanos(System.nanoTime() - renderStart));
                status.rendered(render);
                if (watch != null) {
                    watch.expect(render.manifests());
                    if (trigger.kind() == Trigger.Kind.MANUAL || trigger.kind() == Trigger.Kind.RESUME) {
                        List<DriftConflict> released = watch.releaseHolds();
                        if (!released.isEmpty()) {
                            LOG.infof(
                                    "%s: %d object(s) held as a drift fight are corrected again (%s)",
                                    trigger.kind().label(),
                                    released.size(),
                                    released.stream()
                                            .map(c -> c.ref().toString())
                                            .collect(Collectors.joining(", ")));
                        }
                    }
                    List<DriftConflict> conflicts = watch.conflicts();
                    reconciler.holdBack(
                            conflicts.stream().map(c -> c.ref().key()).collect(Collectors.toSet()));
                    conflictsChanged(conflicts);
                }
                MDC.put("stage", "reconcile");
                status.stage("plan", revision);
                CycleEvents ce = cycleEvents;
                Suspension suspension = suspendStore.load();
                suspensionChanged(suspension);
                result = suspension.suspended()
                        ? reportOnly(render, suspension, start)
                        : reconciler.reconcile(render, new Reconciler.Listener() {
                            @Override
                            public void planned(ChangeSet planned, boolean drift) {
                                status.stage("apply", ce.revision());
                                ce.started(drift);
                                ce.planned(planned);
                            }

                            @Override
                            public void applied(ChangeSet done, boolean drift) {
                                status.stage("wait", ce.revision());
                                ce.applied(done, drift);
                            }
                        });
            }
            int inventorySize = result.inventorySize() >= 0
                    ? result.inventorySize()
                    : status.view().inventorySize();
            // the events first: once /status or the metrics say how the cycle ended, its events are in the
            // durable outbox (a crash in between must not lose them, and observers may read them at once)
            switch (result.outcome()) {
                case SUCCEEDED -> {
                    cycleEvents.succeeded(result.changes(), result.duration(), result.findings(), result.workloads());
                    lastFailure = null;
                }
                case NOOP -> {
                    if (!revision.equals(previous)) {
                        // a new revision with nothing to change here: said once, for the environments promoted after
                        // this one
                        cycleEvents.reached(result.duration());
                    }
                    lastFailure = null;
                }
                case BLOCKED -> {
                    if (firstTime("blocked " + revision + " " + result.refusal().dedupKey())) {
                        cycleEvents.blocked(result.refusal(), result.duration());
                    }
                }
                case FAILED -> reportFailure(trigger, revision, result.error(), cycleEvents, result.duration());
                default -> throw new IllegalStateException();
            }
            if (watch != null) {
                boolean inSync = result.outcome() == CycleResult.Outcome.SUCCEEDED
                        || result.outcome() == CycleResult.Outcome.NOOP;
                if (inSync) {
                    watch.track(render.manifests());
                } else {
                    watch.abandon();
                }
            }
            // metrics before the status: the status is what observers wait on
            metrics.cycle(result, inventorySize);
            if (result.outcome() == CycleResult.Outcome.SUCCEEDED || result.outcome() == CycleResult.Outcome.NOOP) {
                metrics.applied(revision);
            }
            journal.remember(trigger, result);
            announce(trigger, result);
            status.cycle(result, inventorySize);
            if (result.outcome() == CycleResult.Outcome.FAILED && result.error().stage() == Stage.WAIT && rollback) {
                rollBack(revision, cycleEvents);
            }
            log(trigger, result);
            heapRelease.cycleEnded(render == null ? 0 : render.manifests().size());
            return result;
        } catch (StageException e) {
            reportFailure(trigger, revision, e, cycleEvents, Duration.ofNanos(System.nanoTime() - start));
            CycleResult failure = failed(revision, e, start);
            journal.remember(trigger, failure);
            announce(trigger, failure);
            if (e.stage() == Stage.RENDER && revision != null) {
                // rendering it again gives the same answer (and one input may cost Kustomize all it has)
                failedRevision = revision;
                status.failedRevision(revision);
            }
            status.failed(revision, e); // last: the status is what observers wait on
            return failure;
        } catch (RuntimeException e) {
            StageException wrapped = new StageException(
                    revision == null ? Stage.FETCH : Stage.PLAN, revisions.url(), "unexpected error: " + e, e);
            LOG.error("cycle (" + trigger + ") failed unexpectedly", e);
            cycleEvents.failed(wrapped, Duration.ofNanos(System.nanoTime() - start));
            status.failed(revision, wrapped);
            return failed(revision, wrapped, start);
        }
    }

    /**
     * While suspended: the plan (a server-side dry run, no write) says whether git and the cluster
     * differ; the cycle is blocked by gate {@code suspended}.
     */
    private CycleResult reportOnly(RenderResult render, Suspension suspension, long start) {
        ChangeSet drift = reconciler.diff(render);
        String state = drift.hasChanges()
                ? "git differs from the cluster (" + drift.summary() + "), nothing written"
                : "the cluster matches git";
        return CycleResult.blocked(
                render.revision(),
                new GateRefusal("suspended", "", suspension.describe() + "; " + state),
                Duration.ofNanos(System.nanoTime() - start),
                List.of(),
                Map.of(),
                status.view().inventorySize());
    }

    /** Kubernetes Events for the outcome; the same failure again only adds to its series. */
    private void announce(Trigger trigger, CycleResult result) {
        if (result.outcome() == CycleResult.Outcome.NOOP || result.revision() == null) {
            return;
        }
        announcer.cycleEnded(
                result, trigger, revisions.describe(result.revision()).subject());
    }

    private static CycleResult failed(String revision, StageException e, long start) {
        return CycleResult.failed(revision, e, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * A failed rollout: re-render the last good revision from git, apply it, wait for it, publish
     * {@code rolledback}. The failed revision is remembered so that it is not retried in a loop; a
     * rollback that fails too ends as failed.
     */
    private void rollBack(String failed, CycleEvents cycleEvents) {
        String good = reconciler.inventory().lastGoodRevision();
        failedRevision = failed;
        status.failedRevision(failed);
        if (good == null || good.equals(failed)) {
            LOG.errorf("rollback: no earlier good revision to return to; %s stays as it is", shortSha(failed));
            return;
        }
        long start = System.nanoTime();
        try {
            RevisionVerification verification = revisions.verify(good);
            if (!verification.isVerified()) {
                String why = verification.refusal().orElseThrow().describe();
                LOG.errorf(
                        "rollback: %s failed its rollout, and %s may not be restored: %s",
                        shortSha(failed), shortSha(good), why);
                cycleEvents.failed(
                        new StageException(Stage.VERIFY, good, "rollback to " + good + " refused: " + why),
                        Duration.ofNanos(System.nanoTime() - start));
                return;
            }
            CycleResult result = reconciler.reconcile(revisions.render(good));
            status.cycle(
                    result,
                    result.inventorySize() >= 0
                            ? result.inventorySize()
                            : status.view().inventorySize());
            if (result.outcome() == CycleResult.Outcome.SUCCEEDED || result.outcome() == CycleResult.Outcome.NOOP) {
                LOG.warnf(
                        "rollback: %s failed its rollout; %s is applied again (%s)",
                        shortSha(failed), shortSha(good), result.changes().summary());
                cycleEvents.rolledBack(good, result.changes(), Duration.ofNanos(System.nanoTime() - start));
                journal.rolledBack(result, failed, good);
                announcer.rolledBack(failed, good, result.changes());
                status.failedRevision(failed);
                return;
            }
            StageException e = result.error() != null
                    ? result.error()
                    : new StageException(
                            Stage.PLAN, good, "blocked: " + result.refusal().getMessage());
            LOG.errorf("rollback to %s failed too: %s", shortSha(good), e.getMessage());
            cycleEvents.failed(
                    new StageException(e.stage(), e.object(), "rollback to " + good + " failed: " + e.reason()),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (StageException e) {
            LOG.errorf("rollback to %s failed too: %s", shortSha(good), e.getMessage());
            cycleEvents.failed(
                    new StageException(e.stage(), e.object(), "rollback to " + good + " failed: " + e.reason()),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** A failure is logged and published once; the same failure of the same revision again only at debug level. */
    private void reportFailure(
            Trigger trigger, String revision, StageException e, CycleEvents cycleEvents, Duration took) {
        if (firstTime("failed " + revision + " " + e.getMessage())) {
            LOG.logf(outcomeLevel(Logger.Level.ERROR), "failed (trigger %s): %s", trigger, e.getMessage());
            cycleEvents.failed(e, took);
        } else {
            LOG.debugf("failed again (trigger %s): %s", trigger, e.getMessage());
        }
    }

    private boolean firstTime(String failure) {
        boolean first = !failure.equals(lastFailure);
        lastFailure = failure;
        return first;
    }

    /** The ref's revision now; for an announced push, waits (bounded) until the server serves it. */
    private String pollFor(Trigger trigger) {
        String polled = revisions.poll().revision();
        if (trigger.revision() == null) {
            return polled;
        }
        long deadline = System.nanoTime() + LAG_WINDOW.toNanos();
        long backoff = 250;
        while (!revisions.reached(trigger.revision(), polled) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = Math.min(backoff * 2, 4000);
            polled = revisions.poll().revision();
        }
        if (!revisions.reached(trigger.revision(), polled)) {
            LOG.warnf(
                    "trigger %s: the remote does not serve the announced revision after %s; applying %s, the next poll"
                            + " picks it up",
                    trigger, LAG_WINDOW, shortSha(polled));
        }
        return polled;
    }

    /**
     * Why the newest revision may not be applied yet, or null: it lacks the signatures
     * {@code gitops.source.verify.mode} asks for (gate {@code verify}, before anything of it is
     * rendered), or the environments it must pass first have not proven it (gate {@code promotion};
     * a cycle is queued for the end of a soak already running).
     */
    private GateRefusal held(String revision, String previous, RevisionVerification verification) {
        if (!verification.isVerified()) {
            SignatureCheck refused = verification.refusal().orElseThrow();
            return new GateRefusal(
                    Stage.VERIFY.label(),
                    refused.object(),
                    refused.describe() + "; the last verified revision stays applied");
        }
        PromotionGate gate = promotion;
        if (gate == null || revision.equals(previous)) {
            return null;
        }
        PromotionDecision decision = gate.decide(revision);
        status.promotion(revision, decision);
        if (decision.isPromoted()) {
            return null;
        }
        decision.recheckAt()
                .ifPresent(at -> offer(
                        Trigger.of(Trigger.Kind.PROMOTION),
                        Duration.between(Instant.now(), at).plusMillis(100)));
        return new PromotionRefusal(revision, decision);
    }

    /** The newest revision is held back by a gate: said once (WARN, a {@code blocked} event) and shown in /status. */
    private void holdBack(GateRefusal held, Trigger trigger, String revision, CycleEvents cycleEvents, long start) {
        status.held(new SyncStatus.Held(revision, held.gate(), held.getMessage()));
        String key = revision + " " + held.dedupKey();
        if (!key.equals(lastHold)) {
            lastHold = key;
            LOG.warnf(
                    "blocked: %s; %s stays applied",
                    held.getMessage(), shortSha(status.view().lastAppliedRevision()));
            cycleEvents.blocked(held, Duration.ofNanos(System.nanoTime() - start));
            journal.remember(
                    trigger,
                    CycleResult.blocked(
                            revision, held, Duration.ofNanos(System.nanoTime() - start), List.of(), Map.of(), -1));
        }
    }

    /** Applies new revisions only once the environments of {@code gitops.promotion.after} have proven them. */
    public void gatePromotion(PromotionGate gate) {
        this.promotion = gate;
    }

    /**
     * The revision applied before this cycle: this process's last, or after a restart the one the
     * inventory in the cluster names (so that a restart neither re-announces nor re-gates it).
     */
    private String lastApplied() {
        String known = status.view().lastAppliedRevision();
        if (known != null) {
            return known;
        }
        try {
            return reconciler.inventory().lastAppliedRevision();
        } catch (RuntimeException e) {
            return null; // the cycle reports the cluster's absence itself
        }
    }

    /** One line per outcome; the log prefix already names the cycle and its revision. */
    private void log(Trigger trigger, CycleResult r) {
        if (r.outcome() == CycleResult.Outcome.SUCCEEDED) {
            r.findings().forEach(f -> LOG.warnf("safety: %s", f));
        }
        switch (r.outcome()) {
            case NOOP -> LOG.debugf("in sync (trigger %s)", trigger);
            case SUCCEEDED -> {
                String signer = MDC.get("signer") instanceof String s ? ", signed by " + s : "";
                LOG.infof(
                        "%s (trigger %s%s): %s in %d ms",
                        r.drift() ? "corrected drift" : "applied",
                        trigger,
                        signer,
                        r.changes().summary(),
                        r.duration().toMillis());
                for (Change c : r.changes().effective()) {
                    LOG.infof("  %s", c.line());
                }
            }
            case BLOCKED ->
                LOG.logf(
                        outcomeLevel(Logger.Level.WARN),
                        "blocked (trigger %s): %s",
                        trigger,
                        r.refusal().getMessage());
            case FAILED -> LOG.debugf("failed (trigger %s), reported above", trigger);
            default -> throw new IllegalStateException();
        }
    }

    /** The daemon logs a cycle's failure or refusal; a command running the cycle prints it in its own words instead. */
    private Logger.Level outcomeLevel(Logger.Level daemon) {
        return callerReports ? Logger.Level.DEBUG : daemon;
    }

    static String shortSha(String sha) {
        return sha == null || sha.length() < 12 ? sha : sha.substring(0, 12);
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
        revisions.close();
        reconciler.close();
    }
}
