package io.alfred.gitops.change;

import java.util.Locale;

/** What a cycle did, or would do, to one object. */
public enum Action {
    CREATED,
    CONFIGURED,
    UNCHANGED,
    DELETED,
    SKIPPED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
