package io.alfred.gitops.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.config.YamlLimits;
import java.util.ArrayList;
import java.util.List;

/** Turns YAML documents into {@link Manifest}s, refusing anything that is not a Kubernetes object. */
final class ManifestParser {
    private ManifestParser() {}

    static List<Manifest> parse(String yaml, String source) {
        return parse(yaml, source, YamlLimits.defaults());
    }

    static List<Manifest> parse(String yaml, String source, YamlLimits limits) {
        List<Manifest> out = new ArrayList<>();
        for (YamlDocuments.Document doc : YamlDocuments.parse(yaml, source, limits)) {
            add(doc.node(), source + ":" + doc.line(), out);
        }
        return out;
    }

    private static void add(JsonNode node, String origin, List<Manifest> out) {
        if (node.isNull() || node.isMissingNode()) {
            return; // an empty document, as between two '---'
        }
        if (!node.isObject()) {
            throw new RenderException(
                    origin,
                    "a document must be a mapping (a Kubernetes object), found a "
                            + node.getNodeType().name().toLowerCase());
        }
        ObjectNode object = (ObjectNode) node;
        String apiVersion = requiredText(object, "apiVersion", origin);
        String kind = requiredText(object, "kind", origin);
        if (kind.endsWith("List") && object.has("items") && !object.has("metadata")
                || "List".equals(kind) && "v1".equals(apiVersion)) {
            JsonNode items = object.path("items");
            for (int i = 0; i < items.size(); i++) {
                add(items.get(i), origin + " items[" + i + "]", out);
            }
            return;
        }
        JsonNode metadata = object.path("metadata");
        if (!metadata.isObject()) {
            throw new RenderException(origin + " (" + kind + ")", "metadata is missing or not a mapping");
        }
        JsonNode name = metadata.path("name");
        if (!name.isTextual() || name.asText().isEmpty()) {
            throw new RenderException(
                    origin + " (" + kind + ")",
                    "metadata.name is missing or not a string"
                            + (metadata.has("generateName")
                                    ? " (generateName cannot be used: git must name every object)"
                                    : ""));
        }
        JsonNode namespace = metadata.path("namespace");
        if (!namespace.isMissingNode() && !namespace.isNull() && !namespace.isTextual()) {
            throw new RenderException(
                    origin + " (" + kind + " " + name.asText() + ")", "metadata.namespace is not a string");
        }
        for (String map : new String[] {"labels", "annotations"}) {
            stringValues(metadata.path(map), "metadata." + map, origin + " (" + kind + " " + name.asText() + ")");
        }
        ObjectRef ref = ObjectRef.of(apiVersion, kind, namespace.isTextual() ? namespace.asText() : "", name.asText());
        out.add(new Manifest(ref, object, origin));
    }

    /**
     * Labels and annotations are strings in every kind: the API server refuses {@code tier: 1}
     * ("cannot unmarshal number"), while a typed client would quietly send "1"; say it here, once.
     */
    private static void stringValues(JsonNode map, String field, String where) {
        if (map.isMissingNode() || map.isNull()) {
            return;
        }
        if (!map.isObject()) {
            throw new RenderException(where, field + " must be a mapping of strings");
        }
        map.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new RenderException(
                        where,
                        field + "." + e.getKey() + " is " + e.getValue() + ", not a string: quote it (\""
                                + e.getValue().asText() + "\")");
            }
        });
    }

    private static String requiredText(ObjectNode object, String field, String origin) {
        JsonNode value = object.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            String name = object.path("metadata").path("name").asText("");
            throw new RenderException(
                    origin + (name.isEmpty() ? "" : " (" + name + ")"), field + " is missing or not a string");
        }
        return value.asText();
    }
}
