package io.alfred.gitops.events;

/** Where deploy events go: the durable outbox (Pub/Sub), or standard output. */
public interface EventSink {
    /** Takes the event; returns once it is safe (stored durably, or written). */
    void emit(DeployEvent event);

    EventSink NONE = event -> {};
}
