package io.alfred.gitops.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.config.Durations;
import io.alfred.gitops.health.Health;
import io.alfred.gitops.health.HealthAssessment;
import io.alfred.gitops.health.ObjectHealth;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wait stage: the changed workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs,
 * Pods) and custom resources must become ready within {@code gitops.safety.rollout-timeout}, as
 * {@link HealthAssessment} judges them ({@code kubectl rollout status} and kstatus rules). A failed
 * verdict ends the wait at once; a suspended one (paused, suspended, OnDelete) is reported, not
 * waited for. It also fails early when a budget protecting a rolling workload loses healthy pods it
 * had and stays below desiredHealthy for {@link #BUDGET_GRACE}: a rolling update with maxUnavailable
 * dips below a tight budget for the moment a new pod takes to become ready (seen on real controllers),
 * which is not a failure; a bad image keeps it there.
 */
public final class RolloutWaiter {
    private static final Set<String> WORKLOADS =
            Set.of("apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet", "batch/Job", "/Pod");

    /** How long a budget may stay below desiredHealthy during a rollout before the rollout fails. */
    static final Duration BUDGET_GRACE = Duration.ofSeconds(10);

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
            for (PodDisruptionBudget pdb : client.policy()
                    .v1()
                    .podDisruptionBudget()
                    .inNamespace(ns)
                    .list()
                    .getItems()) {
                if (pdb.getStatus() != null && pdb.getStatus().getCurrentHealthy() != null) {
                    out.put(
                            ns + "/" + pdb.getMetadata().getName(),
                            pdb.getStatus().getCurrentHealthy());
                }
            }
        }
        return out;
    }

    /** What the wait stage waits for among the applied objects: workloads and custom resources. */
    public static List<PlannedObject> workloads(List<PlannedObject> applied) {
        return applied.stream().filter(o -> isWaitedFor(o.desired().ref())).toList();
    }

    static boolean isWaitedFor(ObjectRef ref) {
        return WORKLOADS.contains(ref.group() + "/" + ref.kind()) || HealthAssessment.isCustom(ref.group());
    }

    /**
     * Waits until every object is settled.
     *
     * @return each object's final health, in the order given
     * @throws StageException at stage {@code wait}: a failed verdict, the timeout, or a budget broken
     */
    public List<ObjectHealth> await(List<PlannedObject> workloads, Map<String, Integer> healthyBefore) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<ObjectRef, Health> settled = new LinkedHashMap<>();
        List<ObjectRef> all = workloads.stream().map(o -> o.desired().ref()).toList();
        List<ObjectRef> pending = new ArrayList<>(all);
        Map<String, Long> belowSince = new HashMap<>();
        while (!pending.isEmpty()) {
            List<ObjectRef> still = new ArrayList<>();
            for (ObjectRef ref : pending) {
                Health health = healthOf(ref);
                switch (health.state()) {
                    case FAILED ->
                        throw new StageException(Stage.WAIT, ref.toString(), "rollout failed: " + health.message());
                    case PROGRESSING -> {
                        still.add(ref);
                        if (System.nanoTime() > deadline) {
                            throw new StageException(
                                    Stage.WAIT,
                                    ref.toString(),
                                    "rollout not finished within " + Durations.format(timeout)
                                            + " (gitops.safety.rollout-timeout): " + health.message());
                        }
                    }
                    default -> settled.put(ref, health);
                }
            }
            checkBudgets(healthyBefore, still, belowSince);
            pending = still;
            if (!pending.isEmpty()) {
                sleep();
            }
        }
        return all.stream().map(ref -> new ObjectHealth(ref, settled.get(ref))).toList();
    }

    private Health healthOf(ObjectRef ref) {
        GenericKubernetesResource live = client.genericKubernetesResources(ref.apiVersion(), ref.kind())
                .inNamespace(ref.namespace())
                .withName(ref.name())
                .get();
        if (live == null) {
            throw new StageException(Stage.WAIT, ref.toString(), "disappeared during its rollout");
        }
        return HealthAssessment.of(ref, client.getKubernetesSerialization().convertValue(live, JsonNode.class))
                .orElse(Health.ready("no notion of health"));
    }

    private void checkBudgets(
            Map<String, Integer> healthyBefore, List<ObjectRef> rolling, Map<String, Long> belowSince) {
        if (healthyBefore.isEmpty() || rolling.isEmpty()) {
            return;
        }
        for (String ns : rolling.stream().map(ObjectRef::namespace).distinct().toList()) {
            for (PodDisruptionBudget pdb : client.policy()
                    .v1()
                    .podDisruptionBudget()
                    .inNamespace(ns)
                    .list()
                    .getItems()) {
                String key = ns + "/" + pdb.getMetadata().getName();
                Integer before = healthyBefore.get(key);
                var s = pdb.getStatus();
                boolean below = before != null
                        && s != null
                        && s.getCurrentHealthy() != null
                        && s.getDesiredHealthy() != null
                        && s.getCurrentHealthy() < before
                        && s.getCurrentHealthy() < s.getDesiredHealthy();
                if (!below) {
                    belowSince.remove(key);
                    continue;
                }
                long since = belowSince.computeIfAbsent(key, k -> System.nanoTime());
                if (System.nanoTime() - since >= BUDGET_GRACE.toNanos()) {
                    throw new StageException(
                            Stage.WAIT,
                            "PodDisruptionBudget " + key,
                            "the rollout took healthy pods below the budget: " + s.getCurrentHealthy()
                                    + " healthy (was " + before + "), " + s.getDesiredHealthy() + " required, for "
                                    + Durations.format(BUDGET_GRACE));
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
