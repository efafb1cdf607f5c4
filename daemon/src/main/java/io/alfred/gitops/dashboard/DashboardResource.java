package io.alfred.gitops.dashboard;

import io.alfred.gitops.config.GitopsConfig;
import io.alfred.gitops.trigger.WebhookAuth;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard: {@code GET /}, a read-only page of the daemon's state, rendered on the server
 * (it works without JavaScript; a small script only refreshes it while a cycle runs), and
 * {@code GET /dashboard/live}, the JSON that script polls. When {@code gitops.api.token-file} is
 * set, both ask for the token once, through a form, and keep it in an HttpOnly, SameSite=Strict
 * cookie (Secure when served over TLS). Nothing here writes to the cluster.
 */
@Path("/")
public class DashboardResource {
    /** The login cookie, which {@code GET /previews} also takes. */
    public static final String COOKIE = "alfred_gitops_token";

    @Inject
    Dashboard dashboard;

    @Inject
    GitopsConfig config;

    @Location("dashboard.html")
    Template page;

    @Location("login.html")
    Template login;

    @Location("fleet.html")
    Template fleet;

    @Inject
    FleetBoard board;

    @Inject
    io.alfred.gitops.reconcile.SyncLoop loop;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response index(@CookieParam(COOKIE) String token) {
        if (!allowed(token)) {
            return Response.status(401)
                    .entity(login.data("failed", false))
                    .type(MediaType.TEXT_HTML)
                    .build();
        }
        return Response.ok(page.data("page", dashboard.page()))
                .header("Cache-Control", "no-store")
                .build();
    }

    /** {@code GET /fleet}: every cluster heard of on the events topic ({@code gitops.fleet.subscription}). */
    @GET
    @Path("fleet")
    @Produces(MediaType.TEXT_HTML)
    public Response fleet(@CookieParam(COOKIE) String token) {
        if (!allowed(token)) {
            return Response.status(401)
                    .entity(login.data("failed", false))
                    .type(MediaType.TEXT_HTML)
                    .build();
        }
        String self = loop.settings().map(s -> s.cluster().name()).orElse("");
        FleetPage page = FleetPage.of(
                self, config.fleet().subscription().isPresent(), board.clusters(), java.time.Instant.now());
        return Response.ok(fleet.data("page", page))
                .header("Cache-Control", "no-store")
                .build();
    }

    @GET
    @Path("dashboard/live")
    @Produces(MediaType.APPLICATION_JSON)
    public Response live(@CookieParam(COOKIE) String token) {
        if (!allowed(token)) {
            return Response.status(401).entity(Map.of("error", "log in at /")).build();
        }
        return Response.ok(dashboard.live()).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public Response login(
            @FormParam("token") String token,
            @Context UriInfo uri,
            @HeaderParam("X-Forwarded-Proto") String forwardedProto) {
        Optional<String> file = config.api().tokenFile();
        if (file.isEmpty()) {
            return Response.seeOther(URI.create("/")).build();
        }
        if (!WebhookAuth.tokenValid(java.nio.file.Path.of(file.get()), token)) {
            return Response.status(401)
                    .entity(login.data("failed", true))
                    .type(MediaType.TEXT_HTML)
                    .build();
        }
        boolean tls = "https".equals(uri.getRequestUri().getScheme()) || "https".equalsIgnoreCase(forwardedProto);
        NewCookie cookie = new NewCookie.Builder(COOKIE)
                .value(token)
                .path("/")
                .httpOnly(true)
                .secure(tls)
                .sameSite(NewCookie.SameSite.STRICT)
                .build();
        return Response.seeOther(URI.create("/")).cookie(cookie).build();
    }

    @POST
    @Path("logout")
    public Response logout() {
        NewCookie gone = new NewCookie.Builder(COOKIE)
                .value("")
                .path("/")
                .httpOnly(true)
                .maxAge(0)
                .sameSite(NewCookie.SameSite.STRICT)
                .build();
        return Response.seeOther(URI.create("/")).cookie(gone).build();
    }

    private boolean allowed(String token) {
        Optional<String> file = config.api().tokenFile();
        return file.isEmpty() || WebhookAuth.tokenValid(java.nio.file.Path.of(file.get()), token);
    }
}
