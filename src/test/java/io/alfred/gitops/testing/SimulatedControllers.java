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
 * writes through their status subresource a finished rollout for each new generation, and gives
 * PodDisruptionBudgets the status the disruption controller would (every selected replica healthy),
 * as the sandbox's own controllers do. Started by {@link TestCluster} on a real server, so that a test that
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
        for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet", "Job", "PodDisruptionBudget")) {
            String group = switch (kind) {
                case "Job" -> "batch";
                case "PodDisruptionBudget" -> "policy";
                default -> "apps";
            };
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
        if (context.getKind().equals("PodDisruptionBudget")) {
            if (observed == null || ((Number) observed).longValue() != generation) {
                reportBudget(context, o);
            }
            return;
        }
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
            return; // a newer version arrived meanwhile: its own event will report it
        }
        ResourceDefinitionContext budgets = new ResourceDefinitionContext.Builder().withGroup("policy").withVersion("v1")
                .withKind("PodDisruptionBudget").withPlural("poddisruptionbudgets").withNamespaced(true).build();
        for (GenericKubernetesResource pdb : client.genericKubernetesResources(budgets).inNamespace(o.getMetadata()
                .getNamespace()).list().getItems()) {
            reportBudget(budgets, pdb); // the disruption controller follows the workloads its budgets select
        }
    }

    /** expectedPods and currentHealthy: the replicas of the Deployments and StatefulSets the selector matches. */
    @SuppressWarnings("unchecked")
    private void reportBudget(ResourceDefinitionContext context, GenericKubernetesResource pdb) {
        Long generation = pdb.getMetadata().getGeneration();
        String ns = pdb.getMetadata().getNamespace();
        Map<String, Object> spec = (Map<String, Object>) pdb.getAdditionalProperties().getOrDefault("spec", Map.of());
        Map<String, Object> selector = (Map<String, Object>) ((Map<String, Object>) spec.getOrDefault("selector", Map.of()))
                .getOrDefault("matchLabels", Map.of());
        int expected = 0;
        for (var workload : List.of(client.apps().deployments().inNamespace(ns).list().getItems().stream()
                .map(d -> Map.entry(d.getSpec().getTemplate().getMetadata().getLabels(), d.getSpec().getReplicas())).toList(),
                client.apps().statefulSets().inNamespace(ns).list().getItems().stream()
                        .map(d -> Map.entry(d.getSpec().getTemplate().getMetadata().getLabels(), d.getSpec().getReplicas()))
                        .toList())) {
            for (var w : workload) {
                if (!selector.isEmpty() && w.getKey() != null && w.getKey().entrySet().containsAll(selector.entrySet())) {
                    expected += w.getValue() == null ? 1 : w.getValue();
                }
            }
        }
        int desired = expected;
        if (spec.get("minAvailable") != null) {
            desired = resolve(spec.get("minAvailable"), expected);
        } else if (spec.get("maxUnavailable") != null) {
            desired = Math.max(0, expected - resolve(spec.get("maxUnavailable"), expected));
        }
        Map<String, Object> next = new LinkedHashMap<>(Map.of("observedGeneration", generation, "expectedPods", expected,
                "currentHealthy", expected, "desiredHealthy", desired, "disruptionsAllowed", Math.max(0, expected - desired)));
        if (next.equals(pdb.getAdditionalProperties().get("status"))) {
            return;
        }
        pdb.getAdditionalProperties().put("status", next);
        try {
            client.genericKubernetesResources(context).inNamespace(ns).resource(pdb).updateStatus();
        } catch (RuntimeException e) {
            // a newer version arrived meanwhile: its own event will report it
        }
    }

    /** An int-or-percent against a total, rounded up as the disruption controller rounds it. */
    private static int resolve(Object value, int total) {
        String text = String.valueOf(value);
        return text.endsWith("%") ? (int) Math.ceil(total * Double.parseDouble(text.substring(0, text.length() - 1)) / 100.0)
                : Integer.parseInt(text);
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
