package io.alfred.gitops.cluster;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import java.util.function.BooleanSupplier;

/** Asked before every write: a daemon that lost leadership stops before its next write. */
public final class WriteGuard {
    public static final WriteGuard ALWAYS = new WriteGuard(() -> true);

    private final BooleanSupplier mayWrite;

    public WriteGuard(BooleanSupplier mayWrite) {
        this.mayWrite = mayWrite;
    }

    public void check(String object) {
        if (!mayWrite.getAsBoolean()) {
            throw new StageException(
                    Stage.APPLY,
                    object,
                    "leadership lost (Lease alfred-gitops-leader): stopping before "
                            + "this write; the new leader takes over");
        }
    }
}
