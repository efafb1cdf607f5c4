package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * What the sandbox does in place of a cluster's controllers: CRDs become Established and are
 * served, Namespaces become Active and take their objects with them when deleted, and workloads
 * report a finished rollout (or, when told, one that never finishes or fails), so that the daemon's
 * wait stage has something real to watch.
 */
public final class Controllers {
    /** How a workload's rollout ends in the sandbox. */
    public enum Rollout {
        COMPLETE,
        STUCK,
        FAILED
    }

    private final ObjectStore store;
    private final ResourceCatalog catalog;
    private final Map<String, Rollout> rollouts = new ConcurrentHashMap<>();
    private volatile boolean workloads = true;
    private volatile Pattern stuckImages;
    private volatile DeploymentSimulator deployments;
    private final WorkloadPods workloadPods;

    Controllers(ObjectStore store, ResourceCatalog catalog) {
        this.store = store;
        this.catalog = catalog;
        this.workloadPods = new WorkloadPods(store, catalog);
    }

    /** Whether workload rollouts are simulated at all (off: status only changes through /status). */
    public void simulateWorkloads(boolean on) {
        this.workloads = on;
    }

    /** How the rollouts of one workload end from now on; {@code kind} is e.g. Deployment. */
    public void rollout(String kind, String namespace, String name, Rollout outcome) {
        rollouts.put(kind + "/" + namespace + "/" + name, outcome);
    }

    public void resetRollouts() {
        rollouts.clear();
        stuckImages = null;
    }

    /**
     * Deployments roll step by step with pods that become ready after {@code delay} (Duration.ZERO:
     * rollouts finish at once, the default).
     */
    public void podReadyDelay(Duration delay) {
        DeploymentSimulator previous = deployments;
        deployments = delay.isZero()
                ? null
                : new DeploymentSimulator(store, catalog, delay, this::usesStuckImage, this::updateBudgets);
        if (previous != null) {
            previous.close();
        }
    }

    /** Workloads whose pod template uses an image matching this pattern never become ready (crash-looping). */
    public void stuckImages(String regex) {
        this.stuckImages = regex == null ? null : Pattern.compile(regex);
    }

    private boolean usesStuckImage(JsonNode object) {
        Pattern p = stuckImages;
        if (p == null) {
            return false;
        }
        for (JsonNode c : object.path("spec").path("template").path("spec").path("containers")) {
            if (p.matcher(c.path("image").asText()).find()) {
                return true;
            }
        }
        return false;
    }

    /** Whether two statuses differ in their condition times at most. */
    static boolean sameButForTimes(JsonNode a, JsonNode b) {
        // numbers by value: a stored status was parsed (int), a computed one is built with longs
        return withoutTimes(a)
                .equals(
                        (x, y) -> x.isNumber() && y.isNumber()
                                ? x.decimalValue().compareTo(y.decimalValue())
                                : x.equals(y) ? 0 : 1,
                        withoutTimes(b));
    }

    private static JsonNode withoutTimes(JsonNode status) {
        JsonNode copy = status.deepCopy();
        for (JsonNode c : copy.path("conditions")) {
            if (c instanceof ObjectNode o) {
                o.remove("lastUpdateTime");
                o.remove("lastTransitionTime");
                o.remove("lastProbeTime");
            }
        }
        return copy;
    }

