package io.alfred.gitops.prune;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.cluster.ManagedBy;
import io.alfred.gitops.cluster.NoAnswerRetry;
import io.alfred.gitops.cluster.ServerMessage;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.plan.ClusterKinds;
import io.alfred.gitops.render.ApplyOrder;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The prune stage: deletes inventory objects that are no longer rendered (background propagation),
 * in reverse apply order with Namespaces last. Objects annotated {@code gitops.alfred.io/prune:
 * disabled}, or whose managed-by label someone removed, are left alone and reported as skipped.
 */
public final class Pruner {
    public static final String PRUNE_ANNOTATION = "gitops.alfred.io/prune";
    private static final List<ApplyOrder.Phase> ORDER = List.of(
            ApplyOrder.Phase.OTHER,
            ApplyOrder.Phase.WORKLOADS,
            ApplyOrder.Phase.CONFIG,
            ApplyOrder.Phase.CLUSTER,
            ApplyOrder.Phase.CRDS,
            ApplyOrder.Phase.NAMESPACES);

    private final WriteGuard guard;

    public Pruner(WriteGuard guard) {
        this.guard = guard;
    }

    public ChangeSet prune(List<InventoryEntry> candidates, ClusterKinds kinds) {
        List<InventoryEntry> ordered = new ArrayList<>(candidates);
        ordered.sort(Comparator.comparing(e -> ORDER.indexOf(ApplyOrder.phaseOf(e.ref(), Set.of()))));
        List<Change> changes = new ArrayList<>();
        for (InventoryEntry entry : ordered) {
            changes.add(pruneOne(entry.ref(), kinds));
        }
        return new ChangeSet(changes);
    }

    private Change pruneOne(ObjectRef ref, ClusterKinds kinds) {
        if (kinds.find(ref).isEmpty()) {
            return new Change(ref, Action.SKIPPED, "", "its kind is no longer served; nothing to delete");
        }
        Resource<GenericKubernetesResource> resource = kinds.named(ref);
        try {
            GenericKubernetesResource live = NoAnswerRetry.call(resource::get);
            if (live == null) {
                return new Change(ref, Action.SKIPPED, "", "already gone");
            }
            Map<String, String> annotations = live.getMetadata().getAnnotations();
            if (annotations != null && "disabled".equals(annotations.get(PRUNE_ANNOTATION))) {
                return new Change(ref, Action.SKIPPED, "", PRUNE_ANNOTATION + ": disabled");
            }
            Map<String, String> labels = live.getMetadata().getLabels();
            if (labels == null || !ManagedBy.VALUE.equals(labels.get(ManagedBy.LABEL))) {
                return new Change(
                        ref, Action.SKIPPED, "", "no longer labelled " + ManagedBy.LABEL + "=" + ManagedBy.VALUE);
            }
            guard.check(ref.toString());
            NoAnswerRetry.call(() -> resource.withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete());
            return Change.of(ref, Action.DELETED);
        } catch (StageException e) {
            throw e;
        } catch (KubernetesClientException e) {
            throw new StageException(Stage.PRUNE, ref.toString(), "cannot delete: " + ServerMessage.of(e), e);
        }
    }
}
