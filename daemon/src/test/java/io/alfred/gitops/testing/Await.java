package io.alfred.gitops.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition that asynchronous work (a daemon cycle, a Pub/Sub delivery) makes true. */
public final class Await {
    private Await() {}

    public static void until(BooleanSupplier condition) {
        until(condition, Duration.ofSeconds(60), () -> "");
    }

    /** Fails with {@code state} when the condition is not met within {@code limit}. */
    public static void until(BooleanSupplier condition, Duration limit, Supplier<Object> state) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + limit + " " + state.get() + busyCycles());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting");
            }
        }
    }

    /**
     * Where the daemon's cycle threads are when a wait runs out: a cycle stuck in one call (a wait
     * for a CRD, a retried request) names that call, which a status snapshot cannot.
     */
    static String busyCycles() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("gitops-cycle")) {
                out.append("\n  thread ")
                        .append(thread.getName())
                        .append(" (")
                        .append(thread.getState())
                        .append(")");
                for (int i = 0; i < Math.min(stack.length, 25); i++) {
                    out.append("\n    at ").append(stack[i]);
                }
            }
        });
        return out.toString();
    }
}
