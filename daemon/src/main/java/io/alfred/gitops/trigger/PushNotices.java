package io.alfred.gitops.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.support.JsonTexts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the push notifications docs/operations.md lists: GitHub and GitLab push payloads, Cloud Source
 * Repositories notifications ({@code refUpdateEvent.refUpdates}) and a generic form (attributes or
 * JSON {@code ref}, {@code revision}, optional {@code repository}).
 */
public final class PushNotices {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZERO = "0000000000000000000000000000000000000000";

    private PushNotices() {}

    /** All pushes the notification describes (CSR can carry several refs). */
    public static List<PushNotice> parse(byte[] body, Map<String, String> attributes) {
        if (attributes.containsKey("ref") || attributes.containsKey("revision")) {
            return List.of(new PushNotice(
                    "generic",
                    listOf(attributes.get("repository")),
                    fullRef(attributes.get("ref")),
                    attributes.get("revision"),
                    attributes.get("actor")));
        }
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw new MalformedNoticeException("not JSON: " + e.getMessage().split("\n")[0]);
        }
        if (json == null || !json.isObject()) {
            throw new MalformedNoticeException("expected a JSON object or ref/revision attributes");
        }
        if (json.has("refUpdateEvent")) {
            return cloudSourceRepositories(json);
        }
        if (json.path("object_kind").asText().equals("push") || json.has("project") && json.has("checkout_sha")) {
            return List.of(new PushNotice(
                    "gitlab",
                    JsonTexts.of(json.path("project"), "git_http_url", "git_ssh_url", "web_url"),
                    json.path("ref").asText(null),
                    nonZero(json.path("after").asText(json.path("checkout_sha").asText(null))),
                    json.path("user_username").asText(null)));
        }
        if (json.has("ref") && json.has("repository") && json.path("repository").isObject()) {
            return List.of(new PushNotice(
                    "github",
                    JsonTexts.of(json.path("repository"), "clone_url", "ssh_url", "git_url", "html_url", "url"),
                    json.path("ref").asText(null),
                    json.path("deleted").asBoolean(false)
                            ? null
                            : nonZero(json.path("after").asText(null)),
                    json.path("pusher").path("name").asText(null)));
        }
        if (json.has("ref") || json.has("revision")) {
            return List.of(new PushNotice(
                    "generic",
                    listOf(json.path("repository").asText(null)),
                    fullRef(json.path("ref").asText(null)),
                    json.path("revision").asText(null),
                    json.path("actor").asText(null)));
        }
        throw new MalformedNoticeException(
                "not a GitHub, GitLab, Cloud Source Repositories or generic push notification");
    }

    private static List<PushNotice> cloudSourceRepositories(JsonNode json) {
        List<PushNotice> out = new ArrayList<>();
        List<String> repos = JsonTexts.of(json, "url", "name");
        String actor = json.path("refUpdateEvent").path("email").asText(null);
        Iterator<Map.Entry<String, JsonNode>> it =
                json.path("refUpdateEvent").path("refUpdates").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode update = e.getValue();
            if (!"DELETE".equals(update.path("updateType").asText())) {
                out.add(new PushNotice(
                        "csr",
                        repos,
                        update.path("refName").asText(e.getKey()),
                        nonZero(update.path("newId").asText(null)),
                        actor));
            }
        }
        if (out.isEmpty() && !json.path("refUpdateEvent").path("refUpdates").isObject()) {
            throw new MalformedNoticeException("refUpdateEvent without refUpdates");
        }
        return out;
    }

    private static List<String> listOf(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s);
    }

    private static String nonZero(String sha) {
        return sha == null || sha.equals(ZERO) || sha.isBlank() ? null : sha;
    }

    private static String fullRef(String ref) {
        if (ref == null || ref.isBlank()) {
            return null;
        }
        return ref.startsWith("refs/") ? ref : "refs/heads/" + ref;
    }
}
