package io.alfred.gitops.githost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * GitHub's (and GitHub Enterprise's) REST API: {@code POST /repos/{repo}/statuses/{sha}}, and the
 * pull request's issue comments ({@code GET /repos/{repo}/issues/{n}/comments}, paginated by
 * {@code Link}; {@code PATCH /repos/{repo}/issues/comments/{id}}; {@code POST .../issues/{n}/comments}).
 */
final class GitHubApi implements GitHostApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** GitHub refuses a status description over 140 characters. */
    static final int DESCRIPTION_LIMIT = 140;

    private final HostHttp http;
    private final String api;
    private final String repository;

    GitHubApi(GitHostSettings settings, Clock clock) {
        this.http = new HostHttp(
                settings.tokenFile(),
                "Authorization",
                "Bearer ",
                Map.of("X-GitHub-Api-Version", "2022-11-28", "User-Agent", "alfred-gitops"),
                clock);
        this.api = settings.apiUrl().replaceAll("/+$", "");
        this.repository = settings.repository();
    }

    @Override
    public void status(String sha, CommitState state, String context, String description, Optional<String> targetUrl) {
        ObjectNode body = JSON.createObjectNode()
                .put("state", state.label())
                .put("context", context)
                .put("description", GitHostSettings.cut(description, DESCRIPTION_LIMIT));
        targetUrl.ifPresent(u -> body.put("target_url", u));
        http.call("POST", URI.create(api + "/repos/" + repository + "/statuses/" + sha), body);
    }

    @Override
    public void comment(int number, String marker, String text) {
        ObjectNode body = JSON.createObjectNode().put("body", text);
        URI page = URI.create(api + "/repos/" + repository + "/issues/" + number + "/comments?per_page=100");
        while (page != null) {
            HostHttp.Answer answer = http.call("GET", page, null);
            for (JsonNode comment : answer.json()) {
                if (comment.path("body").asText("").contains(marker)) {
                    http.call(
                            "PATCH",
                            URI.create(api + "/repos/" + repository + "/issues/comments/"
                                    + comment.path("id").asLong()),
                            body);
                    return;
                }
            }
            page = answer.next().orElse(null);
        }
        http.call("POST", URI.create(api + "/repos/" + repository + "/issues/" + number + "/comments"), body);
    }
}
