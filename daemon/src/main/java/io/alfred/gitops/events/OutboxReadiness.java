package io.alfred.gitops.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the outbox is full of events Pub/Sub has not acknowledged (cycles wait then). */
@Readiness
@ApplicationScoped
public class OutboxReadiness implements HealthCheck {
    @Inject
    OutboxStatus status;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event-outbox")
                .status(!status.isFull())
                .withData("pending", status.pendingCount())
                .build();
    }
}
