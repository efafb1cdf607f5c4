package io.alfred.gitops.config;

import java.time.Duration;

/**
 * The safety gate and rollout settings.
 *
 * @param pdb what the PodDisruptionBudget gate does
 */
public record SafetySettings(PdbMode pdb, Duration rolloutTimeout, boolean rollback) {

    public static SafetySettings defaults() {
        return new SafetySettings(PdbMode.ENFORCE, Duration.ofMinutes(5), true);
    }
}
