package io.alfred.gitops.reconcile;

import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.config.ApplySettings;
import io.alfred.gitops.config.PdbMode;
import io.alfred.gitops.plan.Plan;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.prune.Inventory;
import io.alfred.gitops.prune.InventoryEntry;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.safety.Gate;
import io.alfred.gitops.safety.GateRefusal;
import io.alfred.gitops.safety.PdbGate;
import io.alfred.gitops.safety.ScaleStep;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The gates a planned cycle passes before it writes: an empty render, the prune guard and the
 * PodDisruptionBudgets (docs/design.md, "Safety: disruption budgets, HPAs, rollouts, rollback").
 * Each refuses by throwing {@link GateRefusal}; what does not refuse but deserves a word becomes a
 * finding.
 */
final class Gates {
    private final ApplySettings apply;
    private final PdbMode pdb;
    private final PdbGate pdbGate;

    Gates(ApplySettings apply, PdbMode pdb, PdbGate pdbGate) {
        this.apply = apply;
        this.pdb = pdb;
        this.pdbGate = pdbGate;
    }

    void checkEmptyRender(List<Manifest> manifests) {
        if (manifests.isEmpty() && !apply.allowEmpty()) {
            throw new GateRefusal(
                    Gate.EMPTY_RENDER,
                    "",
                    "the render has no objects; nothing is applied or pruned "
                            + "(set gitops.apply.allow-empty=true if emptying the cluster is intended)");
        }
    }

    void checkPruneGuard(List<InventoryEntry> toPrune, Inventory inventory) {
        if (toPrune.isEmpty() || inventory.size() == 0) {
            return;
        }
        double share = (double) toPrune.size() / inventory.size();
        if (share > apply.pruneGuard() && !(apply.allowEmpty() && toPrune.size() == inventory.size())) {
            throw new GateRefusal(
                    Gate.PRUNE_GUARD,
                    "",
                    String.format(
                            "the cycle would delete %d of %d inventory objects (%.0f%%), more than "
                                    + "gitops.apply.prune-guard=%.0f%%;"
                                    + " nothing was applied or deleted (first: %s)",
                            toPrune.size(),
                            inventory.size(),
                            share * 100,
                            apply.pruneGuard() * 100,
                            toPrune.get(0).ref()));
        }
    }

    /**
     * The PodDisruptionBudget gate, by {@code gitops.safety.pdb}: refuses (or with {@code warn}
     * reports) what the budgets cannot afford, and returns the scale-downs to take in steps, by
     * workload key.
     */
    Map<String, ScaleStep> checkBudgets(Plan plan, List<String> findings) {
        if (pdb == PdbMode.OFF) {
            return Map.of();
        }
        PdbGate.Report report = pdbGate.check(plan.objects());
        findings.addAll(report.warnings());
        if (!report.refusals().isEmpty() && pdb == PdbMode.ENFORCE) {
            PdbGate.Refusal first = report.refusals().get(0);
            throw new GateRefusal(
                    Gate.PDB,
                    first.object(),
                    report.refusals().stream().map(PdbGate.Refusal::line).collect(Collectors.joining("; ")));
        }
        report.refusals().forEach(r -> findings.add(r.line()));
        if (pdb == PdbMode.WARN) {
            report.steps()
                    .forEach(step -> findings.add("pdb (warn): " + step.workload() + " scaled from " + step.from()
                            + " to " + step.target() + " at once, beyond what " + step.budget() + " allows now ("
                            + step.allowedNow() + ")"));
            return Map.of();
        }
        report.steps().forEach(step -> findings.add(step.describe()));
        return report.steps().stream()
                .collect(Collectors.toMap(step -> step.workload().key(), Function.identity()));
    }

    /** The workloads of the steps (by key) at their step's replica count instead of git's. */
    static List<PlannedObject> inSteps(List<PlannedObject> changed, Map<String, ScaleStep> steps) {
        return changed.stream()
                .map(o -> {
                    ScaleStep step = steps.get(o.desired().ref().key());
                    return step == null ? o : o.withReplicas(step.to());
                })
                .toList();
    }

    /** The changes, each workload taken in steps noted with its progress. */
    static ChangeSet noted(ChangeSet changes, Map<String, ScaleStep> steps) {
        return new ChangeSet(changes.changes().stream()
                .map(c -> {
                    ScaleStep step = steps.get(c.ref().key());
                    return step == null ? c : new Change(c.ref(), c.action(), c.diff(), step.progress());
                })
                .toList());
    }
}
