package io.alfred.gitops;

import java.util.Locale;

/**
 * The pipeline stages of one reconcile cycle; every failure is attributed to exactly one.
 * {@link #CONFIG} and {@link #CLUSTER} come before any cycle: the settings, and reaching the API server.
 */
public enum Stage {
    CONFIG,
    CLUSTER,
    FETCH,
    VERIFY,
    RENDER,
    PLAN,
    APPLY,
    WAIT,
    PRUNE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
