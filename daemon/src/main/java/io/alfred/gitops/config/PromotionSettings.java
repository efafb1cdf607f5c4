package io.alfred.gitops.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Promotion across environments: a revision is applied here only after every environment or
 * cluster of {@code after} has proven it.
 *
 * @param after environments or cluster names whose success is required (empty: no promotion gate)
 * @param soak how long the revision must have stayed healthy there, with no {@code failed} or
 *     {@code rolledback} since
 * @param subscription the subscription on the events topic the proofs are read from
 */
public record PromotionSettings(List<String> after, Duration soak, Optional<String> subscription) {

    public static PromotionSettings none() {
        return new PromotionSettings(List.of(), Duration.ZERO, Optional.empty());
    }

    public boolean enabled() {
        return !after.isEmpty();
    }
}
