package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.zjsonpatch.JsonPatch;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write verbs with a real API server's semantics: create, replace, the four patch types
 * (server-side apply included), delete; {@code dryRun=All} on each computes the answer and stores
 * nothing. Writes are serialised, as etcd's resourceVersion serialises them.
 */
final class Writes {
    private static final ObjectMapper YAML = new YAMLMapper();

    /** An answer to a write: the status code and the object as stored (or as it would be stored). */
    record Result(int code, JsonNode object) {}

    private final ObjectStore store;
    private final ResourceCatalog catalog;
    private final Controllers controllers;
    private final ReentrantLock lock = new ReentrantLock();

    private final Validation validation;

    Writes(ObjectStore store, ResourceCatalog catalog, Controllers controllers, Validation validation) {
        this.store = store;
        this.catalog = catalog;
        this.controllers = controllers;
        this.validation = validation;
    }

    Result create(ResourceType type, ApiPath path, String body, String manager) {
        ObjectNode object = parseJson(body);
        checkKind(type, object);
        lock.lock();
        try {
            return doCreate(type, path, object, manager, "Update", Fields.leaves(object), path.dryRun());
        } finally {
            lock.unlock();
        }
    }

    private Result doCreate(
            ResourceType type,
            ApiPath path,
            ObjectNode object,
            String manager,
            String operation,
            Set<List<String>> ownedFields,
            boolean dryRun) {
        ObjectNode metadata = object.with("metadata");
        if (metadata.path("name").asText("").isEmpty()
                && !metadata.path("generateName").asText("").isEmpty()) {
            metadata.put("name", metadata.path("generateName").asText() + randomSuffix());
        }
        String namespace = namespaceOf(type, path, object);
        validation.validate(type, object);
        String name = metadata.path("name").asText();
        String objectPath = type.objectPath(namespace, name);
        if (store.get(objectPath) != null) {
            throw ApiError.alreadyExists(type, name);
        }
        if (type.namespaced() && store.get("/api/v1/namespaces/" + namespace) == null) {
            throw ApiError.namespaceNotFound(namespace);
        }
        metadata.put("uid", UUID.randomUUID().toString());
        metadata.put("creationTimestamp", now());
        metadata.put("generation", 1);
        metadata.remove(List.of("resourceVersion", "deletionTimestamp", "managedFields"));
        if (type.statusSubresource()) {
            object.remove("status");
        }
        Defaults.apply(type, object);
        FieldOwnership ownership = new FieldOwnership();
        ownership.record(manager, operation, object.path("apiVersion").asText(), ownedFields, true);
        metadata.set("managedFields", ownership.toJson());
        controllers.reconcileStatus(type, null, object);
        if (!dryRun) {
            metadata.put("resourceVersion", store.nextResourceVersion());
            store.put(objectPath, object);
            controllers.afterWrite(type, object, this::storeStatus);
        }
        return new Result(201, object);
    }

    Result replace(ResourceType type, ApiPath path, String body, String manager) {
        ObjectNode next = parseJson(body);
        checkKind(type, next);
        lock.lock();
        try {
            ObjectNode live = existing(type, path);
            String rv = next.path("metadata").path("resourceVersion").asText("");
            if (!rv.isEmpty()
                    && !rv.equals(live.path("metadata").path("resourceVersion").asText())) {
                throw ApiError.staleResourceVersion(type, path.name());
            }
            if ("status".equals(path.subresource())) {
                return finishStatus(type, path, live, next.path("status"));
            }
            checkName(type, path, next);
            ObjectNode result = next.deepCopy();
            copyServerMetadata(live, result);
            return finishUpdate(type, path, live, result, manager, null);
        } finally {
            lock.unlock();
        }
    }

    Result patch(ResourceType type, ApiPath path, String contentType, String body, String manager) {
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
        lock.lock();
        try {
            if (mediaType.equals("application/apply-patch+yaml")) {
                return apply(type, path, body);
            }
            ObjectNode live = existing(type, path);
            JsonNode patched;
            switch (mediaType) {
                case "application/merge-patch+json" -> patched = mergePatch(live.deepCopy(), parseJson(body));
                case "application/strategic-merge-patch+json" ->
                    patched = StrategicMergePatch.apply(live, parseJson(body));
                case "application/json-patch+json" -> {
                    try {
                        patched = JsonPatch.apply(parseJsonAny(body), live);
                    } catch (RuntimeException e) {
                        throw new ApiError(
                                422,
                                "Invalid",
                                "the server rejected our request due to an error in our " + "request: "
                                        + e.getMessage(),
                                path.name(),
                                type.group(),
                                type.kind(),
                                null);
                    }
                }
                default -> throw ApiError.unsupportedMediaType(contentType);
            }
            if (!(patched instanceof ObjectNode result)) {
                throw ApiError.badRequest("the patch did not produce an object");
            }
            String rv = result.path("metadata").path("resourceVersion").asText("");
            if (!rv.isEmpty()
                    && !rv.equals(live.path("metadata").path("resourceVersion").asText())) {
                throw ApiError.staleResourceVersion(type, path.name());
            }
            if ("status".equals(path.subresource())) {
                return finishStatus(type, path, live, result.path("status"));
            }
            checkName(type, path, result);
            copyServerMetadata(live, result);
            return finishUpdate(type, path, live, result, manager, null);
        } finally {
            lock.unlock();
        }
    }

