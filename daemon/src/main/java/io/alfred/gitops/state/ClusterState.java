package io.alfred.gitops.state;

import io.alfred.gitops.cluster.Leadership;
import io.alfred.gitops.cluster.NoAnswerRetry;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.events.Outbox;
import io.alfred.gitops.promotion.ProofLedger;
import io.alfred.gitops.promotion.ProofStore;
import io.alfred.gitops.prune.Inventory;
import io.alfred.gitops.prune.InventoryStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * Everything the daemon keeps in {@code gitops.namespace}, read in one go for {@code status}: the
 * inventory, the history, the suspend state, the events outbox and the leader.
 *
 * @param leader the Lease's holder, empty when leader election is off
 */
public record ClusterState(
        String namespace,
        SyncState state,
        Inventory inventory,
        List<CycleRecord> history,
        Suspension suspension,
        int pendingEvents,
        String leader,
        List<ProofLedger.Proof> proofs) {

    public static ClusterState read(KubernetesClient client, String namespace) {
        Inventory inventory = new InventoryStore(client, namespace, "", WriteGuard.ALWAYS).load();
        List<CycleRecord> history = new HistoryStore(client, namespace, "", WriteGuard.ALWAYS).load();
        Suspension suspension = new SuspendStore(client, namespace).load();
        ConfigMap outbox = NoAnswerRetry.call(() ->
                client.configMaps().inNamespace(namespace).withName(Outbox.NAME).get());
        int pending = outbox == null || outbox.getData() == null
                ? 0
                : outbox.getData().size();
        Lease lease = NoAnswerRetry.call(() -> client.leases()
                .inNamespace(namespace)
                .withName(Leadership.LEASE)
                .get());
        String leader =
                lease == null || lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null
                        ? ""
                        : lease.getSpec().getHolderIdentity();
        List<ProofLedger.Proof> proofs =
                new ProofStore(client, namespace, "").load().latest();
        return new ClusterState(
                namespace, SyncState.of(suspension, history), inventory, history, suspension, pending, leader, proofs);
    }
}
