package io.alfred.gitops.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What kube-api-test lacks and the suites need: a controller-manager's rollout reports. Against any
 * API server (it only uses the API), it watches Deployments, StatefulSets, DaemonSets and Jobs and
 * writes through their status subresource a finished rollout for each new generation, as the
 * sandbox's own controllers do. Started by {@link TestCluster} on a real server, so that a test that
 * waits for a rollout sees one instead of waiting out its timeout.
 */
public final class SimulatedControllers implements AutoCloseable {
    private final KubernetesClient client;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

    private SimulatedControllers(KubernetesClient client) {
        this.client = client;
    }

    public static SimulatedControllers start(KubernetesClient client) {
        SimulatedControllers controllers = new SimulatedControllers(client);
        for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet", "Job")) {
            String group = kind.equals("Job") ? "batch" : "apps";
            ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(group).withVersion("v1")
                    .withKind(kind).withPlural(kind.toLowerCase() + "s").withNamespaced(true).build();
            SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(context)
                    .inAnyNamespace().inform(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(GenericKubernetesResource o) {
                            controllers.reportFinished(context, o);
                        }

                        @Override
                        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource o) {
                            controllers.reportFinished(context, o);
                        }

                        @Override
                        public void onDelete(GenericKubernetesResource o, boolean unknown) {
                            // nothing owned to clean up: no pods are simulated here
                        }
                    });
            controllers.informers.add(informer);
        }
        return controllers;
    }

    @SuppressWarnings("unchecked")
    private void reportFinished(ResourceDefinitionContext context, GenericKubernetesResource o) {
        Long generation = o.getMetadata().getGeneration();
        Map<String, Object> status = (Map<String, Object>) o.getAdditionalProperties().getOrDefault("status", Map.of());
        Object observed = status.get("observedGeneration");
        boolean job = context.getKind().equals("Job");
        if (job ? status.containsKey("conditions") : observed != null && ((Number) observed).longValue() == generation) {
            return;
        }
        Map<String, Object> spec = (Map<String, Object>) o.getAdditionalProperties().getOrDefault("spec", Map.of());
        int replicas = spec.get("replicas") instanceof Number n ? n.intValue() : 1;
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> next = new LinkedHashMap<>();
        switch (context.getKind()) {
            case "Deployment" -> {
                next.putAll(Map.of("observedGeneration", generation, "replicas", replicas, "updatedReplicas", replicas,
                        "readyReplicas", replicas, "availableReplicas", replicas));
                next.put("conditions", List.of(
                        Map.of("type", "Available", "status", "True", "reason", "MinimumReplicasAvailable",
                                "lastTransitionTime", now, "lastUpdateTime", now),
                        Map.of("type", "Progressing", "status", "True", "reason", "NewReplicaSetAvailable",
                                "lastTransitionTime", now, "lastUpdateTime", now)));
            }
            case "StatefulSet" -> next.putAll(Map.of("observedGeneration", generation, "replicas", replicas,
                    "readyReplicas", replicas, "currentReplicas", replicas, "updatedReplicas", replicas,
                    "availableReplicas", replicas, "currentRevision", "rev-" + generation, "updateRevision", "rev-" + generation));
            case "DaemonSet" -> next.putAll(Map.of("observedGeneration", generation, "desiredNumberScheduled", 1,
                    "currentNumberScheduled", 1, "numberReady", 1, "updatedNumberScheduled", 1, "numberAvailable", 1,
                    "numberMisscheduled", 0));
            default -> {
                next.put("succeeded", 1);
                next.put("completionTime", now);
                next.put("conditions", List.of(Map.of("type", "Complete", "status", "True", "lastTransitionTime", now)));
            }
        }
        o.getAdditionalProperties().put("status", next);
        try {
            client.genericKubernetesResources(context).inNamespace(o.getMetadata().getNamespace()).resource(o).updateStatus();
        } catch (RuntimeException e) {
            // a newer version arrived meanwhile: its own event will report it
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
