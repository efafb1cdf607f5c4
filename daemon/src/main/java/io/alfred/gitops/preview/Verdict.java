package io.alfred.gitops.preview;

/** What a deploy of the previewed revision would come to. */
public enum Verdict {
    /** every gate passes: a deploy would apply the changes */
    WOULD_APPLY("would apply"),
    /** a gate refuses: a deploy would be blocked, nothing written */
    WOULD_BE_BLOCKED("would be blocked"),
    /** the render or the plan fails (bad input, an immutable field): a deploy would fail, nothing written */
    WOULD_FAIL("would fail");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    /** {@code would apply}, {@code would be blocked}, {@code would fail}: what the comment and the event say. */
    public String label() {
        return label;
    }
}