    /** Status the server itself sets as part of a write. */
    void reconcileStatus(ResourceType type, JsonNode live, ObjectNode next) {
        String gk = type.group() + "/" + type.kind();
        if (gk.equals("apiextensions.k8s.io/CustomResourceDefinition")) {
            ObjectNode status = next.putObject("status");
            ArrayNode conditions = status.putArray("conditions");
            String now = now();
            conditions
                    .addObject()
                    .put("type", "NamesAccepted")
                    .put("status", "True")
                    .put("reason", "NoConflicts")
                    .put("message", "no conflicts found")
                    .put("lastTransitionTime", now);
            conditions
                    .addObject()
                    .put("type", "Established")
                    .put("status", "True")
                    .put("reason", "InitialNamesAccepted")
                    .put("message", "the initial names have been accepted")
                    .put("lastTransitionTime", now);
            status.set("acceptedNames", next.path("spec").path("names").deepCopy());
            ArrayNode stored = status.putArray("storedVersions");
            for (JsonNode v : next.path("spec").path("versions")) {
                if (v.path("storage").asBoolean()) {
                    stored.add(v.path("name").asText());
                }
            }
            if (live != null && live.path("status").equals(status)) {
                next.set("status", live.path("status").deepCopy());
            }
        } else if (gk.equals("/Namespace")) {
            next.putObject("status").put("phase", "Active");
        } else if (gk.equals("/Service") && live == null) {
            // a real server creates every Service with an empty status (loadBalancer: {}), whatever the request held
            next.putObject("status").putObject("loadBalancer");
        }
    }

    /** Runs after a stored write; may store a status update of its own. */
    void afterWrite(ResourceType type, ObjectNode object, BiConsumer<ResourceType, ObjectNode> storeStatus) {
        String gk = type.group() + "/" + type.kind();
        if (gk.equals("events.k8s.io/Event")) {
            store.put(EventMirror.corePath(object), EventMirror.toCore(object));
            return;
        }
        if (gk.equals("apiextensions.k8s.io/CustomResourceDefinition")) {
            catalog.register(object);
            return;
        }
        if (workloads && gk.equals("policy/PodDisruptionBudget")) {
            updateBudgets(object.path("metadata").path("namespace").asText(), storeStatus);
            return;
        }
        boolean job = gk.equals("batch/Job");
        if (workloads && gk.equals("/Pod")) {
            podStatus(object, storeStatus, type);
            return;
        }
        if (!workloads || !(type.group().equals("apps") || job)) {
            return;
        }
        ObjectNode metadata = (ObjectNode) object.path("metadata");
        Rollout outcome = usesStuckImage(object)
                ? Rollout.STUCK
                : rollouts.getOrDefault(
                        type.kind() + "/" + metadata.path("namespace").asText() + "/"
                                + metadata.path("name").asText(),
                        Rollout.COMPLETE);
        long generation = metadata.path("generation").asLong(1);
        JsonNode before = object.path("status").deepCopy();
        if (type.kind().equals("Deployment")
                && object.path("spec").path("paused").asBoolean(false)) {
            // a paused Deployment's controller observes the change and rolls nothing
            ObjectNode status = before.isObject() ? (ObjectNode) before : object.objectNode();
            object.set("status", status);
            status.put("observedGeneration", generation);
            status.putArray("conditions")
                    .addObject()
                    .put("type", "Progressing")
                    .put("status", "Unknown")
                    .put("reason", "DeploymentPaused")
                    .put("lastTransitionTime", now());
            storeStatus.accept(type, object);
            return;
        }
        DeploymentSimulator simulator = deployments;
        if (simulator != null && type.kind().equals("Deployment")) {
            simulator.written(object, storeStatus);
            return;
        }
        int replicas = object.path("spec").path("replicas").asInt(1);
        ObjectNode status = object.putObject("status");
        switch (type.kind()) {
            case "Deployment" -> deploymentStatus(status, generation, replicas, outcome);
            case "StatefulSet" -> statefulSetStatus(status, object.path("spec"), before, generation, replicas, outcome);
            case "DaemonSet" -> daemonSetStatus(status, object.path("spec"), generation, outcome);
            case "ReplicaSet" ->
                status.put("observedGeneration", generation)
                        .put("replicas", replicas)
                        .put("readyReplicas", outcome == Rollout.COMPLETE ? replicas : 0)
                        .put("availableReplicas", outcome == Rollout.COMPLETE ? replicas : 0);
            case "Job" -> jobStatus(status, object.path("spec"), outcome);
            default -> {
                return;
            }
        }
        if (sameButForTimes(before, status)) {
            // nothing the controller reports changed (a label edit, say): like a real controller, it writes nothing,
            // so one write is one watch event
            object.set("status", before);
            return;
        }
        storeStatus.accept(type, object);
        boolean healthy = outcome == Rollout.COMPLETE;
        switch (type.kind()) {
            case "Deployment" -> workloadPods.deployment(object, healthy);
            case "StatefulSet" -> workloadPods.statefulSet(object, healthy);
            case "DaemonSet" -> workloadPods.daemonSet(object, healthy);
            case "ReplicaSet" -> workloadPods.replicaSet(object, healthy);
            default -> {
                // Jobs' pods are not simulated
            }
        }
        updateBudgets(metadata.path("namespace").asText(), storeStatus);
    }

