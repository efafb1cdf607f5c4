package io.alfred.gitops.reconcile;

import io.alfred.gitops.config.Settings;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.source.GitSource;
import io.alfred.gitops.source.PollResult;

/** Fetch then render: the newest revision of the configured ref, as objects in apply order. */
public final class Revisions implements AutoCloseable {
    private final GitSource source;
    private final Renderer renderer;
    private final String path;

    public Revisions(Settings settings) {
        this.source = new GitSource(settings.source());
        this.renderer = new Renderer(settings.render());
        this.path = settings.source().path();
    }

    /** Polls the remote (cheap when nothing moved) and renders the revision it points at (cached). */
    public RenderResult latest() {
        PollResult poll = source.poll();
        return renderer.render(source.checkout(poll.revision()), path, poll.revision());
    }

    public PollResult poll() {
        return source.poll();
    }

    public RenderResult render(String revision) {
        return renderer.render(source.checkout(revision), path, revision);
    }

    /** Whether the announced revision is the polled one or older than it. */
    public boolean reached(String announced, String polled) {
        return announced.equals(polled) || source.isAncestor(announced, polled);
    }

    public String url() {
        return source.url();
    }

    @Override
    public void close() {
        source.close();
    }
}
