package io.alfred.gitops.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.alfred.gitops.render.ObjectRef;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One health assessment per kind, from the live object alone, following {@code kubectl rollout
 * status} for the workloads and kstatus for the rest (custom resources included): generation
 * observed, then the kind's own rule. Kinds without a notion of health (a ConfigMap) have none.
 */
public final class HealthAssessment {
    /** A custom resource whose status says nothing useful opts out: {@code gitops.alfred.io/health: ignore}. */
    public static final String OPT_OUT = "gitops.alfred.io/health";

    private static final Set<String> POD_FAILURES = Set.of(
            "CrashLoopBackOff",
            "ImagePullBackOff",
            "ErrImagePull",
            "InvalidImageName",
            "CreateContainerConfigError",
            "CreateContainerError");

    private HealthAssessment() {}

    public static Optional<Health> of(ObjectRef ref, JsonNode live) {
        String kind = ref.kind();
        String group = ref.group();
        Health health = switch (group + "/" + kind) {
            case "apps/Deployment" -> deployment(live);
            case "apps/StatefulSet" -> statefulSet(live);
            case "apps/DaemonSet" -> daemonSet(live);
            case "apps/ReplicaSet" -> replicaSet(live);
            case "batch/Job" -> job(live);
            case "batch/CronJob" -> cronJob(live);
            case "/Pod" -> pod(live);
            case "/PersistentVolumeClaim" -> persistentVolumeClaim(live);
            case "/Service" -> service(live);
            case "networking.k8s.io/Ingress" -> ingress(live);
            case "autoscaling/HorizontalPodAutoscaler" -> horizontalPodAutoscaler(live);
            case "policy/PodDisruptionBudget" -> podDisruptionBudget(live);
            default -> isCustom(group) ? custom(live) : null;
        };
        return Optional.ofNullable(health);
    }

    /** Built-in groups are the core group, one word (apps, batch, ...) or {@code *.k8s.io}. */
    public static boolean isCustom(String group) {
        return group.contains(".") && !group.endsWith(".k8s.io");
    }

    private static Health deployment(JsonNode o) {
        JsonNode spec = o.path("spec");
        JsonNode status = o.path("status");
        if (spec.path("paused").asBoolean(false)) {
            return Health.suspended("paused (spec.paused): the rollout goes on after kubectl rollout resume");
        }
        if (behind(o)) {
            return unobserved(o);
        }
        JsonNode progressing = condition(status, "Progressing");
        if ("ProgressDeadlineExceeded".equals(progressing.path("reason").asText())) {
            return Health.failed("progress deadline exceeded" + detail(progressing));
        }
        int replicas = spec.path("replicas").asInt(1);
        int updated = status.path("updatedReplicas").asInt(0);
        if (updated < replicas) {
            return Health.progressing(updated + " of " + replicas + " new replicas updated");
        }
        int total = status.path("replicas").asInt(0);
        if (total > updated) {
            return Health.progressing((total - updated) + " old replicas pending termination");
        }
        int available = status.path("availableReplicas").asInt(0);
        if (available < updated) {
            String minReady = spec.path("minReadySeconds").asInt(0) > 0
                    ? " (available once ready for minReadySeconds "
                            + spec.path("minReadySeconds").asInt() + ")"
                    : "";
            return Health.progressing(available + " of " + updated + " updated replicas available" + minReady);
        }
        return Health.ready(available + " of " + replicas + " replicas available");
    }

    private static Health statefulSet(JsonNode o) {
        JsonNode spec = o.path("spec");
        JsonNode status = o.path("status");
        int replicas = spec.path("replicas").asInt(1);
        // a status the controller wrote for an older generation says nothing of this one, not even for OnDelete
        if (status.path("observedGeneration").asLong(0) == 0 || behind(o)) {
            return unobserved(o);
        }
        if (!"RollingUpdate".equals(spec.path("updateStrategy").path("type").asText("RollingUpdate"))) {
            return Health.suspended("updateStrategy OnDelete: pods move to the new revision only when deleted ("
                    + status.path("updatedReplicas").asInt(0) + " of " + replicas + " updated)");
        }
        int ready = status.path("readyReplicas").asInt(0);
        if (ready < replicas) {
            return Health.progressing(ready + " of " + replicas + " pods ready");
        }
        int partition = spec.path("updateStrategy")
                .path("rollingUpdate")
                .path("partition")
                .asInt(0);
        int updated = status.path("updatedReplicas").asInt(0);
        if (partition > 0) {
            if (updated < replicas - partition) {
                return Health.progressing("partitioned rollout: " + updated + " of " + (replicas - partition)
                        + " new pods updated (partition " + partition + ")");
            }
            return Health.ready("partitioned rollout done: " + updated + " new pods updated, " + partition
                    + " stay at the old revision (partition " + partition + ")");
        }
        String update = status.path("updateRevision").asText("");
        if (!update.equals(status.path("currentRevision").asText(""))) {
            return Health.progressing(updated + " of " + replicas + " pods at revision " + update);
        }
        return Health.ready(ready + " of " + replicas + " pods ready at revision " + update);
    }

