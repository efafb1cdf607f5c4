package io.alfred.gitops.githost;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.events.DeployEvent;
import io.alfred.gitops.events.EventSink;
import io.alfred.gitops.preview.Preview;
import io.alfred.gitops.preview.Previews;
import io.alfred.gitops.preview.PullRequest;
import io.alfred.gitops.support.Background;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes each deploy's outcome on its commit and each preview on its pull request, on a thread of
 * its own: a cycle hands the call over and goes on. Calls are keyed (a commit's status, a pull
 * request's comment): a newer one replaces one still waiting. A failed call is retried with
 * exponential backoff; a rate limit is waited out until the host's reset; a refusal (401, 404,
 * 422) is logged once and dropped.
 */
public final class GitHostReporter implements Previews.Listener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GitHostReporter.class);
    static final int ATTEMPTS = 5;
    /** The longest rate-limit wait honoured; a longer reset drops the call (the next outcome writes again). */
    static final Duration MAX_WAIT = Duration.ofMinutes(15);
    /** The daemon's first retry waits a second; each next one twice as long. */
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final GitHostApi api;
    private final String context;
    private final Optional<String> targetUrl;
    private final Duration firstBackoff;
    private final Map<String, Runnable> waiting = new LinkedHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Background.threads("gitops-githost"));
    private volatile boolean closed;

    /**
     * @param cluster the context is {@code alfred-gitops/<cluster>}
     * @param firstBackoff the first retry's wait, doubled per attempt (a second; less in tests)
     */
    public GitHostReporter(GitHostApi api, String cluster, Optional<String> targetUrl, Duration firstBackoff) {
        this.api = api;
        this.context = "alfred-gitops/" + cluster;
        this.targetUrl = targetUrl;
        this.firstBackoff = firstBackoff;
    }

    /** The API of the configured host. */
    public static GitHostApi api(GitHostSettings settings) {
        return switch (settings.provider()) {
            case GITHUB -> new GitHubApi(settings, java.time.Clock.systemUTC());
            case GITLAB -> new GitLabApi(settings, java.time.Clock.systemUTC());
        };
    }

    /**
     * The deploy events' sink, which also sets the deployed commit's status: {@code pending} when a
     * cycle starts on it, then {@code success}, {@code failure}, or {@code error} when blocked.
     */
    public EventSink statuses(EventSink events) {
        return event -> {
            events.emit(event);
            if (event.revision() != null) {
                CommitState.of(event.type())
                        .ifPresent(state -> submit(
                                "status " + event.revision(),
                                () -> api.status(event.revision(), state, context, describe(event, state), targetUrl)));
            }
        };
    }

    @Override
    public void started(PullRequest pr) {
        pr.headRevision()
                .ifPresent(sha -> submit(
                        "status " + sha,
                        () -> api.status(sha, CommitState.PENDING, context, "previewing on the cluster", targetUrl)));
    }

    @Override
    public void ready(Preview preview) {
        preview.revision()
                .ifPresent(sha -> submit(
                        "status " + sha,
                        () -> api.status(
                                sha,
                                CommitState.of(preview.verdict()),
                                context,
                                "preview: " + preview.verdict().label() + " (" + preview.summary() + ")",
                                targetUrl)));
        submit(
                "comment " + preview.pullRequest().key(),
                () -> api.comment(
                        preview.pullRequest().number(),
                        PreviewComment.marker(preview.cluster()),
                        PreviewComment.markdown(preview)));
    }

    static String describe(DeployEvent event, CommitState state) {
        JsonNode d = event.data();
        return switch (state) {
            case PENDING -> "deploying to " + event.cluster();
            case SUCCESS ->
                "deployed to " + event.cluster()
                        + (d.path("summary").isTextual()
                                ? ": " + d.path("summary").asText()
                                : "");
            case FAILURE ->
                event.type().outcome() + " on " + event.cluster()
                        + (d.path("stage").isTextual()
                                ? " at " + d.path("stage").asText()
                                : "")
                        + (d.path("cause").isTextual() ? ": " + d.path("cause").asText() : "");
            case ERROR ->
                "blocked on " + event.cluster() + ": " + d.path("reason").asText("");
        };
    }

    /** Queues a call; one still waiting under the same key is replaced. */
    void submit(String key, Runnable call) {
        if (closed) {
            return;
        }
        synchronized (waiting) {
            boolean queued = waiting.containsKey(key);
            waiting.put(key, call);
            if (queued) {
                return;
            }
        }
        worker.execute(this::runNext);
    }

    private void runNext() {
        Runnable call;
        String key;
        synchronized (waiting) {
            Iterator<Map.Entry<String, Runnable>> it = waiting.entrySet().iterator();
            if (!it.hasNext()) {
                return;
            }
            Map.Entry<String, Runnable> next = it.next();
            key = next.getKey();
            call = next.getValue();
            it.remove();
        }
        Duration backoff = firstBackoff;
        for (int attempt = 1; !closed; attempt++) {
            try {
                call.run();
                return;
            } catch (GitHostException e) {
                if (!e.retryable()) {
                    LOG.warnf("githost: %s refused: %s; not retried", key, e.getMessage());
                    return;
                }
                if (e.waitFor().isPresent() && e.waitFor().get().compareTo(MAX_WAIT) > 0) {
                    LOG.warnf(
                            "githost: %s: rate limited for %s more; dropped",
                            key, e.waitFor().get());
                    return;
                }
                if (attempt >= ATTEMPTS) {
                    LOG.warnf("githost: %s failed %d times, the last: %s; dropped", key, attempt, e.getMessage());
                    return;
                }
                Duration wait = e.waitFor().orElse(backoff);
                LOG.infof("githost: %s: %s; again in %s", key, e.getMessage(), wait);
                if (!sleep(wait)) {
                    return;
                }
                backoff = backoff.multipliedBy(2);
            } catch (RuntimeException e) {
                LOG.warnf("githost: %s: %s", key, e.toString());
                return;
            }
        }
    }

    private static boolean sleep(Duration wait) {
        try {
            Thread.sleep(Math.max(0, wait.toMillis()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits up to {@code timeout} for the calls queued so far (tests, shutdown). */
    public boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var probe = worker.submit(() -> {});
            try {
                probe.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                return false;
            }
            synchronized (waiting) {
                if (waiting.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        drain(Duration.ofSeconds(5));
        closed = true;
        worker.shutdownNow();
    }
}
