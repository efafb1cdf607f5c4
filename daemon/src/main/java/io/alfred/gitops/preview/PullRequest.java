package io.alfred.gitops.preview;

import io.alfred.gitops.Revision;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pull request (GitHub) or merge request (GitLab) to preview: the ref its head is served under
 * on the configured remote, and the commit announced for it.
 *
 * @param headRevision the head commit the notification named; the preview fetches the ref and takes what it serves
 * @param fork whether the head comes from another repository than the base (it is untrusted input either way)
 * @param actor who opened or pushed it, when known
 */
public record PullRequest(Host host, int number, Optional<String> headRevision, boolean fork, Optional<String> actor) {
    private static final Pattern GITHUB_HEAD = Pattern.compile("refs/pull/(\\d+)/head");
    private static final Pattern GITLAB_HEAD = Pattern.compile("refs/merge-requests/(\\d+)/head");

    /** Where the request lives: the ref its head is served under differs. */
    public enum Host {
        GITHUB,
        GITLAB;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PullRequest {
        if (number <= 0) {
            throw new IllegalArgumentException("a pull request number is positive: " + number);
        }
    }

    /** {@code refs/pull/N/head} on GitHub, {@code refs/merge-requests/N/head} on GitLab. */
    public String headRef() {
        return host == Host.GITHUB ? "refs/pull/" + number + "/head" : "refs/merge-requests/" + number + "/head";
    }

    /** {@code github#7}: one pull request, for the queue and the logs. */
    public String key() {
        return host.label() + "#" + number;
    }

    /** A notice naming a head ref ({@code refs/pull/7/head}), or empty when the ref is not a pull request's. */
    public static Optional<PullRequest> ofHeadRef(String ref, String revision, boolean fork, String actor) {
        if (ref == null) {
            return Optional.empty();
        }
        Matcher github = GITHUB_HEAD.matcher(ref);
        Matcher gitlab = GITLAB_HEAD.matcher(ref);
        Host host = github.matches() ? Host.GITHUB : gitlab.matches() ? Host.GITLAB : null;
        if (host == null) {
            return Optional.empty();
        }
        int number = Integer.parseInt((host == Host.GITHUB ? github : gitlab).group(1));
        return Optional.of(
                new PullRequest(host, number, Optional.ofNullable(revision), fork, Optional.ofNullable(actor)));
    }

    @Override
    public String toString() {
        return key() + headRevision.map(r -> " at " + Revision.abbreviate(r)).orElse("");
    }
}