    /** Server-side apply: docs/design.md ("Sandbox API server") has the ownership rules and the simplifications. */
    private Result apply(ResourceType type, ApiPath path, String body) {
        String manager = path.fieldManager();
        if (manager == null || manager.isEmpty()) {
            throw new ApiError(
                    422,
                    "Invalid",
                    "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: "
                            + "is required for apply patch",
                    null,
                    "meta.k8s.io",
                    "PatchOptions",
                    "fieldManager");
        }
        ObjectNode config = parseYaml(body);
        checkKind(type, config);
        checkName(type, path, config);
        if (type.statusSubresource() && !"status".equals(path.subresource())) {
            config.remove("status");
        }
        Set<List<String>> fields = Fields.leaves(config);
        ObjectNode live = store.get(type.objectPath(namespaceOf(type, path, config), path.name()));
        if (live == null) {
            Result created = doCreate(type, path, config.deepCopy(), manager, "Apply", fields, path.dryRun());
            return created;
        }
        FieldOwnership ownership = FieldOwnership.of(live);
        List<FieldOwnership.Conflict> conflicts = ownership.conflicts(manager, live, config, fields);
        if (!conflicts.isEmpty()) {
            if (!path.force()) {
                throw ApiError.applyConflict(type, path.name(), FieldOwnership.conflictMessage(conflicts));
            }
            Set<List<String>> taken = new LinkedHashSet<>();
            conflicts.forEach(c -> taken.add(c.path()));
            ownership.takeFromOthers(manager, "Apply", taken);
        }
        ObjectNode result = live.deepCopy();
        Set<List<String>> stillOwnedByOthers = ownership.ownedByOthers(manager);
        for (List<String> previous : ownership.appliedBy(manager)) {
            if (!fields.contains(previous)
                    && !Fields.overlapsAny(previous, fields)
                    && !Fields.overlapsAny(previous, stillOwnedByOthers)) {
                Fields.remove(result, previous);
            }
        }
        ObjectNode sent = config.deepCopy();
        ObjectNode sentMetadata = (ObjectNode) sent.path("metadata");
        sentMetadata.remove(List.of("resourceVersion", "uid", "generation", "creationTimestamp", "managedFields"));
        Fields.merge(result, sent);
        ownership.record(manager, "Apply", config.path("apiVersion").asText(), fields, true);
        return finishUpdate(type, path, live, result, manager, ownership);
    }

    /**
     * @param body DeleteOptions, where kubectl ({@code delete --dry-run=server}) puts
     *     {@code dryRun: ["All"]} instead of the query parameter
     */
    Result delete(ResourceType type, ApiPath path, String body) {
        lock.lock();
        try {
            ObjectNode live = existing(type, path);
            if (path.dryRun() || dryRunIn(body)) {
                return new Result(200, live);
            }
            String objectPath =
                    type.objectPath(live.path("metadata").path("namespace").asText(""), path.name());
            if (live.path("metadata").path("finalizers").size() > 0
                    && !type.kind().equals("Namespace")) {
                ObjectNode marked = live.deepCopy();
                ((ObjectNode) marked.path("metadata"))
                        .put("deletionTimestamp", now())
                        .put("resourceVersion", store.nextResourceVersion());
                store.put(objectPath, marked);
                return new Result(202, marked);
            }
            store.remove(objectPath);
            controllers.afterDelete(type, live);
            return new Result(200, live);
        } finally {
            lock.unlock();
        }
    }

