package io.alfred.gitops.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.cluster.StateConfigMaps;
import io.alfred.gitops.cluster.WriteGuard;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The last {@value #KEEP} cycles, newest first, in ConfigMap {@code alfred-gitops-history} (key
 * {@code cycles.json}) next to the inventory: survives restarts and leader changes, and is what
 * {@code alfred-gitops status} shows.
 */
public final class HistoryStore {
    public static final String NAME = "alfred-gitops-history";
    public static final int KEEP = 20;
    private static final String KEY = "cycles.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String namespace;
    private final String fieldManager;
    private final WriteGuard guard;

    public HistoryStore(KubernetesClient client, String namespace, String fieldManager, WriteGuard guard) {
        this.client = client;
        this.namespace = namespace;
        this.fieldManager = fieldManager;
        this.guard = guard;
    }

    /** Newest first; empty when none was kept yet or the ConfigMap does not parse. */
    public List<CycleRecord> load() {
        String json = StateConfigMaps.read(client, namespace, NAME).get(KEY);
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<List<CycleRecord>>() {});
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    public void record(CycleRecord cycle) {
        guard.check("ConfigMap " + namespace + "/" + NAME);
        List<CycleRecord> cycles = new ArrayList<>();
        cycles.add(cycle);
        cycles.addAll(load());
        try {
            String json = JSON.writeValueAsString(cycles.subList(0, Math.min(KEEP, cycles.size())));
            StateConfigMaps.apply(client, namespace, NAME, fieldManager, Map.of(KEY, json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
