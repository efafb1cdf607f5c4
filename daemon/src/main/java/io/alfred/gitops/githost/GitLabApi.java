package io.alfred.gitops.githost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * GitLab's REST API (v4, gitlab.com or self-managed): {@code POST /projects/{id}/statuses/{sha}},
 * and the merge request's notes ({@code GET /projects/{id}/merge_requests/{iid}/notes}, paginated
 * by {@code Link} or {@code X-Next-Page}; {@code PUT .../notes/{note_id}}; {@code POST .../notes}).
 * GitLab has no {@code error} state: a blocked deploy is {@code failed}, its description says blocked.
 */
final class GitLabApi implements GitHostApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int DESCRIPTION_LIMIT = 255;

    private final HostHttp http;
    private final String project;

    GitLabApi(GitHostSettings settings, Clock clock) {
        this.http =
                new HostHttp(settings.tokenFile(), "PRIVATE-TOKEN", "", Map.of("User-Agent", "alfred-gitops"), clock);
        this.project = settings.apiUrl().replaceAll("/+$", "") + "/projects/"
                + URLEncoder.encode(settings.repository(), StandardCharsets.UTF_8);
    }

    @Override
    public void status(String sha, CommitState state, String context, String description, Optional<String> targetUrl) {
        ObjectNode body = JSON.createObjectNode()
                .put("state", state(state))
                .put("name", context)
                .put("description", GitHostSettings.cut(description, DESCRIPTION_LIMIT));
        targetUrl.ifPresent(u -> body.put("target_url", u));
        http.call("POST", URI.create(project + "/statuses/" + sha), body);
    }

    static String state(CommitState state) {
        return switch (state) {
            case PENDING -> "pending";
            case SUCCESS -> "success";
            case FAILURE, ERROR -> "failed";
        };
    }

    @Override
    public void comment(int number, String marker, String text) {
        ObjectNode body = JSON.createObjectNode().put("body", text);
        String notes = project + "/merge_requests/" + number + "/notes";
        URI page = URI.create(notes + "?per_page=100&sort=asc&order_by=created_at");
        while (page != null) {
            HostHttp.Answer answer = http.call("GET", page, null);
            for (JsonNode note : answer.json()) {
                if (note.path("body").asText("").contains(marker)) {
                    http.call("PUT", URI.create(notes + "/" + note.path("id").asLong()), body);
                    return;
                }
            }
            page = answer.next().orElse(null);
        }
        http.call("POST", URI.create(notes), body);
    }
}
