package io.alfred.gitops.api;

import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.cluster.ClusterFailure;
import io.alfred.gitops.reconcile.SyncLoop;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the configuration was valid (the daemon started) and the API server answers. */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {
    /** A probe answers within the kubelet's default timeout, so it neither retries nor waits long. */
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(800);

    @Inject
    SyncLoop loop;

    private KubernetesClient probeFor;
    private KubernetesClient probe;

    @Override
    public HealthCheckResponse call() {
        var client = loop.client();
        if (client.isEmpty()) {
            return HealthCheckResponse.named("cluster")
                    .down()
                    .withData("reason", "the daemon has not started")
                    .build();
        }
        try {
            String version = probe(client.get()).getKubernetesVersion().getGitVersion();
            return HealthCheckResponse.named("cluster")
                    .up()
                    .withData("server", version)
                    .build();
        } catch (RuntimeException e) {
            String why = ClusterFailure.of(e).map(ClusterFailure::reason).orElseGet(e::getMessage);
            return HealthCheckResponse.named("cluster")
                    .down()
                    .withData("reason", "API server unreachable: " + why)
                    .build();
        }
    }

    /** The daemon's client retries for many seconds; the probe asks once, with the same configuration otherwise. */
    private synchronized KubernetesClient probe(KubernetesClient client) {
        if (probeFor != client) {
            close();
            probe = ClusterConnection.askingOnce(client, PROBE_TIMEOUT);
            probeFor = client;
        }
        return probe;
    }

    @PreDestroy
    synchronized void close() {
        if (probe != null) {
            probe.close();
            probe = null;
            probeFor = null;
        }
    }
}
