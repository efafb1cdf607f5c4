package io.alfred.gitops.safety;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.plan.Recreation;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.support.Subset;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The PodDisruptionBudget gate: before anything is applied, every Deployment, StatefulSet and
 * DaemonSet whose pod template or replica count changes is checked against the budgets that select
 * its pods (live ones and those of the render). Kubernetes itself does not make rollouts respect
 * budgets (they only gate evictions), so the daemon must.
 *
 * <p>A rollout the budgets cannot afford is refused. A scale-down is not: it goes in
 * {@link ScaleStep steps} the live budget allows, cycle after cycle, so that one workload scaled up
 * by hand never holds back every other change. A budget that git's own replica count can never
 * satisfy is a finding naming both objects.
 */
public final class PdbGate {
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet");

    /** Reasons to refuse, findings that do not block, and scale-downs to take in steps. */
    public record Report(List<Refusal> refusals, List<String> warnings, List<ScaleStep> steps) {}

    /** A change a budget cannot afford: the workload, and why. */
    public record Refusal(String object, String reason) {
        public String line() {
            return object + ": " + reason;
        }
    }

    private final KubernetesClient client;

    public PdbGate(KubernetesClient client) {
        this.client = client;
    }

    public Report check(List<PlannedObject> plan) {
        List<Refusal> refusals = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<ScaleStep> steps = new ArrayList<>();
        Map<String, List<Budget>> budgets = new HashMap<>();
        Map<String, List<Budget>> declared = new HashMap<>();
        for (PlannedObject o : plan) {
            if (!isWorkload(o)) {
                continue;
            }
            warnings.addAll(unsatisfiable(
                    o, declared.computeIfAbsent(o.desired().ref().namespace(), ns -> declaredBudgets(ns, plan))));
            if ((o.action() != Action.CONFIGURED && o.action() != Action.RECREATED) || o.live() == null) {
                continue;
            }
            JsonNode live = o.live();
            JsonNode next = o.wouldBe() != null ? o.wouldBe() : o.desired().body();
            // a recreate deletes the pods with their workload, unless a StatefulSet keeps them for its successor
            boolean recreated = o.action() == Action.RECREATED
                    && !Recreation.keepsPods(
                            o.desired().ref(), live, o.desired().body());
            boolean templateChanged = recreated
                    || !live.path("spec")
                            .path("template")
                            .equals(next.path("spec").path("template"));
            int liveReplicas = live.path("spec").path("replicas").asInt(1);
            int replicas = next.path("spec").path("replicas").asInt(liveReplicas);
            if (!templateChanged && replicas >= liveReplicas) {
                continue;
            }
            String kind = o.desired().ref().kind();
            String namespace = o.desired().ref().namespace();
            int nodes = Math.max(
                    1, live.path("status").path("desiredNumberScheduled").asInt(1));
            int expected = kind.equals("DaemonSet") ? nodes : replicas;
            int down = recreated
                    ? (kind.equals("DaemonSet") ? nodes : liveReplicas)
                    : Disruptions.unavailableDuringChange(
                            kind, next.path("spec"), liveReplicas, templateChanged, nodes);
            JsonNode podLabels =
                    next.path("spec").path("template").path("metadata").path("labels");
            String workload = kind + " " + namespace + "/" + o.desired().ref().name();
            List<Budget> inNamespace = budgets.computeIfAbsent(namespace, ns -> budgetsIn(ns, plan));
            if (!templateChanged) {
                stepFor(o, liveReplicas, replicas, podLabels, inNamespace).ifPresent(steps::add);
                continue;
            }
            for (Budget pdb : inNamespace) {
                if (!selects(pdb.spec().path("selector"), podLabels)) {
                    continue;
                }
                String name = "PodDisruptionBudget " + namespace + "/" + pdb.name();
                int byDesign = Disruptions.allowedByDesign(pdb.spec(), expected);
                String change = recreated
                        ? "recreating it takes down all " + down + " pod(s) at once"
                        : "rolling it takes down " + down + " pod(s) at once";
                if (byDesign == 0) {
                    warnings.add(name + " can never allow a disruption of " + workload + " (" + expected + " pod(s), "
                            + describe(pdb.spec()) + "): node drains will hang");
                }
                if (pdb.allowedNow() != null && down > pdb.allowedNow()) {
                    refusals.add(new Refusal(
                            workload,
                            change + ", but " + name + " allows " + pdb.allowedNow()
                                    + " disruption(s) now (status.disruptionsAllowed)"));
                } else if (down > byDesign) {
                    refusals.add(new Refusal(
                            workload,
                            change + ", but " + name + " (" + describe(pdb.spec()) + ") allows " + byDesign
                                    + " disruption(s) for " + expected + " healthy pod(s)"));
                }
            }
        }
        return new Report(refusals, warnings, steps);
    }

