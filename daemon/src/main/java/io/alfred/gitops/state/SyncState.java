package io.alfred.gitops.state;

import java.util.List;
import java.util.Locale;

/** The one-word answer of {@code alfred-gitops status}, from the newest history record and the suspend state. */
public enum SyncState {
    IN_SYNC,
    DRIFTED,
    FAILING,
    BLOCKED,
    SUSPENDED,
    NOT_SYNCED_YET;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** Healthy: in sync, or suspended with the cluster still equal to git. */
    public boolean healthy() {
        return this == IN_SYNC || this == SUSPENDED;
    }

    public static SyncState of(Suspension suspension, List<CycleRecord> history) {
        CycleRecord last = history.isEmpty() ? null : history.get(0);
        boolean drifted = last != null && last.problem().contains("git differs from the cluster");
        if (suspension.suspended()) {
            return drifted ? DRIFTED : SUSPENDED;
        }
        if (last == null) {
            return NOT_SYNCED_YET;
        }
        return switch (last.outcome()) {
            case "succeeded", "noop" -> IN_SYNC;
            case "blocked" -> drifted ? DRIFTED : BLOCKED;
            default -> FAILING; // failed, rolledback
        };
    }
}
