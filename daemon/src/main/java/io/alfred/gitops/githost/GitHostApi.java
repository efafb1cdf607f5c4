package io.alfred.gitops.githost;

import java.util.Optional;

/** The two things the daemon writes on a git host: a commit status, and its one comment on a pull request. */
public interface GitHostApi {
    /**
     * Sets the status of {@code context} on a commit.
     *
     * @param targetUrl where the status links to (the dashboard), when configured
     */
    void status(String sha, CommitState state, String context, String description, Optional<String> targetUrl);

    /**
     * Keeps one comment on pull request {@code number}: the one holding {@code marker} is edited, or
     * else a comment is created. Never a second one for the same marker.
     */
    void comment(int number, String marker, String body);
}
