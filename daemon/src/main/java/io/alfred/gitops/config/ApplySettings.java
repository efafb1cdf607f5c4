package io.alfred.gitops.config;

/**
 * How to apply and prune.
 *
 * @param recreateImmutable recreate every object whose change the API server refuses for an immutable
 *     field ({@code gitops.apply.recreate-immutable}); without it only objects annotated
 *     {@code gitops.alfred.io/recreate: enabled} are
 * @param namespace where the daemon keeps its own state ({@code gitops.namespace})
 */
public record ApplySettings(
        String fieldManager,
        boolean prune,
        double pruneGuard,
        boolean allowEmpty,
        boolean recreateImmutable,
        String namespace) {

    public static ApplySettings defaults() {
        return new ApplySettings(
                Defaults.APPLY_FIELD_MANAGER,
                Boolean.parseBoolean(Defaults.APPLY_PRUNE),
                Double.parseDouble(Defaults.APPLY_PRUNE_GUARD),
                Boolean.parseBoolean(Defaults.APPLY_ALLOW_EMPTY),
                Boolean.parseBoolean(Defaults.APPLY_RECREATE_IMMUTABLE),
                Defaults.NAMESPACE);
    }

    /** The same, with {@code gitops.apply.recreate-immutable} as given. */
    public ApplySettings withRecreateImmutable(boolean recreate) {
        return new ApplySettings(fieldManager, prune, pruneGuard, allowEmpty, recreate, namespace);
    }
}
