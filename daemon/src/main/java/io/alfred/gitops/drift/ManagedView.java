package io.alfred.gitops.drift;

import com.fasterxml.jackson.databind.JsonNode;
import io.alfred.gitops.cluster.ManagedBy;
import io.alfred.gitops.plan.ClusterKinds;
import io.alfred.gitops.plan.LiveView;
import io.alfred.gitops.render.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The watch-fed view of the managed objects: one informer per kind (label
 * {@code app.kubernetes.io/managed-by=alfred-gitops}), which lists the kind once, then watches from
 * that resourceVersion with bookmarks, resumes after a lost connection, relists after 410 Gone, and
 * backs off between attempts (fabric8's informer). Of each object only a verdict is kept: whether it
 * held git's object, for which content ({@link VerdictStore}). A plan asks it instead of listing
 * ({@link LiveView}); {@link DriftWatch} is told of each change, with the whole live object.
 */
public final class ManagedView implements LiveView, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ManagedView.class);

    /** Told of each change the watches see, with the whole live object (it is not kept). */
    public interface Changes {
        void changed(ObjectRef ref, JsonNode live);

        void deleted(ObjectRef ref);
    }

    private record Informed(SharedIndexInformer<GenericKubernetesResource> informer, VerdictStore store) {}

    private final KubernetesClient client;
    private final Function<ObjectRef, GitObject> git;
    private final Map<String, Informed> kinds = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** @param git git's object for an identity (what to compare it with), or null */
    ManagedView(KubernetesClient client, Function<ObjectRef, GitObject> git) {
        this.client = client;
        this.git = git;
    }

    static String kindOf(ObjectRef ref) {
        return ref.apiVersion() + " " + ref.kind();
    }

    /**
     * Watches exactly these kinds (one representative object of each, by kind key), telling
     * {@code events} of every change; stops watching the others. Waits up to {@code settle} for the
     * new kinds' first lists, so that a plan right after can use them.
     */
    public synchronized void watch(Map<String, ObjectRef> wanted, Changes changes, Duration settle) {
        kinds.keySet().removeIf(kind -> {
            if (!wanted.containsKey(kind)) {
                kinds.get(kind).informer().stop();
                return true;
            }
            return false;
        });
        ClusterKinds discovery = new ClusterKinds(client);
        CompletableFuture<?>[] started = wanted.entrySet().stream()
                .filter(e -> !kinds.containsKey(e.getKey())
                        && discovery.find(e.getValue()).isPresent())
                .map(e -> open(e.getKey(), e.getValue(), discovery, changes))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(started).get(settle.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // not listed yet: the plan reads what the view does not cover, and the informer keeps trying
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<Void> open(String kind, ObjectRef ref, ClusterKinds discovery, Changes changes) {
        VerdictStore store = new VerdictStore(ref.apiVersion(), ref.kind(), client.getKubernetesSerialization(), git);
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(
                        discovery.context(ref))
                .inAnyNamespace()
                .withLabel(ManagedBy.LABEL, ManagedBy.VALUE)
                .runnableInformer(0);
        informer.itemStore(store)
                .addEventHandler(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource object) {
                        changes.changed(refOf(ref, object), store.json(object));
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource object) {
                        changes.changed(refOf(ref, object), store.json(object));
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
                        changes.deleted(refOf(ref, object));
                    }
                })
                .exceptionHandler((started, cause) -> {
                    if (warned.add(kind)) {
                        LOG.warnf(
                                "drift: cannot watch %s (%s); retrying with backoff, and until it works "
                                        + "drift of that kind is "
                                        + "corrected at the interval (the daemon's ClusterRole needs "
                                        + "verbs list and watch)",
                                kind, cause.getMessage());
                    }
                    return true;
                });
        kinds.put(kind, new Informed(informer, store));
        return informer.start().toCompletableFuture().whenComplete((ok, failed) -> {
            if (failed == null) {
                warned.remove(kind);
            }
        });
    }

    /** A watched object's identity: list items and watch events of a real server may lack apiVersion and kind. */
    private static ObjectRef refOf(ObjectRef kind, GenericKubernetesResource object) {
        return ObjectRef.of(
                kind.apiVersion(),
                kind.kind(),
                object.getMetadata().getNamespace(),
                object.getMetadata().getName());
    }

    @Override
    public boolean covers(ObjectRef ref) {
        Informed informed = kinds.get(kindOf(ref));
        return informed != null
                && informed.informer().hasSynced()
                && informed.informer().isWatching();
    }

    @Override
    public boolean holds(ObjectRef ref, JsonNode git) {
        Informed informed = kinds.get(kindOf(ref));
        return informed != null && informed.store().holds(ref, git);
    }

    /** Whether every kind watched is listed and its watch open now. */
    public boolean allWatching() {
        return kinds.values().stream()
                .allMatch(i -> i.informer().hasSynced() && i.informer().isWatching());
    }

    /** Kinds watched now. */
    public int size() {
        return kinds.size();
    }

    @Override
    public synchronized void close() {
        kinds.values().forEach(i -> i.informer().stop());
        kinds.clear();
    }
}