    private static boolean isWorkload(PlannedObject o) {
        return o.desired().ref().group().equals("apps")
                && WORKLOADS.contains(o.desired().ref().kind());
    }

    /**
     * A pure scale-down beyond what the selecting budgets allow now: the step they allow (none while
     * they allow nothing). A budget of the render without a status yet is taken at its design value
     * for the live pods.
     */
    private static Optional<ScaleStep> stepFor(
            PlannedObject o, int liveReplicas, int replicas, JsonNode podLabels, List<Budget> budgets) {
        int down = liveReplicas - replicas;
        if (down <= 0) {
            return Optional.empty();
        }
        Budget limiting = null;
        int allowed = Integer.MAX_VALUE;
        for (Budget pdb : budgets) {
            if (!selects(pdb.spec().path("selector"), podLabels)) {
                continue;
            }
            int now =
                    pdb.allowedNow() != null ? pdb.allowedNow() : Disruptions.allowedByDesign(pdb.spec(), liveReplicas);
            if (now < allowed) {
                allowed = now;
                limiting = pdb;
            }
        }
        if (limiting == null || allowed >= down) {
            return Optional.empty();
        }
        return Optional.of(new ScaleStep(
                o.desired().ref(),
                liveReplicas,
                liveReplicas - allowed,
                replicas,
                "PodDisruptionBudget " + o.desired().ref().namespace() + "/" + limiting.name(),
                allowed));
    }

    /**
     * Budgets that the replica count git declares for the workload can never satisfy (minAvailable 2 over 1 replica).
     */
    private static List<String> unsatisfiable(PlannedObject o, List<Budget> budgets) {
        JsonNode spec = o.desired().body().path("spec");
        if (!spec.path("replicas").isIntegralNumber()) {
            return List.of(); // a DaemonSet, or replicas owned by an HPA
        }
        int replicas = spec.path("replicas").asInt();
        JsonNode podLabels = spec.path("template").path("metadata").path("labels");
        List<String> found = new ArrayList<>();
        for (Budget pdb : budgets) {
            if (selects(pdb.spec().path("selector"), podLabels)
                    && Disruptions.desiredHealthy(pdb.spec(), replicas) > replicas) {
                found.add("PodDisruptionBudget " + o.desired().ref().namespace() + "/" + pdb.name() + " ("
                        + describe(pdb.spec()) + ") can never be satisfied by the " + replicas
                        + " replica(s) git declares for "
                        + o.desired().ref().kind() + " " + o.desired().ref().namespace() + "/"
                        + o.desired().ref().name()
                        + ": change one of them in git");
            }
        }
        return found;
    }

    private record Budget(String name, JsonNode spec, Integer allowedNow) {}

    /** Live budgets of the namespace (with their status), replaced by the render's version where it has one. */
    private List<Budget> budgetsIn(String namespace, List<PlannedObject> plan) {
        Map<String, Budget> out = new HashMap<>();
        for (PodDisruptionBudget pdb : client.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(namespace)
                .list()
                .getItems()) {
            JsonNode spec = client.getKubernetesSerialization().convertValue(pdb.getSpec(), JsonNode.class);
            Integer allowed = pdb.getStatus() == null ? null : pdb.getStatus().getDisruptionsAllowed();
            out.put(pdb.getMetadata().getName(), new Budget(pdb.getMetadata().getName(), spec, allowed));
        }
        for (Budget declared : declaredBudgets(namespace, plan)) {
            Budget live = out.get(declared.name());
            boolean sameSpec = live != null && Subset.holds(declared.spec(), live.spec());
            out.put(declared.name(), new Budget(declared.name(), declared.spec(), sameSpec ? live.allowedNow() : null));
        }
        return new ArrayList<>(out.values());
    }

    /** The render's budgets of the namespace (no status: that is the cluster's), without asking the cluster. */
    private static List<Budget> declaredBudgets(String namespace, List<PlannedObject> plan) {
        List<Budget> declared = new ArrayList<>();
        for (PlannedObject o : plan) {
            Manifest m = o.desired();
            if (m.ref().kind().equals("PodDisruptionBudget")
                    && m.ref().namespace().equals(namespace)) {
                declared.add(new Budget(m.ref().name(), m.body().path("spec"), null));
            }
        }
        return declared;
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
        return spec.has("minAvailable")
                ? "minAvailable " + spec.path("minAvailable").asText()
                : spec.has("maxUnavailable")
                        ? "maxUnavailable " + spec.path("maxUnavailable").asText()
                        : "no limit";
    }
}
