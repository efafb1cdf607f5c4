package io.alfred.gitops.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.dashboard.DashboardResource;
import io.alfred.gitops.preview.Preview;
import io.alfred.gitops.reconcile.SyncLoop;
import io.alfred.gitops.trigger.WebhookAuth;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /previews} (the kept previews of pull requests, newest first, without their diffs) and
 * {@code GET /previews/{revision}} (one, with its diffs; a full SHA or a prefix of 7 or more). With
 * {@code gitops.api.token-file} set, both ask for the token: {@code Authorization: Bearer}, or the
 * dashboard's login cookie.
 */
@Path("/previews")
@Produces(MediaType.APPLICATION_JSON)
public class PreviewResource {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    GitopsConfig config;

    @Inject
    SyncLoop loop;

    @GET
    public Response list(
            @HeaderParam("Authorization") String authorization, @CookieParam(DashboardResource.COOKIE) String cookie) {
        if (!allowed(authorization, cookie)) {
            return HookResource.answer(401, "unauthorized: send the token of gitops.api.token-file as a bearer token");
        }
        ArrayNode out = JSON.createArrayNode();
        recent().forEach(p -> out.add(p.toJson(false)));
        return Response.ok(out).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("{revision}")
    public Response one(
            @PathParam("revision") String revision,
            @HeaderParam("Authorization") String authorization,
            @CookieParam(DashboardResource.COOKIE) String cookie) {
        if (!allowed(authorization, cookie)) {
            return HookResource.answer(401, "unauthorized: send the token of gitops.api.token-file as a bearer token");
        }
        Optional<Preview> preview = loop.previews().flatMap(p -> p.of(revision));
        if (preview.isEmpty()) {
            return HookResource.answer(
                    404, "no preview of revision " + revision + " is kept; GET /previews lists them");
        }
        return Response.ok(preview.get().toJson(true))
                .header("Cache-Control", "no-store")
                .build();
    }

    private List<Preview> recent() {
        return loop.previews().map(p -> p.recent()).orElse(List.of());
    }

    private boolean allowed(String authorization, String cookie) {
        Optional<String> file = config.api().tokenFile();
        if (file.isEmpty()) {
            return true;
        }
        String bearer = WebhookAuth.bearer(authorization);
        String token = bearer != null ? bearer : cookie;
        return WebhookAuth.tokenValid(java.nio.file.Path.of(file.get()), token);
    }
}
