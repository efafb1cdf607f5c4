package io.alfred.gitops.promotion;

import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.Revision;
import io.alfred.gitops.config.PromotionSettings;
import io.alfred.gitops.trigger.PubSubTrigger;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The promotion gate: a new revision is applied only once every environment of
 * {@code gitops.promotion.after} has proven it ({@link ProofLedger#decide}). The proofs are the
 * upstream clusters' own deploy events, read from {@code gitops.promotion.subscription}
 * ({@link #listener}); each one that changes the ledger is kept in the cluster ({@link ProofStore})
 * and starts a cycle, so a proven revision is applied when its proof arrives, not at the next
 * interval.
 */
public final class PromotionGate {
    private static final Logger LOG = Logger.getLogger(PromotionGate.class);

    private final PromotionSettings settings;
    private final ProofStore store;
    private final Clock clock;
    private final ProofLedger ledger;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile boolean unsaved;

    public PromotionGate(PromotionSettings settings, ProofStore store, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.ledger = store.load();
    }

    public PromotionSettings settings() {
        return settings;
    }

    public PromotionDecision decide(String revision) {
        saveIfUnsaved();
        return ledger.decide(revision, settings.after(), settings.soak(), clock.instant());
    }

    /** What {@link #decide} would answer, without saving anything (a pull request's preview). */
    public PromotionDecision wouldDecide(String revision) {
        return ledger.decide(revision, settings.after(), settings.soak(), clock.instant());
    }

    public List<ProofLedger.Proof> proofs() {
        return ledger.latest();
    }

    /**
     * Takes one upstream event: ignored unless it is a well-formed event of a cluster the gate
     * waits for; kept when it says something new.
     *
     * @return whether the ledger changed
     */
    public boolean accept(UpstreamEvent event) {
        if (settings.after().stream().noneMatch(event::isOf)) {
            LOG.debugf(
                    "promotion: event %s of cluster %s (%s) is not from an environment this one waits for",
                    event.id(), event.cluster(), event.environment());
            return false;
        }
        if (!ledger.record(event)) {
            return false;
        }
        LOG.infof(
                "promotion: %s (cluster %s) %s %s at %s",
                event.environment(),
                event.cluster(),
                event.signal() == UpstreamEvent.Signal.REACHED ? "reached" : "failed",
                Revision.abbreviate(event.revision()),
                event.at());
        unsaved = true;
        saveIfUnsaved();
        return true;
    }

    /** The handler of the promotion subscription: every message is acknowledged (a bad one would never become good). */
    public PubSubTrigger.MessageHandler listener(Runnable onProof) {
        return (PubsubMessage message) -> {
            try {
                UpstreamEvent event = UpstreamEvent.parse(message.getAttributesMap());
                if (event != null && accept(event)) {
                    onProof.run();
                }
            } catch (UpstreamEvent.Rejected e) {
                if (warned.add(e.getMessage())) {
                    LOG.warnf(
                            "promotion: ignored message %s on %s: %s (said once per reason)",
                            message.getMessageId(), settings.subscription().orElse("?"), e.getMessage());
                }
            }
            return true;
        };
    }

    /** A proof that could not be written yet (the API server away) is written with the next one, or the next cycle. */
    private void saveIfUnsaved() {
        if (!unsaved) {
            return;
        }
        try {
            store.save(ledger);
            unsaved = false;
        } catch (RuntimeException e) {
            LOG.warnf(
                    "promotion: cannot keep the proofs in ConfigMap %s yet (%s); they are kept in memory meanwhile",
                    ProofStore.NAME, e.getMessage());
        }
    }
}
