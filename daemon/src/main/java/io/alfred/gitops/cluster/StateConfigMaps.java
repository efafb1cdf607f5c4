package io.alfred.gitops.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * Reads and server-side applies the ConfigMaps the daemon keeps in {@code gitops.namespace}
 * (inventory, history, suspend state), creating the namespace when it is missing.
 */
public final class StateConfigMaps {
    public static final String PART_OF = "app.kubernetes.io/part-of";

    private StateConfigMaps() {}

    public static Map<String, String> read(KubernetesClient client, String namespace, String name) {
        ConfigMap cm = NoAnswerRetry.call(
                () -> client.configMaps().inNamespace(namespace).withName(name).get());
        return cm == null || cm.getData() == null ? Map.of() : cm.getData();
    }

    public static void apply(
            KubernetesClient client, String namespace, String name, String fieldManager, Map<String, String> data) {
        if (NoAnswerRetry.call(() -> client.namespaces().withName(namespace).get()) == null) {
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace)
                            .addToLabels(PART_OF, "alfred-gitops")
                            .endMetadata()
                            .build())
                    .fieldManager(fieldManager)
                    .serverSideApply();
        }
        ConfigMap cm = new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .addToLabels(PART_OF, "alfred-gitops")
                .endMetadata()
                .withData(data)
                .build();
        NoAnswerRetry.call(() ->
                client.resource(cm).fieldManager(fieldManager).forceConflicts().serverSideApply());
    }
}
