package io.alfred.gitops.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults the sandbox injects on request, for tests: rejecting a named object, answering a share of
 * requests with an error or late, and dropping connections. Seeded, so a run can be repeated.
 */
public final class Faults {
    /** Writes to this object are refused with this code and message (dry runs included). */
    public record Rejection(String kind, String namespace, String name, int code, String message) {
        boolean matches(String k, String ns, String n) {
            return kind.equals(k)
                    && (namespace == null ? ns == null || ns.isEmpty() : namespace.equals(ns))
                    && name.equals(n);
        }
    }

    private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
    private final Random random = new Random(42);
    private volatile double errorShare;
    private volatile int errorCode = 500;
    private volatile double delayShare;
    private volatile Duration delay = Duration.ZERO;
    private volatile double dropShare;
    private final AtomicLong injected = new AtomicLong();

    public Faults reject(String kind, String namespace, String name, int code, String message) {
        rejections.add(new Rejection(kind, namespace, name, code, message));
        return this;
    }

    /** Answers this share (0..1) of API requests with {@code code} (e.g. 500, 503, 429). */
    public Faults failRequests(double share, int code) {
        this.errorShare = share;
        this.errorCode = code;
        return this;
    }

    /** Answers this share of API requests only after {@code delay}. */
    public Faults delayRequests(double share, Duration delay) {
        this.delayShare = share;
        this.delay = delay;
        return this;
    }

    /** Closes this share of client connections when a request arrives on them. */
    public Faults dropConnections(double share) {
        this.dropShare = share;
        return this;
    }

    public void clear() {
        rejections.clear();
        errorShare = 0;
        delayShare = 0;
        dropShare = 0;
    }

    /** How many faults were injected so far. */
    public long injected() {
        return injected.get();
    }

    Rejection rejectionFor(String kind, String namespace, String name) {
        for (Rejection r : rejections) {
            if (r.matches(kind, namespace, name)) {
                injected.incrementAndGet();
                return r;
            }
        }
        return null;
    }

    boolean failNow() {
        return roll(errorShare);
    }

    int errorCode() {
        return errorCode;
    }

    Duration delayNow() {
        return roll(delayShare) ? delay : Duration.ZERO;
    }

    boolean dropNow() {
        return roll(dropShare);
    }

    private boolean roll(double share) {
        if (share <= 0) {
            return false;
        }
        boolean hit;
        synchronized (random) {
            hit = random.nextDouble() < share;
        }
        if (hit) {
            injected.incrementAndGet();
        }
        return hit;
    }
}
