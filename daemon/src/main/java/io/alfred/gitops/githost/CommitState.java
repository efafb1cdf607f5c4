package io.alfred.gitops.githost;

import io.alfred.gitops.events.EventType;
import io.alfred.gitops.preview.Verdict;
import java.util.Locale;
import java.util.Optional;

/** A commit status, in GitHub's words (GitLab's differ: see {@link GitLabApi}). */
public enum CommitState {
    PENDING,
    SUCCESS,
    FAILURE,
    /** the deploy was blocked by a gate: neither applied nor failed */
    ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A deploy event's status: pending when a cycle starts on a revision, then how it ended; empty for others. */
    public static Optional<CommitState> of(EventType type) {
        return switch (type) {
            case STARTED -> Optional.of(PENDING);
            case SUCCEEDED, REACHED -> Optional.of(SUCCESS);
            case FAILED, ROLLEDBACK -> Optional.of(FAILURE);
            case BLOCKED -> Optional.of(ERROR);
            default -> Optional.empty();
        };
    }

    /** A preview's status on the pull request's head: success when a deploy would apply. */
    public static CommitState of(Verdict verdict) {
        return verdict == Verdict.WOULD_APPLY ? SUCCESS : FAILURE;
    }
}
