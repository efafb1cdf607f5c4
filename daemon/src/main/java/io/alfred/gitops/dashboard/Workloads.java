package io.alfred.gitops.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.dashboard.DashboardPage.WorkloadRow;
import io.alfred.gitops.prune.InventoryEntry;
import io.alfred.gitops.prune.InventoryStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The managed workloads (the inventory's Deployments and StatefulSets) with desired, updated and
 * available replicas, and the PodDisruptionBudget that covers each with its allowed disruptions.
 * Reads only.
 */
record Workloads(List<WorkloadRow> rows, String problem) {

    static Workloads none() {
        return new Workloads(List.of(), "");
    }

    static Workloads read(KubernetesClient client, String namespace) {
        try {
            List<WorkloadRow> rows = new ArrayList<>();
            Map<String, List<PodDisruptionBudget>> budgets = new HashMap<>();
            // one list per kind and namespace, not one read per workload: the page may be loaded often
            Map<String, Map<String, GenericKubernetesResource>> listed = new HashMap<>();
            for (InventoryEntry e : new InventoryStore(client, namespace, "", WriteGuard.ALWAYS)
                    .load()
                    .entries()) {
                if (!e.apiVersion().equals("apps/v1")
                        || !List.of("Deployment", "StatefulSet").contains(e.kind())) {
                    continue;
                }
                GenericKubernetesResource found = listed.computeIfAbsent(
                                e.kind() + " " + e.namespace(),
                                k -> byName(client.genericKubernetesResources(e.apiVersion(), e.kind())
                                        .inNamespace(e.namespace())
                                        .list()
                                        .getItems()))
                        .get(e.name());
                if (found == null) {
                    continue;
                }
                JsonNode workload = client.getKubernetesSerialization().convertValue(found, JsonNode.class);
                Map<String, String> labels = new HashMap<>();
                workload.path("spec")
                        .path("template")
                        .path("metadata")
                        .path("labels")
                        .fields()
                        .forEachRemaining(
                                l -> labels.put(l.getKey(), l.getValue().asText()));
                List<PodDisruptionBudget> inNamespace = budgets.computeIfAbsent(
                        e.namespace(),
                        ns -> client.policy()
                                .v1()
                                .podDisruptionBudget()
                                .inNamespace(ns)
                                .list()
                                .getItems());
                Optional<PodDisruptionBudget> pdb =
                        inNamespace.stream().filter(b -> covers(b, labels)).findFirst();
                rows.add(new WorkloadRow(
                        e.kind() + " " + e.namespace() + "/" + e.name(),
                        count(workload.path("spec").path("replicas")),
                        count(workload.path("status").path("updatedReplicas")),
                        count(workload.path("status").path("availableReplicas")),
                        pdb.map(b -> b.getMetadata().getName()).orElse("none"),
                        pdb.map(b -> b.getStatus() == null
                                        ? "-"
                                        : number(b.getStatus().getDisruptionsAllowed()))
                                .orElse("-")));
            }
            return new Workloads(rows, "");
        } catch (KubernetesClientException e) {
            return new Workloads(List.of(), "cannot read the workloads: " + e.getMessage());
        }
    }

    private static Map<String, GenericKubernetesResource> byName(List<GenericKubernetesResource> items) {
        Map<String, GenericKubernetesResource> out = new HashMap<>();
        items.forEach(i -> out.put(i.getMetadata().getName(), i));
        return out;
    }

    private static boolean covers(PodDisruptionBudget budget, Map<String, String> podLabels) {
        var selector = budget.getSpec() == null ? null : budget.getSpec().getSelector();
        if (selector == null
                || selector.getMatchLabels() == null
                || selector.getMatchLabels().isEmpty()
                || podLabels == null) {
            return false;
        }
        return podLabels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    private static String number(Integer n) {
        return n == null ? "0" : n.toString();
    }

    private static String count(JsonNode n) {
        return n.isNumber() ? n.asText() : "0";
    }
}
