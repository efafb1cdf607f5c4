package io.alfred.gitops.source;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;

/** The git source could not deliver a revision; names the (redacted) URL and the cause. */
public class SourceException extends StageException {
    public SourceException(String url, String reason) {
        super(Stage.FETCH, Redactor.url(url), reason);
    }

    public SourceException(String url, String reason, Throwable cause) {
        super(Stage.FETCH, Redactor.url(url), reason, cause);
    }
}
