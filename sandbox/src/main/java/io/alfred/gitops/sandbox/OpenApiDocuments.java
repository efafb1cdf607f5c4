package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /openapi/v3} and {@code /openapi/v2} as kube-apiserver serves them, built from the kinds the
 * sandbox serves ({@link KindSchemas}): the v3 root lists one document per group-version with a
 * content hash in its URL; each document has the paths (with the {@code fieldValidation},
 * {@code dryRun} and {@code fieldManager} parameters kubectl checks for before it leaves validation to
 * the server) and the schemas. The same schemas decide which fields the sandbox prunes.
 */
final class OpenApiDocuments {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<String> CUSTOM_PATCHES =
            List.of("application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json");
    private static final List<String> BUILT_IN_PATCHES = List.of(
            "application/apply-patch+yaml",
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json");

    private final ResourceCatalog catalog;
    private final ObjectStore store;
    private final KindSchemas schemas = new KindSchemas();
    private final Map<String, ObjectNode> builtInDocuments = new ConcurrentHashMap<>();
    private final Map<ResourceType, Optional<Schema>> builtInSchemas = new ConcurrentHashMap<>();

    OpenApiDocuments(ResourceCatalog catalog, ObjectStore store) {
        this.catalog = catalog;
        this.store = store;
    }

    /** {@code GET /openapi/v3}: where each group-version's document is. */
    ObjectNode root() {
        ObjectNode root = JSON.objectNode();
        ObjectNode paths = root.putObject("paths");
        for (String gv : groupVersions()) {
            String key = gv.contains("/") ? "apis/" + gv : "api/" + gv;
            paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=" + hash(document(gv)));
        }
        return root;
    }

    /** {@code GET /openapi/v3/apis/G/V} (or {@code api/v1}), if served. */
    Optional<ObjectNode> v3(String requestPath) {
        String rest = requestPath.substring("/openapi/v3/".length());
        String gv = rest.startsWith("apis/") ? rest.substring(5) : rest.startsWith("api/") ? rest.substring(4) : null;
        return gv != null && groupVersions().contains(gv) ? Optional.of(document(gv)) : Optional.empty();
    }

    /** {@code GET /openapi/v2}: one Swagger 2.0 document for everything (JSON only). */
    ObjectNode v2() {
        ObjectNode doc = JSON.objectNode().put("swagger", "2.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
        ObjectNode paths = doc.putObject("paths");
        ObjectNode definitions = doc.putObject("definitions");
        for (String gv : groupVersions()) {
            ObjectNode v3 = document(gv);
            String text = ObjectStore.write(v3).replace("#/components/schemas/", "#/definitions/");
            ObjectNode converted = ObjectStore.parse(text);
            converted.path("paths").fields().forEachRemaining(e -> paths.set(e.getKey(), e.getValue()));
            converted
                    .path("components")
                    .path("schemas")
                    .fields()
                    .forEachRemaining(e -> definitions.set(e.getKey(), e.getValue()));
        }
        return doc;
    }

    /** The schema of a kind and the definitions it refers to, or empty for a kind with no schema. */
    Optional<Schema> schemaOf(ResourceType type) {
        // asked twice per write (field validation, then the decoder check): a built-in kind's never changes
        return catalog.isCustom(type) ? findSchema(type) : builtInSchemas.computeIfAbsent(type, this::findSchema);
    }

    private Optional<Schema> findSchema(ResourceType type) {
        ObjectNode doc = document(type.groupVersion());
        Map<String, ObjectNode> definitions = new LinkedHashMap<>();
        doc.path("components")
                .path("schemas")
                .fields()
                .forEachRemaining(e -> definitions.put(e.getKey(), (ObjectNode) e.getValue()));
        return kindDefinition(definitions, type).map(name -> new Schema(definitions.get(name), definitions));
    }

    /** The name of the definition that carries {@code type}'s {@code x-kubernetes-group-version-kind}. */
    private static Optional<String> kindDefinition(Map<String, ObjectNode> definitions, ResourceType type) {
        for (Map.Entry<String, ObjectNode> d : definitions.entrySet()) {
            for (JsonNode gvk : d.getValue().path("x-kubernetes-group-version-kind")) {
                if (gvk.path("kind").asText().equals(type.kind())
                        && gvk.path("group").asText().equals(type.group())) {
                    return Optional.of(d.getKey());
                }
            }
        }
        return Optional.empty();
    }

    /** A kind's schema with the definitions its {@code $ref}s name. */
    record Schema(ObjectNode root, Map<String, ObjectNode> definitions) {

        /**
         * The schema {@code node} stands for: its {@code $ref} followed, a single {@code allOf} unwrapped; null if
         * unknown.
         */
        JsonNode resolve(JsonNode node) {
            JsonNode s = node;
            for (int i = 0; i < 10 && s != null && s.has("$ref"); i++) {
                String ref = s.get("$ref").asText();
                s = definitions.get(ref.substring(ref.lastIndexOf('/') + 1));
            }
            if (s != null && s.has("allOf") && s.get("allOf").size() == 1) {
                return resolve(s.get("allOf").get(0));
            }
            return s;
        }
    }

    private List<String> groupVersions() {
        return catalog.all().stream()
                .map(ResourceType::groupVersion)
                .distinct()
                .sorted()
                .toList();
    }

    private ObjectNode document(String gv) {
        List<ResourceType> types =
                catalog.all().stream().filter(t -> t.groupVersion().equals(gv)).toList();
        Map<ResourceType, JsonNode> crdSchemas =
                new TreeMap<>((a, b) -> a.plural().compareTo(b.plural()));
        for (ResourceType t : types) {
            crdSchemaOf(t).ifPresent(s -> crdSchemas.put(t, s));
        }
        if (crdSchemas.isEmpty()) {
            return builtInDocuments.computeIfAbsent(gv, k -> build(types, Map.of()));
        }
        return build(types, crdSchemas);
    }

    /** A custom resource's schema from its CRD (empty for a built-in kind). */
    Optional<JsonNode> crdSchemaOf(ResourceType type) {
        if (!catalog.isCustom(type)) {
            return Optional.empty();
        }
        ObjectNode crd = store.get(
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + type.plural() + "." + type.group());
        if (crd == null) {
            return Optional.empty();
        }
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals(type.version())) {
                JsonNode schema = v.path("schema").path("openAPIV3Schema");
                return Optional.of(
                        schema.isObject()
                                ? schema
                                : JSON.objectNode()
                                        .put("type", "object")
                                        .put("x-kubernetes-preserve-unknown-fields", true));
            }
        }
        return Optional.empty();
    }

