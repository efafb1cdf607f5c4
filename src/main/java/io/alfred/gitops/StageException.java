package io.alfred.gitops;

/**
 * A failure of one pipeline stage. The message always names the stage, the object (a URL, a file,
 * a Kubernetes object) and the cause, and never carries a secret.
 */
public class StageException extends RuntimeException {
    private final Stage stage;
    private final String object;
    private final String reason;

    public StageException(Stage stage, String object, String reason) {
        this(stage, object, reason, null);
    }

    public StageException(Stage stage, String object, String reason, Throwable cause) {
        super(stage.label() + ": " + (object == null || object.isEmpty() ? "" : object + ": ") + reason, cause);
        this.stage = stage;
        this.object = object;
        this.reason = reason;
    }

    public Stage stage() {
        return stage;
    }

    /** What failed: a URL, a file, or kind/namespace/name. */
    public String object() {
        return object;
    }

    public String reason() {
        return reason;
    }
}
