package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Rolls Deployments the way the Deployment controller does, step by step, when pods take time to
 * become ready: new pods are created up to replicas + maxSurge, old ones removed while at least
 * replicas - maxUnavailable stay available, a pod is ready after the configured delay unless its
 * image is one that never starts. Pods exist as objects (kubectl sees them) and the status of the
 * Deployment and of the budgets follow them.
 */
final class DeploymentSimulator implements AutoCloseable {
    private final ObjectStore store;
    private final ResourceCatalog catalog;
    private final Duration readyDelay;
    private final Predicate<JsonNode> neverReady;
    private final BiConsumer<String, BiConsumer<ResourceType, ObjectNode>> budgets;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-deployments");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Rollout> rollouts = new ConcurrentHashMap<>();

    /** Pods of one Deployment: those of the previous template and those of the current one. */
    private static final class Rollout {
        String template;
        String hash;
        String oldHash;
        int old;
        final List<Instant> created = new ArrayList<>();
        boolean stuck;
        boolean ticking;
    }

    DeploymentSimulator(
            ObjectStore store,
            ResourceCatalog catalog,
            Duration readyDelay,
            Predicate<JsonNode> neverReady,
            BiConsumer<String, BiConsumer<ResourceType, ObjectNode>> budgets) {
        this.store = store;
        this.catalog = catalog;
        this.readyDelay = readyDelay;
        this.neverReady = neverReady;
        this.budgets = budgets;
    }

    synchronized void written(ObjectNode deployment, BiConsumer<ResourceType, ObjectNode> storeStatus) {
        String key = key(deployment);
        Rollout r = rollouts.computeIfAbsent(key, k -> new Rollout());
        String template = deployment.path("spec").path("template").toString();
        if (!template.equals(r.template)) {
            int readyNew = ready(r);
            if (r.template != null) {
                deletePods(deployment, r.oldHash, 0);
                deletePods(deployment, r.hash, 0);
            }
            r.old = r.template == null ? 0 : r.old + readyNew;
            r.oldHash = r.hash;
            r.template = template;
            r.hash = HexFormat.of()
                    .formatHex(Integer.toHexString(template.hashCode()).getBytes())
                    .substring(0, 10);
            r.created.clear();
            r.stuck = neverReady.test(deployment);
        }
        step(key, storeStatus);
    }

