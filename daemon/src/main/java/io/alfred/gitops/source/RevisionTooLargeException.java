package io.alfred.gitops.source;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;

/**
 * A commit whose tree exceeds {@link SnapshotBounds}: a property of the revision, so it fails like
 * a render (recorded, not fetched and tried again every interval).
 */
public class RevisionTooLargeException extends StageException {
    public RevisionTooLargeException(String revision, String reason) {
        super(Stage.RENDER, "revision " + revision, reason);
    }
}