    private static Health daemonSet(JsonNode o) {
        JsonNode spec = o.path("spec");
        JsonNode status = o.path("status");
        int desired = status.path("desiredNumberScheduled").asInt(0);
        if (behind(o)) {
            return unobserved(o);
        }
        if (!"RollingUpdate".equals(spec.path("updateStrategy").path("type").asText("RollingUpdate"))) {
            return Health.suspended("updateStrategy OnDelete: pods move to the new revision only when deleted ("
                    + status.path("updatedNumberScheduled").asInt(0) + " of " + desired + " updated)");
        }
        int updated = status.path("updatedNumberScheduled").asInt(0);
        if (updated < desired) {
            return Health.progressing(updated + " of " + desired + " pods updated");
        }
        int available = status.path("numberAvailable").asInt(0);
        if (available < desired) {
            return Health.progressing(available + " of " + desired + " updated pods available");
        }
        return Health.ready(available + " of " + desired + " pods available");
    }

    private static Health replicaSet(JsonNode o) {
        JsonNode status = o.path("status");
        JsonNode failure = condition(status, "ReplicaFailure");
        if ("True".equals(failure.path("status").asText())) {
            return Health.failed("cannot create pods: " + failure.path("reason").asText() + detail(failure));
        }
        if (behind(o)) {
            return unobserved(o);
        }
        int replicas = o.path("spec").path("replicas").asInt(1);
        int available = status.path("availableReplicas").asInt(0);
        if (available < replicas) {
            return Health.progressing(available + " of " + replicas + " replicas available");
        }
        return Health.ready(available + " of " + replicas + " replicas available");
    }

    private static Health job(JsonNode o) {
        JsonNode spec = o.path("spec");
        JsonNode status = o.path("status");
        if (spec.path("suspend").asBoolean(false)) {
            return Health.suspended("suspended (spec.suspend): no pod runs until it is resumed");
        }
        JsonNode failed = condition(status, "Failed");
        if ("True".equals(failed.path("status").asText())) {
            return Health.failed("job failed: " + failed.path("reason").asText() + detail(failed));
        }
        if ("True".equals(condition(status, "Complete").path("status").asText())) {
            return Health.ready("complete: " + status.path("succeeded").asInt(0) + " succeeded");
        }
        int backoffLimit = spec.path("backoffLimit").asInt(6);
        int failures = status.path("failed").asInt(0);
        if (failures > backoffLimit) {
            return Health.failed(failures + " failed pods, over backoffLimit " + backoffLimit);
        }
        return Health.progressing(status.path("active").asInt(0) + " active, "
                + status.path("succeeded").asInt(0)
                + " succeeded of " + spec.path("completions").asInt(1) + ", " + failures + " failed (backoffLimit "
                + backoffLimit + ")");
    }

    private static Health cronJob(JsonNode o) {
        if (o.path("spec").path("suspend").asBoolean(false)) {
            return Health.suspended("suspended (spec.suspend): no job is scheduled");
        }
        return Health.ready("scheduled " + o.path("spec").path("schedule").asText());
    }

