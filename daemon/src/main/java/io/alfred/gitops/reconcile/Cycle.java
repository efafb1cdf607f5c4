package io.alfred.gitops.reconcile;

import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.drift.DriftConflict;
import io.alfred.gitops.drift.DriftWatch;
import io.alfred.gitops.events.CycleEvents;
import io.alfred.gitops.plan.LiveView;
import io.alfred.gitops.promotion.PromotionDecision;
import io.alfred.gitops.promotion.PromotionGate;
import io.alfred.gitops.promotion.PromotionRefusal;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.safety.Gate;
import io.alfred.gitops.safety.GateRefusal;
import io.alfred.gitops.state.Suspension;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.verify.RevisionVerification;
import io.alfred.gitops.verify.SignatureCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One cycle, as a script (docs/design.md, "How it works"): fetch, verify, hold, render, then the
 * reconcile (plan, gates, apply, wait, prune), each step a call that may end the cycle early. Every
 * outcome goes to the {@link CycleReporter}; a failed rollout is rolled back after it is reported.
 */
final class Cycle {
    private static final Logger LOG = Logger.getLogger(CycleRunner.class);

    private final CycleRunner runner;
    private final CycleReporter reporter;
    private final Trigger trigger;
    private final StageTimer timer = new StageTimer();
    private final Revision previous;
    private final DriftWatch watch;
    private Revision revision;
    /** What the plan reads the live objects from; set by the fetch. */
    private LiveView view = LiveView.NONE;
    /** Objects held as a drift fight, not corrected in this cycle; set by the render. */
    private Set<String> fighting = Set.of();

    private CycleEvents events;

    Cycle(CycleRunner runner, Trigger trigger, Revision previous) {
        this.runner = runner;
        this.reporter = runner.reporter;
        this.trigger = trigger;
        this.previous = previous;
        this.watch = runner.driftWatch().orElse(null);
        this.events = reporter.eventsOf(trigger, null, previous);
    }

    /** How the cycle ended, or null when there was nothing to do. */
    CycleResult run() {
        try {
            return script();
        } catch (StageException e) {
            return failed(e);
        } catch (RuntimeException e) {
            return failed(
                    StageException.unexpected(revision == null ? Stage.FETCH : Stage.PLAN, runner.revisions.url(), e));
        }
    }

    private CycleResult script() {
        if (!fetch()) {
            return null;
        }
        Revision newest = revision;
        RevisionVerification verification = runner.revisions.verify(newest);
        GateRefusal held = hold(verification);
        if (held != null) {
            return ended(CycleResult.blocked(revision, held, timer.elapsed()), null);
        }
        // held back, the applied revision is reconciled instead: it was verified when it was applied
        reporter.verified(revision, revision.equals(newest) ? verification.signer() : Optional.empty(), events);
        RenderResult render = render();
        reporter.stage(Stage.PLAN, revision);
        Suspension suspension = runner.suspendStore.load();
        runner.suspensionChanged(suspension);
        if (suspension.suspended()) {
            return ended(reportOnly(render, suspension), render);
        }
        return ended(
                runner.reconciler.reconcile(render, new Reconciler.Context(view, fighting, new Progress())), render);
    }

    /** Polls the ref; false when there is nothing to do (a revision that failed, a quiet interval). */
    private boolean fetch() {
        revision = runner.revisions.pollFor(trigger);
        at(revision);
        Optional<LiveView> worth = runner.worthACycle(trigger, revision);
        if (worth.isEmpty()) {
            return false;
        }
        view = worth.get();
        events = reporter.eventsOf(trigger, revision, previous);
        reporter.fetched(revision, timer.elapsed());
        reporter.stage(Stage.VERIFY, revision);
        return true;
    }

    /**
     * A gate that holds the newest revision back (verify, promotion). With a revision applied before,
     * that one stays applied and this cycle reconciles it instead (drift); else the cycle is blocked.
     */
    private GateRefusal hold(RevisionVerification verification) {
        GateRefusal held = gate(verification);
        if (held == null) {
            reporter.notHeld();
            return null;
        }
        if (previous == null || previous.equals(revision)) {
            return held;
        }
        reporter.held(trigger, held, revision, events, timer.elapsed());
        revision = previous;
        at(revision);
        events = reporter.eventsOf(trigger, revision, previous);
        return null;
    }

    /**
     * Why the newest revision may not be applied yet, or null: it lacks the signatures
     * {@code gitops.source.verify.mode} asks for (gate {@code verify}, before anything of it is
     * rendered), or the environments it must pass first have not proven it (gate {@code promotion};
     * a cycle is queued for the end of a soak already running).
     */
    private GateRefusal gate(RevisionVerification verification) {
        if (!verification.isVerified()) {
            SignatureCheck refused = verification.refusal().orElseThrow();
            return new GateRefusal(
                    Gate.VERIFY, refused.object(), refused.describe() + "; the last verified revision stays applied");
        }
        PromotionGate gate = runner.promotion();
        if (gate == null || revision.equals(previous)) {
            return null;
        }
        PromotionDecision decision = gate.decide(revision.sha());
        reporter.promotion(revision, decision);
        if (decision.isPromoted()) {
            return null;
        }
        decision.recheckAt()
                .ifPresent(at -> runner.offer(
                        Trigger.of(Trigger.Kind.PROMOTION),
                        Duration.between(Instant.now(), at).plusMillis(100)));
        return new PromotionRefusal(revision.sha(), decision);
    }

