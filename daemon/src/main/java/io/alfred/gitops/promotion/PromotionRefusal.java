package io.alfred.gitops.promotion;

import io.alfred.gitops.Revision;
import io.alfred.gitops.safety.Gate;
import io.alfred.gitops.safety.GateRefusal;

/**
 * The promotion gate's refusal: the revision waits for upstream proofs, or an upstream failed it.
 * Its message says how long is left of the soak, so it changes from cycle to cycle; the event it
 * becomes is published once per revision and state, not once per message.
 */
public final class PromotionRefusal extends GateRefusal {
    private final PromotionDecision.State state;

    public PromotionRefusal(String revision, PromotionDecision decision) {
        super(Gate.PROMOTION, "revision " + Revision.abbreviate(revision), decision.reason());
        this.state = decision.state();
    }

    @Override
    public String dedupKey() {
        return Gate.PROMOTION.label() + " " + state;
    }
}
