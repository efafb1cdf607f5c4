package io.alfred.gitops.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
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

    /** Attempts after the first for a request answered 429 or 5xx, or lost to an I/O error. */
    public static final int RETRIES = 10;
    /** First backoff; fabric8 doubles it per attempt, up to 32 times this. */
    public static final int RETRY_BACKOFF_MS = 100;

    /** The cluster of the kubeconfig, or of the pod's service account when running in a cluster. */
    public static ClusterConnection fromEnvironment() {
        return new ClusterConnection(new KubernetesClientBuilder().withConfig(resilient(Config.autoConfigure(null))).build(),
                () -> { }, null);
    }

    /**
     * How the daemon talks to any API server: a request answered 429 or 5xx, or lost to an I/O
     * error, is retried by the fabric8 client with exponential backoff ({@link #RETRIES},
     * {@link #RETRY_BACKOFF_MS}). Objects are written by server-side apply or deleted, which a retry
     * cannot do twice; the outbox is written with resourceVersion preconditions, so a retried
     * write that had landed comes back as a conflict, which the outbox re-reads and retries.
     */
    public static Config resilient(Config base) {
        return new ConfigBuilder(base).withRequestRetryBackoffLimit(RETRIES)
                .withRequestRetryBackoffInterval(RETRY_BACKOFF_MS).build();
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
