package io.alfred.gitops.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.support.JsonTexts;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the pull request notifications of GitHub ({@code pull_request} webhook, actions opened,
 * synchronize and reopened) and GitLab (merge request hook, actions open, update and reopen).
 */
public final class PullRequestNotices {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> GITHUB_ACTIONS = Set.of("opened", "synchronize", "reopened");
    private static final Set<String> GITLAB_ACTIONS = Set.of("open", "update", "reopen");

    private PullRequestNotices() {}

    /**
     * A pull request's notice.
     *
     * @param repositories the base repository's URLs (any spelling), to match the configured one
     * @param baseRef the branch it would merge into ({@code refs/heads/main})
     */
    public record Notice(PullRequest pullRequest, List<String> repositories, String baseRef) {}

    /** GitHub's {@code pull_request} payload; empty when the action starts no preview (closed, labeled, ...). */
    public static Optional<Notice> github(byte[] body) {
        JsonNode json = read(body);
        String action = json.path("action").asText("");
        JsonNode pr = json.path("pull_request");
        if (!pr.isObject() || !pr.path("number").canConvertToInt()) {
            throw new IllegalArgumentException("a pull_request event without pull_request.number");
        }
        if (!GITHUB_ACTIONS.contains(action)) {
            return Optional.empty();
        }
        JsonNode base = pr.path("base");
        String baseRepo = base.path("repo").path("full_name").asText("");
        String headRepo = pr.path("head").path("repo").path("full_name").asText("");
        return Optional.of(new Notice(
                new PullRequest(
                        PullRequest.Host.GITHUB,
                        pr.path("number").asInt(),
                        text(pr.path("head"), "sha"),
                        headRepo.isEmpty() || !headRepo.equals(baseRepo),
                        text(json.path("sender"), "login")),
                JsonTexts.of(base.path("repo"), "clone_url", "ssh_url", "git_url", "html_url"),
                "refs/heads/" + base.path("ref").asText("")));
    }

    /** GitLab's merge request hook; empty when the action starts no preview (close, merge, approved, ...). */
    public static Optional<Notice> gitlab(byte[] body) {
        JsonNode json = read(body);
        JsonNode mr = json.path("object_attributes");
        if (!mr.isObject() || !mr.path("iid").canConvertToInt()) {
            throw new IllegalArgumentException("a merge request hook without object_attributes.iid");
        }
        String action = mr.path("action").asText("");
        if (!GITLAB_ACTIONS.contains(action)) {
            return Optional.empty();
        }
        return Optional.of(new Notice(
                new PullRequest(
                        PullRequest.Host.GITLAB,
                        mr.path("iid").asInt(),
                        text(mr.path("last_commit"), "id"),
                        !mr.path("source_project_id")
                                .asText("")
                                .equals(mr.path("target_project_id").asText("")),
                        text(json.path("user"), "username")),
                JsonTexts.of(json.path("project"), "git_http_url", "git_ssh_url", "web_url"),
                "refs/heads/" + mr.path("target_branch").asText("")));
    }

    private static JsonNode read(byte[] body) {
        try {
            JsonNode json = body == null || body.length == 0 ? null : JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage().split("\n")[0], e);
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        String value = node.path(field).asText("");
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
