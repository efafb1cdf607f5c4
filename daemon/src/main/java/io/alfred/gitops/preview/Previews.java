package io.alfred.gitops.preview;

import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.events.EventType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The previews of pull requests: queued by pull request (a newer push replaces the one still
 * queued), run one at a time on a thread of their own, so that a preview never waits for a deploy
 * and never makes one wait; each result is kept for {@code GET /previews}, published as a
 * {@code preview.ready} event and handed to the listener (the git host's comment and status).
 */
public final class Previews implements PreviewSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Previews.class);
    /** Previews kept for {@code GET /previews}, newest first. */
    static final int KEPT = 50;

    /** Told of each preview as it starts and once it is ready. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = preview -> {};

        default void started(PullRequest pr) {}

        void ready(Preview preview);
    }

    private final Function<PullRequest, Preview> cycle;
    private final EventSink events;
    private final Listener listener;
    private final Runnable closing;
    private final Map<String, PullRequest> queued = new LinkedHashMap<>();
    private final Deque<Preview> kept = new ArrayDeque<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gitops-preview");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private long runs;

    /**
     * @param cycle runs one preview ({@link PreviewCycle#run})
     * @param closing releases what the cycle holds, after the last preview
     */
    public Previews(Function<PullRequest, Preview> cycle, EventSink events, Listener listener, Runnable closing) {
        this.cycle = cycle;
        this.events = events;
        this.listener = listener;
        this.closing = closing;
    }

    /** Queues a preview of {@code pr}, replacing one of the same pull request still queued; false once closed. */
    @Override
    public boolean offer(PullRequest pr) {
        synchronized (queued) {
            if (worker.isShutdown()) {
                return false;
            }
            boolean waiting = queued.containsKey(pr.key());
            queued.put(pr.key(), pr);
            if (waiting) {
                LOG.infof("preview: %s replaces the queued preview of %s", pr, pr.key());
                return true;
            }
        }
        worker.execute(this::runNext);
        return true;
    }

    private void runNext() {
        PullRequest pr;
        synchronized (queued) {
            var first = queued.entrySet().iterator();
            if (!first.hasNext()) {
                return;
            }
            pr = first.next().getValue();
            first.remove();
        }
        try {
            listener.started(pr);
        } catch (RuntimeException e) {
            LOG.warnf("preview: %s: %s", pr.key(), e.getMessage());
        }
        Preview preview = cycle.apply(pr);
        synchronized (kept) {
            runs++;
            kept.removeIf(
                    p -> p.pullRequest().key().equals(pr.key()) && p.revision().equals(preview.revision()));
            kept.addFirst(preview);
            while (kept.size() > KEPT) {
                kept.removeLast();
            }
        }
        LOG.infof("preview: %s", preview.line());
        try {
            events.emit(new DeployEvent(
                    UUID.randomUUID().toString(),
                    EventType.PREVIEW_READY,
                    OffsetDateTime.now(ZoneOffset.UTC),
                    preview.cluster(),
                    preview.environment(),
                    preview.revision().orElse(null),
                    preview.toJson(false)));
        } catch (RuntimeException e) {
            LOG.warnf("preview: %s: the preview.ready event was not stored: %s", pr.key(), e.getMessage());
        }
        try {
            listener.ready(preview);
        } catch (RuntimeException e) {
            LOG.warnf("preview: %s: %s", pr.key(), e.getMessage());
        }
    }

    /** The kept previews, newest first. */
    public List<Preview> recent() {
        synchronized (kept) {
            return new ArrayList<>(kept);
        }
    }

    /** The newest preview of a revision: its full SHA or a prefix of at least 7 characters. */
    public Optional<Preview> of(String revision) {
        if (revision == null || revision.length() < 7) {
            return Optional.empty();
        }
        return recent().stream()
                .filter(p -> p.revision().filter(r -> r.startsWith(revision)).isPresent())
                .findFirst();
    }

    /** Previews run so far. */
    public long runs() {
        synchronized (kept) {
            return runs;
        }
    }

    /** Drops what is queued, lets a preview in flight finish (it writes nothing) for a few seconds. */
    @Override
    public void close() {
        synchronized (queued) {
            queued.clear();
            worker.shutdown();
        }
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closing.run();
    }
}