    private RenderResult render() {
        reporter.stage(Stage.RENDER, revision);
        long start = System.nanoTime();
        RenderResult render = runner.revisions.render(revision);
        reporter.rendered(render, Duration.ofNanos(System.nanoTime() - start));
        if (watch != null) {
            watch.expect(render.manifests());
            if (trigger.kind() == Trigger.Kind.MANUAL || trigger.kind() == Trigger.Kind.RESUME) {
                releaseHolds();
            }
            List<DriftConflict> conflicts = watch.conflicts();
            fighting = conflicts.stream().map(c -> c.ref().key()).collect(Collectors.toSet());
            reporter.conflicts(conflicts);
        }
        return render;
    }

    /** A manual reconcile or a resume corrects the objects held as a drift fight again. */
    private void releaseHolds() {
        List<DriftConflict> released = watch.releaseHolds();
        if (!released.isEmpty()) {
            LOG.infof(
                    "%s: %d object(s) held as a drift fight are corrected again (%s)",
                    trigger.kind().label(),
                    released.size(),
                    released.stream().map(c -> c.ref().toString()).collect(Collectors.joining(", ")));
        }
    }

    /**
     * While suspended: the plan (a server-side dry run, no write) says whether git and the cluster
     * differ; the cycle is blocked by gate {@code suspended}.
     */
    private CycleResult reportOnly(RenderResult render, Suspension suspension) {
        ChangeSet drift = runner.reconciler.diff(render);
        String state = drift.hasChanges()
                ? "git differs from the cluster (" + drift.summary() + "), nothing written"
                : "the cluster matches git";
        return CycleResult.blocked(
                render.revision(),
                new GateRefusal(Gate.SUSPENDED, "", suspension.describe() + "; " + state),
                timer.elapsed(),
                List.of(),
                Map.of(),
                OptionalInt.empty());
    }

    /** Reports the outcome; the watches keep what is applied; a failed rollout is rolled back. */
    private CycleResult ended(CycleResult result, RenderResult render) {
        if (watch != null && render != null) {
            if (result.inSync()) {
                watch.track(render.manifests());
            } else {
                watch.abandon();
            }
        }
        reporter.ended(trigger, result, events);
        if (result.outcome() == CycleResult.Outcome.FAILED && result.error().stage() == Stage.WAIT && runner.rollback) {
            rollBack();
        }
        runner.heapRelease.cycleEnded(render == null ? 0 : render.manifests().size());
        return result;
    }

    private CycleResult failed(StageException e) {
        if (e.stage() == Stage.RENDER && revision != null) {
            // rendering it again gives the same answer (and one input may cost Kustomize all it has)
            runner.failedRevision(revision);
        }
        return ended(CycleResult.failed(revision, e, timer.elapsed()), null);
    }

    /**
     * A failed rollout: re-render the last good revision from git, apply it, wait for it, publish
     * {@code rolledback}. The failed revision is remembered so that it is not retried in a loop; a
     * rollback that fails too ends as failed.
     */
    private void rollBack() {
        Revision failed = revision;
        Revision good = Revision.ofNullable(runner.reconciler.inventory().lastGoodRevision());
        runner.failedRevision(failed);
        if (good == null || good.equals(failed)) {
            LOG.errorf("rollback: no earlier good revision to return to; %s stays as it is", failed);
            return;
        }
        StageTimer rollback = new StageTimer();
        try {
            RevisionVerification verification = runner.revisions.verify(good);
            if (!verification.isVerified()) {
                String why = verification.refusal().orElseThrow().describe();
                reporter.rollbackRefused(events, failed, good, why, rollback.elapsed());
                return;
            }
            CycleResult result = runner.reconciler.reconcile(runner.revisions.render(good));
            reporter.rollbackEnded(events, failed, good, result, rollback.elapsed());
        } catch (StageException e) {
            reporter.rollbackFailed(events, good, e, rollback.elapsed());
        }
    }

    /** The log prefix names the cycle's revision from here on. */
    private static void at(Revision revision) {
        MDC.put("revision", revision.sha());
        MDC.put(CycleRunner.LOG_PREFIX, "cycle " + MDC.get("cycle") + " at " + revision.abbreviated() + ": ");
    }

    /** The reconcile's progress, reported as it happens. */
    private final class Progress implements Reconciler.Listener {
        @Override
        public void planned(ChangeSet planned, boolean drift) {
            reporter.planned(events, planned, drift);
        }

        @Override
        public void applied(ChangeSet done, boolean drift) {
            reporter.applied(events, done, drift);
        }
    }
}
