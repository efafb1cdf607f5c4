package io.alfred.gitops.reconcile;

import io.alfred.gitops.Revision;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.health.ObjectHealth;
import io.alfred.gitops.prune.Inventory;
import io.alfred.gitops.safety.GateRefusal;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** One reconcile of one revision as it goes: its stage timer, its findings, the inventory size known so far. */
final class Attempt {
    private final Revision revision;
    final StageTimer timer = new StageTimer();
    final List<String> findings = new ArrayList<>();
    private OptionalInt inventorySize = OptionalInt.empty();

    Attempt(Revision revision) {
        this.revision = revision;
    }

    /** The inventory as it now stands; returned as given. */
    Inventory inventory(Inventory known) {
        inventorySize = OptionalInt.of(known.size());
        return known;
    }

    CycleResult succeeded(ChangeSet changes, boolean drift, List<ObjectHealth> health) {
        return CycleResult.succeeded(
                revision, changes, drift, timer.elapsed(), findings, timer.laps(), inventorySize, health);
    }

    CycleResult noop(ChangeSet changes) {
        return CycleResult.noop(revision, changes, timer.elapsed(), findings, timer.laps(), inventorySize);
    }

    CycleResult blocked(GateRefusal refusal) {
        return CycleResult.blocked(revision, refusal, timer.elapsed(), findings, timer.laps(), inventorySize);
    }

    CycleResult failed(StageException e) {
        return CycleResult.failed(revision, e, timer.elapsed(), findings, timer.laps(), inventorySize);
    }
}
