package io.alfred.gitops.cluster;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Leader election on Lease {@code alfred-gitops-leader} with fabric8's LeaderElector: only the
 * holder reconciles and publishes; a standby waits, ready, and takes over within the lease duration
 * when the leader goes away. {@link #isLeader()} is checked before every write, so a leader that
 * loses the lease mid-cycle stops before its next write.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Leadership.class);
    public static final String LEASE = "alfred-gitops-leader";

    private final KubernetesClient client;
    private final String namespace;
    private final String identity;
    private final Duration leaseDuration;
    private final boolean releaseOnClose;
    private volatile boolean leader;
    private CompletableFuture<?> election;

    public Leadership(
            KubernetesClient client,
            String namespace,
            String identity,
            Duration leaseDuration,
            boolean releaseOnClose) {
        this.client = client;
        this.namespace = namespace;
        this.identity = identity;
        this.leaseDuration = leaseDuration;
        this.releaseOnClose = releaseOnClose;
    }

    public Leadership start(Runnable onStartLeading, Runnable onStopLeading) {
        if (client.namespaces().withName(namespace).get() == null) {
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace)
                            .addToLabels("app.kubernetes.io/part-of", "alfred-gitops")
                            .endMetadata()
                            .build())
                    .serverSideApply();
        }
        election = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName("alfred-gitops")
                        .withLock(new LeaseLock(namespace, LEASE, identity))
                        .withLeaseDuration(leaseDuration)
                        .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
                        .withRetryPeriod(leaseDuration.dividedBy(5))
                        .withReleaseOnCancel(releaseOnClose)
                        .withLeaderCallbacks(new LeaderCallbacks(
                                () -> {
                                    leader = true;
                                    LOG.infof("leader election: %s leads (Lease %s/%s)", identity, namespace, LEASE);
                                    onStartLeading.run();
                                },
                                () -> {
                                    leader = false;
                                    LOG.warnf("leader election: %s lost the lease; stopping", identity);
                                    onStopLeading.run();
                                },
                                newLeader -> LOG.infof("leader election: the leader is %s", newLeader)))
                        .build())
                .build()
                .start();
        return this;
    }

    public boolean isLeader() {
        return leader;
    }

    @Override
    public void close() {
        leader = false;
        if (election != null) {
            election.cancel(true);
        }
    }
}
