package io.alfred.gitops.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.Revision;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.health.Health;
import io.alfred.gitops.health.HealthAssessment;
import io.alfred.gitops.prune.InventoryEntry;
import io.alfred.gitops.prune.InventoryStore;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every managed object as a tree: grouped by namespace and kind, with what its controller owns
 * beneath it (Deployment, then its ReplicaSets, then their Pods; StatefulSet and Job, then their
 * Pods). For each: its health (the rollout wait's own assessment), its sync state and the last
 * cycle that changed it, with that cycle's diff. Reads only: one list per kind and namespace.
 */
public record ObjectTree(List<Node> nodes, String problem) {

    /** The sync states, each with its words and icon: colour is never the only signal. */
    enum Sync {
        IN_SYNC("in sync", "="),
        DRIFTED("drifted: changed by hand, not put back yet", "≠"),
        HELD("held: another writer keeps changing it back", "⚑"),
        PRUNED("pruned by the last cycle", "✂"),
        OWNED("owned by its controller", "↳");

        final String label;
        final String icon;

        Sync(String label, String icon) {
            this.label = label;
            this.icon = icon;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One row of the tree.
     *
     * @param depth 0 for a namespace, 1 for a kind, 2 for a managed object, 3 and 4 for what it owns
     * @param health {@code ready}, {@code progressing}, {@code failed}, {@code suspended}, or empty (no rule)
     * @param lastChange the last cycle that changed it ({@code configured by the drift cycle of 10:23:01 at
     *     0123456789ab}), or empty
     * @param diff that cycle's diff of it (never a Secret's value), or empty
     */
    public record Node(
            int depth,
            String label,
            String health,
            String healthIcon,
            String healthMessage,
            String sync,
            String syncIcon,
            String syncLabel,
            String lastChange,
            String diff) {

        public boolean isGroup() {
            return depth < 2;
        }

        /** The diff's lines, each with its class: {@code add}, {@code del}, {@code hunk} or {@code ctx}. */
        public List<DiffLine> diffLines() {
            return diff.lines()
                    .map(l -> new DiffLine(
                            l.startsWith("+++") || l.startsWith("---")
                                    ? "file"
                                    : l.startsWith("+")
                                            ? "add"
                                            : l.startsWith("-") ? "del" : l.startsWith("@@") ? "hunk" : "ctx",
                            l))
                    .toList();
        }
    }

    /** One line of a diff, and how it is highlighted (the sign stays: readable without colour). */
    public record DiffLine(String kind, String text) {}

    /** Rows shown at most: a page for people, not a dump of a large cluster. */
    static final int MAX_NODES = 1500;

    static ObjectTree none(String problem) {
        return new ObjectTree(List.of(), problem);
    }

    static ObjectTree read(
            KubernetesClient client,
            String namespace,
            List<SyncStatus.RecentCycle> recent,
            Set<String> held,
            Set<String> drifting) {
        try {
            List<InventoryEntry> entries = new InventoryStore(client, namespace, "", WriteGuard.ALWAYS)
                    .load()
                    .entries();
            Map<String, LastChange> lastChanges = lastChanges(recent);
            Map<String, Map<String, List<ObjectRef>>> grouped = new TreeMap<>();
            for (InventoryEntry e : entries) {
                grouped.computeIfAbsent(e.namespace().isEmpty() ? "(cluster)" : e.namespace(), k -> new TreeMap<>())
                        .computeIfAbsent(e.kind(), k -> new ArrayList<>())
                        .add(e.ref());
            }
            // what the last cycle pruned is no longer in the inventory: shown once, as pruned
            if (!recent.isEmpty()) {
                for (Change c : recent.get(0).changes()) {
                    if (c.action() == Action.DELETED) {
                        grouped.computeIfAbsent(
                                        c.ref().namespace().isEmpty()
                                                ? "(cluster)"
                                                : c.ref().namespace(),
                                        k -> new TreeMap<>())
                                .computeIfAbsent(c.ref().kind(), k -> new ArrayList<>())
                                .add(c.ref());
                    }
                }
            }
            Lists lists = new Lists(client);
            List<Node> nodes = new ArrayList<>();
            for (var ns : grouped.entrySet()) {
                nodes.add(group(0, ns.getKey()));
                for (var kind : ns.getValue().entrySet()) {
                    nodes.add(group(1, kind.getKey() + " (" + kind.getValue().size() + ")"));
                    for (ObjectRef ref : kind.getValue()) {
                        Optional<JsonNode> live = lists.get(ref);
                        LastChange last = lastChanges.get(ref.key());
                        Sync sync = last != null && last.change().action() == Action.DELETED && live.isEmpty()
                                ? Sync.PRUNED
                                : held.contains(ref.toString())
                                        ? Sync.HELD
                                        : drifting.contains(ref.key()) ? Sync.DRIFTED : Sync.IN_SYNC;
                        nodes.add(node(2, ref, live, sync, last));
                        live.ifPresent(l -> owned(lists, ref, l, 3, nodes));
                    }
                }
            }
            if (nodes.size() > MAX_NODES) {
                int more = nodes.size() - MAX_NODES;
                return new ObjectTree(
                        List.copyOf(nodes.subList(0, MAX_NODES)),
                        more
                                + " more rows not shown; kubectl get with the label"
                                + " app.kubernetes.io/managed-by=alfred-gitops lists them all");
            }
            return new ObjectTree(nodes, "");
        } catch (KubernetesClientException e) {
            return none("cannot read the managed objects: " + e.getMessage());
        }
    }

    /** ReplicaSets under a Deployment, Pods under a ReplicaSet, a StatefulSet, a DaemonSet or a Job. */
    private static void owned(Lists lists, ObjectRef owner, JsonNode live, int depth, List<Node> nodes) {
        List<String> kinds = switch (owner.kind()) {
            case "Deployment" -> List.of("apps/v1 ReplicaSet");
            case "ReplicaSet", "StatefulSet", "DaemonSet", "Job" -> List.of("v1 Pod");
            default -> List.of();
        };
        String uid = live.path("metadata").path("uid").asText("");
        if (uid.isEmpty()) {
            return;
        }
        for (String kind : kinds) {
            String[] p = kind.split(" ");
            for (JsonNode child : lists.all(p[0], p[1], owner.namespace())) {
                boolean mine = false;
                for (JsonNode ref : child.path("metadata").path("ownerReferences")) {
                    mine |= uid.equals(ref.path("uid").asText());
                }
                if (!mine) {
                    continue;
                }
                ObjectRef ref = ObjectRef.of(
                        p[0],
                        p[1],
                        owner.namespace(),
                        child.path("metadata").path("name").asText());
                nodes.add(node(depth, ref, Optional.of(child), Sync.OWNED, null));
                owned(lists, ref, child, depth + 1, nodes);
            }
        }
    }

    private static Node group(int depth, String label) {
        return new Node(depth, label, "", "", "", "", "", "", "", "");
    }

    private static Node node(int depth, ObjectRef ref, Optional<JsonNode> live, Sync sync, LastChange last) {
        Optional<Health> health = live.flatMap(l -> HealthAssessment.of(ref, l));
        String state = live.isEmpty()
                ? (sync == Sync.PRUNED ? "" : "missing")
                : health.map(h -> h.state().label()).orElse("");
        return new Node(
                depth,
                ref.slashed(),
                state,
                switch (state) {
                    case "ready" -> "✔";
                    case "progressing" -> "◐";
                    case "failed", "missing" -> "✖";
                    case "suspended" -> "∥";
                    default -> "";
                },
                live.isEmpty() && sync != Sync.PRUNED
                        ? "not in the cluster"
                        : health.map(Health::message).orElse(""),
                sync.key(),
                sync.icon,
                sync.label,
                last == null ? "" : last.describe(),
                last == null ? "" : last.change().diff());
    }

    /** The newest change of each object over the recent cycles, by key, with the cycle that made it. */
    private static Map<String, LastChange> lastChanges(List<SyncStatus.RecentCycle> recent) {
        Map<String, LastChange> out = new HashMap<>();
        for (SyncStatus.RecentCycle cycle : recent) { // newest first
            for (Change c : cycle.changes()) {
                out.putIfAbsent(c.ref().key(), new LastChange(c, cycle));
            }
        }
        return out;
    }

    /** An object's newest change and the cycle it was part of. */
    private record LastChange(Change change, SyncStatus.RecentCycle cycle) {
        /** {@code configured by the webhook cycle of 10:23:01 at 0123456789ab}. */
        String describe() {
            String time = cycle.at().toString().replaceFirst("^.*T(\\d\\d:\\d\\d:\\d\\d).*$", "$1");
            return change.action().label() + " by the " + (cycle.trigger().isEmpty() ? "" : cycle.trigger() + " ")
                    + "cycle of " + time
                    + (cycle.revision() == null ? "" : " at " + Revision.abbreviate(cycle.revision()));
        }
    }

    /** One list per kind and namespace, kept for the page. */
    private static final class Lists {
        private final KubernetesClient client;
        private final Map<String, List<JsonNode>> lists = new LinkedHashMap<>();

        Lists(KubernetesClient client) {
            this.client = client;
        }

        List<JsonNode> all(String apiVersion, String kind, String namespace) {
            return lists.computeIfAbsent(apiVersion + " " + kind + " " + namespace, k -> {
                try {
                    var op = client.genericKubernetesResources(apiVersion, kind);
                    List<GenericKubernetesResource> items = namespace.isEmpty()
                            ? op.list().getItems()
                            : op.inNamespace(namespace).list().getItems();
                    return items.stream()
                            .map(i -> client.getKubernetesSerialization().convertValue(i, JsonNode.class))
                            .toList();
                } catch (KubernetesClientException e) {
                    return List.of(); // a kind the server does not serve (any more)
                }
            });
        }

        Optional<JsonNode> get(ObjectRef ref) {
            return all(ref.apiVersion(), ref.kind(), ref.namespace()).stream()
                    .filter(o -> o.path("metadata").path("name").asText().equals(ref.name()))
                    .findFirst();
        }
    }
}
