package io.alfred.gitops.reconcile;

import io.alfred.gitops.drift.DriftWatch;
import io.alfred.gitops.trigger.Trigger;
import java.util.Optional;

/**
 * Which interval cycles can be skipped: the revision did not move, and the drift watch has seen
 * every managed kind since the last cycle without a drift. Every {@link #RELIST_EVERY}th interval
 * still runs in full, as the safety net for what a watch could miss. Used by the worker thread only.
 */
final class QuietIntervals {
    /** With a quiet drift watch, one interval in this many still lists and compares everything. */
    static final int RELIST_EVERY = 10;

    /** What an interval cycle does: skip (quiet), run (through the watches' view), or relist everything. */
    enum Interval {
        SKIP,
        RUN,
        RELIST
    }

    /** Intervals in a row skipped as quiet. */
    private int skipped;

    /** @param stillApplied the fetched revision is the one applied last */
    Interval next(Trigger trigger, Optional<DriftWatch> watch, boolean stillApplied) {
        boolean quiet = watch.map(DriftWatch::quiet).orElse(false);
        if (trigger.kind() != Trigger.Kind.SCHEDULE || !quiet || !stillApplied) {
            skipped = 0;
            return Interval.RUN;
        }
        if (++skipped >= RELIST_EVERY) {
            skipped = 0;
            return Interval.RELIST;
        }
        return Interval.SKIP;
    }
}
