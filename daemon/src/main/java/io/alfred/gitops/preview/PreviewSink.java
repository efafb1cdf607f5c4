package io.alfred.gitops.preview;

/** Where pull requests to preview go: the daemon's {@link Previews}. */
@FunctionalInterface
public interface PreviewSink {
    /** Nowhere: previews are not run (a command, a test of the deploy path). */
    PreviewSink NONE = pr -> false;

    /** Queues a preview (replacing one of the same pull request still queued); false when none can run. */
    boolean offer(PullRequest pr);
}
