package io.alfred.gitops.safety;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.render.Manifest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HPA-aware apply: when a HorizontalPodAutoscaler (rendered or live) targets a workload that
 * already exists, git's {@code spec.replicas} is not applied, so the HPA keeps control and the two
 * never fight. The field is left out when the daemon does not own it any more (the HPA took it over
 * through the scale subresource); while the daemon still owns it, it is sent with the live value,
 * because leaving out a field one owns makes server-side apply delete it (and the server would
 * reset replicas to 1). A workload being created keeps git's replicas.
 */
public final class HpaAwareness {
    private final KubernetesClient client;
    private final String fieldManager;

    public HpaAwareness(KubernetesClient client, String fieldManager) {
        this.client = client;
        this.fieldManager = fieldManager;
    }

    public List<Manifest> apply(List<Manifest> manifests) {
        Set<String> targets = targets(manifests);
        if (targets.isEmpty()) {
            return manifests;
        }
        List<Manifest> out = new ArrayList<>(manifests.size());
        for (Manifest m : manifests) {
            String key =
                    m.ref().namespace() + "/" + m.ref().kind() + "/" + m.ref().name();
            if (!targets.contains(key) || !m.body().path("spec").has("replicas")) {
                out.add(m);
                continue;
            }
            GenericKubernetesResource live = client.genericKubernetesResources(
                            m.ref().apiVersion(), m.ref().kind())
                    .inNamespace(m.ref().namespace())
                    .withName(m.ref().name())
                    .get();
            if (live == null) {
                out.add(m);
                continue;
            }
            ObjectNode body = m.body().deepCopy();
            ObjectNode spec = (ObjectNode) body.get("spec");
            if (ownsReplicas(live)) {
                JsonNode liveReplicas = client.getKubernetesSerialization()
                        .convertValue(live, JsonNode.class)
                        .path("spec")
                        .path("replicas");
                spec.set("replicas", liveReplicas.deepCopy());
            } else {
                spec.remove("replicas");
            }
            out.add(new Manifest(m.ref(), body, m.origin()));
        }
        return out;
    }

    private boolean ownsReplicas(GenericKubernetesResource live) {
        List<ManagedFieldsEntry> entries = live.getMetadata().getManagedFields();
        if (entries == null) {
            return false;
        }
        for (ManagedFieldsEntry e : entries) {
            if (fieldManager.equals(e.getManager()) && e.getFieldsV1() != null) {
                Object spec = e.getFieldsV1().getAdditionalProperties().get("f:spec");
                if (spec instanceof Map<?, ?> map && map.containsKey("f:replicas")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** namespace/Kind/name of every workload an HPA (rendered or live) scales. */
    private Set<String> targets(List<Manifest> manifests) {
        Set<String> out = new HashSet<>();
        Set<String> namespaces = new HashSet<>();
        for (Manifest m : manifests) {
            if (m.ref().kind().equals("HorizontalPodAutoscaler")) {
                JsonNode ref = m.body().path("spec").path("scaleTargetRef");
                out.add(m.ref().namespace() + "/" + ref.path("kind").asText() + "/"
                        + ref.path("name").asText());
            } else if (m.ref().group().equals("apps") && !m.ref().namespace().isEmpty()) {
                namespaces.add(m.ref().namespace());
            }
        }
        for (String ns : namespaces) {
            if (client.namespaces().withName(ns).get() == null) {
                continue;
            }
            for (HorizontalPodAutoscaler hpa : client.autoscaling()
                    .v2()
                    .horizontalPodAutoscalers()
                    .inNamespace(ns)
                    .list()
                    .getItems()) {
                var ref = hpa.getSpec().getScaleTargetRef();
                out.add(ns + "/" + ref.getKind() + "/" + ref.getName());
            }
        }
        return out;
    }
}
