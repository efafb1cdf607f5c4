package io.alfred.gitops.promotion;

import io.alfred.gitops.cluster.StateConfigMaps;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * The proof ledger in ConfigMap {@code alfred-gitops-promotion} of {@code gitops.namespace}, so that
 * proofs survive a restart and a change of leader.
 */
public final class ProofStore {
    public static final String NAME = "alfred-gitops-promotion";
    private static final String KEY = "ledger.json";

    private final KubernetesClient client;
    private final String namespace;
    private final String fieldManager;

    public ProofStore(KubernetesClient client, String namespace, String fieldManager) {
        this.client = client;
        this.namespace = namespace;
        this.fieldManager = fieldManager;
    }

    public ProofLedger load() {
        return ProofLedger.fromJson(
                StateConfigMaps.read(client, namespace, NAME).get(KEY));
    }

    public void save(ProofLedger ledger) {
        StateConfigMaps.apply(client, namespace, NAME, fieldManager, Map.of(KEY, ledger.toJson()));
    }
}
