package io.alfred.gitops.api;

import io.alfred.gitops.reconcile.SyncStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /status}: the source, revisions and the outcome of the last cycle. */
@Path("/status")
public class StatusResource {
    @Inject
    SyncStatus status;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public SyncStatus.View status() {
        return status.view();
    }
}
