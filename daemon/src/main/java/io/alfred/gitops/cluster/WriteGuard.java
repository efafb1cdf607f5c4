package io.alfred.gitops.cluster;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import java.util.function.BooleanSupplier;

/** Asked before every write: a daemon that lost leadership stops before its next write. */
public final class WriteGuard {
    public static final WriteGuard ALWAYS = new WriteGuard(() -> true);
    /** A pull request's preview: it never writes, and a write it tried would fail here. */
    public static final WriteGuard NEVER = new WriteGuard(() -> false, "a preview writes nothing; refusing this write");

    private static final String LEADERSHIP_LOST =
            "leadership lost (Lease alfred-gitops-leader): stopping before this write; the new leader takes over";
    private final BooleanSupplier mayWrite;
    private final String refusal;

    public WriteGuard(BooleanSupplier mayWrite) {
        this(mayWrite, LEADERSHIP_LOST);
    }

    private WriteGuard(BooleanSupplier mayWrite, String refusal) {
        this.mayWrite = mayWrite;
        this.refusal = refusal;
    }

    public void check(String object) {
        if (!mayWrite.getAsBoolean()) {
            throw new StageException(Stage.APPLY, object, refusal);
        }
    }
}
