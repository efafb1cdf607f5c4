package io.alfred.gitops.reconcile;

import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.plan.Plan;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.prune.InventoryEntry;
import io.alfred.gitops.safety.ScaleStep;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a cycle's plan leaves to do: the objects to write, the changes to report, the inventory
 * entries to prune.
 *
 * @param bootstrapped keys of the Namespaces and CRDs created before the plan (reported as created)
 * @param seenBefore the render was applied in full before: a change to make is drift
 * @param stepped some workloads scale down in steps: the render is not applied in full
 */
record Work(
        List<PlannedObject> changed,
        ChangeSet changes,
        List<InventoryEntry> toPrune,
        Set<String> bootstrapped,
        boolean seenBefore,
        boolean stepped) {

    static Work of(Plan plan, Set<String> bootstrapped, List<InventoryEntry> toPrune, boolean seenBefore) {
        ChangeSet changes = new ChangeSet(plan.changeSet().changes().stream()
                .map(c -> bootstrapped.contains(c.ref().key()) ? Change.of(c.ref(), Action.CREATED) : c)
                .toList());
        return new Work(plan.toApply(), changes, toPrune, bootstrapped, seenBefore, false);
    }

    boolean drift() {
        return seenBefore && !changed.isEmpty();
    }

    /** Anything to write: changes, prunes or created foundations. */
    boolean writes() {
        return !changed.isEmpty() || !toPrune.isEmpty() || !bootstrapped.isEmpty();
    }

    /** The planned changes and the prunes, as the {@code planned} event says them. */
    ChangeSet announced() {
        return changes.plus(deletions(toPrune));
    }

    /** Inventory entries to prune, as the changes that delete them. */
    static ChangeSet deletions(List<InventoryEntry> entries) {
        return new ChangeSet(
                entries.stream().map(e -> Change.of(e.ref(), Action.DELETED)).toList());
    }

    /** Without the objects held back as a drift fight (by key). */
    Work withoutHeld(Set<String> held) {
        if (held.isEmpty()) {
            return this;
        }
        return new Work(
                changed.stream()
                        .filter(p -> !held.contains(p.desired().ref().key()))
                        .toList(),
                new ChangeSet(changes.changes().stream()
                        .filter(c -> !held.contains(c.ref().key()))
                        .toList()),
                toPrune,
                bootstrapped,
                seenBefore,
                stepped);
    }

    /** With the scale-downs the budgets allow only in steps (by workload key) at their step's replicas. */
    Work inSteps(Map<String, ScaleStep> steps) {
        if (steps.isEmpty()) {
            return this;
        }
        return new Work(
                Gates.inSteps(changed, steps), Gates.noted(changes, steps), toPrune, bootstrapped, seenBefore, true);
    }
}
