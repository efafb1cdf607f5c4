package io.alfred.gitops.health;

import java.util.Locale;

/**
 * How a live object is doing, as {@code kubectl rollout status} and kstatus judge it: ready,
 * still progressing, failed for good, or suspended (paused, suspended, or updated only when its pods
 * are deleted: nothing will progress by itself, so there is nothing to wait for).
 */
public record Health(State state, String message) {
    public enum State {
        READY,
        PROGRESSING,
        FAILED,
        SUSPENDED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static Health ready(String message) {
        return new Health(State.READY, message);
    }

    public static Health progressing(String message) {
        return new Health(State.PROGRESSING, message);
    }

    public static Health failed(String message) {
        return new Health(State.FAILED, message);
    }

    public static Health suspended(String message) {
        return new Health(State.SUSPENDED, message);
    }

    /** Nothing left to wait for: ready, suspended, or failed. */
    public boolean settled() {
        return state != State.PROGRESSING;
    }
}
