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

    /**
     * A failure no stage foresaw (a bug, or a library's surprise): the stage it happened in, and the
     * cause whose stack trace the log keeps.
     */
    public static StageException unexpected(Stage stage, String object, RuntimeException cause) {
        return new StageException(stage, object, "unexpected error: " + cause, cause);
    }

    /** Made by {@link #unexpected}: its cause's stack trace belongs in the log. */
    public boolean isUnexpected() {
        return getCause() instanceof RuntimeException && reason.startsWith("unexpected error: ");
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
