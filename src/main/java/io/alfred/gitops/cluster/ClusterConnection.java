package io.alfred.gitops.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cluster the daemon keeps equal to git: the one of the kubeconfig (or the in-cluster service
 * account), or, with {@code --sandbox}, an in-process sandbox API server that lives as long as
 * this connection. Production code only ever sees the fabric8 client.
 */
public final class ClusterConnection implements AutoCloseable {
    private final KubernetesClient client;
    private final Runnable onClose;
    private final Path kubeconfig;

    private ClusterConnection(KubernetesClient client, Runnable onClose, Path kubeconfig) {
        this.client = client;
        this.onClose = onClose;
        this.kubeconfig = kubeconfig;
    }

    /** The cluster of the kubeconfig, or of the pod's service account when running in a cluster. */
    public static ClusterConnection fromEnvironment() {
        return new ClusterConnection(new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build(),
                () -> { }, null);
    }

    /**
     * @param onClose what to stop with the connection (a sandbox server)
     * @param kubeconfig a kubeconfig written for this cluster, if any
     */
    public static ClusterConnection of(KubernetesClient client, Runnable onClose, Path kubeconfig) {
        return new ClusterConnection(client, onClose, kubeconfig);
    }

    public KubernetesClient client() {
        return client;
    }

    public Optional<Path> kubeconfig() {
        return Optional.ofNullable(kubeconfig);
    }

    @Override
    public void close() {
        client.close();
        onClose.run();
    }
}
