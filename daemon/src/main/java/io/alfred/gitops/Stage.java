package io.alfred.gitops;

import java.util.Locale;

/**
 * The pipeline stages of one reconcile cycle; every failure is attributed to exactly one.
 * {@link #CONFIG} and {@link #CLUSTER} come before any cycle: the settings, and reaching the API server.
 * {@link #GATE} (the safety gates between plan and apply) refuses rather than fails: its stage is timed.
 */
public enum Stage {
    CONFIG,
    CLUSTER,
    FETCH,
    VERIFY,
    RENDER,
    PLAN,
    GATE,
    APPLY,
    WAIT,
    PRUNE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