    private static boolean dryRunIn(String deleteOptions) {
        if (deleteOptions == null || deleteOptions.isBlank()) {
            return false;
        }
        try {
            for (JsonNode mode : ObjectStore.parse(deleteOptions).path("dryRun")) {
                if ("All".equals(mode.asText())) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            // not JSON: no options
        }
        return false;
    }

    static boolean scalable(ResourceType type) {
        return type.group().equals("apps")
                && Set.of("Deployment", "StatefulSet", "ReplicaSet").contains(type.kind());
    }

    /** The {@code scale} subresource (autoscaling/v1 Scale), as kubectl scale and HPAs use it. */
    Result scale(ResourceType type, ApiPath path, String method, String contentType, String body, String manager) {
        lock.lock();
        try {
            ObjectNode live = existing(type, path);
            ObjectNode scale = scaleOf(live);
            if (method.equals("GET")) {
                return new Result(200, scale);
            }
            JsonNode requested = method.equals("PUT") ? parseJson(body) : mergePatch(scale.deepCopy(), parseJson(body));
            JsonNode replicas = requested.path("spec").path("replicas");
            if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
                throw ApiError.invalid(
                        type,
                        path.name(),
                        "spec.replicas",
                        "Invalid value: " + replicas + ": must be greater than or equal to 0");
            }
            ObjectNode result = live.deepCopy();
            ((ObjectNode) result.path("spec")).put("replicas", replicas.asInt());
            Result updated = finishUpdate(type, path, live, result, manager, null);
            return new Result(200, scaleOf((ObjectNode) updated.object()));
        } finally {
            lock.unlock();
        }
    }

    private static ObjectNode scaleOf(ObjectNode object) {
        ObjectNode scale =
                ObjectStore.JSON.createObjectNode().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode metadata = scale.putObject("metadata");
        for (String key : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (object.path("metadata").has(key)) {
                metadata.set(key, object.path("metadata").get(key).deepCopy());
            }
        }
        scale.putObject("spec")
                .put("replicas", object.path("spec").path("replicas").asInt(1));
        StringBuilder selector = new StringBuilder();
        object.path("spec")
                .path("selector")
                .path("matchLabels")
                .fields()
                .forEachRemaining(e -> selector.append(selector.length() == 0 ? "" : ",")
                        .append(e.getKey())
                        .append('=')
                        .append(e.getValue().asText()));
        scale.putObject("status")
                .put("replicas", object.path("status").path("replicas").asInt(0))
                .put("selector", selector.toString());
        return scale;
    }

    /**
     * Writes a status computed by the simulated controllers (the only writers of status besides
     * /status): under the write lock, onto the object as stored now, so a controller working from
     * an older copy never undoes a spec change.
     */
    private void storeStatus(ResourceType type, ObjectNode withStatus) {
        lock.lock();
        try {
            String path = type.objectPath(
                    withStatus.path("metadata").path("namespace").asText(""),
                    withStatus.path("metadata").path("name").asText());
            ObjectNode current = store.get(path);
            if (current == null || current.path("status").equals(withStatus.path("status"))) {
                return;
            }
            current.set("status", withStatus.path("status").deepCopy());
            ((ObjectNode) current.path("metadata")).put("resourceVersion", store.nextResourceVersion());
            store.put(path, current);
        } finally {
            lock.unlock();
        }
    }

    private Result finishStatus(ResourceType type, ApiPath path, ObjectNode live, JsonNode status) {
        ObjectNode result = live.deepCopy();
        if (status.isMissingNode() || status.isNull()) {
            result.remove("status");
        } else {
            result.set("status", status.deepCopy());
        }
        if (Fields.same(result, live)) {
            return new Result(200, live);
        }
        if (!path.dryRun()) {
            ((ObjectNode) result.path("metadata")).put("resourceVersion", store.nextResourceVersion());
            store.put(type.objectPath(live.path("metadata").path("namespace").asText(""), path.name()), result);
        }
        return new Result(200, result);
    }

    private Result finishUpdate(
            ResourceType type,
            ApiPath path,
            ObjectNode live,
            ObjectNode result,
            String manager,
            FieldOwnership applied) {
        validation.validate(type, result);
        Validation.checkImmutable(type, live, result);
        Defaults.apply(type, result);
        if (type.statusSubresource()) {
            if (live.has("status")) {
                result.set("status", live.get("status").deepCopy());
            } else {
                result.remove("status");
            }
        }
        FieldOwnership ownership = applied;
        if (ownership == null) {
            ownership = FieldOwnership.of(live);
            Set<List<String>> changed = Fields.changed(live, result);
            Set<List<String>> present = new LinkedHashSet<>();
            Set<List<String>> removed = new LinkedHashSet<>();
            for (List<String> p : changed) {
                (Fields.valueAt(result, p).isMissingNode() ? removed : present).add(p);
            }
            ownership.takeFromOthers(manager, "Update", present);
            ownership.forget(removed);
            ownership.record(manager, "Update", result.path("apiVersion").asText(), present, false);
        }
        ObjectNode metadata = (ObjectNode) result.path("metadata");
        metadata.set("managedFields", ownership.toJson());
        long generation = live.path("metadata").path("generation").asLong(1);
        if (specChanged(live, result)) {
            generation++;
        }
        metadata.put("generation", generation);
        metadata.put(
                "resourceVersion", live.path("metadata").path("resourceVersion").asText());
        if (Fields.same(result, live)) {
            return new Result(200, live); // a no-op write stores nothing and keeps the resourceVersion
        }
        controllers.reconcileStatus(type, live, result);
        if (!path.dryRun()) {
            metadata.put("resourceVersion", store.nextResourceVersion());
            store.put(
                    type.objectPath(
                            metadata.path("namespace").asText(""),
                            metadata.path("name").asText()),
                    result);
            controllers.afterWrite(type, result, this::storeStatus);
        }
        return new Result(200, result);
    }