    /**
     * PodDisruptionBudget status from the simulated workloads of its namespace: expected pods and
     * healthy pods of the workloads its selector matches, the healthy count it requires, and the
     * disruptions it allows now, as the disruption controller computes them.
     */
    void updateBudgets(String namespace, BiConsumer<ResourceType, ObjectNode> storeStatus) {
        ResourceType pdbType =
                catalog.byKind("policy", "v1", "PodDisruptionBudget").orElseThrow();
        // runs after every workload write: parse the namespace's budgets and workloads only, and nothing without a
        // budget
        List<ObjectNode> budgets = store.inNamespace(namespace, List.of("poddisruptionbudgets"), "");
        if (budgets.isEmpty()) {
            return;
        }
        List<ObjectNode> all = store.inNamespace(namespace, List.of("deployments", "statefulsets", "daemonsets"), "");
        for (ObjectNode pdb : budgets) {
            JsonNode selector = pdb.path("spec").path("selector").path("matchLabels");
            int expected = 0;
            int healthy = 0;
            for (ObjectNode w : all) {
                if (!w.path("apiVersion").asText().equals("apps/v1")
                        || w.path("metadata").path("ownerReferences").size()
                                > 0 // a Deployment's ReplicaSet: counted once
                        || !selects(
                                selector,
                                w.path("spec").path("template").path("metadata").path("labels"))) {
                    continue;
                }
                if (w.path("kind").asText().equals("DaemonSet")) {
                    expected += 1;
                    healthy += w.path("status").path("numberReady").asInt(0);
                } else {
                    expected += w.path("spec").path("replicas").asInt(1);
                    healthy += w.path("status").path("readyReplicas").asInt(0);
                }
            }
            int desired = desiredHealthy(pdb.path("spec"), expected);
            ObjectNode next = pdb.deepCopy();
            next.putObject("status")
                    .put(
                            "observedGeneration",
                            pdb.path("metadata").path("generation").asLong(1))
                    .put("expectedPods", expected)
                    .put("currentHealthy", healthy)
                    .put("desiredHealthy", desired)
                    .put("disruptionsAllowed", Math.max(0, healthy - desired));
            if (!next.path("status").equals(pdb.path("status"))) {
                storeStatus.accept(pdbType, next);
            }
        }
    }

