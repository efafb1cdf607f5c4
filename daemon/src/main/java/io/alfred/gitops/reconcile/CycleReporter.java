package io.alfred.gitops.reconcile;

import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.drift.DriftConflict;
import io.alfred.gitops.events.CycleEvents;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.promotion.PromotionDecision;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.safety.GateRefusal;
import io.alfred.gitops.state.Suspension;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.verify.Signer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The only code that tells the world how cycles go. Six sinks: {@code /status} ({@link SyncStatus}),
 * metrics ({@link CycleMetrics}), deploy events ({@link CycleEvents}, published as CloudEvents), the
 * history in the cluster ({@link CycleJournal}), Kubernetes Events ({@link CycleAnnouncer}) and the
 * log. A new sink, or a new outcome, changes this class only.
 *
 * <p>Order matters where observers wait: an outcome's events go out first (in the durable outbox
 * before anyone can see the cycle ended), {@code /status} last. The same failure or hold of the same
 * revision is said once; later cycles that meet it again only update the status.
 */
final class CycleReporter {
    private static final Logger LOG = Logger.getLogger(CycleRunner.class);

    private final SyncStatus status;
    private final CycleMetrics metrics;
    private final EventSink events;
    private final CycleJournal journal;
    private final CycleAnnouncer announcer;
    private final Revisions revisions;
    private final String cluster;
    private final String environment;
    /** The last failure said (revision and message). */
    private String lastFailure;
    /** The last hold said (revision and gate state). */
    private String lastHold;

    private final OutcomeLog log = new OutcomeLog();

    CycleReporter(
            SyncStatus status,
            CycleMetrics metrics,
            EventSink events,
            CycleJournal journal,
            CycleAnnouncer announcer,
            Revisions revisions,
            String cluster,
            String environment) {
        this.status = status;
        this.metrics = metrics;
        this.events = events;
        this.journal = journal;
        this.announcer = announcer;
        this.revisions = revisions;
        this.cluster = cluster;
        this.environment = environment;
    }

    void callerReports(boolean on) {
        log.callerReports(on);
    }

    /** The deploy events of one cycle on {@code revision} (null before the fetch). */
    CycleEvents eventsOf(Trigger trigger, Revision revision, Revision previous) {
        return new CycleEvents(
                events, cluster, environment, trigger, Revision.shaOf(revision), Revision.shaOf(previous));
    }

    /** The cycle reached {@code stage}; null when it ended. */
    void stage(Stage stage, Revision revision) {
        if (stage == null) {
            MDC.remove("stage");
        } else {
            // the log names plan to prune as one step, reconcile; /status.running says which of them
            MDC.put("stage", stage.compareTo(Stage.PLAN) >= 0 ? "reconcile" : stage.label());
        }
        status.stage(stage, Revision.shaOf(revision));
    }

    void fetched(Revision revision, Duration took) {
        status.fetched(revision.sha());
        status.took(Stage.FETCH, took);
        metrics.stage(Stage.FETCH, took);
    }

    void verified(Revision revision, Optional<Signer> signer, CycleEvents cycle) {
        signer.ifPresent(s -> {
            MDC.put("signer", s.describe());
            journal.signed(revision, s.describe());
        });
        cycle.signedBy(signer);
        status.verified(revision.sha(), signer);
    }

    void promotion(Revision revision, PromotionDecision decision) {
        status.promotion(revision.sha(), decision);
    }

    void rendered(RenderResult render, Duration took) {
        metrics.stage(Stage.RENDER, took);
        status.took(Stage.RENDER, took);
        status.rendered(render);
    }

    void planned(CycleEvents cycle, ChangeSet planned, boolean drift) {
        stage(Stage.APPLY, Revision.ofNullable(cycle.revision()));
        cycle.started(drift);
        cycle.planned(planned);
    }

    void applied(CycleEvents cycle, ChangeSet done, boolean drift) {
        stage(Stage.WAIT, Revision.ofNullable(cycle.revision()));
        cycle.applied(done, drift);
    }

    /** The newest revision is held back by a gate while {@code applied} stays: said once, shown while it lasts. */
    void held(Trigger trigger, GateRefusal held, Revision revision, CycleEvents cycle, Duration took) {
        status.held(new SyncStatus.Held(revision.sha(), held.gate().label(), held.getMessage()));
        String key = revision + " " + held.dedupKey();
        if (key.equals(lastHold)) {
            return;
        }
        lastHold = key;
        LOG.warnf("blocked: %s; %s stays applied", held.getMessage(), Revision.abbreviate(cycle.previous()));
        cycle.blocked(held, took);
        journal.remember(trigger, CycleResult.blocked(revision, held, took));
    }

    void notHeld() {
        status.held(null);
        lastHold = null;
    }

    void failedRevision(Revision revision) {
        status.failedRevision(Revision.shaOf(revision));
    }

