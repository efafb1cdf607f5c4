package io.alfred.gitops.pubsub;

import java.time.Duration;

/**
 * Exponential backoff: {@code first}, doubled after every failure up to {@code max}; {@link #reset()} after a
 * success.
 */
public final class Backoff {
    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofMinutes(1);

    private final Duration first;
    private final Duration max;
    private Duration next;

    public Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** 1 s to 1 min, the daemon's backoff for Pub/Sub. */
    public static Backoff standard() {
        return new Backoff(FIRST, MAX);
    }

    /** The wait before the next attempt; the one after it is twice as long (at most {@code max}). */
    public synchronized Duration next() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return now;
    }

    public synchronized void reset() {
        next = first;
    }
}
