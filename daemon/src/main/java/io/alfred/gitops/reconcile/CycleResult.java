package io.alfred.gitops.reconcile;

import io.alfred.gitops.Revision;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.health.ObjectHealth;
import io.alfred.gitops.safety.GateRefusal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * How one cycle ended; made by the named factories ({@link #succeeded}, {@link #noop},
 * {@link #blocked}, {@link #failed}).
 *
 * @param drift the revision had been applied before and live objects were put back
 * @param error the failure (outcome FAILED), else null
 * @param refusal the gate that refused (outcome BLOCKED), else null
 * @param findings safety findings that did not block (warn mode, budgets that never allow a disruption)
 * @param stageDurations time spent in plan, gate, apply, wait and prune
 * @param inventorySize objects in the inventory after the cycle, empty when it could not be read
 * @param workloads the final health of the workloads and custom resources the cycle waited for
 */
public record CycleResult(
        Outcome outcome,
        Revision revision,
        ChangeSet changes,
        boolean drift,
        StageException error,
        GateRefusal refusal,
        Duration duration,
        List<String> findings,
        Map<Stage, Duration> stageDurations,
        OptionalInt inventorySize,
        List<ObjectHealth> workloads) {

    public CycleResult {
        findings = List.copyOf(findings);
        stageDurations = Map.copyOf(stageDurations);
        workloads = List.copyOf(workloads);
    }

    public enum Outcome {
        /** something was applied or pruned, and all went well */
        SUCCEEDED,
        /** the cluster already matched git */
        NOOP,
        FAILED,
        BLOCKED
    }

    public static CycleResult succeeded(
            Revision revision,
            ChangeSet changes,
            boolean drift,
            Duration duration,
            List<String> findings,
            Map<Stage, Duration> stages,
            OptionalInt inventorySize,
            List<ObjectHealth> workloads) {
        return new CycleResult(
                Outcome.SUCCEEDED,
                revision,
                changes,
                drift,
                null,
                null,
                duration,
                findings,
                stages,
                inventorySize,
                workloads);
    }

    public static CycleResult noop(
            Revision revision,
            ChangeSet changes,
            Duration duration,
            List<String> findings,
            Map<Stage, Duration> stages,
            OptionalInt inventorySize) {
        return new CycleResult(
                Outcome.NOOP,
                revision,
                changes,
                false,
                null,
                null,
                duration,
                findings,
                stages,
                inventorySize,
                List.of());
    }

    public static CycleResult blocked(
            Revision revision,
            GateRefusal refusal,
            Duration duration,
            List<String> findings,
            Map<Stage, Duration> stages,
            OptionalInt inventorySize) {
        return new CycleResult(
                Outcome.BLOCKED,
                revision,
                ChangeSet.empty(),
                false,
                null,
                refusal,
                duration,
                findings,
                stages,
                inventorySize,
                List.of());
    }

    public static CycleResult failed(
            Revision revision,
            StageException error,
            Duration duration,
            List<String> findings,
            Map<Stage, Duration> stages,
            OptionalInt inventorySize) {
        return new CycleResult(
                Outcome.FAILED,
                revision,
                ChangeSet.empty(),
                false,
                error,
                null,
                duration,
                findings,
                stages,
                inventorySize,
                List.of());
    }

    /** A cycle refused before it reached the cluster (a hold: verify, promotion). */
    public static CycleResult blocked(Revision revision, GateRefusal refusal, Duration duration) {
        return blocked(revision, refusal, duration, List.of(), Map.of(), OptionalInt.empty());
    }

    /** The cluster matches the revision: applied now, or already. */
    public boolean inSync() {
        return outcome == Outcome.SUCCEEDED || outcome == Outcome.NOOP;
    }

    /** A cycle that failed before it reached the cluster (fetch, render): nothing else to say. */
    public static CycleResult failed(Revision revision, StageException error, Duration duration) {
        return failed(revision, error, duration, List.of(), Map.of(), OptionalInt.empty());
    }
}
