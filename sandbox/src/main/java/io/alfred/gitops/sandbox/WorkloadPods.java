package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * The objects a cluster's workload controllers create, so that kubectl sees what it sees on a real
 * cluster: a Deployment owns one ReplicaSet per pod template it has had (named with the template's
 * hash, numbered with {@code deployment.kubernetes.io/revision}, old ones scaled to zero and kept
 * up to {@code revisionHistoryLimit}), which is what {@code kubectl rollout history|undo} read; the
 * current ReplicaSet, a StatefulSet and a DaemonSet own Pods (owner references, labels, phase, Ready
 * condition, restarts for a crash-looping image). Deleting an owner deletes what it owns, as the
 * garbage collector does.
 */
final class WorkloadPods {
    /** The alphabet Kubernetes uses for generated name suffixes and template hashes (no vowels, no look-alikes). */
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    static final String REVISION = "deployment.kubernetes.io/revision";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectStore store;
    private final ResourceType replicaSets;
    private final ResourceType pods;
    private final ResourceType deployments;
    private final ResourceCatalog catalog;

    WorkloadPods(ObjectStore store, ResourceCatalog catalog) {
        this.store = store;
        this.catalog = catalog;
        this.replicaSets = catalog.byKind("apps", "v1", "ReplicaSet").orElseThrow();
        this.pods = catalog.byKind("", "v1", "Pod").orElseThrow();
        this.deployments = catalog.byKind("apps", "v1", "Deployment").orElseThrow();
    }

    /**
     * A Deployment was written: its ReplicaSets and the pods of the current one, ready unless {@code healthy} is
     * false.
     */
    void deployment(ObjectNode deployment, boolean healthy) {
        String ns = namespace(deployment);
        String name = deployment.path("metadata").path("name").asText();
        String uid = deployment.path("metadata").path("uid").asText();
        String hash = templateHash(deployment.path("spec").path("template"));
        List<ObjectNode> owned = ownedBy(uid, "ReplicaSet", ns);
        long revision = owned.stream().mapToLong(WorkloadPods::revisionOf).max().orElse(0);
        ObjectNode current = owned.stream()
                .filter(rs -> hash.equals(rs.path("metadata")
                        .path("labels")
                        .path("pod-template-hash")
                        .asText()))
                .findFirst()
                .orElse(null);
        if (current == null || revisionOf(current) != revision) {
            revision++; // a new template, or a rollback to an older ReplicaSet's: it becomes the newest revision
        }
        int replicas = deployment.path("spec").path("replicas").asInt(1);
        String rsName = name + "-" + hash;
        ObjectNode rs = replicaSet(deployment, rsName, hash, replicas, revision, current, healthy);
        store.put(replicaSets.objectPath(ns, rsName), rs);
        owned.removeIf(o -> o.path("metadata").path("name").asText().equals(rsName));
        owned.sort(Comparator.comparingLong(WorkloadPods::revisionOf).reversed());
        int keep = deployment.path("spec").path("revisionHistoryLimit").asInt(10);
        for (int i = 0; i < owned.size(); i++) {
            ObjectNode old = owned.get(i);
            removeOwned(old);
            if (i < keep) {
                old.with("spec").put("replicas", 0);
                old.putObject("status")
                        .put("replicas", 0)
                        .put(
                                "observedGeneration",
                                old.path("metadata").path("generation").asLong(1));
                old.with("metadata").put("resourceVersion", store.nextResourceVersion());
                store.put(
                        replicaSets.objectPath(
                                ns, old.path("metadata").path("name").asText()),
                        old);
            } else {
                store.remove(replicaSets.objectPath(
                        ns, old.path("metadata").path("name").asText()));
            }
        }
        syncPods(rs, rs.path("spec").path("template"), replicas, healthy, i -> rsName + "-" + suffix(5));
        ObjectNode live = store.get(deployments.objectPath(ns, name));
        if (live != null
                && !String.valueOf(revision)
                        .equals(live.path("metadata")
                                .path("annotations")
                                .path(REVISION)
                                .asText())) {
            live.with("metadata").with("annotations").put(REVISION, String.valueOf(revision));
            live.with("metadata").put("resourceVersion", store.nextResourceVersion());
            store.put(deployments.objectPath(ns, name), live);
        }
    }

