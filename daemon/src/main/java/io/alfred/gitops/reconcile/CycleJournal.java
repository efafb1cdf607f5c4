package io.alfred.gitops.reconcile;

import io.alfred.gitops.Revision;
import io.alfred.gitops.source.CommitInfo;
import io.alfred.gitops.state.CycleRecord;
import io.alfred.gitops.state.HistoryStore;
import io.alfred.gitops.trigger.Trigger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Writes each cycle into the in-cluster history ({@link HistoryStore}) with its commit's subject
 * and author. A quiet cycle that would record the same thing again (the revision in sync, or the
 * same failure) records nothing, so twenty records span more than twenty intervals. A failure to
 * write is logged and never fails the cycle.
 */
final class CycleJournal {
    private static final Logger LOG = Logger.getLogger(CycleJournal.class);
    /** Signers of the revisions verified lately (a handful: the applied one, its successors). */
    private final Map<String, String> signers = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 32;
        }
    };

    private final HistoryStore history;
    private final Function<Revision, CommitInfo> commits;
    private String lastRecorded;

    CycleJournal(HistoryStore history, Function<Revision, CommitInfo> commits) {
        this.history = history;
        this.commits = commits;
    }

    /** The verify stage passed this revision, signed by {@code signer}: the history says so. */
    void signed(Revision revision, String signer) {
        signers.put(revision.sha(), signer);
    }

    void remember(Trigger trigger, CycleResult result) {
        String outcome = result.outcome().name().toLowerCase(Locale.ROOT);
        String problem = result.error() != null
                ? result.error().getMessage()
                : result.refusal() != null ? result.refusal().getMessage() : "";
        boolean inSync =
                result.outcome() == CycleResult.Outcome.SUCCEEDED || result.outcome() == CycleResult.Outcome.NOOP;
        String key = result.revision() + " " + (inSync ? "in sync" : outcome + " " + problem);
        if (result.outcome() != CycleResult.Outcome.SUCCEEDED && key.equals(lastRecorded)) {
            return;
        }
        lastRecorded = key;
        record(result.drift() ? "drift" : trigger.kind().label(), result, outcome, problem);
    }

    void rolledBack(CycleResult result, Revision failed, Revision restored) {
        lastRecorded = null;
        record(
                "rollback",
                result,
                "rolledback",
                "rollout of " + failed.sha() + " failed; " + restored.sha() + " applied again");
    }

    private void record(String trigger, CycleResult result, String outcome, String problem) {
        CommitInfo commit = result.revision() == null ? CommitInfo.unknown() : commits.apply(result.revision());
        Map<String, Integer> counts = new TreeMap<>();
        result.changes().counts().forEach((action, n) -> counts.put(action.label(), n));
        CycleRecord cycle = new CycleRecord(
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                trigger,
                result.revision() == null ? "" : result.revision().sha(),
                commit.subject(),
                commit.author(),
                outcome,
                result.drift(),
                counts,
                result.duration().toMillis(),
                problem,
                result.findings(),
                result.revision() == null
                        ? ""
                        : signers.getOrDefault(result.revision().sha(), ""));
        try {
            history.record(cycle);
        } catch (RuntimeException e) {
            LOG.warnf("history: cannot keep this cycle in ConfigMap %s: %s", HistoryStore.NAME, e.getMessage());
        }
    }
}
