package io.alfred.gitops.apply;

import io.alfred.gitops.change.Action;
import io.alfred.gitops.change.Change;
import io.alfred.gitops.change.ChangeSet;
import io.alfred.gitops.cluster.KnownUids;
import io.alfred.gitops.cluster.NoAnswerRetry;
import io.alfred.gitops.cluster.ServerMessage;
import io.alfred.gitops.cluster.WriteGuard;
import io.alfred.gitops.config.Durations;
import io.alfred.gitops.plan.ClusterKinds;
import io.alfred.gitops.plan.PlannedObject;
import io.alfred.gitops.render.ApplyOrder;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The apply stage: server-side apply with force of the objects whose plan is not unchanged, staged
 * (CRDs, Namespaces, cluster-scoped, namespaced configuration, workloads, the rest), with bounded
 * concurrency inside a stage; CRDs are waited for until Established and Namespaces until Active
 * before the next stage.
 */
public final class Applier {
    private static final Logger LOG = Logger.getLogger(Applier.class);
    static final Duration ESTABLISH_TIMEOUT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final String fieldManager;
    private final ExecutorService pool;

    private final WriteGuard guard;
    private final Recreator recreator;
    private final KnownUids uids;

    /** @param uids told the uid of every object applied, from the apply's answer */
    public Applier(
            KubernetesClient client, String fieldManager, ExecutorService pool, WriteGuard guard, KnownUids uids) {
        this.client = client;
        this.fieldManager = fieldManager;
        this.pool = pool;
        this.guard = guard;
        this.uids = uids;
        this.recreator = new Recreator(guard);
    }

    public ChangeSet apply(List<PlannedObject> objects, ClusterKinds kinds) {
        Set<String> customClusterScoped = ApplyOrder.customClusterScopedKinds(
                objects.stream().map(PlannedObject::desired).toList());
        Map<ApplyOrder.Phase, List<PlannedObject>> byPhase = new EnumMap<>(ApplyOrder.Phase.class);
        for (PlannedObject o : objects) {
            if (o.action() == Action.CREATED || o.action() == Action.CONFIGURED || o.action() == Action.RECREATED) {
                byPhase.computeIfAbsent(
                                ApplyOrder.phaseOf(o.desired().ref(), customClusterScoped), p -> new ArrayList<>())
                        .add(o);
            }
        }
        List<Change> applied = new ArrayList<>();
        for (Map.Entry<ApplyOrder.Phase, List<PlannedObject>> stage : byPhase.entrySet()) {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (PlannedObject o : stage.getValue()) {
                futures.add(CompletableFuture.runAsync(() -> applyOne(o, kinds), pool));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof ApplyException ae) {
                        throw ae;
                    }
                    throw new ApplyException(
                            stage.getValue().get(i).desired().ref().toString(),
                            "unexpected error: " + e.getCause(),
                            e.getCause());
                }
                applied.add(stage.getValue().get(i).change());
            }
            if (stage.getKey() == ApplyOrder.Phase.CRDS) {
                stage.getValue().forEach(o -> awaitEstablished(o.desired().ref()));
                kinds.forget();
            } else if (stage.getKey() == ApplyOrder.Phase.NAMESPACES) {
                stage.getValue().forEach(o -> awaitActive(o.desired().ref()));
            }
        }
        return new ChangeSet(applied);
    }

    private void applyOne(PlannedObject o, ClusterKinds kinds) {
        ObjectRef ref = o.desired().ref();
        try {
            Resource<GenericKubernetesResource> resource = kinds.resource(o.desired());
            if (o.action() == Action.RECREATED) {
                recreator.delete(o, resource);
            }
            guard.check(ref.toString());
            GenericKubernetesResource applied = NoAnswerRetry.call(
                    () -> resource.fieldManager(fieldManager).forceConflicts().serverSideApply());
            if (applied != null && applied.getMetadata() != null) {
                uids.applied(ref, applied.getMetadata().getUid());
            }
            LOG.debugf("apply: %s %s", ref, o.action().label());
        } catch (KubernetesClientException e) {
            throw new ApplyException(ref.toString(), "the API server refused it: " + ServerMessage.of(e), e);
        } catch (IllegalStateException e) {
            throw new ApplyException(
                    ref.toString(), "the cluster does not serve " + ref.apiVersion() + " " + ref.kind(), e);
        }
    }

    private void awaitEstablished(ObjectRef crd) {
        try {
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(crd.name())
                    .waitUntilCondition(Applier::established, ESTABLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new ApplyException(
                    crd.toString(), "not Established within " + Durations.format(ESTABLISH_TIMEOUT), e);
        }
    }

    /**
     * Whether the API server serves a CRD's kind yet. Right after a create a real server may answer
     * with a status whose {@code conditions} is still null: that is "not yet", not an error.
     */
    static boolean established(CustomResourceDefinition crd) {
        if (crd == null || crd.getStatus() == null || crd.getStatus().getConditions() == null) {
            return false;
        }
        return crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void awaitActive(ObjectRef namespace) {
        try {
            client.namespaces()
                    .withName(namespace.name())
                    .waitUntilCondition(
                            n -> n != null
                                    && n.getStatus() != null
                                    && "Active".equals(n.getStatus().getPhase()),
                            ESTABLISH_TIMEOUT.toMillis(),
                            TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new ApplyException(
                    namespace.toString(), "not Active within " + Durations.format(ESTABLISH_TIMEOUT), e);
        }
    }
}
