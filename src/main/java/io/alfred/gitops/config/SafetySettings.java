package io.alfred.gitops.config;

import java.time.Duration;

/**
 * The safety gate and rollout settings.
 *
 * @param pdb {@code enforce}, {@code warn} or {@code off}
 */
public record SafetySettings(String pdb, Duration rolloutTimeout, boolean rollback) {

    public static SafetySettings defaults() {
        return new SafetySettings("enforce", Duration.ofMinutes(5), true);
    }
}