    private ObjectNode replicaSet(
            ObjectNode d, String name, String hash, int replicas, long revision, ObjectNode existing, boolean healthy) {
        ObjectNode rs = existing != null ? existing.deepCopy() : ObjectStore.JSON.createObjectNode();
        rs.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
        ObjectNode metadata = rs.with("metadata").put("name", name).put("namespace", namespace(d));
        if (existing == null) {
            metadata.put("uid", UUID.randomUUID().toString())
                    .put("creationTimestamp", now())
                    .put("generation", 1);
        }
        ObjectNode labels =
                d.path("spec").path("template").path("metadata").path("labels").deepCopy();
        labels.put("pod-template-hash", hash);
        metadata.set("labels", labels);
        ObjectNode annotations = metadata.putObject("annotations")
                .put(REVISION, String.valueOf(revision))
                .put("deployment.kubernetes.io/desired-replicas", String.valueOf(replicas));
        JsonNode changeCause = d.path("metadata").path("annotations").path("kubernetes.io/change-cause");
        if (changeCause.isTextual()) {
            annotations.set("kubernetes.io/change-cause", changeCause);
        }
        metadata.set("ownerReferences", ownerReference(d));
        ObjectNode spec = rs.putObject("spec").put("replicas", replicas);
        ObjectNode selector = d.path("spec").path("selector").deepCopy();
        selector.with("matchLabels").put("pod-template-hash", hash);
        spec.set("selector", selector);
        ObjectNode template = d.path("spec").path("template").deepCopy();
        ((ObjectNode) template.with("metadata")).set("labels", labels.deepCopy());
        spec.set("template", template);
        rs.putObject("status")
                .put("replicas", replicas)
                .put("fullyLabeledReplicas", replicas)
                .put("readyReplicas", healthy ? replicas : 0)
                .put("availableReplicas", healthy ? replicas : 0)
                .put("observedGeneration", metadata.path("generation").asLong(1));
        metadata.put("resourceVersion", store.nextResourceVersion());
        return rs;
    }

    /** A ReplicaSet someone wrote (not one of a Deployment's): its pods. */
    void replicaSet(ObjectNode rs, boolean healthy) {
        String name = rs.path("metadata").path("name").asText();
        syncPods(
                rs,
                rs.path("spec").path("template"),
                rs.path("spec").path("replicas").asInt(1),
                healthy,
                i -> name + "-" + suffix(5));
    }

    /** A StatefulSet was written: pods {@code name-0..n-1}, labelled with the revision they run. */
    void statefulSet(ObjectNode sts, boolean healthy) {
        String name = sts.path("metadata").path("name").asText();
        String revision = name + "-" + templateHash(sts.path("spec").path("template"));
        syncPods(
                sts,
                sts.path("spec").path("template"),
                sts.path("spec").path("replicas").asInt(1),
                healthy,
                i -> name + "-" + i,
                "controller-revision-hash",
                revision);
    }

    /** A DaemonSet was written: one pod, for the sandbox's one node. */
    void daemonSet(ObjectNode ds, boolean healthy) {
        String name = ds.path("metadata").path("name").asText();
        syncPods(
                ds,
                ds.path("spec").path("template"),
                1,
                healthy,
                i -> name + "-" + suffix(5),
                "controller-revision-hash",
                templateHash(ds.path("spec").path("template")));
    }

    /**
     * Makes {@code owner} own {@code count} pods of {@code template}: keeps those already there with
     * the same revision label and readiness, deletes the others, creates the missing ones.
     */
    private void syncPods(
            ObjectNode owner,
            JsonNode template,
            int count,
            boolean healthy,
            IntFunction<String> naming,
            String... revisionLabel) {
        String ns = namespace(owner);
        List<String> taken = new ArrayList<>();
        int kept = 0;
        for (ObjectNode pod : ownedBy(owner.path("metadata").path("uid").asText(), "Pod", ns)) {
            boolean current = revisionLabel.length == 0
                    || revisionLabel[1].equals(pod.path("metadata")
                            .path("labels")
                            .path(revisionLabel[0])
                            .asText());
            boolean ready = pod.path("status")
                    .path("conditions")
                    .path(0)
                    .path("status")
                    .asText()
                    .equals("True");
            if (kept < count && current && ready == healthy) {
                kept++;
                taken.add(pod.path("metadata").path("name").asText());
            } else {
                store.remove(
                        pods.objectPath(ns, pod.path("metadata").path("name").asText()));
            }
        }
        for (int i = 0; kept < count; i++) {
            String podName = naming.apply(i);
            if (taken.contains(podName)) {
                continue;
            }
            taken.add(podName);
            store.put(pods.objectPath(ns, podName), pod(owner, template, podName, healthy, revisionLabel));
            kept++;
        }
    }

