package io.alfred.gitops.safety;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.render.Manifest;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PodDisruptionBudget gate: before anything is applied, every Deployment, StatefulSet and
 * DaemonSet whose pod template or replica count changes is checked against the budgets that select
 * its pods (live ones and those of the render). Kubernetes itself does not make rollouts respect
 * budgets (they only gate evictions), so the daemon must.
 */
public final class PdbGate {
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet");

    /** Reasons to refuse, and findings that do not block. */
    public record Report(List<String> refusals, List<String> warnings) {
    }

    private final KubernetesClient client;

    public PdbGate(KubernetesClient client) {
        this.client = client;
    }

    public Report check(List<PlannedObject> plan) {
        List<String> refusals = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, List<Budget>> budgets = new HashMap<>();
        for (PlannedObject o : plan) {
            if (!o.desired().ref().group().equals("apps") || !WORKLOADS.contains(o.desired().ref().kind())
                    || o.action() != Action.CONFIGURED || o.live() == null) {
                continue;
            }
            JsonNode live = o.live();
            JsonNode next = o.wouldBe() != null ? o.wouldBe() : o.desired().body();
            boolean templateChanged = !live.path("spec").path("template").equals(next.path("spec").path("template"));
            int liveReplicas = live.path("spec").path("replicas").asInt(1);
            int replicas = next.path("spec").path("replicas").asInt(liveReplicas);
            if (!templateChanged && replicas >= liveReplicas) {
                continue;
            }
            String kind = o.desired().ref().kind();
            String namespace = o.desired().ref().namespace();
            int nodes = Math.max(1, live.path("status").path("desiredNumberScheduled").asInt(1));
            int expected = kind.equals("DaemonSet") ? nodes : replicas;
            int down = Disruptions.unavailableDuringChange(kind, next.path("spec"), liveReplicas, templateChanged, nodes);
            JsonNode podLabels = next.path("spec").path("template").path("metadata").path("labels");
            String workload = kind + " " + namespace + "/" + o.desired().ref().name();
            for (Budget pdb : budgets.computeIfAbsent(namespace, ns -> budgetsIn(ns, plan))) {
                if (!selects(pdb.spec().path("selector"), podLabels)) {
                    continue;
                }
                String name = "PodDisruptionBudget " + namespace + "/" + pdb.name();
                int byDesign = Disruptions.allowedByDesign(pdb.spec(), expected);
                String change = templateChanged ? "rolling it takes down " + down + " pod(s) at once"
                        : "scaling from " + liveReplicas + " to " + replicas + " removes " + down + " pod(s)";
                if (byDesign == 0) {
                    warnings.add(name + " can never allow a disruption of " + workload + " (" + expected + " pod(s), "
                            + describe(pdb.spec()) + "): node drains will hang");
                }
                if (pdb.allowedNow() != null && down > pdb.allowedNow()) {
                    refusals.add(workload + ": " + change + ", but " + name + " allows " + pdb.allowedNow()
                            + " disruption(s) now (status.disruptionsAllowed)");
                } else if (down > byDesign) {
                    refusals.add(workload + ": " + change + ", but " + name + " (" + describe(pdb.spec()) + ") allows "
                            + byDesign + " disruption(s) for " + expected + " healthy pod(s)");
                }
                JsonNode min = pdb.spec().path("minAvailable");
                if (replicas < liveReplicas && min.isIntegralNumber() && replicas < min.asInt()) {
                    refusals.add(workload + ": scaling to " + replicas + " replica(s) goes below " + name
                            + " minAvailable " + min.asInt());
                }
            }
        }
        return new Report(refusals, warnings);
    }

    private record Budget(String name, JsonNode spec, Integer allowedNow) {
    }

    /** Live budgets of the namespace (with their status), replaced by the render's version where it has one. */
    private List<Budget> budgetsIn(String namespace, List<PlannedObject> plan) {
        Map<String, Budget> out = new HashMap<>();
        for (PodDisruptionBudget pdb : client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems()) {
            JsonNode spec = client.getKubernetesSerialization().convertValue(pdb.getSpec(), JsonNode.class);
            Integer allowed = pdb.getStatus() == null ? null : pdb.getStatus().getDisruptionsAllowed();
            out.put(pdb.getMetadata().getName(), new Budget(pdb.getMetadata().getName(), spec, allowed));
        }
        for (PlannedObject o : plan) {
            Manifest m = o.desired();
            if (m.ref().kind().equals("PodDisruptionBudget") && m.ref().namespace().equals(namespace)) {
                Budget live = out.get(m.ref().name());
                boolean sameSpec = live != null && io.alfred.gitops.plan.Planner.isSubset(m.body().path("spec"), live.spec());
                out.put(m.ref().name(), new Budget(m.ref().name(), m.body().path("spec"), sameSpec ? live.allowedNow() : null));
            }
        }
        return new ArrayList<>(out.values());
    }

    static boolean selects(JsonNode selector, JsonNode labels) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().equals(labels.path(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode expr : selector.path("matchExpressions")) {
            String key = expr.path("key").asText();
            boolean has = labels.has(key);
            List<String> values = new ArrayList<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (expr.path("operator").asText()) {
                case "In" -> has && values.contains(labels.path(key).asText());
                case "NotIn" -> !has || !values.contains(labels.path(key).asText());
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonNode spec) {
        return spec.has("minAvailable") ? "minAvailable " + spec.path("minAvailable").asText()
                : spec.has("maxUnavailable") ? "maxUnavailable " + spec.path("maxUnavailable").asText() : "no limit";
    }
}
