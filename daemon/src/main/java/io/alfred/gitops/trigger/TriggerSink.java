package io.alfred.gitops.trigger;

/** Where triggers go: the daemon's cycle queue. */
public interface TriggerSink {
    /** Queues a cycle (coalescing with one already queued); false when the daemon is not running. */
    boolean offer(Trigger trigger);
}