    private static boolean selects(JsonNode matchLabels, JsonNode labels) {
        if (!matchLabels.isObject() || matchLabels.isEmpty()) {
            return false;
        }
        Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().equals(labels.path(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** minAvailable or expected - maxUnavailable, percentages rounded up, as the disruption controller does. */
    static int desiredHealthy(JsonNode spec, int expected) {
        if (spec.has("minAvailable")) {
            return scaled(spec.path("minAvailable"), expected, true);
        }
        if (spec.has("maxUnavailable")) {
            return Math.max(0, expected - scaled(spec.path("maxUnavailable"), expected, true));
        }
        return expected;
    }

    /** An int-or-percent resolved against {@code total}, as the controllers resolve it. */
    static int scaled(JsonNode value, int total, boolean roundUp) {
        if (value.isTextual() && value.asText().endsWith("%")) {
            double exact = total * Double.parseDouble(value.asText().replace("%", "")) / 100.0;
            return (int) (roundUp ? Math.ceil(exact) : Math.floor(exact));
        }
        return value.asInt();
    }

    private static void deploymentStatus(ObjectNode status, long generation, int replicas, Rollout outcome) {
        boolean done = outcome == Rollout.COMPLETE;
        status.put("observedGeneration", generation)
                .put("replicas", replicas)
                .put("updatedReplicas", done ? replicas : 0)
                .put("readyReplicas", done ? replicas : 0)
                .put("availableReplicas", done ? replicas : 0);
        if (!done) {
            status.put("unavailableReplicas", replicas);
        }
        ArrayNode conditions = status.putArray("conditions");
        String now = now();
        conditions
                .addObject()
                .put("type", "Available")
                .put("status", done ? "True" : "False")
                .put("reason", done ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                .put("lastTransitionTime", now);
        ObjectNode progressing =
                conditions.addObject().put("type", "Progressing").put("lastTransitionTime", now);
        switch (outcome) {
            case COMPLETE -> progressing.put("status", "True").put("reason", "NewReplicaSetAvailable");
            case STUCK -> progressing.put("status", "True").put("reason", "ReplicaSetUpdated");
            case FAILED ->
                progressing
                        .put("status", "False")
                        .put("reason", "ProgressDeadlineExceeded")
                        .put("message", "ReplicaSet has timed out progressing.");
            default -> throw new IllegalStateException();
        }
    }

    /**
     * A StatefulSet's pods move to a new revision one by one for RollingUpdate, down to the
     * partition (ordinals below it stay at the old revision), and not at all for OnDelete until
     * someone deletes them.
     */
    private static void statefulSetStatus(
            ObjectNode status, JsonNode spec, JsonNode before, long generation, int replicas, Rollout outcome) {
        boolean done = outcome == Rollout.COMPLETE;
        String revision = "rev-" + generation;
        String previous = before.path("currentRevision").asText(generation == 1 ? revision : "rev-" + (generation - 1));
        boolean onDelete =
                "OnDelete".equals(spec.path("updateStrategy").path("type").asText());
        int partition = spec.path("updateStrategy")
                .path("rollingUpdate")
                .path("partition")
                .asInt(0);
        int updated = !done ? 0 : generation == 1 ? replicas : onDelete ? 0 : Math.max(0, replicas - partition);
        boolean allUpdated = updated == replicas;
        status.put("observedGeneration", generation)
                .put("replicas", replicas)
                .put("readyReplicas", done || onDelete || partition > 0 ? replicas : 0)
                .put("currentReplicas", allUpdated ? replicas : replicas - updated)
                .put("updatedReplicas", updated)
                .put("availableReplicas", done ? replicas : 0)
                .put("currentRevision", allUpdated ? revision : previous)
                .put("updateRevision", revision);
    }

    /**
     * A DaemonSet with OnDelete replaces no pod by itself: an update leaves the one simulated pod at the old
     * revision.
     */
    private static void daemonSetStatus(ObjectNode status, JsonNode spec, long generation, Rollout outcome) {
        boolean onDelete =
                "OnDelete".equals(spec.path("updateStrategy").path("type").asText()) && generation > 1;
        boolean done = outcome == Rollout.COMPLETE;
        status.put("observedGeneration", generation)
                .put("desiredNumberScheduled", 1)
                .put("currentNumberScheduled", 1)
                .put("numberReady", done || onDelete ? 1 : 0)
                .put("updatedNumberScheduled", done && !onDelete ? 1 : 0)
                .put("numberAvailable", done || onDelete ? 1 : 0)
                .put("numberMisscheduled", 0);
    }

    /**
     * A Pod applied from git (the Deployment simulator's own pods are stored directly) starts and
     * becomes ready, runs to completion when its restartPolicy says so, or crash-loops when its
     * image is one of {@link #stuckImages}.
     */
    private void podStatus(ObjectNode pod, BiConsumer<ResourceType, ObjectNode> storeStatus, ResourceType type) {
        boolean crashes = false;
        Pattern p = stuckImages;
        for (JsonNode c : pod.path("spec").path("containers")) {
            crashes |= p != null && p.matcher(c.path("image").asText()).find();
        }
        boolean runsToCompletion =
                !"Always".equals(pod.path("spec").path("restartPolicy").asText("Always"));
        ObjectNode status = pod.putObject("status");
        String now = now();
        status.put("phase", crashes ? "Running" : runsToCompletion ? "Succeeded" : "Running")
                .put("startTime", now);
        status.putArray("conditions")
                .addObject()
                .put("type", "Ready")
                .put("status", crashes ? "False" : "True")
                .put("lastTransitionTime", now);
        ArrayNode containers = status.putArray("containerStatuses");
        for (JsonNode c : pod.path("spec").path("containers")) {
            ObjectNode cs = containers
                    .addObject()
                    .put("name", c.path("name").asText())
                    .put("image", c.path("image").asText())
                    .put("ready", !crashes)
                    .put("restartCount", crashes ? 3 : 0);
            if (crashes) {
                cs.putObject("state").putObject("waiting").put("reason", "CrashLoopBackOff");
            } else {
                cs.putObject("state").putObject("running").put("startedAt", now);
            }
        }
        storeStatus.accept(type, pod);
    }

    /** A Job completes (or fails, or runs forever, as a test says); a suspended one runs nothing. */
    private static void jobStatus(ObjectNode status, JsonNode spec, Rollout outcome) {
        ArrayNode conditions = status.putArray("conditions");
        String now = now();
        if (spec.path("suspend").asBoolean(false)) {
            status.put("active", 0);
            conditions
                    .addObject()
                    .put("type", "Suspended")
                    .put("status", "True")
                    .put("reason", "JobSuspended")
                    .put("lastTransitionTime", now);
            return;
        }
        int completions = spec.path("completions").asInt(1);
        switch (outcome) {
            case COMPLETE -> {
                status.put("succeeded", completions).put("completionTime", now);
                conditions
                        .addObject()
                        .put("type", "Complete")
                        .put("status", "True")
                        .put("lastTransitionTime", now);
            }
            case FAILED -> {
                status.put("failed", spec.path("backoffLimit").asInt(6) + 1);
                conditions
                        .addObject()
                        .put("type", "Failed")
                        .put("status", "True")
                        .put("reason", "BackoffLimitExceeded")
                        .put("message", "Job has reached the specified backoff limit")
                        .put("lastTransitionTime", now);
            }
            default -> status.put("active", 1);
        }
    }

    /** Cascades a real cluster performs: a deleted Namespace empties, a deleted CRD takes its resources. */
    void afterDelete(ResourceType type, JsonNode deleted) {
        String gk = type.group() + "/" + type.kind();
        if (type.namespaced()) {
            workloadPods.collectGarbage(deleted);
        }
        if (gk.equals("/Namespace")) {
            String ns = deleted.path("metadata").path("name").asText();
            store.inNamespace(ns, List.of(), "").forEach(this::remove);
        } else if (gk.equals("apiextensions.k8s.io/CustomResourceDefinition")) {
            String group = deleted.path("spec").path("group").asText();
            String kind = deleted.path("spec").path("names").path("kind").asText();
            for (ObjectNode o : store.all()) {
                if (o.path("kind").asText().equals(kind)
                        && o.path("apiVersion").asText().startsWith(group + "/")) {
                    remove(o);
                }
            }
            catalog.unregister(deleted);
        }
    }

    private void remove(ObjectNode o) {
        catalog.objectPath(o).ifPresent(store::remove);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
