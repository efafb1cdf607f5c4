package io.alfred.gitops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.alfred.gitops.githost.Provider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of GitHub's REST API (v3) and GitLab's (v4) that the daemon uses, on a local HTTP
 * server, with their documented answers: the token checked (401), statuses (201), comments listed
 * by page ({@code per_page}, {@code page}; GitHub's {@code Link: rel="next"}, GitLab's
 * {@code X-Next-Page}), edited (200) or created (201), and faults on demand: a 500, a 403 with
 * {@code x-ratelimit-remaining: 0} and {@code x-ratelimit-reset}, a 429 with {@code Retry-After}.
 */
public final class FakeGitHost implements AutoCloseable {
    public static final String TOKEN = "ghp_test-token-of-the-daemon";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GH_STATUS = Pattern.compile("/repos/([^/]+/[^/]+)/statuses/([0-9a-f]{40})");
    private static final Pattern GH_COMMENTS = Pattern.compile("/repos/([^/]+/[^/]+)/issues/(\\d+)/comments");
    private static final Pattern GH_COMMENT = Pattern.compile("/repos/([^/]+/[^/]+)/issues/comments/(\\d+)");
    private static final Pattern GL_STATUS = Pattern.compile("/api/v4/projects/([^/]+)/statuses/([0-9a-f]{40})");
    private static final Pattern GL_NOTES = Pattern.compile("/api/v4/projects/([^/]+)/merge_requests/(\\d+)/notes");
    private static final Pattern GL_NOTE =
            Pattern.compile("/api/v4/projects/([^/]+)/merge_requests/(\\d+)/notes/(\\d+)");

    /** A status as the host keeps it. */
    public record Status(String repository, String sha, String state, String context, String description) {}

    /** A comment (GitHub) or note (GitLab) on a pull request. */
    public record Comment(long id, int number, String body) {}

    private final HttpServer server;
    private final Provider provider;
    public final List<Status> statuses = Collections.synchronizedList(new ArrayList<>());
    public final Map<Long, Comment> comments = Collections.synchronizedMap(new LinkedHashMap<>());
    public final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong(1000);

    /** An answer given instead of the real one, to the next request. */
    public enum Fault {
        SERVER_ERROR,
        RATE_LIMITED
    }

