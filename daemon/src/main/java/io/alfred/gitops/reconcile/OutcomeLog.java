package io.alfred.gitops.reconcile;

import io.alfred.gitops.StageException;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.trigger.Trigger;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The log, as one of the {@link CycleReporter}'s sinks: one line per outcome (the log prefix
 * already names the cycle and its revision), the applied changes one per line.
 */
final class OutcomeLog {
    private static final Logger LOG = Logger.getLogger(CycleRunner.class);

    /** A command runs the cycle and prints its failure or refusal itself: the log says it at debug level. */
    private volatile boolean callerReports;

    void callerReports(boolean on) {
        callerReports = on;
    }

    /** A failure said for the first time; an unexpected one with its stack trace. */
    void failed(Trigger trigger, StageException e) {
        LOG.logf(
                outcomeLevel(Logger.Level.ERROR),
                e.isUnexpected() ? e.getCause() : null,
                "failed (trigger %s): %s",
                trigger,
                e.getMessage());
    }

    void ended(Trigger trigger, CycleResult r) {
        switch (r.outcome()) {
            case NOOP -> LOG.debugf("in sync (trigger %s)", trigger);
            case SUCCEEDED -> {
                r.findings().forEach(f -> LOG.warnf("safety: %s", f));
                String signer = MDC.get("signer") instanceof String s ? ", signed by " + s : "";
                LOG.infof(
                        "%s (trigger %s%s): %s in %d ms",
                        r.drift() ? "corrected drift" : "applied",
                        trigger,
                        signer,
                        r.changes().summary(),
                        r.duration().toMillis());
                for (Change c : r.changes().effective()) {
                    LOG.infof("  %s", c.line());
                }
            }
            case BLOCKED ->
                LOG.logf(
                        outcomeLevel(Logger.Level.WARN),
                        "blocked (trigger %s): %s",
                        trigger,
                        r.refusal().getMessage());
            case FAILED -> LOG.debugf("failed (trigger %s), reported above", trigger);
            default -> throw new IllegalStateException();
        }
    }

    /** The daemon logs a cycle's failure or refusal; a command running the cycle prints it in its own words instead. */
    private Logger.Level outcomeLevel(Logger.Level daemon) {
        return callerReports ? Logger.Level.DEBUG : daemon;
    }
}
