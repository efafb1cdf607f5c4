package io.alfred.gitops.reconcile;

import io.alfred.gitops.StageException;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.safety.GateRefusal;
import java.time.Duration;

/**
 * How one cycle ended.
 *
 * @param drift the revision had been applied before and live objects were put back
 * @param error the failure (outcome FAILED), else null
 * @param refusal the gate that refused (outcome BLOCKED), else null
 * @param findings safety findings that did not block (warn mode, budgets that never allow a disruption)
 * @param stageDurations time spent in plan, apply, wait and prune
 * @param inventorySize objects in the inventory after the cycle, -1 when it could not be read
 */
public record CycleResult(Outcome outcome, String revision, ChangeSet changes, boolean drift, StageException error,
        GateRefusal refusal, Duration duration, java.util.List<String> findings,
        java.util.Map<String, Duration> stageDurations, int inventorySize) {

    public CycleResult {
        findings = java.util.List.copyOf(findings);
        stageDurations = java.util.Map.copyOf(stageDurations);
    }

    public enum Outcome {
        /** something was applied or pruned, and all went well */
        SUCCEEDED,
        /** the cluster already matched git */
        NOOP,
        FAILED,
        BLOCKED
    }
}