    private static Health pod(JsonNode o) {
        JsonNode status = o.path("status");
        String phase = status.path("phase").asText("Pending");
        if (phase.equals("Succeeded")) {
            return Health.ready("completed");
        }
        if (phase.equals("Failed")) {
            return Health.failed("failed"
                    + (status.has("reason") ? ": " + status.path("reason").asText() : "")
                    + (status.has("message") ? " (" + status.path("message").asText() + ")" : ""));
        }
        for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
            for (JsonNode c : status.path(list)) {
                JsonNode waiting = c.path("state").path("waiting");
                if (POD_FAILURES.contains(waiting.path("reason").asText())) {
                    return Health.failed("container " + c.path("name").asText() + ": "
                            + waiting.path("reason").asText()
                            + (waiting.has("message")
                                    ? " (" + waiting.path("message").asText() + ")"
                                    : "")
                            + ", restarted " + c.path("restartCount").asInt(0) + " time(s)");
                }
            }
        }
        String restartPolicy = o.path("spec").path("restartPolicy").asText("Always");
        if (!restartPolicy.equals("Always")) {
            return Health.progressing(
                    phase.toLowerCase(Locale.ROOT) + " (restartPolicy " + restartPolicy + ": done when it succeeds)");
        }
        if ("True".equals(condition(status, "Ready").path("status").asText())) {
            return Health.ready("running and ready");
        }
        JsonNode scheduled = condition(status, "PodScheduled");
        if ("False".equals(scheduled.path("status").asText())) {
            return Health.progressing(
                    "not scheduled: " + scheduled.path("reason").asText() + detail(scheduled));
        }
        return Health.progressing(phase.toLowerCase(Locale.ROOT) + ", not ready");
    }

    private static Health persistentVolumeClaim(JsonNode o) {
        String phase = o.path("status").path("phase").asText("Pending");
        return switch (phase) {
            case "Bound" ->
                Health.ready("bound to " + o.path("spec").path("volumeName").asText("a volume"));
            case "Lost" ->
                Health.failed(
                        "lost its volume " + o.path("spec").path("volumeName").asText());
            default -> Health.progressing("pending: not bound to a volume yet");
        };
    }

    private static Health service(JsonNode o) {
        if (!"LoadBalancer".equals(o.path("spec").path("type").asText())) {
            return Health.ready(o.path("spec").path("type").asText("ClusterIP"));
        }
        JsonNode ingress = o.path("status").path("loadBalancer").path("ingress");
        return ingress.isArray() && !ingress.isEmpty()
                ? Health.ready("load balancer at " + address(ingress.get(0)))
                : Health.progressing("waiting for a load balancer address");
    }

    private static Health ingress(JsonNode o) {
        JsonNode ingress = o.path("status").path("loadBalancer").path("ingress");
        return ingress.isArray() && !ingress.isEmpty()
                ? Health.ready("served at " + address(ingress.get(0)))
                : Health.progressing("waiting for the ingress controller to assign an address");
    }

    private static Health horizontalPodAutoscaler(JsonNode o) {
        JsonNode status = o.path("status");
        JsonNode able = condition(status, "AbleToScale");
        JsonNode active = condition(status, "ScalingActive");
        if (able.isMissingNode() && active.isMissingNode()) {
            return Health.progressing("waiting for the autoscaler's first assessment");
        }
        if ("False".equals(able.path("status").asText())) {
            return Health.failed("cannot scale: " + able.path("reason").asText() + detail(able));
        }
        if ("False".equals(active.path("status").asText())) {
            if ("ScalingDisabled".equals(active.path("reason").asText())) {
                return Health.suspended("scaling disabled" + detail(active));
            }
            return Health.failed(
                    "cannot compute a replica count: " + active.path("reason").asText() + detail(active));
        }
        return Health.ready(status.path("currentReplicas").asInt(0) + " replicas, desired "
                + status.path("desiredReplicas").asInt(0));
    }

    private static Health podDisruptionBudget(JsonNode o) {
        if (behind(o)) {
            return unobserved(o);
        }
        JsonNode status = o.path("status");
        int healthy = status.path("currentHealthy").asInt(0);
        int desired = status.path("desiredHealthy").asInt(0);
        if (!status.has("currentHealthy")) {
            return Health.progressing("waiting for the disruption controller");
        }
        if (healthy < desired) {
            return Health.progressing(healthy + " healthy of " + desired + " required");
        }
        return Health.ready(
                healthy + " healthy, " + status.path("disruptionsAllowed").asInt(0) + " disruption(s) allowed");
    }

    /** kstatus conventions: observedGeneration, then Stalled, Reconciling and Ready. */
    private static Health custom(JsonNode o) {
        if ("ignore".equals(o.path("metadata").path("annotations").path(OPT_OUT).asText())) {
            return Health.ready("not assessed (" + OPT_OUT + ": ignore)");
        }
        JsonNode status = o.path("status");
        if (status.has("observedGeneration") && behind(o)) {
            return Health.progressing("waiting for its controller to observe generation " + generation(o));
        }
        JsonNode stalled = condition(status, "Stalled");
        if ("True".equals(stalled.path("status").asText())) {
            return Health.failed("stalled: " + stalled.path("reason").asText() + detail(stalled));
        }
        JsonNode reconciling = condition(status, "Reconciling");
        if ("True".equals(reconciling.path("status").asText())) {
            return Health.progressing(
                    "reconciling: " + reconciling.path("reason").asText() + detail(reconciling));
        }
        JsonNode ready = condition(status, "Ready");
        if (ready.isMissingNode()) {
            return Health.ready("no Ready condition");
        }
        if ("True".equals(ready.path("status").asText())) {
            return Health.ready("Ready" + detail(ready));
        }
        return Health.progressing("not ready: " + ready.path("reason").asText() + detail(ready));
    }

    private static Health unobserved(JsonNode o) {
        return Health.progressing("waiting for the controller to observe generation " + generation(o));
    }

    private static boolean behind(JsonNode o) {
        return o.path("status").path("observedGeneration").asLong(0) < generation(o);
    }

    private static long generation(JsonNode o) {
        return o.path("metadata").path("generation").asLong(1);
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return MissingNode.getInstance();
    }

    private static String detail(JsonNode condition) {
        String message = condition.path("message").asText("");
        return message.isEmpty() ? "" : " (" + message + ")";
    }

    private static String address(JsonNode ingress) {
        return ingress.has("hostname")
                ? ingress.path("hostname").asText()
                : ingress.path("ip").asText();
    }
}