    private static boolean specChanged(JsonNode a, JsonNode b) {
        ObjectNode x = a.deepCopy();
        ObjectNode y = b.deepCopy();
        x.remove(List.of("metadata", "status"));
        y.remove(List.of("metadata", "status"));
        return !Fields.same(x, y);
    }

    private static void copyServerMetadata(ObjectNode live, ObjectNode result) {
        ObjectNode from = (ObjectNode) live.path("metadata");
        ObjectNode to = result.with("metadata");
        for (String key : new String[] {"uid", "creationTimestamp", "generation", "namespace", "deletionTimestamp"}) {
            if (from.has(key)) {
                to.set(key, from.get(key).deepCopy());
            } else {
                to.remove(key);
            }
        }
        to.remove("managedFields");
    }

    private ObjectNode existing(ResourceType type, ApiPath path) {
        if (path.name() == null) {
            throw new ApiError(
                    405,
                    "MethodNotAllowed",
                    "the server does not allow this method on the requested resource",
                    null,
                    null,
                    null,
                    null);
        }
        ObjectNode live = store.get(type.objectPath(path.namespace(), path.name()));
        if (live == null) {
            throw ApiError.notFound(type, path.name());
        }
        return live;
    }

    private String namespaceOf(ResourceType type, ApiPath path, ObjectNode object) {
        ObjectNode metadata = object.with("metadata");
        if (!type.namespaced()) {
            metadata.remove("namespace");
            return null;
        }
        String fromBody = metadata.path("namespace").asText("");
        if (!fromBody.isEmpty() && path.namespace() != null && !fromBody.equals(path.namespace())) {
            throw ApiError.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request");
        }
        String ns = path.namespace() != null ? path.namespace() : fromBody;
        if (ns.isEmpty()) {
            throw ApiError.badRequest("the server could not find the requested resource: a namespace is required for "
                    + type.qualifiedPlural());
        }
        metadata.put("namespace", ns);
        return ns;
    }

    private static void checkName(ResourceType type, ApiPath path, JsonNode object) {
        String name = object.path("metadata").path("name").asText("");
        if (!name.equals(path.name())) {
            throw ApiError.badRequest(
                    "the name of the object (" + name + ") does not match the name on the URL (" + path.name() + ")");
        }
    }

    private static void checkKind(ResourceType type, JsonNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        if (!apiVersion.isEmpty() && !apiVersion.equals(type.groupVersion())) {
            throw ApiError.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + type.groupVersion() + ")");
        }
        if (!kind.isEmpty() && !kind.equals(type.kind())) {
            throw ApiError.badRequest(
                    "the kind in the data (" + kind + ") does not match the expected kind (" + type.kind() + ")");
        }
        if (object instanceof ObjectNode o) {
            o.put("apiVersion", type.groupVersion());
            o.put("kind", type.kind());
        }
    }

    /** RFC 7386 JSON merge patch. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target instanceof ObjectNode o ? o : ObjectStore.JSON.createObjectNode();
        patch.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.path(e.getKey()), e.getValue()));
            }
        });
        return result;
    }

    private static ObjectNode parseJson(String body) {
        JsonNode node = parseJsonAny(body);
        if (!(node instanceof ObjectNode o)) {
            throw ApiError.badRequest("the body of the request must be a JSON object");
        }
        return o;
    }

    private static JsonNode parseJsonAny(String body) {
        try {
            JsonNode node = ObjectStore.JSON.readTree(body == null ? "" : body);
            if (node == null || node.isMissingNode()) {
                throw ApiError.badRequest("the request body is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body of the request could not be decoded: " + e.getOriginalMessage());
        }
    }

    static ObjectNode parseYaml(String body) {
        try {
            JsonNode node = YAML.readTree(body == null ? "" : body);
            if (!(node instanceof ObjectNode o)) {
                throw ApiError.badRequest("the apply patch must be an object");
            }
            return o;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("error decoding YAML: " + e.getOriginalMessage());
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String randomSuffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
