package io.alfred.gitops.reconcile;

import io.alfred.gitops.Stage;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The time one cycle spends per stage: each {@link #lap} charges the time since the previous lap
 * (or the start) to a stage, so the stages of a cycle add up to its duration.
 */
final class StageTimer {
    private final long start = System.nanoTime();
    private final Map<Stage, Duration> laps = new EnumMap<>(Stage.class);
    private long mark = start;

    /** Charges the time since the last lap to {@code stage} (added to what it had). */
    void lap(Stage stage) {
        long now = System.nanoTime();
        laps.merge(stage, Duration.ofNanos(now - mark), Duration::plus);
        mark = now;
    }

    /** Since the cycle started. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    Map<Stage, Duration> laps() {
        return Map.copyOf(laps);
    }
}
