package io.alfred.gitops.safety;

import io.alfred.gitops.render.ObjectRef;

/**
 * A scale-down the live budget cannot absorb at once: this cycle takes the workload from
 * {@code from} to {@code to} replicas (no further than the budget allows now, possibly not at all),
 * and later cycles go on towards {@code target} as the budget allows. The rest of the change set
 * is applied meanwhile.
 *
 * @param budget the budget that limits the step, {@code PodDisruptionBudget ns/name}
 * @param allowedNow disruptions that budget allows now
 */
public record ScaleStep(ObjectRef workload, int from, int to, int target, String budget, int allowedNow) {

    /** The budget allows nothing now: the replicas stay as they are this cycle. */
    public boolean holds() {
        return to == from;
    }

    /** What this cycle does and what is left, for the change set. */
    public String progress() {
        String step = holds()
                ? "scale-down from " + from + " to " + target + " replica(s) waits: " + budget + " allows " + allowedNow
                        + " disruption(s) now"
                : "scaled from " + from + " to " + to + " replica(s), " + budget + " allows " + allowedNow
                        + " disruption(s) now";
        return step + "; " + (to - target) + " replica(s) left to remove in later cycles";
    }

    /** {@link #progress()} naming the workload, for the logs and the events. */
    public String describe() {
        return workload + ": " + progress();
    }
}