    private ObjectNode build(List<ResourceType> types, Map<ResourceType, JsonNode> crdSchemas) {
        Map<String, ObjectNode> definitions = schemas.forGroupVersion(types, crdSchemas);
        ObjectNode doc = JSON.objectNode().put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
        ObjectNode paths = doc.putObject("paths");
        for (ResourceType t : types) {
            String kindSchema = kindDefinition(definitions, t).orElse(null);
            String base = (t.group().isEmpty() ? "/api/" : "/apis/" + t.group() + "/")
                    + t.version()
                    + (t.namespaced() ? "/namespaces/{namespace}/" : "/")
                    + t.plural();
            ObjectNode collection = paths.putObject(base);
            operation(collection, "get", "list", t, kindSchema, false);
            operation(collection, "post", "post", t, kindSchema, true);
            ObjectNode item = paths.putObject(base + "/{name}");
            operation(item, "get", "get", t, kindSchema, false);
            operation(item, "put", "put", t, kindSchema, true);
            ObjectNode patch = operation(item, "patch", "patch", t, kindSchema, true);
            patch.withArray("parameters")
                    .addObject()
                    .put("name", "force")
                    .put("in", "query")
                    .putObject("schema")
                    .put("type", "boolean");
            // the patch types this kind takes: kubectl apply and diff look for strategic merge patch here
            ObjectNode content = patch.putObject("requestBody").putObject("content");
            for (String mediaType : crdSchemas.containsKey(t) ? CUSTOM_PATCHES : BUILT_IN_PATCHES) {
                content.putObject(mediaType).putObject("schema").put("type", "object");
            }
            operation(item, "delete", "delete", t, kindSchema, false);
        }
        ObjectNode components = doc.putObject("components").putObject("schemas");
        definitions.forEach(components::set);
        return doc;
    }

    private static ObjectNode operation(
            ObjectNode path, String method, String action, ResourceType t, String schema, boolean writes) {
        ObjectNode op =
                path.putObject(method).put("operationId", action + t.kind()).put("x-kubernetes-action", action);
        op.putObject("x-kubernetes-group-version-kind")
                .put("group", t.group())
                .put("version", t.version())
                .put("kind", t.kind());
        ArrayNode parameters = op.putArray("parameters");
        if (writes) {
            for (String name : new String[] {"dryRun", "fieldManager", "fieldValidation"}) {
                parameters
                        .addObject()
                        .put("name", name)
                        .put("in", "query")
                        .putObject("schema")
                        .put("type", "string");
            }
        }
        if (schema != null) {
            op.putObject("responses")
                    .putObject("200")
                    .putObject("content")
                    .putObject("application/json")
                    .putObject("schema")
                    .put("$ref", "#/components/schemas/" + schema);
        }
        return op;
    }

    private static String hash(ObjectNode doc) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512")
                    .digest(ObjectStore.write(doc).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest, 0, 64);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
