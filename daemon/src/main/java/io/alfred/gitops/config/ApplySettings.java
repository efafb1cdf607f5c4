package io.alfred.gitops.config;

/**
 * How to apply and prune.
 *
 * @param namespace where the daemon keeps its own state ({@code gitops.namespace})
 */
public record ApplySettings(
        String fieldManager, boolean prune, double pruneGuard, boolean allowEmpty, String namespace) {

    public static ApplySettings defaults() {
        return new ApplySettings(
                Defaults.APPLY_FIELD_MANAGER,
                Boolean.parseBoolean(Defaults.APPLY_PRUNE),
                Double.parseDouble(Defaults.APPLY_PRUNE_GUARD),
                Boolean.parseBoolean(Defaults.APPLY_ALLOW_EMPTY),
                Defaults.NAMESPACE);
    }
}
