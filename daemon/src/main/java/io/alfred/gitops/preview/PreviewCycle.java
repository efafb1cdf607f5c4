package io.alfred.gitops.preview;

import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.promotion.PromotionDecision;
import io.alfred.gitops.promotion.PromotionGate;
import io.alfred.gitops.reconcile.Reconciler;
import io.alfred.gitops.reconcile.Revisions;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.safety.Gate;
import io.alfred.gitops.safety.GateRefusal;
import io.alfred.gitops.state.SuspendStore;
import io.alfred.gitops.state.Suspension;
import io.alfred.gitops.verify.RevisionVerification;
import io.alfred.gitops.verify.Signer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One preview, as a script: fetch the pull request's head, verify, ask the promotion gate and the
 * suspension, render, then plan with the server-side dry run and ask the plan's gates (empty
 * render, prune guard, budgets), and stop there. Nothing is written: the reconciler's writes are
 * refused by its guard, the promotion gate is asked without saving, the mirror and the render are
 * the preview's own, and a failure here never marks a revision as failed for the deploys.
 */
public final class PreviewCycle {
    private final Preview.Where where;
    private final Function<String, Revisions> revisionsOf;
    private final Reconciler reconciler;
    private final SuspendStore suspension;
    private final Optional<PromotionGate> promotion;
    private final UnaryOperator<String> mask;

    /**
     * @param revisionsOf the fetch, verify and render of a head ref (closed after each preview)
     * @param reconciler a reconciler whose guard refuses every write
     * @param mask applied to every text a preview shows ({@link Redaction})
     */
    public PreviewCycle(
            Preview.Where where,
            Function<String, Revisions> revisionsOf,
            Reconciler reconciler,
            SuspendStore suspension,
            Optional<PromotionGate> promotion,
            UnaryOperator<String> mask) {
        this.mask = mask;
        this.where = where;
        this.revisionsOf = revisionsOf;
        this.reconciler = reconciler;
        this.suspension = suspension;
        this.promotion = promotion;
    }

    public Preview run(PullRequest pr) {
        return unmasked(pr).masked(mask);
    }

    private Preview unmasked(PullRequest pr) {
        long start = System.nanoTime();
        List<GateVerdict> gates = new ArrayList<>();
        Optional<String> sha = Optional.empty();
        try (Revisions revisions = revisionsOf.apply(pr.headRef())) {
            Revision revision = Revision.of(revisions.poll().revision());
            sha = Optional.of(revision.sha());
            RevisionVerification verification = revisions.verify(revision);
            gates.add(verify(verification));
            gates.add(promotion(revision));
            gates.add(suspended(suspension.load()));
            if (!verification.isVerified()) {
                // as a deploy: nothing of a revision the verify gate refuses is rendered
                return Preview.held(pr, revision.sha(), where, since(start), gates);
            }
            RenderResult render = revisions.render(revision);
            Reconciler.Forecast forecast = reconciler.forecast(render);
            Set<Gate> refused = EnumSet.noneOf(Gate.class);
            for (GateRefusal refusal : forecast.refusals()) {
                refused.add(refusal.gate());
                gates.add(GateVerdict.refuses(refusal.gate(), refusal.getMessage()));
            }
            planGate(
                    gates,
                    refused,
                    Gate.EMPTY_RENDER,
                    "objects rendered: " + render.manifests().size());
            planGate(
                    gates,
                    refused,
                    Gate.PRUNE_GUARD,
                    "objects to prune: " + forecast.pruned().size());
            planGate(gates, refused, Gate.PDB, "the budgets afford the change");
            return Preview.of(
                    pr,
                    revision.sha(),
                    where,
                    since(start),
                    gates,
                    forecast.changes(),
                    forecast.pruned().stream().map(ObjectRef::slashed).toList(),
                    forecast.immutable(),
                    forecast.findings());
        } catch (StageException e) {
            return Preview.failed(pr, sha, where, since(start), gates, e);
        } catch (RuntimeException e) {
            return Preview.failed(
                    pr, sha, where, since(start), gates, StageException.unexpected(Stage.PLAN, pr.headRef(), e));
        }
    }

    private static void planGate(List<GateVerdict> gates, Set<Gate> refused, Gate gate, String passed) {
        if (!refused.contains(gate)) {
            gates.add(GateVerdict.passes(gate, passed));
        }
    }

    private static GateVerdict verify(RevisionVerification verification) {
        if (!verification.isRequired()) {
            return GateVerdict.passes(Gate.VERIFY, "no signature required (gitops.source.verify.mode=off)");
        }
        if (!verification.isVerified()) {
            return GateVerdict.refuses(
                    Gate.VERIFY, verification.refusal().orElseThrow().describe());
        }
        return GateVerdict.passes(
                Gate.VERIFY,
                "signed by " + verification.signer().map(Signer::describe).orElse("a trusted key"));
    }

    private GateVerdict promotion(Revision revision) {
        if (promotion.isEmpty()) {
            return GateVerdict.passes(Gate.PROMOTION, "no promotion gate (gitops.promotion.after is not set)");
        }
        PromotionDecision decision = promotion.get().wouldDecide(revision.sha());
        return decision.isPromoted()
                ? GateVerdict.passes(Gate.PROMOTION, "proven upstream")
                : GateVerdict.refuses(Gate.PROMOTION, decision.reason());
    }

    private static GateVerdict suspended(Suspension now) {
        return now.suspended()
                ? GateVerdict.refuses(Gate.SUSPENDED, now.describe())
                : GateVerdict.passes(Gate.SUSPENDED, "not suspended");
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