    private synchronized void step(String key, BiConsumer<ResourceType, ObjectNode> storeStatus) {
        Rollout r = rollouts.get(key);
        String[] parts = key.split("/", 2);
        ObjectNode d = store.get(
                catalog.byKind("apps", "v1", "Deployment").orElseThrow().objectPath(parts[0], parts[1]));
        if (r == null || d == null) {
            rollouts.remove(key);
            return;
        }
        JsonNode spec = d.path("spec");
        int n = spec.path("replicas").asInt(1);
        boolean recreate = "Recreate".equals(spec.path("strategy").path("type").asText());
        JsonNode ru = spec.path("strategy").path("rollingUpdate");
        int surge = recreate ? 0 : scaled(ru.path("maxSurge"), n, true);
        int unavailable = recreate ? n : scaled(ru.path("maxUnavailable"), n, false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        while (r.created.size() > n) {
            r.created.remove(r.created.size() - 1);
        }
        int readyNew = ready(r);
        // remove old pods while enough stay available
        int minAvailable = Math.max(0, n - unavailable);
        int removable = Math.max(0, r.old + readyNew - minAvailable);
        if (readyNew >= n) {
            removable = r.old;
        }
        r.old -= Math.min(removable, r.old);
        // create new pods up to replicas + surge
        int room = n + surge - (r.old + r.created.size());
        for (int i = 0; i < room && r.created.size() < n; i++) {
            r.created.add(Instant.now());
        }
        readyNew = ready(r);
        syncPods(d, r);
        ObjectNode status = d.putObject("status");
        int available = r.old + readyNew;
        status.put("observedGeneration", d.path("metadata").path("generation").asLong(1))
                .put("replicas", r.old + r.created.size())
                .put("updatedReplicas", r.created.size())
                .put("readyReplicas", available)
                .put("availableReplicas", available);
        if (n - available > 0) {
            status.put("unavailableReplicas", n - available);
        }
        ArrayNode conditions = status.putArray("conditions");
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        conditions
                .addObject()
                .put("type", "Available")
                .put("status", available >= minAvailable ? "True" : "False")
                .put("reason", available >= minAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                .put("lastTransitionTime", now);
        boolean done = r.old == 0 && readyNew == n;
        conditions
                .addObject()
                .put("type", "Progressing")
                .put("status", "True")
                .put("reason", done ? "NewReplicaSetAvailable" : "ReplicaSetUpdated")
                .put("lastTransitionTime", now);
        storeStatus.accept(catalog.byKind("apps", "v1", "Deployment").orElseThrow(), d);
        budgets.accept(parts[0], storeStatus);
        if (!done && !r.ticking) {
            r.ticking = true;
            ticker.schedule(
                    () -> {
                        r.ticking = false;
                        step(key, storeStatus);
                    },
                    Math.max(50, readyDelay.toMillis() / 2),
                    TimeUnit.MILLISECONDS);
        }
    }

    private int ready(Rollout r) {
        if (r.stuck) {
            return 0;
        }
        Instant threshold = Instant.now().minus(readyDelay);
        return (int) r.created.stream().filter(c -> !c.isAfter(threshold)).count();
    }

    private void syncPods(ObjectNode d, Rollout r) {
        deletePods(d, r.oldHash, r.old);
        deletePods(d, r.hash, r.created.size());
        Instant threshold = Instant.now().minus(readyDelay);
        for (int i = 0; i < r.old; i++) {
            putPod(d, r.oldHash, i, true);
        }
        for (int i = 0; i < r.created.size(); i++) {
            putPod(d, r.hash, i, !r.stuck && !r.created.get(i).isAfter(threshold));
        }
    }

    private void putPod(ObjectNode d, String hash, int index, boolean ready) {
        if (hash == null) {
            return;
        }
        String ns = d.path("metadata").path("namespace").asText();
        String name = d.path("metadata").path("name").asText() + "-" + hash + "-" + index;
        ObjectNode pod =
                ObjectStore.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata").put("name", name).put("namespace", ns);
        ObjectNode labels =
                d.path("spec").path("template").path("metadata").path("labels").deepCopy();
        labels.put("pod-template-hash", hash);
        metadata.set("labels", labels);
        pod.set("spec", d.path("spec").path("template").path("spec").deepCopy());
        ObjectNode status = pod.putObject("status").put("phase", ready ? "Running" : "Pending");
        status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False");
        String path = "/api/v1/namespaces/" + ns + "/pods/" + name;
        ObjectNode existing = store.get(path);
        if (existing == null || !existing.path("status").equals(status)) {
            metadata.put(
                    "uid",
                    existing == null
                            ? UUID.randomUUID().toString()
                            : existing.path("metadata").path("uid").asText());
            metadata.put("resourceVersion", store.nextResourceVersion());
            store.put(path, pod);
        }
    }

    private void deletePods(JsonNode d, String hash, int keep) {
        if (hash == null) {
            return;
        }
        String ns = d.path("metadata").path("namespace").asText();
        String prefix = d.path("metadata").path("name").asText() + "-" + hash + "-";
        for (int i = keep; i < keep + 1000; i++) {
            String path = "/api/v1/namespaces/" + ns + "/pods/" + prefix + i;
            if (store.get(path) == null) {
                return;
            }
            store.remove(path);
        }
    }

    /** maxSurge / maxUnavailable, 25% when unset (the Deployment default). */
    private static int scaled(JsonNode value, int total, boolean roundUp) {
        return Controllers.scaled(
                value.isMissingNode() || value.isNull() ? TextNode.valueOf("25%") : value, total, roundUp);
    }

    private static String key(JsonNode d) {
        return d.path("metadata").path("namespace").asText() + "/"
                + d.path("metadata").path("name").asText();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