    public FakeGitHost(Provider provider) {
        this.provider = provider;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String apiUrl() {
        String root = "http://127.0.0.1:" + server.getAddress().getPort();
        return provider == Provider.GITHUB ? root : root + "/api/v4";
    }

    public void fail(Fault... next) {
        synchronized (faults) {
            faults.addAll(List.of(next));
        }
    }

    /** Comments someone else wrote, so that the daemon's is found on a later page. */
    public void othersComment(int number, int count) {
        for (int i = 0; i < count; i++) {
            long id = ids.incrementAndGet();
            comments.put(id, new Comment(id, number, "LGTM " + i));
        }
    }

    public List<Comment> commentsOn(int number) {
        synchronized (comments) {
            return comments.values().stream().filter(c -> c.number() == number).toList();
        }
    }

    private void handle(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getRawPath();
        requests.add(method + " " + x.getRequestURI());
        boolean authorized = provider == Provider.GITHUB
                ? ("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))
                : TOKEN.equals(x.getRequestHeaders().getFirst("PRIVATE-TOKEN"));
        if (!authorized) {
            answer(x, 401, message(provider == Provider.GITHUB ? "Bad credentials" : "401 Unauthorized"));
            return;
        }
        Fault fault;
        synchronized (faults) {
            fault = faults.poll();
        }
        if (fault == Fault.SERVER_ERROR) {
            answer(x, 500, message("Server Error"));
            return;
        }
        if (fault == Fault.RATE_LIMITED) {
            if (provider == Provider.GITHUB) {
                x.getResponseHeaders().add("x-ratelimit-limit", "5000");
                x.getResponseHeaders().add("x-ratelimit-remaining", "0");
                x.getResponseHeaders()
                        .add("x-ratelimit-reset", String.valueOf(Instant.now().getEpochSecond() + 2));
                answer(x, 403, message("API rate limit exceeded for user."));
            } else {
                x.getResponseHeaders().add("Retry-After", "1");
                answer(x, 429, message("Retry later"));
            }
            return;
        }
        JsonNode body = read(x);
        Map<String, String> query = query(x.getRequestURI().getRawQuery());
        Matcher m;
        if (provider == Provider.GITHUB) {
            if (method.equals("POST") && (m = GH_STATUS.matcher(path)).matches()) {
                status(
                        x,
                        m.group(1),
                        m.group(2),
                        body.path("state").asText(),
                        body.path("context").asText(),
                        body);
            } else if (method.equals("GET") && (m = GH_COMMENTS.matcher(path)).matches()) {
                list(x, Integer.parseInt(m.group(2)), query, true);
            } else if (method.equals("POST") && (m = GH_COMMENTS.matcher(path)).matches()) {
                create(x, Integer.parseInt(m.group(2)), body);
            } else if (method.equals("PATCH") && (m = GH_COMMENT.matcher(path)).matches()) {
                edit(x, Long.parseLong(m.group(2)), body);
            } else {
                answer(x, 404, message("Not Found"));
            }
        } else {
            if (method.equals("POST") && (m = GL_STATUS.matcher(path)).matches()) {
                String project = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
                status(
                        x,
                        project,
                        m.group(2),
                        body.path("state").asText(),
                        body.path("name").asText(),
                        body);
            } else if (method.equals("GET") && (m = GL_NOTES.matcher(path)).matches()) {
                list(x, Integer.parseInt(m.group(2)), query, false);
            } else if (method.equals("POST") && (m = GL_NOTES.matcher(path)).matches()) {
                create(x, Integer.parseInt(m.group(2)), body);
            } else if (method.equals("PUT") && (m = GL_NOTE.matcher(path)).matches()) {
                edit(x, Long.parseLong(m.group(3)), body);
            } else {
                answer(x, 404, message("404 Not Found"));
            }
        }
    }

    private void status(HttpExchange x, String repo, String sha, String state, String context, JsonNode body)
            throws IOException {
        List<String> states = provider == Provider.GITHUB
                ? List.of("error", "failure", "pending", "success")
                : List.of("pending", "running", "success", "failed", "canceled");
        String description = body.path("description").asText("");
        if (!states.contains(state) || context.isEmpty() || provider == Provider.GITHUB && description.length() > 140) {
            answer(x, 422, message("Validation Failed"));
            return;
        }
        statuses.add(new Status(repo, sha, state, context, description));
        answer(x, 201, JSON.createObjectNode().put("state", state).put("context", context));
    }

    private void list(HttpExchange x, int number, Map<String, String> query, boolean link) throws IOException {
        int perPage = Math.min(
                100, Integer.parseInt(query.getOrDefault("per_page", provider == Provider.GITHUB ? "30" : "20")));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        List<Comment> all = commentsOn(number);
        int from = Math.min(all.size(), (page - 1) * perPage);
        int to = Math.min(all.size(), from + perPage);
        ArrayNode out = JSON.createArrayNode();
        for (Comment c : all.subList(from, to)) {
            out.addObject().put("id", c.id()).put("body", c.body());
        }
        boolean more = to < all.size();
        if (more && link) {
            String next = x.getRequestURI().getPath() + "?per_page=" + perPage + "&page=" + (page + 1);
            x.getResponseHeaders().add("Link", "<" + apiUrl() + next + ">; rel=\"next\"");
        }
        if (!link) {
            x.getResponseHeaders().add("X-Page", String.valueOf(page));
            x.getResponseHeaders().add("X-Next-Page", more ? String.valueOf(page + 1) : "");
        }
        answer(x, 200, out);
    }

    private void create(HttpExchange x, int number, JsonNode body) throws IOException {
        long id = ids.incrementAndGet();
        comments.put(id, new Comment(id, number, body.path("body").asText()));
        answer(x, 201, JSON.createObjectNode().put("id", id));
    }

    private void edit(HttpExchange x, long id, JsonNode body) throws IOException {
        Comment c = comments.get(id);
        if (c == null) {
            answer(x, 404, message("Not Found"));
            return;
        }
        comments.put(id, new Comment(id, c.number(), body.path("body").asText()));
        answer(x, 200, JSON.createObjectNode().put("id", id));
    }

    private static JsonNode read(HttpExchange x) throws IOException {
        byte[] bytes = x.getRequestBody().readAllBytes();
        return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static ObjectNode message(String text) {
        return JSON.createObjectNode().put("message", text);
    }

    private static void answer(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
