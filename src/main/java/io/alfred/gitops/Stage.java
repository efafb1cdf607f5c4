package io.alfred.gitops;

/** The pipeline stages of one reconcile cycle; every failure is attributed to exactly one. */
public enum Stage {
    CONFIG, FETCH, RENDER, PLAN, APPLY, WAIT, PRUNE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
