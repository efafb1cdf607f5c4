package io.alfred.gitops.config;

import java.time.Duration;

/**
 * The safety gate and rollout settings.
 *
 * @param pdb what the PodDisruptionBudget gate does
 */
public record SafetySettings(PdbMode pdb, Duration rolloutTimeout, boolean rollback) {

    public static SafetySettings defaults() {
        return new SafetySettings(
                PdbMode.of(Defaults.SAFETY_PDB).orElseThrow(),
                Durations.parse("gitops.safety.rollout-timeout", Defaults.SAFETY_ROLLOUT_TIMEOUT),
                Boolean.parseBoolean(Defaults.SAFETY_ROLLBACK));
    }
}
