package io.alfred.gitops.reconcile;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.RenderLimits;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.render.RenderResult;
import io.alfred.gitops.render.Renderer;
import io.alfred.gitops.source.CommitInfo;
import io.alfred.gitops.source.GitSource;
import io.alfred.gitops.source.PollResult;
import io.alfred.gitops.source.SnapshotBounds;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.verify.RevisionVerification;
import io.alfred.gitops.verify.RevisionVerifier;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/** Fetch then render: the newest revision of the configured ref, as objects in apply order. */
public final class Revisions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CycleRunner.class);
    static final Duration LAG_WINDOW = Duration.ofSeconds(20);
    private final GitSource source;
    private final Renderer renderer;
    private final String path;
    private final SnapshotBounds bounds;
    private final Settings settings;
    private final RevisionVerifier verifier;

    /** Built by {@link Wiring#revisions}. */
    Revisions(Settings settings, GitSource source, Renderer renderer, RevisionVerifier verifier) {
        this.source = source;
        this.renderer = renderer;
        this.path = settings.source().path();
        this.settings = settings;
        this.verifier = verifier;
        RenderLimits limits = settings.render().limits();
        this.bounds = new SnapshotBounds(limits.checkoutFiles(), limits.checkoutSize());
    }

    /** Polls the remote (cheap when nothing moved) and renders the revision it points at (cached). */
    public RenderResult latest() {
        PollResult poll = source.poll();
        return render(Revision.of(poll.revision()));
    }

    /**
     * For {@code --repo DIR}: the paths under the rendered path with uncommitted changes (they are
     * not rendered, since a revision is a commit); empty for a URL or a clean tree.
     */
    public List<String> uncommittedUnderPath() {
        return source.uncommitted(path);
    }

    public CommitInfo describe(Revision revision) {
        return source.describe(revision.sha());
    }

    public PollResult poll() {
        return source.poll();
    }

    /**
     * The ref's revision now; for an announced push, polled again with backoff for up to
     * {@link #LAG_WINDOW} until the server serves it (a host may announce before it serves).
     */
    Revision pollFor(Trigger trigger) {
        String polled = poll().revision();
        if (trigger.revision() == null) {
            return Revision.of(polled);
        }
        long deadline = System.nanoTime() + LAG_WINDOW.toNanos();
        long backoff = 250;
        while (!reached(trigger.revision(), polled) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = Math.min(backoff * 2, 4000);
            polled = poll().revision();
        }
        if (!reached(trigger.revision(), polled)) {
            LOG.warnf(
                    "trigger %s: the remote does not serve the announced revision after %s; applying %s, the next poll"
                            + " picks it up",
                    trigger, LAG_WINDOW, Revision.abbreviate(polled));
        }
        return Revision.of(polled);
    }

    /** The verify stage: the signatures {@code gitops.source.verify.mode} asks for on this revision. */
    public RevisionVerification verify(Revision revision) {
        return source.verify(verifier, revision.sha());
    }

    public RenderResult render(Revision revision) {
        return renderer.render(source.checkout(revision.sha(), bounds), path, revision);
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
        source.close(); // idempotent: reconcile --once's runner and the command both close it
    }
}