    private ObjectNode pod(ObjectNode owner, JsonNode template, String name, boolean healthy, String... revisionLabel) {
        ObjectNode pod =
                ObjectStore.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata")
                .put("name", name)
                .put("namespace", namespace(owner))
                .put("uid", UUID.randomUUID().toString())
                .put("creationTimestamp", now())
                .put("resourceVersion", store.nextResourceVersion());
        ObjectNode labels = template.path("metadata").path("labels").deepCopy();
        if (revisionLabel.length == 2) {
            labels.put(revisionLabel[0], revisionLabel[1]);
        }
        if (owner.path("kind").asText().equals("StatefulSet")) {
            labels.put("statefulset.kubernetes.io/pod-name", name);
        }
        metadata.set("labels", labels);
        metadata.set("ownerReferences", ownerReference(owner));
        ObjectNode spec = template.path("spec").deepCopy();
        spec.put("nodeName", "sandbox-node");
        pod.set("spec", spec);
        String now = now();
        ObjectNode status = pod.putObject("status")
                .put("phase", "Running")
                .put("podIP", "10.244.0." + (1 + RANDOM.nextInt(250)))
                .put("startTime", now);
        ArrayNode conditions = status.putArray("conditions");
        conditions
                .addObject()
                .put("type", "Ready")
                .put("status", healthy ? "True" : "False")
                .put("lastTransitionTime", now);
        conditions.addObject().put("type", "PodScheduled").put("status", "True").put("lastTransitionTime", now);
        ArrayNode containers = status.putArray("containerStatuses");
        for (JsonNode c : spec.path("containers")) {
            ObjectNode cs = containers
                    .addObject()
                    .put("name", c.path("name").asText())
                    .put("image", c.path("image").asText())
                    .put("ready", healthy)
                    .put("restartCount", healthy ? 0 : 3)
                    .put("started", healthy);
            if (healthy) {
                cs.putObject("state").putObject("running").put("startedAt", now);
            } else {
                cs.putObject("state")
                        .putObject("waiting")
                        .put("reason", "CrashLoopBackOff")
                        .put(
                                "message",
                                "back-off 40s restarting failed container="
                                        + c.path("name").asText());
                cs.putObject("lastState")
                        .putObject("terminated")
                        .put("exitCode", 1)
                        .put("reason", "Error");
            }
        }
        return pod;
    }

    /** Deletes what {@code deleted} owned, and what that owned, as the garbage collector does in the background. */
    void collectGarbage(JsonNode deleted) {
        String ns = namespace(deleted);
        String uid = deleted.path("metadata").path("uid").asText();
        if (ns.isEmpty() || uid.isEmpty()) {
            return;
        }
        for (ObjectNode o : store.inNamespace(ns, List.of(), uid)) {
            for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
                if (uid.equals(ref.path("uid").asText())) {
                    collectGarbage(o);
                    catalog.objectPath(o).ifPresent(store::remove);
                }
            }
        }
    }

    private void removeOwned(ObjectNode owner) {
        String ns = namespace(owner);
        for (ObjectNode pod : ownedBy(owner.path("metadata").path("uid").asText(), "Pod", ns)) {
            store.remove(pods.objectPath(ns, pod.path("metadata").path("name").asText()));
        }
    }

    private List<ObjectNode> ownedBy(String uid, String kind, String ns) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode o : store.inNamespace(ns, List.of(kind.equals("Pod") ? "pods" : "replicasets"), uid)) {
            for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
                if (uid.equals(ref.path("uid").asText())) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    private static ArrayNode ownerReference(JsonNode owner) {
        ArrayNode refs = ObjectStore.JSON.createArrayNode();
        refs.addObject()
                .put("apiVersion", owner.path("apiVersion").asText("apps/v1"))
                .put("kind", owner.path("kind").asText())
                .put("name", owner.path("metadata").path("name").asText())
                .put("uid", owner.path("metadata").path("uid").asText())
                .put("controller", true)
                .put("blockOwnerDeletion", true);
        return refs;
    }

    private static long revisionOf(JsonNode rs) {
        try {
            return Long.parseLong(
                    rs.path("metadata").path("annotations").path(REVISION).asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A stable hash of a pod template, spelled as Kubernetes spells pod-template-hash. */
    static String templateHash(JsonNode template) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical(template).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            out.append(ALPHABET.charAt((digest[i] & 0xff) % ALPHABET.length()));
        }
        return out.toString();
    }

    /**
     * The template with keys sorted and nulls left out, so that the same template hashes the same
     * however a client ordered or spelled it ({@code rollout undo} sends it back re-encoded by Go,
     * with {@code creationTimestamp: null}).
     */
    private static String canonical(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, String> fields = new TreeMap<>();
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    fields.put(e.getKey(), canonical(e.getValue()));
                }
            });
            return fields.toString();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(i -> items.add(canonical(i)));
            return items.toString();
        }
        return node.toString();
    }

    private static String suffix(int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    private static String namespace(JsonNode o) {
        return o.path("metadata").path("namespace").asText("");
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
