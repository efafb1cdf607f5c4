package io.alfred.gitops.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What the PodDisruptionBudget gate does ({@code gitops.safety.pdb}). */
public enum PdbMode {
    /** refuse what the budgets cannot afford; take scale-downs in steps */
    ENFORCE,
    /** apply anyway, and say in findings what the budgets could not afford */
    WARN,
    /** no PDB checks */
    OFF;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode a setting names, or empty for anything else. */
    public static Optional<PdbMode> of(String setting) {
        return Arrays.stream(values()).filter(m -> m.label().equals(setting)).findFirst();
    }
}
