package io.alfred.gitops.safety;

import java.util.Locale;

/**
 * The gates that may refuse a cycle before it writes (docs/operations.md, "Metrics and alerts"):
 * the label is what events ({@code gate}), metrics ({@code rule}) and {@code /status}
 * ({@code held.gate}) say.
 */
public enum Gate {
    /** the revision lacks the signatures {@code gitops.source.verify.mode} asks for */
    VERIFY,
    /** the environments of {@code gitops.promotion.after} have not proven the revision yet */
    PROMOTION,
    /** {@code alfred-gitops suspend}: the cycle reports, writes nothing */
    SUSPENDED,
    /** the render has no objects and {@code gitops.apply.allow-empty} is off */
    EMPTY_RENDER,
    /** the cycle would delete more of the inventory than {@code gitops.apply.prune-guard} */
    PRUNE_GUARD,
    /** the PodDisruptionBudgets cannot afford the change ({@code gitops.safety.pdb=enforce}) */
    PDB;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
