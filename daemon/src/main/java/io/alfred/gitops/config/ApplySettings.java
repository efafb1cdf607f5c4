package io.alfred.gitops.config;

/**
 * How to apply and prune.
 *
 * @param namespace where the daemon keeps its own state ({@code gitops.namespace})
 */
public record ApplySettings(
        String fieldManager, boolean prune, double pruneGuard, boolean allowEmpty, String namespace) {

    public static ApplySettings defaults() {
        return new ApplySettings("alfred-gitops", true, 0.5, false, "alfred-gitops");
    }
}
