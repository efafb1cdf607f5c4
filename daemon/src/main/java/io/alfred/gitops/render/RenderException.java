package io.alfred.gitops.render;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;

/** The revision cannot be turned into a valid set of objects; names the file or object and why. */
public class RenderException extends StageException {
    public RenderException(String object, String reason) {
        super(Stage.RENDER, object, reason);
    }

    public RenderException(String object, String reason, Throwable cause) {
        super(Stage.RENDER, object, reason, cause);
    }
}
