package io.alfred.gitops.change;

import java.util.Locale;

/** What a cycle did, or would do, to one object. */
public enum Action {
    CREATED,
    CONFIGURED,
    UNCHANGED,
    DELETED,
    SKIPPED,
    /** deleted and created again: git changes a field the API server does not let change (opted in) */
    RECREATED,
    /** git changes a field the API server does not let change, and recreating it is not allowed */
    IMMUTABLE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
