package io.alfred.gitops.cluster;

/**
 * The label every object the daemon applies carries, {@code app.kubernetes.io/managed-by:
 * alfred-gitops}: plans list by it, the drift watch watches by it, and pruning deletes nothing
 * without it.
 */
public final class ManagedBy {
    public static final String LABEL = "app.kubernetes.io/managed-by";
    public static final String VALUE = "alfred-gitops";
    /** The label selector of the managed objects. */
    public static final String SELECTOR = LABEL + "=" + VALUE;

    private ManagedBy() {}
}
