package io.alfred.gitops.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.change.Action;
import io.alfred.gitops.cluster.ManagedBy;
import io.alfred.gitops.cluster.NoAnswerRetry;
import io.alfred.gitops.cluster.ServerMessage;
import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.support.Overlay;
import io.alfred.gitops.support.Subset;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * The plan stage: a server-side dry-run apply (force, the daemon's field manager) of every rendered
 * object, compared with the live object. Every object must pass before anything is applied; a kind
 * the cluster does not serve is a rejection naming the missing CRD.
 */
public final class Planner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String fieldManager;
    private final ExecutorService pool;
    private final boolean recreateImmutable;

    /** @param recreateImmutable {@code gitops.apply.recreate-immutable}: see {@link Recreation} */
    public Planner(KubernetesClient client, String fieldManager, ExecutorService pool, boolean recreateImmutable) {
        this.client = client;
        this.fieldManager = fieldManager;
        this.pool = pool;
        this.recreateImmutable = recreateImmutable;
    }

    /**
     * @param manifests the rendered objects
     * @param kinds discovery for this cycle
     * @param pending group/Kind of CRDs and names of Namespaces the render creates but the cluster
     *        does not have yet: objects depending on them are planned as created, unvalidated
     *        (only {@code diff} asks for that; a reconcile creates them first)
     */
    public Plan plan(List<Manifest> manifests, ClusterKinds kinds, Set<String> pending) {
        return plan(manifests, kinds, pending, Baseline.dryRunAll());
    }

    /** @param baseline what may be taken from the live state instead of a dry run */
    public Plan plan(List<Manifest> manifests, ClusterKinds kinds, Set<String> pending, Baseline baseline) {
        boolean trustLive = baseline.trustLive();
        LiveView watched = baseline.view();
        Map<String, JsonNode> listed = trustLive ? listManaged(manifests, kinds, watched) : Map.of();
        List<CompletableFuture<ObjectPlan>> futures = new ArrayList<>();
        for (Manifest m : manifests) {
            JsonNode known = listed.get(m.ref().key());
            // the steady state, answered from the watches' view or the LIST alone: no copy, no request
            // (both select the managed-by label, so the live object carries it)
            boolean steady = known != null
                    ? Subset.holds(m.body(), known)
                    : trustLive && watched.covers(m.ref()) && watched.holds(m.ref(), m.body());
            if (steady) {
                futures.add(CompletableFuture.completedFuture(
                        new ObjectPlan.Planned(new PlannedObject(m, known, null, Action.UNCHANGED, "", true))));
                continue;
            }
            Manifest desired = withManagedByLabel(m);
            futures.add(CompletableFuture.supplyAsync(() -> planOne(desired, kinds, pending, trustLive, known), pool));
        }
        List<PlannedObject> planned = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        String firstObject = null;
        String firstReason = null;
        for (int i = 0; i < futures.size(); i++) {
            ObjectPlan result = join(futures.get(i));
            if (result instanceof ObjectPlan.Planned p) {
                planned.add(p.object());
            } else if (result instanceof ObjectPlan.Refused refused) {
                String reason = refused.reason();
                ObjectRef ref = manifests.get(i).ref();
                rejections.add(ref + ": " + reason);
                if (firstObject == null) {
                    firstObject = ref.toString();
                    firstReason = reason;
                }
            }
        }
        if (!rejections.isEmpty()) {
            throw new PlanException(firstObject, firstReason, rejections);
        }
        return new Plan(planned);
    }

    private static ObjectPlan join(CompletableFuture<ObjectPlan> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new ObjectPlan.Refused("unexpected error: " + cause);
        }
    }

    /**
     * The live managed objects of every kind in the render that the watches' view does not cover,
     * one LIST per kind (label {@code app.kubernetes.io/managed-by=alfred-gitops}), so that a
     * steady-state cycle's reads grow with the number of kinds rather than objects. An object missing
     * here is read on its own.
     */
    private Map<String, JsonNode> listManaged(List<Manifest> manifests, ClusterKinds kinds, LiveView watched) {
        Map<String, JsonNode> out = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Manifest m : manifests) {
            ObjectRef ref = m.ref();
            if (!seen.add(ref.apiVersion() + " " + ref.kind())
                    || watched.covers(ref)
                    || kinds.find(ref).isEmpty()) {
                continue;
            }
            for (JsonNode item : listOfKind(kinds, ref)) {
                // a real server leaves apiVersion and kind out of list items
                ObjectNode live =
                        ((ObjectNode) item).put("apiVersion", ref.apiVersion()).put("kind", ref.kind());
                JsonNode metadata = live.path("metadata");
                out.put(
                        ObjectRef.of(
                                        ref.apiVersion(),
                                        ref.kind(),
                                        metadata.path("namespace").asText(""),
                                        metadata.path("name").asText())
                                .key(),
                        live);
            }
        }
        return out;
    }

    /**
     * The managed objects of one kind, across namespaces, read straight into JSON trees: a typed
     * list would be converted twice, and this read is most of a steady-state cycle's CPU.
     */
    private JsonNode listOfKind(ClusterKinds kinds, ObjectRef ref) {
        var ctx = kinds.context(ref);
        String path = (ctx.getGroup() == null || ctx.getGroup().isEmpty()
                        ? "api/" + ctx.getVersion()
                        : "apis/" + ctx.getGroup() + "/" + ctx.getVersion())
                + "/" + ctx.getPlural()
                + "?labelSelector=" + URLEncoder.encode(ManagedBy.SELECTOR, StandardCharsets.UTF_8);
        String base = client.getMasterUrl().toString();
        String url = base.endsWith("/") ? base + path : base + "/" + path;
        String body = NoAnswerRetry.call(() -> client.raw(url));
        try {
            return body == null ? JSON.createArrayNode() : JSON.readTree(body).path("items");
        } catch (JsonProcessingException e) {
            throw new KubernetesClientException("unreadable list of " + ref.kind() + ": " + e.getOriginalMessage());
        }
    }

    /**
     * The object planned, or the reason the cluster refuses it.
     *
     * @param listed the live object from this cycle's list of its kind, or null: then it is read on its own
     */
    private ObjectPlan planOne(
            Manifest desired, ClusterKinds kinds, Set<String> pending, boolean trustLive, JsonNode listed) {
        ObjectRef ref = desired.ref();
        Optional<APIResource> served = kinds.find(ref);
        if (served.isEmpty()) {
            if (pending.contains(ref.group() + "/" + ref.kind())) {
                return new ObjectPlan.Planned(unvalidated(desired));
            }
            return new ObjectPlan.Refused(
                    "the cluster does not serve " + ref.apiVersion() + " " + ref.kind() + " (no CRD "
                            + (ref.group().isEmpty() ? "can serve the core group" : "for group " + ref.group())
                            + " is installed;"
                            + " install it or add it to the render)");
        }
        boolean namespaced = Boolean.TRUE.equals(served.get().getNamespaced());
        if (namespaced && ref.namespace().isEmpty()) {
            return new ObjectPlan.Refused(ref.kind()
                    + " is namespaced and has no metadata.namespace (set it, or `namespace:` in the kustomization)");
        }
        if (!namespaced && !ref.namespace().isEmpty()) {
            return new ObjectPlan.Refused(ref.kind() + " is cluster-scoped and cannot have metadata.namespace");
        }
        if (namespaced && pending.contains(ref.namespace())) {
            return new ObjectPlan.Planned(unvalidated(desired));
        }
        Resource<GenericKubernetesResource> resource = kinds.resource(desired);
        try {
            JsonNode live = listed;
            JsonNode wouldBe = null;
            if (live == null) {
                // the dry run first: when it creates the object, there is nothing to read
                wouldBe = dryRun(resource);
                live = existedBefore(wouldBe) ? read(resource) : null;
            }
            if (trustLive && live != null && Subset.holds(desired.body(), live)) {
                return new ObjectPlan.Planned(new PlannedObject(desired, live, null, Action.UNCHANGED, "", true));
            }
            if (wouldBe == null) {
                wouldBe = dryRun(resource);
            }
            Action action =
                    live == null ? Action.CREATED : Differ.same(live, wouldBe) ? Action.UNCHANGED : Action.CONFIGURED;
            String diff = action == Action.UNCHANGED ? "" : Differ.diff(title(ref), live, wouldBe, desired.isSecret());
            List<String> takeovers =
                    action == Action.CONFIGURED ? FieldTakeover.describe(live, wouldBe, fieldManager) : List.of();
            return new ObjectPlan.Planned(new PlannedObject(desired, live, wouldBe, action, diff, true, takeovers, ""));
        } catch (KubernetesClientException e) {
            Optional<ImmutableFields> immutable = ImmutableFields.of(e);
            if (immutable.isPresent()) {
                return immutable(desired, resource, listed, immutable.get());
            }
            return new ObjectPlan.Refused("the API server refused it: " + ServerMessage.of(e));
        }
    }

    /**
     * A change the server refuses for fields that cannot change: {@code recreated} when that is
     * allowed for the object (the apply deletes it and creates it again), else {@code immutable}
     * (the cycle fails at the plan, naming it). Either way the diff shows what git changes.
     */
    private ObjectPlan immutable(
            Manifest desired, Resource<GenericKubernetesResource> resource, JsonNode listed, ImmutableFields refused) {
        ObjectRef ref = desired.ref();
        JsonNode live;
        try {
            live = listed != null ? listed : read(resource);
        } catch (KubernetesClientException e) {
            return new ObjectPlan.Refused("the API server refused it: " + ServerMessage.of(e));
        }
        if (live == null) {
            return new ObjectPlan.Refused("the API server refused it: " + refused.message());
        }
        String diff = Differ.diff(title(ref), live, Overlay.of(live, desired.body()), desired.isSecret());
        String fields = "immutable " + refused.describe();
        Optional<String> never = Recreation.never(ref);
        Action action = Action.IMMUTABLE;
        String note;
        if (never.isPresent()) {
            note = fields + ": never recreated, " + never.get() + "; change it by hand";
        } else if (!Recreation.allowed(desired, recreateImmutable)) {
            note = fields + ": to delete and create it again, annotate it " + Recreation.ANNOTATION
                    + ": enabled or set gitops.apply.recreate-immutable=true";
        } else {
            action = Action.RECREATED;
            note = fields + " changes: deleted and created again"
                    + (Recreation.keepsPods(ref, live, desired.body()) ? ", its pods and claims kept" : "");
        }
        return new ObjectPlan.Planned(new PlannedObject(desired, live, null, action, diff, true, List.of(), note));
    }

    private JsonNode dryRun(Resource<GenericKubernetesResource> resource) {
        return toJson(NoAnswerRetry.call(() ->
                resource.dryRun().fieldManager(fieldManager).forceConflicts().serverSideApply()));
    }

    private JsonNode read(Resource<GenericKubernetesResource> resource) {
        GenericKubernetesResource live = NoAnswerRetry.call(resource::get);
        return live == null ? null : toJson(live);
    }

    /**
     * Whether a dry run's answer is an object that exists: only storage assigns a resourceVersion,
     * and a dry-run create never reaches it (kube-apiserver's DryRunnableStorage returns the object
     * as given, without one).
     */
    static boolean existedBefore(JsonNode wouldBe) {
        return !wouldBe.path("metadata").path("resourceVersion").asText("").isEmpty();
    }

    private PlannedObject unvalidated(Manifest desired) {
        String diff = Differ.diff(title(desired.ref()), null, desired.body(), desired.isSecret());
        return new PlannedObject(desired, null, null, Action.CREATED, diff, false);
    }

    JsonNode toJson(GenericKubernetesResource r) {
        return client.getKubernetesSerialization().convertValue(r, JsonNode.class);
    }

    static String title(ObjectRef ref) {
        return ref.kind() + "/" + (ref.namespace().isEmpty() ? "" : ref.namespace() + "/") + ref.name();
    }

    /** Every applied object carries {@code app.kubernetes.io/managed-by: alfred-gitops}. */
    static Manifest withManagedByLabel(Manifest m) {
        ObjectNode body = m.body().deepCopy();
        ObjectNode metadata = (ObjectNode) body.get("metadata");
        JsonNode labels = metadata.get("labels");
        ObjectNode l = labels instanceof ObjectNode o ? o : metadata.putObject("labels");
        l.put(ManagedBy.LABEL, ManagedBy.VALUE);
        return new Manifest(m.ref(), body, m.origin());
    }
}
