package io.alfred.gitops.config;

import java.time.Duration;

/**
 * Drift between cycles.
 *
 * @param fightThreshold corrections of one object within {@code fightWindow} after which the daemon
 *     stops correcting it and reports a conflict with the other writer; by default more than 5 within
 *     a minute, Config Sync's {@code DefaultFightThreshold}, so that a person who fixes a value by hand
 *     a few times during an incident is still corrected
 */
public record DriftSettings(int fightThreshold, Duration fightWindow) {

    public static DriftSettings defaults() {
        return new DriftSettings(
                Integer.parseInt(Defaults.DRIFT_FIGHT_THRESHOLD),
                Durations.parse("gitops.drift.fight-window", Defaults.DRIFT_FIGHT_WINDOW));
    }
}
