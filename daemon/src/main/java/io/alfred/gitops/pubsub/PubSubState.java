package io.alfred.gitops.pubsub;

import io.grpc.Status;
import java.util.Locale;

/** How a topic or subscription the daemon depends on is doing, from the last answer Pub/Sub gave about it. */
public enum PubSubState {
    /** Not used yet. */
    UNKNOWN,
    OK,
    NOT_FOUND,
    PERMISSION_DENIED,
    /** Pub/Sub (or the emulator) does not answer; retried with backoff. */
    UNREACHABLE,
    /** Any other error Pub/Sub answered with. */
    FAILING;

    /** Needs a person: the resource is missing or the credentials may not use it. */
    public boolean isMisconfigured() {
        return this == NOT_FOUND || this == PERMISSION_DENIED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static PubSubState of(Throwable failure) {
        return switch (Status.fromThrowable(failure).getCode()) {
            case NOT_FOUND -> NOT_FOUND;
            case PERMISSION_DENIED, UNAUTHENTICATED -> PERMISSION_DENIED;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> UNREACHABLE;
            default -> FAILING;
        };
    }
}
