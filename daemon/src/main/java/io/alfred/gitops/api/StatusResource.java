package io.alfred.gitops.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.alfred.gitops.pubsub.PubSubHealth;
import io.alfred.gitops.reconcile.SyncStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code GET /status}: the source, revisions and the outcome of the last cycle, and the Pub/Sub resources' state. */
@Path("/status")
public class StatusResource {
    @Inject
    SyncStatus status;

    @Inject
    PubSubHealth pubsub;

    /** The sync status's fields, plus {@code pubsub}: each topic and subscription the daemon uses, with its state. */
    public record Document(@JsonUnwrapped SyncStatus.View sync, Map<String, PubSubHealth.View> pubsub) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Document status() {
        return new Document(status.view(), pubsub.view());
    }
}
