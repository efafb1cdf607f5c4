package io.alfred.gitops.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.config.Settings;
import io.alfred.gitops.preview.PullRequestNotices;
import io.alfred.gitops.reconcile.SyncLoop;
import io.alfred.gitops.trigger.DeliveryLog;
import io.alfred.gitops.trigger.NoticeHandler;
import io.alfred.gitops.trigger.PushNotice;
import io.alfred.gitops.trigger.PushTokenVerifier;
import io.alfred.gitops.trigger.RepoMatcher;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.trigger.TriggerMetrics;
import io.alfred.gitops.trigger.WebhookAuth;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Push endpoints: GitHub and GitLab webhooks (shared secret) and Pub/Sub push subscriptions (OIDC
 * token). A push to the configured ref queues a deploy cycle; a pull request (GitHub's
 * {@code pull_request}, GitLab's merge request hook) into it, or a notice naming a pull request's
 * head ref, queues a preview. Bodies over {@code quarkus.http.limits.max-body-size} get 413, other content types 415.
 */
@Path("/hooks")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class HookResource {
    private static final Logger LOG = Logger.getLogger(HookResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    GitopsConfig config;

    @Inject
    SyncLoop loop;

    @Inject
    MeterRegistry registry;

    private final Map<String, PushTokenVerifier> verifiers = new ConcurrentHashMap<>();
    private final DeliveryLog deliveries = new DeliveryLog();

    @POST
    @Path("github")
    public Response github(
            byte[] body,
            @HeaderParam("X-GitHub-Event") String event,
            @HeaderParam("X-Hub-Signature-256") String signature,
            @HeaderParam("X-GitHub-Delivery") String delivery) {
        var secret = config.webhook().github().secretFile();
        if (secret.isEmpty()) {
            return answer(404, "github webhook not configured (gitops.webhook.github.secret-file)");
        }
        if (!WebhookAuth.githubSignatureValid(java.nio.file.Path.of(secret.get()), body, signature)) {
            return unauthorized("github", delivery, "bad or missing X-Hub-Signature-256");
        }
        if ("ping".equals(event)) {
            return answer(200, "pong");
        }
        if ("pull_request".equals(event)) {
            return pullRequest("github", delivery, () -> PullRequestNotices.github(body));
        }
        if (!"push".equals(event)) {
            return answer(202, "ignored: event " + event);
        }
        return handle("github", delivery, body, Map.of());
    }

    @POST
    @Path("gitlab")
    public Response gitlab(
            byte[] body,
            @HeaderParam("X-Gitlab-Event") String event,
            @HeaderParam("X-Gitlab-Token") String token,
            @HeaderParam("X-Gitlab-Event-UUID") String delivery) {
        var tokenFile = config.webhook().gitlab().tokenFile();
        if (tokenFile.isEmpty()) {
            return answer(404, "gitlab webhook not configured (gitops.webhook.gitlab.token-file)");
        }
        if (!WebhookAuth.tokenValid(java.nio.file.Path.of(tokenFile.get()), token)) {
            return unauthorized("gitlab", delivery, "bad or missing X-Gitlab-Token");
        }
        if ("Merge Request Hook".equals(event)) {
            return pullRequest("gitlab", delivery, () -> PullRequestNotices.gitlab(body));
        }
        if (event != null && !event.equals("Push Hook") && !event.equals("Tag Push Hook")) {
            return answer(202, "ignored: event " + event);
        }
        return handle("gitlab", delivery, body, Map.of());
    }

    @POST
    @Path("pubsub")
    public Response pubsub(byte[] body, @HeaderParam("Authorization") String authorization) {
        var audience = config.webhook().pubsub().audience();
        var account = config.webhook().pubsub().serviceAccount();
        if (audience.isEmpty() || account.isEmpty()) {
            return answer(404, "pubsub push not configured (gitops.webhook.pubsub.audience, .service-account)");
        }
        PushTokenVerifier verifier = verifiers.computeIfAbsent(
                audience.get() + "|" + account.get(),
                k -> new PushTokenVerifier(config.webhook().pubsub().jwksUrl(), audience.get(), account.get()));
        String rejection = verifier.reject(authorization);
        if (rejection != null) {
            return unauthorized("pubsub-push", null, rejection);
        }
        JsonNode envelope;
        try {
            envelope = JSON.readTree(body);
        } catch (IOException e) {
            envelope = null;
        }
        JsonNode message = envelope == null ? null : envelope.path("message");
        if (message == null || !message.isObject()) {
            return handle("pubsub-push", null, body, Map.of()); // counted and answered as malformed
        }
        Map<String, String> attributes = new HashMap<>();
        message.path("attributes")
                .fields()
                .forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
        byte[] data;
        try {
            data = Base64.getDecoder().decode(message.path("data").asText(""));
        } catch (IllegalArgumentException e) {
            data = new byte[] {'!'};
        }
        return handle("pubsub-push", message.path("messageId").asText(null), data, attributes);
    }

    /** A pull request's notice (signature checked): a preview when it targets the configured repository and ref. */
    private Response pullRequest(String source, String id, Supplier<Optional<PullRequestNotices.Notice>> parse) {
        var settings = loop.settings();
        if (settings.isEmpty()) {
            return answer(503, "the daemon is not running");
        }
        Optional<PullRequestNotices.Notice> notice;
        try {
            notice = parse.get();
        } catch (IllegalArgumentException e) {
            LOG.warnf("trigger: malformed %s pull request notification %s: %s", source, id, e.getMessage());
            new TriggerMetrics(registry).count(source, "malformed");
            return answer(400, "malformed notification");
        }
        if (notice.isEmpty()) {
            return answer(202, "ignored: this pull request action starts no preview");
        }
        RepoMatcher matcher = matcher(settings.get());
        if (!matcher.matches(
                new PushNotice(source, notice.get().repositories(), notice.get().baseRef(), null, null))) {
            new TriggerMetrics(registry).count(source, "ignored");
            return answer(202, "ignored: another repository or base branch");
        }
        return switch (handler(settings.get()).preview(source, id, notice.get().pullRequest())) {
            case PREVIEW -> answer(202, "preview queued");
            case DUPLICATE -> answer(202, "ignored: this delivery was accepted before");
            default -> answer(503, "the daemon is not running");
        };
    }

    private RepoMatcher matcher(Settings settings) {
        return new RepoMatcher(settings.source().url(), settings.source().ref());
    }

    private NoticeHandler handler(Settings settings) {
        return new NoticeHandler(matcher(settings), loop, loop, new TriggerMetrics(registry), deliveries);
    }

    private Response handle(String source, String id, byte[] body, Map<String, String> attributes) {
        var settings = loop.settings();
        if (settings.isEmpty()) {
            return answer(503, "the daemon is not running");
        }
        NoticeHandler handler = handler(settings.get());
        Trigger.Kind kind = source.startsWith("pubsub") ? Trigger.Kind.PUBSUB : Trigger.Kind.WEBHOOK;
        return switch (handler.handle(source, kind, id, body, attributes)) {
            case ACCEPTED -> answer(202, "queued");
            case PREVIEW -> answer(202, "preview queued");
            case DUPLICATE -> answer(202, "ignored: this delivery was accepted before");
            case IGNORED -> answer(202, "ignored: another repository or ref");
            // acknowledged so that a push subscription does not redeliver it forever
            case MALFORMED -> answer(source.equals("pubsub-push") ? 200 : 400, "malformed notification");
            case NOT_RUNNING -> answer(503, "the daemon is not running");
        };
    }

    private Response unauthorized(String source, String id, String why) {
        LOG.warnf("trigger: refused %s request %s: %s", source, id == null ? "" : id, why);
        new TriggerMetrics(registry).count(source, "unauthorized");
        return answer(401, "unauthorized");
    }

    static Response answer(int status, String message) {
        return Response.status(status)
                .entity(Map.of("message", message))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }
}
