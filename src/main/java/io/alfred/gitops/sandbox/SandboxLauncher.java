package io.alfred.gitops.sandbox;

import io.alfred.gitops.cluster.ClusterConnection;
import io.alfred.gitops.cluster.SandboxProvider;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** {@code --sandbox}: a fresh sandbox API server on a loopback port, with a kubeconfig for kubectl. */
@ApplicationScoped
public class SandboxLauncher implements SandboxProvider {
    private static final Logger LOG = Logger.getLogger(SandboxLauncher.class);

    @Override
    public ClusterConnection start(Path workdir) {
        SandboxApiServer server = SandboxApiServer.start();
        Path kubeconfig = server.writeKubeconfig(workdir.resolve("sandbox-kubeconfig"));
        LOG.infof("sandbox API server listening on %s; look with: kubectl --kubeconfig %s get all -A", server.url(),
                kubeconfig);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(ClusterConnection.resilient(server.config())).build();
        return ClusterConnection.of(client, server::close, kubeconfig);
    }
}
