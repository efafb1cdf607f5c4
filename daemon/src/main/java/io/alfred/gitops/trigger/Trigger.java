package io.alfred.gitops.trigger;

import io.alfred.gitops.Revision;
import java.time.Instant;
import java.util.Locale;

/**
 * Why a cycle runs.
 *
 * @param revision the commit a push announced, or null (poll the ref)
 * @param id the message id or webhook delivery id, for the audit trail
 * @param actor who pushed, when known
 * @param received when it arrived (a push's notice: the start of its push-to-applied latency)
 */
public record Trigger(Kind kind, String revision, String id, String actor, Instant received) {
    public Trigger(Kind kind, String revision, String id, String actor) {
        this(kind, revision, id, actor, Instant.now());
    }

    public enum Kind {
        STARTUP,
        SCHEDULE,
        PUBSUB,
        WEBHOOK,
        MANUAL,
        RESUME,
        DRIFT,
        PROMOTION;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static Trigger of(Kind kind) {
        return new Trigger(kind, null, null, null);
    }

    @Override
    public String toString() {
        return kind.label()
                + (revision == null ? "" : " " + Revision.abbreviate(revision))
                + (id == null ? "" : " id=" + id);
    }
}
