package io.alfred.gitops.promotion;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether a revision may be applied here, by the proofs of the environments it must pass first.
 *
 * @param reason for a wait or a refusal: what it waits for (which environment, which revision, how
 *     long is left of the soak), or which environment failed it
 * @param recheckAt when the soak of a proof already there ends: the cycle to run then
 */
public record PromotionDecision(State state, String reason, Optional<Instant> recheckAt) {

    public enum State {
        PROMOTED,
        WAITING,
        REFUSED
    }

    public static PromotionDecision promoted() {
        return new PromotionDecision(State.PROMOTED, "", Optional.empty());
    }

    public static PromotionDecision waiting(String reason, Optional<Instant> recheckAt) {
        return new PromotionDecision(State.WAITING, reason, recheckAt);
    }

    public static PromotionDecision refused(String reason) {
        return new PromotionDecision(State.REFUSED, reason, Optional.empty());
    }

    public boolean isPromoted() {
        return state == State.PROMOTED;
    }
}
