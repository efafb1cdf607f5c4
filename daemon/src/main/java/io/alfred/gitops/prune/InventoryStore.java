package io.alfred.gitops.prune;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.cluster.NoAnswerRetry;
import io.alfred.gitops.cluster.ServerMessage;
import io.alfred.gitops.cluster.StateConfigMaps;
import io.alfred.gitops.cluster.WriteGuard;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The inventory ConfigMap {@code alfred-gitops-inventory} in {@code gitops.namespace} (docs/operations.md,
 * the table of what the daemon keeps in the cluster): {@code objects} (one {@code apiVersion kind namespace name} per
 * line),
 * {@code lastAppliedRevision}, {@code lastGoodRevision}.
 */
public final class InventoryStore {
    public static final String NAME = "alfred-gitops-inventory";

    private final KubernetesClient client;
    private final String namespace;
    private final String fieldManager;

    private final WriteGuard guard;

    public InventoryStore(KubernetesClient client, String namespace, String fieldManager, WriteGuard guard) {
        this.client = client;
        this.namespace = namespace;
        this.fieldManager = fieldManager;
        this.guard = guard;
    }

    public Inventory load() {
        try {
            ConfigMap cm = NoAnswerRetry.call(() ->
                    client.configMaps().inNamespace(namespace).withName(NAME).get());
            if (cm == null || cm.getData() == null) {
                return Inventory.empty();
            }
            Map<String, String> data = cm.getData();
            List<InventoryEntry> entries = new ArrayList<>();
            for (String line : data.getOrDefault("objects", "").split("\n")) {
                if (!line.isBlank()) {
                    entries.add(InventoryEntry.parse(line));
                }
            }
            return new Inventory(
                    entries,
                    blankToNull(data.get("lastAppliedRevision")),
                    blankToNull(data.get("lastGoodRevision")),
                    blankToNull(data.get("renderDigest")));
        } catch (KubernetesClientException e) {
            throw new StageException(
                    Stage.PLAN,
                    "ConfigMap " + namespace + "/" + NAME,
                    "cannot read the inventory: " + ServerMessage.of(e),
                    e);
        } catch (IllegalArgumentException e) {
            throw new StageException(
                    Stage.PLAN,
                    "ConfigMap " + namespace + "/" + NAME,
                    "the inventory is corrupt: " + e.getMessage(),
                    e);
        }
    }

    public void save(Inventory inventory, Stage stage) {
        guard.check("ConfigMap " + namespace + "/" + NAME);
        Map<String, String> data = new LinkedHashMap<>();
        data.put(
                "objects",
                inventory.entries().stream().map(InventoryEntry::line).collect(Collectors.joining("\n")));
        data.put("lastAppliedRevision", nullToBlank(inventory.lastAppliedRevision()));
        data.put("lastGoodRevision", nullToBlank(inventory.lastGoodRevision()));
        data.put("renderDigest", nullToBlank(inventory.renderDigest()));
        try {
            StateConfigMaps.apply(client, namespace, NAME, fieldManager, data);
        } catch (KubernetesClientException e) {
            throw new StageException(
                    stage,
                    "ConfigMap " + namespace + "/" + NAME,
                    "cannot write the inventory: " + ServerMessage.of(e),
                    e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String nullToBlank(String s) {
        return s == null ? "" : s;
    }
}
