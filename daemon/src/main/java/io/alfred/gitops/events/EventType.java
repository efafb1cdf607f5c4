package io.alfred.gitops.events;

/** The deploy event types of docs/operations.md ("Audit events"), with the outcome attribute each carries. */
public enum EventType {
    STARTED("io.alfred.gitops.sync.started", "started"),
    PLANNED("io.alfred.gitops.sync.planned", "planned"),
    BLOCKED("io.alfred.gitops.sync.blocked", "blocked"),
    APPLIED("io.alfred.gitops.sync.applied", "applied"),
    SUCCEEDED("io.alfred.gitops.sync.succeeded", "succeeded"),
    FAILED("io.alfred.gitops.sync.failed", "failed"),
    ROLLEDBACK("io.alfred.gitops.sync.rolledback", "rolledback"),
    /** A new revision reached with nothing to change: the proof a downstream environment's promotion waits for. */
    REACHED("io.alfred.gitops.sync.reached", "reached"),
    DRIFT_CORRECTED("io.alfred.gitops.drift.corrected", "drift-corrected"),
    DRIFT_CONFLICT("io.alfred.gitops.drift.conflict", "conflict"),
    SUSPENDED("io.alfred.gitops.sync.suspended", "suspended"),
    RESUMED("io.alfred.gitops.sync.resumed", "resumed"),
    /** A pull request's head previewed against this cluster: what a deploy would do, nothing written. */
    PREVIEW_READY("io.alfred.gitops.preview.ready", "preview");

    private final String type;
    private final String outcome;

    EventType(String type, String outcome) {
        this.type = type;
        this.outcome = outcome;
    }

    public String type() {
        return type;
    }

    public String outcome() {
        return outcome;
    }

    /** Only {@code planned} events may be compacted away when the outbox is full. */
    public boolean droppable() {
        return this == PLANNED;
    }

    public static EventType ofType(String type) {
        for (EventType t : values()) {
            if (t.type.equals(type)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown event type " + type);
    }
}
