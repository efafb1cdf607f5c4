package io.alfred.gitops.config;

import java.time.Duration;

/**
 * Drift between cycles.
 *
 * @param fightThreshold corrections of one object within {@code fightWindow} after which the daemon
 *     stops correcting it and reports a conflict with the other writer
 */
public record DriftSettings(int fightThreshold, Duration fightWindow) {

    public static DriftSettings defaults() {
        return new DriftSettings(5, Duration.ofMinutes(10));
    }
}
