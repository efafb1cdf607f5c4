package io.alfred.gitops.api;

import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.reconcile.SyncLoop;
import io.alfred.gitops.trigger.Trigger;
import io.alfred.gitops.trigger.WebhookAuth;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;

/** {@code POST /reconcile[?revision=SHA]}: a manual trigger, bearer token from {@code gitops.api.token-file}. */
@Path("/reconcile")
public class ReconcileResource {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    @Inject
    GitopsConfig config;

    @Inject
    SyncLoop loop;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response reconcile(
            @HeaderParam("Authorization") String authorization, @QueryParam("revision") String revision) {
        var tokenFile = config.api().tokenFile();
        if (tokenFile.isEmpty()) {
            return HookResource.answer(404, "manual trigger not configured (gitops.api.token-file)");
        }
        if (!WebhookAuth.tokenValid(java.nio.file.Path.of(tokenFile.get()), WebhookAuth.bearer(authorization))) {
            return HookResource.answer(401, "unauthorized");
        }
        if (revision != null && !SHA.matcher(revision).matches()) {
            return HookResource.answer(400, "revision must be a full commit SHA");
        }
        if (!loop.offer(new Trigger(Trigger.Kind.MANUAL, revision, null, null))) {
            return HookResource.answer(503, "the daemon is not running");
        }
        return HookResource.answer(202, "queued");
    }
}
