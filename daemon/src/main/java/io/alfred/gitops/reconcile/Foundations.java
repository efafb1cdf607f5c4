package io.alfred.gitops.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.Stage;
import io.alfred.gitops.apply.Applier;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.cluster.NoAnswerRetry;
import io.alfred.gitops.plan.Baseline;
import io.alfred.gitops.plan.ClusterKinds;
import io.alfred.gitops.plan.LiveView;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.plan.Planner;
import io.alfred.gitops.prune.Inventory;
import io.alfred.gitops.prune.InventoryEntry;
import io.alfred.gitops.prune.InventoryStore;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A real API server cannot dry-run an object into a namespace, or of a kind, that does not exist
 * yet: the render's new Namespaces and CRDs are planned (dry run), then created, before the rest.
 */
final class Foundations {
    private final KubernetesClient client;
    private final Planner planner;
    private final Applier applier;
    private final InventoryStore inventoryStore;

    Foundations(KubernetesClient client, Planner planner, Applier applier, InventoryStore inventoryStore) {
        this.client = client;
        this.planner = planner;
        this.applier = applier;
        this.inventoryStore = inventoryStore;
    }

    /**
     * What bootstrapping did: the inventory with the created foundations in it (saved before they
     * were created), and their keys.
     */
    record Bootstrap(Inventory inventory, Set<String> created) {}

    /** Creates the render's Namespaces and CRDs that the cluster lacks (CRDs until Established). */
    Bootstrap bootstrap(List<Manifest> manifests, Inventory inventory, ClusterKinds kinds, LiveView view) {
        List<Manifest> foundations =
                manifests.stream().filter(Foundations::isFoundation).toList();
        if (foundations.isEmpty()) {
            return new Bootstrap(inventory, Set.of());
        }
        // trusting the live state: only missing foundations are dry-run here, the rest is planned with everything
        List<PlannedObject> missing =
                planner.plan(foundations, kinds, Set.of(), Baseline.trusting(view)).objects().stream()
                        .filter(o -> o.action() == Action.CREATED)
                        .toList();
        if (missing.isEmpty()) {
            return new Bootstrap(inventory, Set.of());
        }
        Inventory withNew = inventory.union(
                missing.stream().map(o -> InventoryEntry.of(o.desired().ref())).toList());
        inventoryStore.save(withNew, Stage.APPLY);
        applier.apply(missing, kinds);
        kinds.forget();
        return new Bootstrap(
                withNew, missing.stream().map(o -> o.desired().ref().key()).collect(Collectors.toSet()));
    }

    /**
     * Names of Namespaces and group/Kind of CRDs that the render adds and the cluster lacks: a
     * dry run ({@code diff}) plans the objects in them without asking the server.
     */
    Set<String> missing(List<Manifest> manifests, ClusterKinds kinds) {
        Set<String> missing = new HashSet<>();
        for (Manifest m : manifests) {
            if (m.ref().kind().equals("Namespace") && m.ref().group().isEmpty()) {
                if (NoAnswerRetry.call(() ->
                                client.namespaces().withName(m.ref().name()).get())
                        == null) {
                    missing.add(m.ref().name());
                }
            } else if (m.ref().kind().equals("CustomResourceDefinition")) {
                String group = m.body().path("spec").path("group").asText();
                String kind = m.body().path("spec").path("names").path("kind").asText();
                boolean served = false;
                for (JsonNode v : m.body().path("spec").path("versions")) {
                    served |= kinds.find(
                                    ObjectRef.of(group + "/" + v.path("name").asText(), kind, "", "x"))
                            .isPresent();
                }
                if (!served) {
                    missing.add(group + "/" + kind);
                }
            }
        }
        return missing;
    }

    private static boolean isFoundation(Manifest m) {
        return m.ref().group().isEmpty() && m.ref().kind().equals("Namespace")
                || m.ref().group().equals("apiextensions.k8s.io")
                        && m.ref().kind().equals("CustomResourceDefinition");
    }
}
