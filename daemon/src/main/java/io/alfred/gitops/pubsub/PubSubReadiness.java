package io.alfred.gitops.pubsub;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while a topic or subscription the daemon uses is missing or forbidden (that needs a
 * person); each one's state is in the check's data. An unreachable Pub/Sub is retried and shows
 * in the outbox check once events pile up.
 */
@Readiness
@ApplicationScoped
public class PubSubReadiness implements HealthCheck {
    @Inject
    PubSubHealth health;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("pubsub").status(health.ready());
        health.view()
                .forEach((key, view) -> response.withData(
                        key,
                        view.name() + ": " + view.state()
                                + (view.detail().isEmpty() ? "" : " (" + view.detail() + ")")));
        return response.build();
    }
}
