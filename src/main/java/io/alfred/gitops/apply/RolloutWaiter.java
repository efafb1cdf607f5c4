package io.alfred.gitops.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wait stage: the changed workloads must finish rolling out within
 * {@code gitops.safety.rollout-timeout}, by the rules of {@code kubectl rollout status}
 * (Deployments: observedGeneration caught up, all replicas updated, available and no old ones;
 * ProgressDeadlineExceeded fails at once; StatefulSets: update revision reached and ready;
 * DaemonSets: every scheduled pod updated and available; Jobs: complete). It also fails early when a
 * budget protecting a rolling workload loses healthy pods it had and falls below desiredHealthy.
 */
public final class RolloutWaiter {
    private static final Set<String> KINDS = Set.of("apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "batch/Job");

    private final KubernetesClient client;
    private final Duration timeout;
    private final Duration poll;

    public RolloutWaiter(KubernetesClient client, Duration timeout, Duration poll) {
        this.client = client;
        this.timeout = timeout;
        this.poll = poll;
    }

    /** Budgets' healthy counts before the apply, to notice a rollout eating into them. */
    public Map<String, Integer> healthyBefore(List<String> namespaces) {
        Map<String, Integer> out = new HashMap<>();
        for (String ns : namespaces) {
            for (PodDisruptionBudget pdb : client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems()) {
                if (pdb.getStatus() != null && pdb.getStatus().getCurrentHealthy() != null) {
                    out.put(ns + "/" + pdb.getMetadata().getName(), pdb.getStatus().getCurrentHealthy());
                }
            }
        }
        return out;
    }

    public static List<PlannedObject> workloads(List<PlannedObject> applied) {
        return applied.stream().filter(o -> KINDS.contains(o.desired().ref().group() + "/" + o.desired().ref().kind())).toList();
    }

    public void await(List<PlannedObject> workloads, Map<String, Integer> healthyBefore) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ObjectRef> pending = new ArrayList<>(workloads.stream().map(o -> o.desired().ref()).toList());
        while (!pending.isEmpty()) {
            List<ObjectRef> still = new ArrayList<>();
            for (ObjectRef ref : pending) {
                GenericKubernetesResource live = client.genericKubernetesResources(ref.apiVersion(), ref.kind())
                        .inNamespace(ref.namespace()).withName(ref.name()).get();
                if (live == null) {
                    throw new StageException(Stage.WAIT, ref.toString(), "disappeared during its rollout");
                }
                String notDone = notDone(ref, client.getKubernetesSerialization().convertValue(live, JsonNode.class));
                if (notDone != null) {
                    still.add(ref);
                    if (System.nanoTime() > deadline) {
                        throw new StageException(Stage.WAIT, ref.toString(), "rollout not finished within " + timeout
                                + " (gitops.safety.rollout-timeout): " + notDone);
                    }
                }
            }
            checkBudgets(healthyBefore, still);
            pending = still;
            if (!pending.isEmpty()) {
                sleep();
            }
        }
    }

    /** Null when rolled out, else what is missing; throws when the rollout has failed for good. */
    static String notDone(ObjectRef ref, JsonNode o) {
        JsonNode spec = o.path("spec");
        JsonNode status = o.path("status");
        long generation = o.path("metadata").path("generation").asLong(1);
        if (!ref.kind().equals("Job") && status.path("observedGeneration").asLong(0) < generation) {
            return "waiting for the controller to observe generation " + generation;
        }
        switch (ref.kind()) {
            case "Deployment" -> {
                for (JsonNode c : status.path("conditions")) {
                    if ("Progressing".equals(c.path("type").asText())
                            && "ProgressDeadlineExceeded".equals(c.path("reason").asText())) {
                        throw new StageException(Stage.WAIT, ref.toString(), "rollout failed: progress deadline exceeded"
                                + (c.has("message") ? " (" + c.path("message").asText() + ")" : ""));
                    }
                }
                int replicas = spec.path("replicas").asInt(1);
                int updated = status.path("updatedReplicas").asInt(0);
                if (updated < replicas) {
                    return updated + " of " + replicas + " new replicas updated";
                }
                if (status.path("replicas").asInt(0) > updated) {
                    return (status.path("replicas").asInt(0) - updated) + " old replicas pending termination";
                }
                if (status.path("availableReplicas").asInt(0) < updated) {
                    return status.path("availableReplicas").asInt(0) + " of " + updated + " updated replicas available";
                }
                return null;
            }
            case "StatefulSet" -> {
                int replicas = spec.path("replicas").asInt(1);
                if (status.path("readyReplicas").asInt(0) < replicas) {
                    return status.path("readyReplicas").asInt(0) + " of " + replicas + " pods ready";
                }
                if ("RollingUpdate".equals(spec.path("updateStrategy").path("type").asText("RollingUpdate"))
                        && !status.path("updateRevision").asText("").equals(status.path("currentRevision").asText(""))) {
                    return "waiting for pods to reach revision " + status.path("updateRevision").asText();
                }
                return null;
            }
            case "DaemonSet" -> {
                int desired = status.path("desiredNumberScheduled").asInt(0);
                if (status.path("updatedNumberScheduled").asInt(0) < desired) {
                    return status.path("updatedNumberScheduled").asInt(0) + " of " + desired + " pods updated";
                }
                if (status.path("numberAvailable").asInt(0) < desired) {
                    return status.path("numberAvailable").asInt(0) + " of " + desired + " pods available";
                }
                return null;
            }
            case "Job" -> {
                for (JsonNode c : status.path("conditions")) {
                    if ("True".equals(c.path("status").asText()) && "Failed".equals(c.path("type").asText())) {
                        throw new StageException(Stage.WAIT, ref.toString(), "job failed: " + c.path("reason").asText());
                    }
                    if ("True".equals(c.path("status").asText()) && "Complete".equals(c.path("type").asText())) {
                        return null;
                    }
                }
                return "job not complete";
            }
            default -> {
                return null;
            }
        }
    }

    private void checkBudgets(Map<String, Integer> healthyBefore, List<ObjectRef> rolling) {
        if (healthyBefore.isEmpty() || rolling.isEmpty()) {
            return;
        }
        for (String ns : rolling.stream().map(ObjectRef::namespace).distinct().toList()) {
            for (PodDisruptionBudget pdb : client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems()) {
                Integer before = healthyBefore.get(ns + "/" + pdb.getMetadata().getName());
                var s = pdb.getStatus();
                if (before != null && s != null && s.getCurrentHealthy() != null && s.getDesiredHealthy() != null
                        && s.getCurrentHealthy() < before && s.getCurrentHealthy() < s.getDesiredHealthy()) {
                    throw new StageException(Stage.WAIT, "PodDisruptionBudget " + ns + "/" + pdb.getMetadata().getName(),
                            "the rollout took healthy pods below the budget: " + s.getCurrentHealthy() + " healthy (was "
                                    + before + "), " + s.getDesiredHealthy() + " required");
                }
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(poll.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(Stage.WAIT, "", "interrupted while waiting for rollouts");
        }
    }
}
