package io.alfred.gitops.apply;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;

/** The API server refused an apply that its dry run had accepted (or failed while applying). */
public class ApplyException extends StageException {
    public ApplyException(String object, String reason, Throwable cause) {
        super(Stage.APPLY, object, reason, cause);
    }
}
