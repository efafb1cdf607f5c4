package io.alfred.gitops.githost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JSON call to a git host's REST API with the JDK's HTTP client: the token read from its file
 * on every call (rotation), the answer's JSON, the next page's URL, and a refusal turned into a
 * {@link GitHostException} that says how long to wait when the host rate-limits (GitHub: 403 or
 * 429 with {@code x-ratelimit-remaining: 0} and {@code x-ratelimit-reset}, or {@code retry-after};
 * GitLab: 429 with {@code Retry-After} or {@code RateLimit-Reset}). The token never appears in a
 * message.
 */
final class HostHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient client;
    private final Path tokenFile;
    private final Map<String, String> headers;
    private final String tokenHeader;
    private final String tokenPrefix;
    private final Clock clock;

    HostHttp(Path tokenFile, String tokenHeader, String tokenPrefix, Map<String, String> headers, Clock clock) {
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        this.tokenFile = tokenFile;
        this.tokenHeader = tokenHeader;
        this.tokenPrefix = tokenPrefix;
        this.headers = Map.copyOf(headers);
        this.clock = clock;
    }

    /** An answer: its status, its JSON (null when empty) and the next page's URL, if any. */
    record Answer(int status, JsonNode json, Optional<URI> next) {}

    Answer call(String method, URI uri, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header(tokenHeader, tokenPrefix + token())
                .header("Accept", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        HttpResponse<String> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GitHostException(
                    method + " " + path(uri) + ": no answer (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                            + ")",
                    0,
                    Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHostException(method + " " + path(uri) + ": interrupted", 0, Optional.empty());
        }
        int status = response.statusCode();
        if (status >= 300) {
            throw new GitHostException(
                    method + " " + path(uri) + ": HTTP " + status + message(response.body()),
                    status,
                    rateLimited(response));
        }
        JsonNode json;
        try {
            json = response.body().isBlank() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new GitHostException(
                    method + " " + path(uri) + ": an answer that is not JSON", status, Optional.empty());
        }
        return new Answer(status, json, next(response, uri));
    }

    /** How long a rate-limited answer asks to wait; empty when it is no rate limit. */
    Optional<Duration> rateLimited(HttpResponse<?> response) {
        int status = response.statusCode();
        if (status != 403 && status != 429) {
            return Optional.empty();
        }
        var h = response.headers();
        Optional<Duration> retryAfter = h.firstValue("retry-after").flatMap(HostHttp::seconds);
        if (retryAfter.isPresent()) {
            return retryAfter;
        }
        boolean exhausted =
                h.firstValue("x-ratelimit-remaining").map("0"::equals).orElse(false)
                        || h.firstValue("ratelimit-remaining").map("0"::equals).orElse(false);
        Optional<String> reset = h.firstValue("x-ratelimit-reset").or(() -> h.firstValue("ratelimit-reset"));
        if (reset.isPresent() && (exhausted || status == 429)) {
            try {
                Instant at = Instant.ofEpochSecond(Long.parseLong(reset.get().trim()));
                Duration wait = Duration.between(clock.instant(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (NumberFormatException e) {
                return Optional.of(Duration.ofMinutes(1));
            }
        }
        // a 429 that does not say how long: a minute
        return status == 429 ? Optional.of(Duration.ofMinutes(1)) : Optional.empty();
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<URI> next(HttpResponse<?> response, URI uri) {
        for (String link : response.headers().allValues("link")) {
            Matcher m = NEXT.matcher(link);
            if (m.find()) {
                return Optional.of(URI.create(m.group(1)));
            }
        }
        // GitLab also names the next page on its own; without Link (keyset pagination off) only there
        return response.headers()
                .firstValue("x-next-page")
                .filter(p -> !p.isBlank())
                .map(p -> withPage(uri, p));
    }

    private static URI withPage(URI uri, String page) {
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery().replaceAll("(^|&)page=\\d+", "");
        query = (query.isEmpty() || query.startsWith("&") ? query.replaceFirst("^&", "") : query);
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "?"
                + (query.isEmpty() ? "" : query + "&") + "page=" + page);
    }

    private String token() {
        try {
            return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new GitHostException(
                    "cannot read gitops.githost.token-file " + tokenFile + ": " + e.getMessage(), 0, Optional.empty());
        }
    }

    private static String path(URI uri) {
        return uri.getRawPath();
    }

    /** The host's own message, when it gave one (both hosts answer {@code {"message": ...}}). */
    private static String message(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            String m = json == null ? "" : json.path("message").asText("");
            return m.isBlank() ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) + "..." : m);
        } catch (IOException e) {
            return "";
        }
    }
}
