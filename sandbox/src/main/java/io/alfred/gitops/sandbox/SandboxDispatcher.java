package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes API requests the way kube-apiserver does: discovery, then reads (served by fabric8's CRUD
 * store, which also runs the watches), then writes with real semantics ({@link Writes}).
 */
final class SandboxDispatcher extends KubernetesCrudDispatcher {
    private final ResourceCatalog catalog = new ResourceCatalog();
    private final ObjectStore store = new ObjectStore(this, (KubernetesAttributesExtractor) attributeExtractor);
    private final Controllers controllers = new Controllers(store, catalog);
    private final OpenApiDocuments openApi = new OpenApiDocuments(catalog, store);
    private final Writes writes = new Writes(store, catalog, controllers, new Validation(openApi));
    private final Faults faults = new Faults();
    private final HttpWatches httpWatches = new HttpWatches(store, catalog, Duration.ofSeconds(5));
    private volatile String serverAddress = "127.0.0.1:0";
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requestsByResource = new ConcurrentHashMap<>();

    /**
     * Requests served so far by verb: GET, LIST, WATCH, POST, PUT, PATCH, DELETE, with a "dry-run " prefix for dry
     * runs.
     */
    Map<String, Long> requestCounts() {
        Map<String, Long> out = new TreeMap<>();
        requests.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The same by verb and resource: {@code LIST configmaps}, {@code dry-run PATCH deployments}. */
    Map<String, Long> requestCountsByResource() {
        Map<String, Long> out = new TreeMap<>();
        requestsByResource.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    void resetRequestCounts() {
        requests.clear();
        requestsByResource.clear();
    }

    private void count(RecordedRequest request, ApiPath path) {
        String verb = request.method().name();
        if (verb.equals("GET")) {
            verb = "true".equals(path.query().get("watch")) ? "WATCH" : path.name() == null ? "LIST" : "GET";
        } else if (path.dryRun()) {
            verb = "dry-run " + verb;
        }
        requests.computeIfAbsent(verb, k -> new AtomicLong()).incrementAndGet();
        requestsByResource
                .computeIfAbsent(verb + " " + path.plural(), k -> new AtomicLong())
                .incrementAndGet();
    }

    HttpWatches httpWatches() {
        return httpWatches;
    }

    Faults faults() {
        return faults;
    }

    Controllers controllers() {
        return controllers;
    }

    ObjectStore store() {
        return store;
    }

    void serverAddress(String address) {
        this.serverAddress = address;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        ApiPath path = ApiPath.parse(request.getPath());
        MockResponse response;
        try {
            if (faults.failNow()) {
                int code = faults.errorCode();
                response = status(new ApiError(
                        code,
                        code == 429 ? "TooManyRequests" : "InternalError",
                        "injected fault: the sandbox answered " + code,
                        null,
                        null,
                        null,
                        null));
            } else {
                response = route(request, path);
            }
        } catch (ApiError e) {
            response = status(e);
        }
        Duration delay = faults.delayNow();
        if (!delay.isZero()) {
            response.setBodyDelay(delay);
        }
        return response;
    }

    private MockResponse route(RecordedRequest request, ApiPath path) {
        String plain = request.getPath().split("\\?")[0];
        if (plain.equals("/version")) {
            return json(
                    200,
                    ObjectStore.JSON
                            .createObjectNode()
                            .put("major", "1")
                            .put("minor", "32")
                            .put("gitVersion", "v1.32.0-alfred-sandbox")
                            .put("platform", "linux/amd64"));
        }
        if (plain.equals("/openapi/v3")) {
            return json(200, openApi.root());
        }
        if (plain.startsWith("/openapi/v3/")) {
            return openApi.v3(plain).map(doc -> json(200, doc)).orElseGet(SandboxDispatcher::pageNotFound);
        }
        if (plain.equals("/openapi/v2")) {
            String accept = request.getHeader("Accept");
            if (accept != null && !accept.contains("json") && !accept.contains("*/*")) {
                return status(new ApiError(
                        406,
                        "NotAcceptable",
                        "the sandbox serves /openapi/v2 as JSON only: "
                                + "use /openapi/v3, or ask for application/json",
                        null,
                        null,
                        null,
                        null));
            }
            return json(200, openApi.v2());
        }
        if (plain.equals("/api")) {
            return json(200, catalog.coreVersions(serverAddress));
        }
        if (plain.equals("/apis")) {
            return json(200, catalog.groups());
        }
        if (path.group() == null) {
            return pageNotFound();
        }
        if (path.isDiscovery()) {
            if (path.version() == null) {
                JsonNode group = catalog.group(path.group());
                return group == null ? pageNotFound() : json(200, group);
            }
            return catalog.servesGroupVersion(path.group(), path.version())
                    ? json(200, catalog.resources(path.group(), path.version()))
                    : pageNotFound();
        }
        Optional<ResourceType> type = catalog.byPlural(path.group(), path.version(), path.plural());
        if (type.isEmpty()
                || path.subresource() != null
                        && !("status".equals(path.subresource()) && type.get().statusSubresource())
                        && !("scale".equals(path.subresource()) && Writes.scalable(type.get()))) {
            return pageNotFound();
        }
        ResourceType t = type.get();
        count(request, path);
        if (path.namespace() != null && !t.namespaced()) {
            return pageNotFound();
        }
        String contentType = request.getHeader("Content-Type");
        String body; // reading consumes the buffer
        if (ProtobufBodies.isProtobuf(contentType) && request.getBody() != null) {
            body = ProtobufBodies.toJson(request.getBody().readByteArray());
            contentType = "application/json";
        } else {
            body = request.getBody() == null ? null : request.getUtf8Body();
        }
        if ("scale".equals(path.subresource())) {
            return result(writes.scale(t, path, request.method().name(), contentType, body, managerFor(request, path)));
        }
        List<String> warnings = new ArrayList<>();
        if (path.subresource() == null
                && body != null
                && List.of("POST", "PUT", "PATCH").contains(request.method().name())) {
            body = checkFields(t, path, contentType, body, warnings);
        }
        return withWarnings(write(request, path, t, contentType, body), warnings);
    }

    private MockResponse write(RecordedRequest request, ApiPath path, ResourceType t, String contentType, String body) {
        switch (request.method()) {
            case GET:
                if (path.name() == null
                        && path.namespace() != null
                        && !"true".equals(path.query().get("watch"))
                        && store.get("/api/v1/namespaces/" + path.namespace()) == null) {
                    return store.read(() -> super.handleGet(request.getPath())); // empty, as for a missing namespace
                }
                if (path.name() != null
                        && path.subresource() == null
                        && !"true".equals(path.query().get("watch"))) {
                    String stored = store.raw(t.objectPath(path.namespace(), path.name()));
                    if (stored != null && Tables.wanted(request.getHeader("Accept"))) {
                        ObjectNode object = ObjectStore.parse(stored);
                        return json(
                                200,
                                Tables.of(
                                        t,
                                        List.of(object),
                                        object.path("metadata")
                                                .path("resourceVersion")
                                                .asText(),
                                        Instant.now()));
                    }
                    return stored == null
                            ? status(ApiError.notFound(t, path.name()))
                            : new MockResponse()
                                    .setResponseCode(200)
                                    .setHeader("Content-Type", "application/json")
                                    .setBody(stored);
                }
                if (path.name() == null
                        && path.query().containsKey("fieldSelector")
                        && !"true".equals(path.query().get("watch"))) {
                    return fieldSelected(
                            request, t, request.getPath(), path.query().get("fieldSelector"));
                }
                MockResponse read = "true".equals(path.query().get("watch"))
                        ? super.handleGet(request.getPath())
                        : store.read(() -> super.handleGet(request.getPath()));
                if (read.code() == 404 && path.name() != null) {
                    return status(ApiError.notFound(t, path.name()));
                }
                if (read.code() == 200
                        && path.name() == null
                        && !"true".equals(path.query().get("watch"))) {
                    return listed(
                            request,
                            t,
                            onlyGroup(ObjectStore.parse(read.getBody().readUtf8()), t));
                }
                return read.setHeader("Content-Type", "application/json");
            case POST:
                checkRejection(t, path, path.namespace(), nameIn(body));
                return result(writes.create(t, path, body, managerFor(request, path)));
            case PUT:
                checkRejection(t, path, path.namespace(), path.name());
                return result(writes.replace(t, path, body, managerFor(request, path)));
            case PATCH:
                checkRejection(t, path, path.namespace(), path.name());
                return result(writes.patch(t, path, contentType, body, managerFor(request, path)));
            case DELETE:
                checkRejection(t, path, path.namespace(), path.name());
                return result(writes.delete(t, path, body));
            default:
                return status(new ApiError(405, "MethodNotAllowed", "method not allowed", null, null, null, null));
        }
    }

    /**
     * Unknown fields, as {@code fieldValidation} says (see {@link FieldValidation}); returns the body
     * with them pruned. Bodies that do not parse are left to the write to refuse.
     */
    private String checkFields(
            ResourceType type, ApiPath path, String contentType, String body, List<String> warnings) {
        FieldValidation mode = FieldValidation.of(path.query().get("fieldValidation"));
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
        boolean apply = mediaType.equals("application/apply-patch+yaml");
        if (mediaType.equals("application/json-patch+json")) {
            return body;
        }
        ObjectNode object;
        try {
            object = apply ? Writes.parseYaml(body) : ObjectStore.parse(body);
        } catch (RuntimeException e) {
            return body;
        }
        Optional<OpenApiDocuments.Schema> schema = openApi.schemaOf(type);
        if (schema.isEmpty()) {
            return body;
        }
        warnings.addAll(mode.check(type, object, schema.get(), apply));
        return ObjectStore.write(object);
    }

    private static MockResponse withWarnings(MockResponse response, List<String> warnings) {
        for (String warning : warnings) {
            response.addHeader("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
        }
        return response;
    }

    private void checkRejection(ResourceType type, ApiPath path, String namespace, String name) {
        if (name == null) {
            return;
        }
        Faults.Rejection r = faults.rejectionFor(type.kind(), namespace, name);
        if (r != null) {
            throw new ApiError(
                    r.code(),
                    r.code() == 422 ? "Invalid" : "InternalError",
                    r.code() == 422
                            ? type.qualifiedKind() + " \"" + name + "\" is invalid: " + r.message()
                            : r.message(),
                    name,
                    type.group(),
                    type.kind(),
                    null);
        }
    }

    private static String nameIn(String body) {
        try {
            return ObjectStore.JSON.readTree(body).path("metadata").path("name").asText(null);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The field manager of a non-apply write: the query parameter, else the client's user agent, as a real server
     * does.
     */
    private static String managerFor(RecordedRequest request, ApiPath path) {
        String manager = path.fieldManager();
        if (manager != null && !manager.isEmpty()) {
            return manager;
        }
        String agent = request.getHeader("User-Agent");
        if (agent == null || agent.isEmpty()) {
            return "unknown";
        }
        return agent.split("/")[0];
    }

    private static MockResponse result(Writes.Result r) {
        return json(r.code(), r.object());
    }

    private static MockResponse json(int code, Object body) {
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(ObjectStore.write(body));
    }

    private static MockResponse status(ApiError e) {
        return json(e.code, e.toStatus());
    }

    private static MockResponse pageNotFound() {
        return new MockResponse()
                .setResponseCode(404)
                .setHeader("Content-Type", "text/plain; charset=utf-8")
                .setBody("404 page not found\n");
    }

    @Override
    public void reset() {
        super.reset();
        catalog.reset();
        controllers.resetRollouts();
        faults.clear();
    }

    /**
     * A list filtered by {@code fieldSelector} ({@code involvedObject.name=web,involvedObject.kind=Deployment},
     * as {@code kubectl describe} asks for an object's Events; {@code metadata.name}, ...): the
     * mock store lists, the sandbox filters on each field's value, {@code =}, {@code ==} and
     * {@code !=} as the API server accepts them.
     */
    private MockResponse fieldSelected(RecordedRequest request, ResourceType type, String uri, String selector) {
        String without = uri.replaceAll("([?&])fieldSelector=[^&]*&?", "$1").replaceAll("[?&]$", "");
        MockResponse listed = store.read(() -> super.handleGet(without));
        if (listed.code() != 200) {
            return listed.setHeader("Content-Type", "application/json");
        }
        ObjectNode list = onlyGroup(ObjectStore.parse(listed.getBody().readUtf8()), type);
        ArrayNode kept = list.arrayNode();
        for (JsonNode item : list.path("items")) {
            if (FieldSelector.matches(selector, item)) {
                kept.add(item);
            }
        }
        list.set("items", kept);
        return listed(request, type, list);
    }

    /** A list, as a Table when kubectl asks for one. */
    private static MockResponse listed(RecordedRequest request, ResourceType type, ObjectNode list) {
        if (!Tables.wanted(request.getHeader("Accept"))) {
            return json(200, list);
        }
        List<JsonNode> items = new ArrayList<>();
        list.path("items").forEach(items::add);
        return json(
                200,
                Tables.of(
                        type,
                        items,
                        list.path("metadata").path("resourceVersion").asText(),
                        Instant.now()));
    }

    /**
     * A list as a real server answers it: typed ({@code EventList}, {@code apps/v1}), which typed
     * clients such as {@code kubectl describe} need to decode it, and holding one group's objects
     * (the mock store lists by plural, so {@code /api/v1/events} would also return the
     * {@code events.k8s.io} Events).
     */
    private ObjectNode onlyGroup(ObjectNode list, ResourceType type) {
        list.put("apiVersion", type.group().isEmpty() ? type.version() : type.group() + "/" + type.version());
        list.put("kind", type.kind() + "List");
        if (!list.path("metadata").has("resourceVersion")) {
            list.putObject("metadata").put("resourceVersion", store.nextResourceVersion());
        }
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            String apiVersion = item.path("apiVersion").asText("");
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            if (apiVersion.isEmpty() || group.equals(type.group())) {
                kept.add(item);
            }
        }
        // in etcd's key order, as a real server lists: by namespace, then name
        kept.sort(Comparator.comparing(
                        (JsonNode o) -> o.path("metadata").path("namespace").asText(""))
                .thenComparing(o -> o.path("metadata").path("name").asText("")));
        list.set("items", list.arrayNode().addAll(kept));
        return list;
    }
}
