package io.alfred.gitops.api;

import io.alfred.gitops.reconcile.SyncLoop;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the configuration was valid (the daemon started) and the API server answers. */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {
    @Inject
    SyncLoop loop;

    @Override
    public HealthCheckResponse call() {
        var client = loop.client();
        if (client.isEmpty()) {
            return HealthCheckResponse.named("cluster").down().withData("reason", "the daemon has not started").build();
        }
        try {
            String version = client.get().getKubernetesVersion().getGitVersion();
            return HealthCheckResponse.named("cluster").up().withData("server", version).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("cluster").down().withData("reason", "API server unreachable: "
                    + e.getMessage()).build();
        }
    }
}