    /** How a cycle ended, to all six sinks. */
    void ended(Trigger trigger, CycleResult result, CycleEvents cycle) {
        int inventorySize = result.inventorySize().orElse(status.view().inventorySize());
        switch (result.outcome()) {
            case SUCCEEDED -> {
                cycle.succeeded(result.changes(), result.duration(), result.findings(), result.workloads());
                lastFailure = null;
            }
            case NOOP -> {
                if (!result.revision().is(cycle.previous())) {
                    // a new revision with nothing to change here: said once, for the environments promoted after it
                    cycle.reached(result.duration());
                }
                lastFailure = null;
            }
            case BLOCKED -> {
                if (firstTime(
                        "blocked " + result.revision() + " " + result.refusal().dedupKey())) {
                    cycle.blocked(result.refusal(), result.duration());
                }
            }
            case FAILED -> failed(trigger, result, cycle);
            default -> throw new IllegalStateException();
        }
        metrics.cycle(result, inventorySize);
        if (result.inSync()) {
            metrics.applied(result.revision().sha());
        }
        journal.remember(trigger, result);
        if (result.outcome() != CycleResult.Outcome.NOOP && result.revision() != null) {
            announcer.cycleEnded(
                    result, trigger, revisions.describe(result.revision()).subject());
        }
        log.ended(trigger, result);
        status.cycle(result, inventorySize, trigger); // last: the status is what observers wait on
    }

    private void failed(Trigger trigger, CycleResult result, CycleEvents cycle) {
        StageException e = result.error();
        if (firstTime("failed " + result.revision() + " " + e.getMessage())) {
            log.failed(trigger, e);
            cycle.failed(e, result.duration());
        } else {
            LOG.debugf("failed again (trigger %s): %s", trigger, e.getMessage());
        }
    }

    /** A rollback to {@code good} ended: applied again, or failed too. */
    void rollbackEnded(CycleEvents cycle, Revision failed, Revision good, CycleResult result, Duration took) {
        status.cycle(result, result.inventorySize().orElse(status.view().inventorySize()));
        if (result.inSync()) {
            LOG.warnf(
                    "rollback: %s failed its rollout; %s is applied again (%s)",
                    failed, good, result.changes().summary());
            cycle.rolledBack(good.sha(), result.changes(), took);
            journal.rolledBack(result, failed, good);
            announcer.rolledBack(failed, good, result.changes());
            status.failedRevision(failed.sha());
            return;
        }
        StageException e = result.error() != null
                ? result.error()
                : new StageException(
                        Stage.PLAN, good.sha(), "blocked: " + result.refusal().getMessage());
        rollbackFailed(cycle, good, e, took);
    }

    void rollbackFailed(CycleEvents cycle, Revision good, StageException e, Duration took) {
        LOG.errorf("rollback to %s failed too: %s", good, e.getMessage());
        cycle.failed(
                new StageException(e.stage(), e.object(), "rollback to " + good.sha() + " failed: " + e.reason()),
                took);
    }

    void rollbackRefused(CycleEvents cycle, Revision failed, Revision good, String why, Duration took) {
        LOG.errorf("rollback: %s failed its rollout, and %s may not be restored: %s", failed, good, why);
        cycle.failed(
                new StageException(Stage.VERIFY, good.sha(), "rollback to " + good.sha() + " refused: " + why), took);
    }

    /** {@code suspend} or {@code resume} took effect. */
    void suspension(Suspension now, Trigger trigger) {
        boolean changed = status.view().suspension().suspended() != now.suspended();
        status.suspension(now);
        if (!changed) {
            return;
        }
        metrics.suspended(now.suspended());
        announcer.suspension(now);
        Revision applied = Revision.ofNullable(status.view().lastAppliedRevision());
        eventsOf(trigger, applied, applied).suspension(now.suspended(), now.by(), now.reason(), now.since());
        if (now.suspended()) {
            LOG.warnf(
                    "%s: the daemon fetches and reports drift but writes nothing until alfred-gitops resume",
                    now.describe());
        } else {
            LOG.infof("%s: writes resume", now.describe());
        }
    }

    /** An object became a drift conflict: a WARN line and a {@code drift.conflict} event, once. */
    void conflict(DriftConflict conflict) {
        LOG.warn("drift: " + conflict.describe());
        Revision applied = Revision.ofNullable(status.view().lastAppliedRevision());
        eventsOf(Trigger.of(Trigger.Kind.DRIFT), applied, applied).conflict(conflict);
    }

    /** The conflicts as they now stand, in {@code /status} and {@code gitops_drift_conflicts}. */
    void conflicts(List<DriftConflict> now) {
        status.conflicts(now.stream()
                .map(c -> new SyncStatus.Conflict(c.ref().toString(), c.manager(), c.corrections(), c.since()))
                .toList());
        metrics.conflicts(now.size());
    }

    private boolean firstTime(String failure) {
        boolean first = !failure.equals(lastFailure);
        lastFailure = failure;
        return first;
    }
}
