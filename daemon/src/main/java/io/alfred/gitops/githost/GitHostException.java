package io.alfred.gitops.githost;

import java.time.Duration;
import java.util.Optional;

/**
 * A git host's API call that failed: its status (0 when no answer came), and when the host said
 * how long to wait (a rate limit's reset, {@code Retry-After}).
 */
public final class GitHostException extends RuntimeException {
    private final int status;
    private final Optional<Duration> waitFor;

    public GitHostException(String message, int status, Optional<Duration> waitFor) {
        super(message);
        this.status = status;
        this.waitFor = waitFor;
    }

    public int status() {
        return status;
    }

    /** How long the host asked to wait before the next call; present for a rate limit. */
    public Optional<Duration> waitFor() {
        return waitFor;
    }

    /** Worth another try: no answer, a server error, a rate limit; not a refusal (401, 404, 422). */
    public boolean retryable() {
        return status == 0 || status >= 500 || waitFor.isPresent();
    }
}
